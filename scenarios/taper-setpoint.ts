/**
 * The setpoint that makes the replay physics deliver a planned slot average under the charge taper.
 *
 * A plan made with the stepped taper rows (optimizer/taper-rows.ts, `ChargeTaper.stepsPerSlot`; charge-taper.ts)
 * charges, in a slot where the taper binds, the largest *average* the physics' steps reach: each step takes at most
 * the taper at its own start, so the first steps take more than the last. A constant setpoint equal to that
 * average would be cut in the last steps and deliver less; the setpoint that delivers it lies between the average
 * and the charger limit. The physics delivers a non-decreasing, continuous average in the setpoint, so it is found
 * by bisection; where the average is delivered as it is (no taper in the slot) the setpoint is the average itself.
 */
import { applySetpoint } from './vehicle-physics.ts';
import type { PhysicsModel } from './replay-inputs.ts';

/** Bisection steps: the setpoint to within 2^-40 of the charger limit. */
const bisectionSteps = 40;

/**
 * The smallest setpoint (kW) at which a vehicle holding `energyKwh` of `capacityKwh`, on a charger of
 * `chargeLimitKw`, draws an average of at least `averageKw` over a slot of `slotHours` (all its steps plugged); the
 * charger limit when even that draws less; `averageKw` itself when it is delivered as it is, or is not a charge.
 */
export function setpointForAverageKw(energyKwh: number, capacityKwh: number, averageKw: number, chargeLimitKw: number, slotHours: number, physics: PhysicsModel): number {
  if (!(averageKw > 0)) return averageKw;
  const steps = physics.substepsPerSlot;
  const draws = (setpointKw: number) => applySetpoint(energyKwh, capacityKwh, setpointKw, chargeLimitKw, slotHours, steps, physics).averagePowerKw;
  if (draws(averageKw) >= averageKw - 1e-12) return averageKw;
  if (!(chargeLimitKw > averageKw) || draws(chargeLimitKw) <= averageKw) return Math.max(averageKw, chargeLimitKw);
  let lo = averageKw;
  let hi = chargeLimitKw;
  for (let i = 0; i < bisectionSteps; i++) {
    const mid = (lo + hi) / 2;
    if (draws(mid) >= averageKw) hi = mid;
    else lo = mid;
  }
  return hi;
}
