/**
 * Least laxity first: in each slot the plugged vehicles that still need energy are served in order of
 * laxity, least first (ties: lower index), each at full power within what the site has left.
 *
 * Laxity in slot t = (slots left, `endSlot - t`) - (slots needed at full power to reach the required
 * energy, `gap / (slotHours x chargeEfficiency x fullKw)`, fractional), where `fullKw` is the highest charge
 * limit over the vehicle's remaining slots `[t, endSlot)`. A vehicle that can no longer charge at all has
 * laxity -Infinity (it is served first, and gets nothing).
 */
import type { ResolvedProblem } from '../resolved-problem.ts';
import { ChargeAllocation, byKeyThenIndex, powerToFillKw } from './allocation.ts';

/** Per vehicle, the highest charge limit over slots [t, slotCount) (kW), indexed by t (length slotCount + 1). */
function remainingPeakLimitKw(rp: ResolvedProblem): Float64Array[] {
  return rp.vehicles.map((v) => {
    const out = new Float64Array(rp.slotCount + 1);
    for (let t = rp.slotCount - 1; t >= 0; t--) out[t] = Math.max(out[t + 1]!, v.maxChargeKw[t]!);
    return out;
  });
}

/** Charge power per vehicle and slot (kW, >= 0) of least-laxity-first charging. */
export function llfPowerKw(rp: ResolvedProblem): Float64Array[] {
  const alloc = new ChargeAllocation(rp);
  const peakKw = remainingPeakLimitKw(rp);
  for (let t = 0; t < rp.slotCount; t++) {
    const laxity = new Map<number, number>();
    const waiting = alloc.waitingAt(t);
    for (const i of waiting) {
      const v = rp.vehicles[i]!;
      const fullKw = peakKw[i]![t]!;
      const neededSlots = fullKw > 0 ? powerToFillKw(v, rp.slotHours, alloc.gapKwh(i)) / fullKw : Infinity;
      laxity.set(i, v.endSlot - t - neededSlots);
    }
    for (const i of waiting.sort(byKeyThenIndex((i) => laxity.get(i)!))) alloc.give(i, t);
  }
  return alloc.powerKw;
}
