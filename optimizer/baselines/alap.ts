/**
 * As late as possible: each vehicle charges at full power in the last slots before it leaves (the horizon
 * end for a later departure), so that it reaches its required energy just in time. Vehicles are placed by
 * departure (earlier `departureSlot` first, then lower index), each filling its stay backwards from its
 * last slot; what does not fit under the site headroom (left by vehicles placed before) moves earlier. With a
 * charge taper the powers are then clipped to it in time order (`ChargeAllocation.taperClippedKw`).
 */
import type { ResolvedProblem } from '../resolved-problem.ts';
import { ChargeAllocation, byKeyThenIndex } from './allocation.ts';

/** Charge power per vehicle and slot (kW, >= 0) of as-late-as-possible charging. */
export function alapPowerKw(rp: ResolvedProblem): Float64Array[] {
  const alloc = new ChargeAllocation(rp, 'any');
  const order = rp.vehicles.map((_, i) => i).sort(byKeyThenIndex((i) => rp.vehicles[i]!.departureSlot));
  for (const i of order) {
    const v = rp.vehicles[i]!;
    for (let t = v.endSlot - 1; t >= v.arrivalSlot && alloc.needsEnergy(i); t--) alloc.give(i, t);
  }
  return alloc.taperClippedKw();
}
