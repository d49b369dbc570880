/**
 * What a vehicle really does with a setpoint over one slot: the physics of the simulation, deliberately not
 * the planner's model.
 *
 * - The slot is integrated in `substepsPerSlot` steps; the vehicle takes power only in steps that start
 *   before it unplugs (a vehicle leaving mid-slot gets part of the slot).
 * - Charging (setpoint > 0, kW at the grid): the battery gains `chargeEfficiency x p x dt`. The vehicle
 *   accepts at most the charger limit, falling linearly above `taperStartSoc` to `taperEndPowerFraction` of
 *   it at 100 % SoC (a CC-CV taper), and never more than fills the battery; so it may draw less than asked.
 * - Discharging (setpoint < 0): the battery loses `p x dt / dischargeEfficiency`, never below empty. The
 *   reserve is the controller's business: the physics records where it was crossed, it does not stop it.
 */
import type { PhysicsModel } from './replay-inputs.ts';

/** Outcome of one slot. Energies in kWh, powers in kW (grid side, averaged over the whole slot). */
export interface SlotPhysics {
  readonly energyKwh: number;
  /** Average grid-side power over the slot (kW): positive charging, negative discharging. */
  readonly averagePowerKw: number;
  /** Grid-side energy charged (kWh, >= 0). */
  readonly chargedKwh: number;
  /** Grid-side energy discharged (kWh, >= 0). */
  readonly dischargedKwh: number;
  /** The vehicle accepted less charge power than asked in at least one step (taper or full battery). */
  readonly limited: boolean;
  /** Lowest energy during the slot (kWh). */
  readonly lowestEnergyKwh: number;
}

/** Charge power the vehicle accepts at `soc` (0..1) on a charger of `limitKw` (kW). */
export function acceptedChargeKw(limitKw: number, soc: number, physics: PhysicsModel): number {
  const start = physics.taperStartSoc;
  if (soc <= start || start >= 1) return limitKw;
  const fraction = 1 - ((1 - physics.taperEndPowerFraction) * (Math.min(1, soc) - start)) / (1 - start);
  return limitKw * fraction;
}

/**
 * Applies `setpointKw` for one slot of `slotHours` to a battery of `capacityKwh` holding `energyKwh`, on a
 * charger of `chargeLimitKw`, plugged in for the first `pluggedSubsteps` of the slot's steps.
 */
export function applySetpoint(
  energyKwh: number,
  capacityKwh: number,
  setpointKw: number,
  chargeLimitKw: number,
  slotHours: number,
  pluggedSubsteps: number,
  physics: PhysicsModel,
): SlotPhysics {
  const steps = physics.substepsPerSlot;
  const dt = slotHours / steps;
  let e = energyKwh;
  let lowest = e;
  let charged = 0;
  let discharged = 0;
  let limited = false;
  for (let k = 0; k < Math.min(steps, pluggedSubsteps); k++) {
    if (setpointKw > 0) {
      const accepted = acceptedChargeKw(chargeLimitKw, e / capacityKwh, physics);
      const room = Math.max(0, capacityKwh - e) / (physics.chargeEfficiency * dt);
      const p = Math.max(0, Math.min(setpointKw, accepted, room));
      if (p < setpointKw - 1e-9) limited = true;
      e = Math.min(capacityKwh, e + physics.chargeEfficiency * p * dt);
      charged += p * dt;
    } else if (setpointKw < 0) {
      const available = (Math.max(0, e) * physics.dischargeEfficiency) / dt;
      const p = Math.min(-setpointKw, available);
      e = Math.max(0, e - (p * dt) / physics.dischargeEfficiency);
      discharged += p * dt;
      lowest = Math.min(lowest, e);
    }
  }
  return {
    energyKwh: e,
    averagePowerKw: (charged - discharged) / slotHours,
    chargedKwh: charged,
    dischargedKwh: discharged,
    limited,
    lowestEnergyKwh: lowest,
  };
}
