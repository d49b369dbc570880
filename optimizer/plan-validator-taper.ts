/**
 * The validator's charge-taper rule (`Vehicle.chargeTaper`, problem.ts), re-derived from the problem's
 * documentation and sharing no code with the LP's rows (taper-rows.ts): a slot's charge power p > 0 (kW,
 * grid side) is at most `fullPowerKw x (1 - (1 - endPowerFraction) / (1 - startSoc) x (soc - startSoc))`, where
 * soc is the energy `checkAtSlotFraction` (default 1) into the slot - the slot's start energy plus that share of
 * the energy the slot's power adds - over the capacity. Below `startSoc` the limit is above `fullPowerKw`, so
 * only the charge limit binds there.
 *
 * With `stepsPerSlot` n (the stepped form) the limit is the largest slot average a battery integrated in n equal
 * steps reaches from the slot's start energy when each step takes min(fullPowerKw, the limit at the step's start):
 * simulated here step by step.
 */
import type { Vehicle } from './problem.ts';

/**
 * The taper limit (kW) vehicle `v` has in a slot that starts holding `startEnergyKwh` and adds `slotGainKwh`
 * (its stored-energy change), or undefined when `v` has no taper. `kwhPerKw`: the stored energy one kW of charge
 * adds over the slot (slot hours x charge efficiency), for the stepped form.
 */
export function taperLimitAtKw(v: Vehicle, startEnergyKwh: number, slotGainKwh: number, kwhPerKw: number): number | undefined {
  const taper = v.chargeTaper;
  if (taper === undefined) return undefined;
  const steps = taper.stepsPerSlot;
  if (steps !== undefined) {
    let e = startEnergyKwh;
    let sumKw = 0;
    for (let i = 0; i < steps; i++) {
      const soc = e / v.capacityKwh;
      const kw = Math.min(taper.fullPowerKw, taper.fullPowerKw * (1 - ((1 - taper.endPowerFraction) / (1 - taper.startSoc)) * (soc - taper.startSoc)));
      sumKw += Math.max(0, kw);
      e += (Math.max(0, kw) * kwhPerKw) / steps;
    }
    return sumKw / steps;
  }
  const soc = (startEnergyKwh + (taper.checkAtSlotFraction ?? 1) * slotGainKwh) / v.capacityKwh;
  return taper.fullPowerKw * (1 - ((1 - taper.endPowerFraction) / (1 - taper.startSoc)) * (soc - taper.startSoc));
}
