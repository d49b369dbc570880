/**
 * Earliest deadline first: in each slot the plugged vehicles that still need energy are served in order of
 * departure (earlier `departureSlot` first, then lower index), each at full power within what the site
 * has left.
 */
import type { ResolvedProblem } from '../resolved-problem.ts';
import { ChargeAllocation, byKeyThenIndex } from './allocation.ts';

/** Charge power per vehicle and slot (kW, >= 0) of earliest-deadline-first charging. */
export function edfPowerKw(rp: ResolvedProblem): Float64Array[] {
  const alloc = new ChargeAllocation(rp);
  const order = byKeyThenIndex((i) => rp.vehicles[i]!.departureSlot);
  for (let t = 0; t < rp.slotCount; t++) {
    for (const i of alloc.waitingAt(t).sort(order)) alloc.give(i, t);
  }
  return alloc.powerKw;
}
