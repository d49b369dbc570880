/**
 * The validator's charge-taper rule (`Vehicle.chargeTaper`, problem.ts), re-derived from the problem's
 * documentation and sharing no code with the LP's rows (taper-rows.ts): a slot's charge power p > 0 (kW,
 * grid side) is at most `fullPowerKw x (1 - (1 - endPowerFraction) / (1 - startSoc) x (soc - startSoc))`, where
 * soc is the energy `checkAtSlotFraction` (default 1) into the slot - the slot's start energy plus that share of
 * the energy the slot's power adds - over the capacity. Below `startSoc` the limit is above `fullPowerKw`, so
 * only the charge limit binds there.
 */
import type { Vehicle } from './problem.ts';

/**
 * The taper limit (kW) vehicle `v` has in a slot that starts holding `startEnergyKwh` and adds `slotGainKwh`
 * (its stored-energy change), or undefined when `v` has no taper.
 */
export function taperLimitAtKw(v: Vehicle, startEnergyKwh: number, slotGainKwh: number): number | undefined {
  const taper = v.chargeTaper;
  if (taper === undefined) return undefined;
  const soc = (startEnergyKwh + (taper.checkAtSlotFraction ?? 1) * slotGainKwh) / v.capacityKwh;
  return taper.fullPowerKw * (1 - ((1 - taper.endPowerFraction) / (1 - taper.startSoc)) * (soc - taper.startSoc));
}
