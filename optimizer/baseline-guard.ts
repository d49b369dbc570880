/**
 * The baseline guard: a plan that is not proven optimal is never worse than a baseline.
 *
 * The LP repair (solve-problem.ts) is a heuristic: rounding a low power up to a charger's minimum, or
 * closing one direction of a slot, can cost more than simply not charging there, and in rare small cases
 * the repaired plan costs more than uncontrolled charging. The baselines are linear-time, so a `feasible`
 * plan from an LP backend is compared with each of them (by `cost.objective`) and the cheapest wins. The
 * winner keeps the backend's stats (its `relaxationObjective` is still a lower bound) with the guard's time
 * added to `solveMs`, and its message says which plan was replaced. Proven-optimal plans are returned as
 * they are: no baseline can beat them.
 */
import { baselineNames, runBaseline } from './baselines/index.ts';
import type { Plan } from './plan.ts';
import { validatePlan } from './plan-validator.ts';
import type { Problem } from './problem.ts';
import type { ResolvedProblem } from './resolved-problem.ts';

/** A baseline replaces the plan only when cheaper by more than this, relative to max(1, |objective|). */
export const guardRelTolerance = 1e-9;

/** `plan`, or the cheapest valid baseline plan when that costs less and `plan` is not proven optimal. */
export function noWorseThanBaselines(problem: Problem, rp: ResolvedProblem, plan: Plan): Plan {
  if (plan.status !== 'feasible') return plan;
  const started = performance.now();
  let best: { name: string; plan: Plan } | undefined;
  for (const name of baselineNames) {
    const candidate = runBaseline(name, rp);
    const incumbent = best?.plan ?? plan;
    const margin = guardRelTolerance * Math.max(1, Math.abs(incumbent.cost.objective));
    if (candidate.cost.objective < incumbent.cost.objective - margin) best = { name, plan: candidate };
  }
  const chosen = best !== undefined && validatePlan(problem, best.plan).length === 0 ? best : undefined;
  const stats = { ...plan.stats, solveMs: plan.stats.solveMs + (performance.now() - started) };
  if (!chosen) return { ...plan, stats };
  const replaced = `${plan.message ?? 'plan'} (objective ${plan.cost.objective})`;
  return {
    ...chosen.plan,
    status: 'feasible',
    message: `${replaced}; the ${chosen.name} baseline is cheaper (objective ${chosen.plan.cost.objective}) and is returned instead`,
    stats,
  };
}
