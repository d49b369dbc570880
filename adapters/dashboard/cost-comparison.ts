/**
 * What the plan in force costs against uncontrolled charging (every vehicle at full power from arrival until
 * full, first come first served at the site limit: optimizer/baselines/uncontrolled.ts) on the same problem
 * and horizon, both at the real prices (dispatch incentives taken out). Cached per plan.
 */
import { runBaseline } from '../../optimizer/baselines/index.ts';
import { resolveProblem } from '../../optimizer/resolved-problem.ts';
import { costWithoutIncentives } from '../service/dispatch-incentive.ts';
import type { PlanRecord } from '../store/records.ts';

const r2 = (x: number) => Math.round(x * 100) / 100;

export interface CostComparison {
  /** Net cost of the plan over its horizon (site currency). */
  readonly planNetCost: number;
  /** Net cost of uncontrolled charging over the same horizon. */
  readonly uncontrolledNetCost: number;
  /** uncontrolled - plan (positive = the plan saves). */
  readonly savings: number;
  /** Energy the plan and uncontrolled charging leave missing at departures (kWh). */
  readonly planShortfallKwh: number;
  readonly uncontrolledShortfallKwh: number;
  readonly basis: string;
}

const cache = new WeakMap<PlanRecord, CostComparison>();

export function costComparison(record: PlanRecord): CostComparison {
  const cached = cache.get(record);
  if (cached) return cached;
  const baseline = runBaseline('uncontrolled', resolveProblem(record.problem));
  const plan = costWithoutIncentives(record.plan, record.incentives);
  const uncontrolled = costWithoutIncentives(baseline, record.incentives);
  const view: CostComparison = {
    planNetCost: r2(plan.netCost),
    uncontrolledNetCost: r2(uncontrolled.netCost),
    savings: r2(uncontrolled.netCost - plan.netCost),
    planShortfallKwh: r2(plan.shortfallKwh),
    uncontrolledShortfallKwh: r2(uncontrolled.shortfallKwh),
    basis: `energy, export revenue, demand charge and degradation over the plan's horizon; uncontrolled = ${baseline.stats.backend} baseline (full power from arrival, first come first served) on the same problem`,
  };
  cache.set(record, view);
  return view;
}
