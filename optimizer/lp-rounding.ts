/**
 * An LP answer with mode conflicts made feasible, cheaply (one pass per vehicle, no solver): the "LP made
 * feasible" incumbent of an anytime solve. Per vehicle and slot of its stay, in time order: the net power
 * (charge - discharge) is clamped to the slot's limits and to the battery's room (capacity above, floor
 * below, with the energy reached so far), then a power below the charger's minimum is rounded to the
 * minimum when at least half of it and the room allows, else to 0. Netting removes every both-directions
 * slot, and site flows are derived from net powers, so no site slot imports and exports at once.
 *
 * Vehicle bounds hold by construction; site limits and a network are not re-checked here (dropping a
 * discharge raises import), so the result is a candidate that still meets the validator like any other.
 */
import type { ResolvedProblem, ResolvedVehicle } from './resolved-problem.ts';

/** Energy margin kept from the battery's bounds against rounding (kWh). */
const energyMarginKwh = 1e-9;

function roundVehicle(v: ResolvedVehicle, source: ArrayLike<number>, dt: number): Float64Array {
  const out = new Float64Array(source.length);
  let energy = v.initialEnergyKwh;
  for (let t = v.arrivalSlot; t < v.endSlot; t++) {
    let p = source[t]!;
    if (p > 0) {
      const roomKw = Math.max(0, (v.capacityKwh - energyMarginKwh - energy) / (dt * v.chargeEfficiency));
      const maxKw = Math.min(v.maxChargeKw[t]!, roomKw);
      p = Math.min(p, maxKw);
      if (p < v.minChargeKw) p = p >= v.minChargeKw / 2 && v.minChargeKw <= maxKw ? v.minChargeKw : 0;
      energy += dt * v.chargeEfficiency * p;
    } else if (p < 0) {
      const availableKw = Math.max(0, ((energy - v.floorEnergyKwh - energyMarginKwh) * v.dischargeEfficiency) / dt);
      const maxKw = Math.min(v.maxDischargeKw[t]!, availableKw);
      let d = Math.min(-p, maxKw);
      if (d < v.minDischargeKw) d = d >= v.minDischargeKw / 2 && v.minDischargeKw <= maxKw ? v.minDischargeKw : 0;
      energy -= (dt * d) / v.dischargeEfficiency;
      p = -d;
    }
    out[t] = p;
  }
  return out;
}

/** Net powers per vehicle (kW, as `extractPowers` gives them) made to respect every vehicle bound and minimum. */
export function roundedPowers(rp: ResolvedProblem, powers: readonly ArrayLike<number>[]): Float64Array[] {
  return rp.vehicles.map((v, i) => roundVehicle(v, powers[i]!, rp.slotHours));
}
