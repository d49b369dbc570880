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
import { resolveProblem, type ResolvedProblem } from '../optimizer/resolved-problem.ts';
import { decisionAssemblyInput } from './decision-problem.ts';
import type { Controller } from './policies.ts';
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
  const { network: _network, ...rest } = one;
  const long = resolveProblem({ ...rest, slotCount: horizonSlots });
  return {
    ...rp,
    vehicles: rp.vehicles.map((v, i) => ({ ...v, endSlot: long.vehicles[i]!.endSlot, requiredEnergyKwh: long.vehicles[i]!.requiredEnergyKwh })),
  };
}

/** A forward baseline (`forwardBaselines`) deciding one slot at a time; same decisions as `baselineController`. */
export function firstSlotBaselineController(inputs: ReplayInputs, baseline: BaselineName, policy: PolicyName): Controller {
  const slotMs = inputs.slotMinutes * 60_000;
  return {
    policy,
    decide(atUtcMs, _slotIndex, plugged, previousPeakKw) {
      const full = decisionAssemblyInput(inputs, atUtcMs, plugged, previousPeakKw);
      // As assembleProblem counts the slots of [now, horizon end) (now is a slot boundary).
      const horizonSlots = Math.ceil((Number(full.horizonEnd) - atUtcMs) / slotMs);
      const one = assembleProblem({ ...full, horizonEnd: atUtcMs + slotMs }).problem;
      const rp = resolveProblem(one);
      const powerKw = baselinePowerKw(baseline, withHorizonVehicles(one, rp, horizonSlots));
      const plan = assemblePlan(rp, { status: 'feasible', powerKw, stats: emptyStats(baseline) });
      const violations = validatePlan(one, plan);
      const setpointsKw = new Map<string, number>();
      if (violations.length > 0) {
        const first = violations.slice(0, 3).map((v) => v.message).join('; ');
        return { setpointsKw, status: 'error', message: `${baseline} first slot failed validation (${violations.length}): ${first}; all vehicles idle`, solverMs: 0 };
      }
      for (const v of plan.vehicles) setpointsKw.set(v.id, v.powerKw[0] ?? 0);
      return { setpointsKw, status: 'feasible', solverMs: 0 };
    },
  };
}
