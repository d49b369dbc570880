/**
 * Uncontrolled charging: what a plain charger does. Every vehicle charges at full power from its arrival
 * until it holds its required energy. When the site limit binds, first come first served: earlier
 * `arrivalSlot` first, then lower vehicle index.
 */
import type { ResolvedProblem } from '../resolved-problem.ts';
import { ChargeAllocation, byKeyThenIndex } from './allocation.ts';

/** Charge power per vehicle and slot (kW, >= 0) of uncontrolled charging. */
export function uncontrolledPowerKw(rp: ResolvedProblem): Float64Array[] {
  const alloc = new ChargeAllocation(rp);
  const order = byKeyThenIndex((i) => rp.vehicles[i]!.arrivalSlot);
  for (let t = 0; t < rp.slotCount; t++) {
    for (const i of alloc.waitingAt(t).sort(order)) alloc.give(i, t);
  }
  return alloc.powerKw;
}
