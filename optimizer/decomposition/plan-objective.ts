/**
 * The objective a plan made of these net powers would report (plan-assembly.ts's formulas, PV curtailment by
 * `bestCurtailmentKw`), without building the plan: the recovery compares candidates with it.
 */
import { bestCurtailmentKw, powerNoiseKw } from '../plan-assembly.ts';
import type { ResolvedProblem } from '../resolved-problem.ts';

export function planObjective(rp: ResolvedProblem, powers: readonly Float64Array[]): number {
  const T = rp.slotCount;
  const dt = rp.slotHours;
  const net = Float64Array.from(rp.netBaseKw);
  let total = 0;
  rp.vehicles.forEach((v, i) => {
    const p = powers[i]!;
    let e = v.initialEnergyKwh;
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      const kw = Math.abs(p[t]!) < powerNoiseKw ? 0 : p[t]!;
      if (kw === 0) continue;
      net[t]! += kw;
      e += kw > 0 ? dt * v.chargeEfficiency * kw : (dt * kw) / v.dischargeEfficiency;
      total += v.degradationCostPerKwh * dt * Math.abs(kw);
    }
    total += rp.shortfallPenaltyPerKwh * Math.max(0, v.requiredEnergyKwh - e);
  });
  let peak = rp.previousPeakKw;
  for (let t = 0; t < T; t++) {
    const n = net[t]! + bestCurtailmentKw(rp, t, net[t]!);
    const imp = n > 0 ? n : 0;
    const exp = n < 0 ? -n : 0;
    total += dt * (rp.importPricePerKwh[t]! * imp - rp.exportPricePerKwh[t]! * exp);
    total += rp.limitExcessPenaltyPerKwh * dt * (Math.max(0, imp - rp.importLimitKw[t]!) + Math.max(0, exp - rp.exportLimitKw[t]!));
    if (rp.demandChargeSlot[t] && imp > peak) peak = imp;
  }
  return total + rp.demandChargePerKw * (peak - rp.previousPeakKw);
}
