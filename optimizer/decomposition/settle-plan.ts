/**
 * Makes a column-generation plan (column-store.ts) true per vehicle where averaging bent it: a convex
 * combination of answers is a point of the vehicle's LP, but the plan keeps net power only, so a slot where
 * one answer charged and another discharged nets out with less loss and the battery may end up above its
 * capacity (charge cut back to reach it exactly); minimum powers are then rounded for the whole fleet at once,
 * slot by slot, keeping every shared row no worse than the master's (minimum-power-split.ts). The validator
 * checks the result like any plan.
 */
import type { ResolvedProblem } from '../resolved-problem.ts';
import { splitWithMinimumPower } from './minimum-power-split.ts';
import type { SiteSlots } from './site-oracle.ts';
import type { DpVehicle } from './vehicle-dp.ts';

/** `minimumPowers: false` settles the battery room only (a portfolio rounds minimum powers over all its sites at once). */
export function settlePlan(rp: ResolvedProblem, vehicles: readonly DpVehicle[], site: SiteSlots, powers: Float64Array[], options: { readonly minimumPowers?: boolean } = {}): void {
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
  if (options.minimumPowers === false || !rp.vehicles.some((v) => v.minChargeKw > 0 || v.minDischargeKw > 0)) return;
  splitWithMinimumPower(rp, vehicles, site, powers);
}
