/**
 * Mapping a vehicle's arrival and departure instants to slot indices.
 *
 * Rules (a slot is usable only if the vehicle is plugged in for all of it):
 * - arrival rounds **up** to the next slot boundary (an arrival exactly on a boundary keeps it);
 * - departure rounds **down** to the previous slot boundary;
 * - a vehicle already plugged in at the horizon start gets `arrivalSlot` 0;
 * - a departure after the horizon end keeps its slot index beyond `slotCount` (the `Problem` allows it and
 *   reduces the target by what can still be charged after the horizon);
 * - a vehicle that is not plugged in for one whole slot is *dropped and reported* with a reason, never
 *   silently: it departs at or before the horizon start, arrives at or after the horizon end, or its stay
 *   covers no whole slot (e.g. 10:05-10:25 with 15-minute slots).
 */
import { GridInputError } from './errors.ts';
import { epochMsIssue } from './instant.ts';
import { boundaryAtOrAfter, boundaryAtOrBefore, type SlotGrid } from './slot-grid.ts';

/** Why a vehicle is left out of the problem. */
export type DropReason = 'departs-before-horizon' | 'arrives-after-horizon' | 'no-whole-slot';

/** A vehicle's stay in slot indices, or the reason it has none. */
export type PlugWindow =
  | {
      readonly kind: 'plugged';
      /** First slot plugged in, 0 <= arrivalSlot < slotCount. */
      readonly arrivalSlot: number;
      /** First slot gone (exclusive), > arrivalSlot; may exceed slotCount. */
      readonly departureSlot: number;
      /** Plugged in before the horizon start. */
      readonly alreadyPluggedIn: boolean;
      /** Departs after the horizon end. */
      readonly departsAfterHorizon: boolean;
    }
  | { readonly kind: 'dropped'; readonly reason: DropReason; readonly message: string };

/**
 * The slots a vehicle can use. Throws `V2G_ERR_TIME_FORMAT` unless both instants are integer epoch ms; a
 * departure at or before the arrival is dropped as `no-whole-slot` (`vehiclesOnGrid` rejects it earlier as
 * bad input).
 */
export function plugWindow(grid: SlotGrid, arrivalUtcMs: number, departureUtcMs: number): PlugWindow {
  const bad = [epochMsIssue(arrivalUtcMs, '/arrival'), epochMsIssue(departureUtcMs, '/departure')].filter((x) => x !== undefined);
  if (bad.length > 0) throw new GridInputError('V2G_ERR_TIME_FORMAT', 'A plug-in window needs two instants', bad);
  if (departureUtcMs <= arrivalUtcMs) {
    return { kind: 'dropped', reason: 'no-whole-slot', message: 'departs at or before its arrival, so it is never plugged in' };
  }
  if (departureUtcMs <= grid.startUtcMs) {
    return { kind: 'dropped', reason: 'departs-before-horizon', message: 'departs at or before the horizon start' };
  }
  if (arrivalUtcMs >= grid.endUtcMs) {
    return { kind: 'dropped', reason: 'arrives-after-horizon', message: 'arrives at or after the horizon end' };
  }
  const arrivalSlot = Math.max(0, boundaryAtOrAfter(grid, arrivalUtcMs));
  const departureSlot = boundaryAtOrBefore(grid, departureUtcMs);
  if (departureSlot <= arrivalSlot || arrivalSlot >= grid.slotCount) {
    const inside = Math.min(departureUtcMs, grid.endUtcMs) - Math.max(arrivalUtcMs, grid.startUtcMs);
    const minutes = Math.round(inside / 60_000);
    return {
      kind: 'dropped',
      reason: 'no-whole-slot',
      message: `plugged in for ${minutes} min within the horizon, which covers no whole ${grid.slotMs / 60_000}-minute slot`,
    };
  }
  return {
    kind: 'plugged',
    arrivalSlot,
    departureSlot,
    alreadyPluggedIn: arrivalUtcMs < grid.startUtcMs,
    departsAfterHorizon: departureUtcMs > grid.endUtcMs,
  };
}
