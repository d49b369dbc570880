/**
 * The charge taper (`Vehicle.chargeTaper`, problem.ts) as a cap on a baseline's power, so that every baseline plan of
 * a taper-aware problem passes the validator's taper rule (plan-validator-taper.ts) and stays a candidate the solve
 * can return. Without it a baseline charging at the charger limit in a tapered slot was refused, and on a congested
 * MPC decision the least-laxity-first plan, which may deliver more than the LP repair's, was never compared with it
 * (scenarios/MPC.md, "Taper-aware baselines").
 *
 * The cap is derived here from the problem's documentation of the taper, not shared with the validator:
 * - constant form (no `stepsPerSlot`): a slot's power p is at most the taper at the energy `checkAtSlotFraction` f
 *   into the slot, F (1 - k ((E + f c p) / C - s)), with F = `fullPowerKw`, k = (1 - `endPowerFraction`) / (1 - s),
 *   s = `startSoc`, C the capacity, c the stored kWh one kW adds over the slot. Linear in p, so the largest p is
 *   F (1 - k (E / C - s)) / (1 + F k f c / C);
 * - stepped form (`stepsPerSlot` n): the slot average of n equal steps, each at min(F, the taper at its own start).
 * Below `startSoc` both exceed F, and only the charge limit binds. The strategies that fill slot by slot forwards cap
 * each slot as they fill it; ALAP and price-greedy clip their finished powers in time order (allocation.ts).
 */
import type { ChargeTaper } from '../problem.ts';

/**
 * The most a vehicle with `taper` may charge (kW, grid side) in a slot it starts holding `startEnergyKwh` of
 * `capacityKwh`, one kW adding `kwhPerKw` over the slot; `Infinity` without a taper. Decreasing in the start energy.
 */
export function taperCapKw(taper: ChargeTaper | undefined, startEnergyKwh: number, capacityKwh: number, kwhPerKw: number): number {
  if (taper === undefined) return Infinity;
  const fullKw = taper.fullPowerKw;
  const slope = (1 - taper.endPowerFraction) / (1 - taper.startSoc);
  const at = (energyKwh: number) => fullKw * (1 - slope * (energyKwh / capacityKwh - taper.startSoc));
  const steps = taper.stepsPerSlot;
  if (steps === undefined) {
    const f = taper.checkAtSlotFraction ?? 1;
    return Math.max(0, at(startEnergyKwh) / (1 + (fullKw * slope * f * kwhPerKw) / capacityKwh));
  }
  let energyKwh = startEnergyKwh;
  let sumKw = 0;
  for (let i = 0; i < steps; i++) {
    const kw = Math.max(0, Math.min(fullKw, at(energyKwh)));
    sumKw += kw;
    energyKwh += (kw * kwhPerKw) / steps;
  }
  return sumKw / steps;
}
