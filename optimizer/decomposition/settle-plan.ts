/**
 * Makes a column-generation plan (column-store.ts) true per vehicle where averaging bent it: a convex
 * combination of answers is a point of the vehicle's LP, but the plan keeps net power only, so a slot where
 * one answer charged and another discharged nets out with less loss and the battery may end up above its
 * capacity (charge cut back to reach it exactly); minimum powers are then enforced as in the recovery (raised
 * where the site's import or export headroom and the battery allow, otherwise off). Cutting charge or turning
 * a low power off only moves the site's net towards zero; the validator checks the result like any plan.
 */
import type { ResolvedProblem } from '../resolved-problem.ts';
import { enforceMinimumPower } from './primal-recovery.ts';
import type { SiteSlots } from './site-oracle.ts';
import type { DpVehicle } from './vehicle-dp.ts';

export function settlePlan(rp: ResolvedProblem, vehicles: readonly DpVehicle[], site: SiteSlots, powers: Float64Array[]): void {
  const T = rp.slotCount;
  const dt = rp.slotHours;
  vehicles.forEach((v, i) => {
    const p = powers[i]!;
    let e = v.initialEnergyKwh;
    const hi = Math.max(v.capacityKwh, v.initialEnergyKwh);
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      const kw = p[t]!;
      let next = e + (kw > 0 ? dt * v.chargeEfficiency * kw : (dt * kw) / v.dischargeEfficiency);
      if (kw > 0 && next > hi) {
        p[t] = Math.max(0, (hi - e) / (dt * v.chargeEfficiency));
        next = e + dt * v.chargeEfficiency * p[t]!;
      }
      e = next;
    }
  });
  if (!rp.vehicles.some((v) => v.minChargeKw > 0 || v.minDischargeKw > 0)) return;
  const net = Float64Array.from(site.netBaseKw);
  vehicles.forEach((v, i) => {
    for (let t = v.arrivalSlot; t < v.endSlot; t++) net[t]! += powers[i]![t]!;
  });
  const chargeCap = new Float64Array(T);
  const dischargeCap = new Float64Array(T);
  vehicles.forEach((v, i) => {
    const r = rp.vehicles[i]!;
    if (r.minChargeKw <= 0 && r.minDischargeKw <= 0) return;
    const p = powers[i]!;
    const before = Float64Array.from(p);
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      chargeCap[t] = Math.max(0, p[t]!) + Math.max(0, site.importCapKw[t]! - net[t]!);
      dischargeCap[t] = Math.max(0, -p[t]!) + Math.max(0, net[t]! + site.curtailCapKw[t]! + site.exportCapKw[t]!);
    }
    enforceMinimumPower(v, dt, r.minChargeKw, r.minDischargeKw, p, chargeCap, dischargeCap);
    for (let t = v.arrivalSlot; t < v.endSlot; t++) net[t]! += p[t]! - before[t]!;
  });
}
