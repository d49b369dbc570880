/**
 * Taper-aware planning: the replay physics' charge taper (vehicle-physics.ts) handed to the planner as each
 * plugged vehicle's `chargeTaper` (optimizer/taper-rows.ts), so a plan never asks a battery for more than it
 * accepts and the replayed energy is the planned energy.
 *
 * The physics accepts `L x (1 - (1 - f) (soc - s0) / (1 - s0))` above `taperStartSoc` s0 (f =
 * `taperEndPowerFraction`, L = the charger limit), evaluated at the start of each of its n integration steps
 * per slot. A constant setpoint p is delivered in full exactly when it holds at the last step's start, i.e.
 * at the energy (n - 1) / n into the slot: `checkAtSlotFraction = (n - 1) / n` (0 for one step per slot).
 * The rule is exact for the physics as long as the planner's charge efficiency is the physics' (the shipped
 * scenarios: both 0.95); the replay's energy stays the judge either way.
 */
import type { ChargeTaper, Problem } from '../optimizer/problem.ts';
import { phantomIdPrefix } from './arrival-forecast.ts';
import { vehicleMaxChargeKw } from './mpc-regularisers.ts';
import type { PhysicsModel } from './replay-inputs.ts';

/** Whether the physics tapers the charge at all (a start below 100 % SoC and an end power below the limit). */
export function physicsHasTaper(physics: PhysicsModel): boolean {
  return physics.taperStartSoc < 1 && physics.taperEndPowerFraction < 1;
}

/**
 * How the plan keeps to the taper: `constant` (a constant setpoint the physics accepts in full: checked at
 * `checkAtSlotFraction = (n - 1) / n`) or `stepped` (the plan's power is the slot average of the physics' n steps,
 * its rows the exact largest average: `stepsPerSlot = n`; the setpoint sent is then found by taper-setpoint.ts).
 */
export type TaperForm = 'constant' | 'stepped';

/** The physics' taper on a charger of `fullPowerKw` (kW), as the optimizer's `chargeTaper`, in `form`. */
export function chargeTaperOf(physics: PhysicsModel, fullPowerKw: number, form: TaperForm = 'constant'): ChargeTaper {
  const steps = Math.max(1, physics.substepsPerSlot);
  return {
    startSoc: physics.taperStartSoc,
    endPowerFraction: physics.taperEndPowerFraction,
    fullPowerKw,
    checkAtSlotFraction: (steps - 1) / steps,
    // One step a slot: the stepped rows are the constant form's (checked at the slot's start); written as the constant
    // form so the LP is the same to the bit (the Caltech month at 5-minute slots).
    ...(form === 'stepped' && steps > 1 ? { stepsPerSlot: steps } : {}),
  };
}

/**
 * `problem` with the physics' taper on every vehicle that has a finite charge limit (phantoms of the arrival
 * forecast unchanged); `problem` itself when the physics has no taper. The charge limit is read from the
 * assembled vehicle (its charger's), so apply this before anything lowers `maxChargeKw` per slot.
 */
export function withChargeTaper(problem: Problem, physics: PhysicsModel, form: TaperForm = 'constant'): Problem {
  if (!physicsHasTaper(physics)) return problem;
  return {
    ...problem,
    vehicles: problem.vehicles.map((v) => {
      if (v.id.startsWith(phantomIdPrefix)) return v;
      const fullPowerKw = vehicleMaxChargeKw(v);
      return Number.isFinite(fullPowerKw) && fullPowerKw > 0 ? { ...v, chargeTaper: chargeTaperOf(physics, fullPowerKw, form) } : v;
    }),
  };
}

/** The short label of a taper-aware run (e.g. a sweep row's solver column). */
export const taperAwareLabel = 'taper-aware planning';

/** Whether a run note is `taperAwareNote`'s in the stepped form. */
export function isSteppedTaperNote(note: string): boolean {
  return isTaperAwareNote(note) && note.includes('; stepped:');
}

/** Whether a run note is `taperAwareNote`'s (also the offline reference's). */
export function isTaperAwareNote(note: string): boolean {
  return note.includes(`${taperAwareLabel} on:`);
}

/** The note every output of a taper-aware run carries (`stepped`: the plans are slot averages of the physics' steps). */
export function taperAwareNote(physics: PhysicsModel, form: TaperForm = 'constant'): string {
  const how =
    form === 'stepped'
      ? `; stepped: a slot's planned power is the average of the physics' ${physics.substepsPerSlot} steps, each at most the taper at its start (exact largest averages), and the setpoint sent is the one that draws it`
      : '';
  return `${taperAwareLabel} on: the plans keep to the physics' charge taper (above ${Math.round(physics.taperStartSoc * 100)} % SoC down to ${Math.round(physics.taperEndPowerFraction * 100)} % of the charger limit at 100 %) as linear rows in the stored energy${how}`;
}
