/**
 * The forward baselines (`fcfs`, `edf`, `llf`, `round-robin`) in the rolling loop, computing only the slot the
 * replay applies.
 *
 * A forward baseline fills slot 0 from the state at slot 0 alone: who is plugged in, each vehicle's gap to the
 * energy it must hold at the end of its stay in the horizon, its charge limit and minimum, its departure (EDF)
 * or its slots left (LLF), the site headroom and the network's currents in slot 0. Later slots never change
 * slot 0. So the decision is the same as the first slot of the baseline's whole-horizon plan
 * (`baselineController`, policies.ts) - tested decision by decision in test/scenarios/first-slot-baseline.test.ts -
 * at a cost that does not grow with the horizon: the problem is assembled for one slot, and each vehicle keeps
 * what the whole horizon says about it (the end of its stay in the horizon and the energy required then,
 * reduced when it leaves after the horizon, as optimizer/resolved-problem.ts computes it).
 *
 * The one-slot plan is assembled and checked by the optimizer's independent validator against the one-slot
 * problem (site limit, network magnitudes, charger limits and minimums); a plan it refuses is not applied (all
 * vehicles idle, status `error`, the violations in the message), as `solveWithBaseline` does.
 * `alap` and `price-greedy` look ahead (backwards, by price) and keep the whole-horizon plan.
 */
import { assembleProblem } from '../grid/problem-assembly.ts';
import { baselinePowerKw, type BaselineName } from '../optimizer/baselines/index.ts';
import { assemblePlan, emptyStats } from '../optimizer/plan-assembly.ts';
import { validatePlan } from '../optimizer/plan-validator.ts';
import type { Problem } from '../optimizer/problem.ts';
import { resolveProblem, vehicleHorizonEnd, type ResolvedProblem } from '../optimizer/resolved-problem.ts';
import { decisionAssemblyInput, decisionHorizonEndUtcMs } from './decision-problem.ts';
import type { Controller, Decision } from './policies.ts';
import type { PolicyName } from './policy-names.ts';
import type { ReplayInputs } from './replay-inputs.ts';

/** The baselines whose slot 0 depends on the state at slot 0 only (filled slot by slot, forwards). */
export const forwardBaselines: ReadonlySet<BaselineName> = new Set<BaselineName>(['uncontrolled', 'edf', 'llf', 'round-robin']);

/**
 * The one-slot problem's resolution with each vehicle's end of stay and required energy as a horizon of
 * `horizonSlots` slots resolves them (the rest - limits, prices, the network in slot 0 - is slot 0's own).
 */
export function withHorizonVehicles(one: Problem, rp: ResolvedProblem, horizonSlots: number): ResolvedProblem {
  if (horizonSlots <= 1) return rp;
  // A vehicle leaving within the horizon must hold its target at its departure (no need to resolve again).
  if (rp.vehicles.every((v) => v.departureSlot <= horizonSlots)) {
    return { ...rp, vehicles: rp.vehicles.map((v) => ({ ...v, endSlot: v.departureSlot, requiredEnergyKwh: v.targetEnergyKwh })) };
  }
  // What resolveProblem gives each vehicle on the problem of `horizonSlots` slots (the same code, per vehicle).
  return {
    ...rp,
    vehicles: rp.vehicles.map((v, i) => ({ ...v, ...vehicleHorizonEnd(one.vehicles[i]!, horizonSlots, one.slotHours) })),
  };
}

/**
 * The decision of `baseline` on the one-slot problem `one` (resolved: `rp`; `horizon`: `rp` with each vehicle's
 * end of stay and required energy as the whole horizon resolves them): its slot-0 powers, checked by the
 * independent validator against `one` (all vehicles idle, status `error`, when it refuses them).
 */
export function oneSlotDecision(baseline: BaselineName, one: Problem, rp: ResolvedProblem, horizon: ResolvedProblem): Decision {
  const powerKw = baselinePowerKw(baseline, horizon);
  const plan = assemblePlan(rp, { status: 'feasible', powerKw, stats: emptyStats(baseline) });
  const violations = validatePlan(one, plan);
  const setpointsKw = new Map<string, number>();
  if (violations.length > 0) {
    const first = violations.slice(0, 3).map((v) => v.message).join('; ');
    return { setpointsKw, status: 'error', message: `${baseline} first slot failed validation (${violations.length}): ${first}; all vehicles idle`, solverMs: 0 };
  }
  for (const v of plan.vehicles) setpointsKw.set(v.id, v.powerKw[0] ?? 0);
  return { setpointsKw, status: 'feasible', solverMs: 0 };
}

/** A forward baseline (`forwardBaselines`) deciding one slot at a time; same decisions as `baselineController`. */
export function firstSlotBaselineController(inputs: ReplayInputs, baseline: BaselineName, policy: PolicyName): Controller {
  const slotMs = inputs.slotMinutes * 60_000;
  return {
    policy,
    decide(atUtcMs, _slotIndex, plugged, previousPeakKw) {
      // As assembleProblem counts the slots of [now, horizon end) (now is a slot boundary).
      const horizonSlots = Math.ceil((decisionHorizonEndUtcMs(inputs, atUtcMs, plugged) - atUtcMs) / slotMs);
      // Assembled over slot 0 only, with the prices as visible now over slot 0: the values of slot 0 are those
      // of the whole horizon's series (the same intervals overlap it), without carrying the rest of the horizon.
      const one = assembleProblem(decisionAssemblyInput(inputs, atUtcMs, plugged, previousPeakKw, atUtcMs + slotMs)).problem;
      const rp = resolveProblem(one);
      return oneSlotDecision(baseline, one, rp, withHorizonVehicles(one, rp, horizonSlots));
    },
  };
}
