/** The DP's view of a resolved problem's vehicles (vehicle-dp.ts). */
import type { ResolvedProblem } from '../resolved-problem.ts';
import type { DpVehicle } from './vehicle-dp.ts';

/** One `DpVehicle` per resolved vehicle, same order; the shortfall penalty is the problem's. */
export function dpVehicles(rp: ResolvedProblem): DpVehicle[] {
  return rp.vehicles.map((v) => ({
    arrivalSlot: v.arrivalSlot,
    endSlot: Math.max(v.arrivalSlot, v.endSlot),
    initialEnergyKwh: v.initialEnergyKwh,
    floorEnergyKwh: v.floorEnergyKwh,
    capacityKwh: v.capacityKwh,
    requiredEnergyKwh: v.requiredEnergyKwh,
    shortfallPenaltyPerKwh: rp.shortfallPenaltyPerKwh,
    chargeEfficiency: v.chargeEfficiency,
    dischargeEfficiency: v.dischargeEfficiency,
    degradationCostPerKwh: v.degradationCostPerKwh,
    maxChargeKw: v.maxChargeKw,
    maxDischargeKw: v.maxDischargeKw,
  }));
}
