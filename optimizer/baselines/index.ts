/**
 * The baseline charging strategies every smart-charging study compares against. All are charge-only,
 * deterministic, respect each vehicle's resolved charge limit, minimum power and capacity, stop at the
 * required energy and keep within the site import limit (see `allocation.ts`). Their plans are `feasible`
 * (valid, not optimal) and are assembled like every backend's.
 */
import { assemblePlan, emptyStats } from '../plan-assembly.ts';
import type { Plan } from '../plan.ts';
import type { ResolvedProblem } from '../resolved-problem.ts';
import type { BaselineName } from './baseline-names.ts';
import { alapPowerKw } from './alap.ts';
import { edfPowerKw } from './edf.ts';
import { llfPowerKw } from './llf.ts';
import { priceGreedyPowerKw } from './price-greedy.ts';
import { roundRobinPowerKw } from './round-robin.ts';
import { uncontrolledPowerKw } from './uncontrolled.ts';

export { baselineNames, type BaselineName } from './baseline-names.ts';

const strategies: Readonly<Record<BaselineName, (rp: ResolvedProblem) => Float64Array[]>> = {
  uncontrolled: uncontrolledPowerKw,
  alap: alapPowerKw,
  edf: edfPowerKw,
  llf: llfPowerKw,
  'round-robin': roundRobinPowerKw,
  'price-greedy': priceGreedyPowerKw,
};

/** Charge power per vehicle and slot (kW, >= 0) of baseline `name` on a resolved problem (no plan assembled). */
export function baselinePowerKw(name: BaselineName, rp: ResolvedProblem): Float64Array[] {
  return strategies[name](rp);
}

/** Runs baseline `name` on a resolved problem and assembles its plan (status `feasible`, timed in stats). */
export function runBaseline(name: BaselineName, rp: ResolvedProblem): Plan {
  const started = performance.now();
  const powerKw = strategies[name](rp);
  const solveMs = performance.now() - started;
  return assemblePlan(rp, { status: 'feasible', powerKw, stats: emptyStats(name, solveMs) });
}
