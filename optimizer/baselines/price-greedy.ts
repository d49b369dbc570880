/**
 * Cheapest slots before departure, what popular home chargers do: vehicles are placed by departure
 * (earlier `departureSlot` first, then lower index); each takes the slots of its stay in order of import
 * price (ties: earlier slot) and charges at full power, within what the site has left, until it holds its
 * required energy. With a charge taper the powers are then clipped to it in time order (`ChargeAllocation.taperClippedKw`).
 */
import type { ResolvedProblem } from '../resolved-problem.ts';
import { ChargeAllocation, byKeyThenIndex } from './allocation.ts';

/** Charge power per vehicle and slot (kW, >= 0) of cheapest-slots charging. */
export function priceGreedyPowerKw(rp: ResolvedProblem): Float64Array[] {
  const alloc = new ChargeAllocation(rp, 'any');
  const order = rp.vehicles.map((_, i) => i).sort(byKeyThenIndex((i) => rp.vehicles[i]!.departureSlot));
  const byPrice = (a: number, b: number) => rp.importPricePerKwh[a]! - rp.importPricePerKwh[b]! || a - b;
  for (const i of order) {
    const v = rp.vehicles[i]!;
    const slots: number[] = [];
    for (let t = v.arrivalSlot; t < v.endSlot; t++) slots.push(t);
    for (const t of slots.sort(byPrice)) {
      if (!alloc.needsEnergy(i)) break;
      alloc.give(i, t);
    }
  }
  return alloc.taperClippedKw();
}
