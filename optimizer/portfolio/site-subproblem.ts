/**
 * A site as the portfolio coordinator sees it (coordinate.ts): its own problem, solved with a price
 * adder on its net grid import (the feeder's per-slot price) and, in primal recovery, with caps on its
 * import and export (its share of the feeder). `problemSubproblem` makes one from an optimizer Problem.
 */
import type { Plan } from '../plan.ts';
import { limits, type Problem } from '../problem.ts';

/** What a site is asked to solve. Arrays are per slot. */
export interface SiteRequest {
  /** Added to the import price and to the export price (per kWh): the feeder's price of net import. */
  readonly adderPerKwh: readonly number[];
  /** Upper bound on the site's import (kW), on top of its own limits; omitted = none. */
  readonly importCapKw?: readonly number[];
  /** Upper bound on the site's export (kW), on top of its own limits; omitted = none. */
  readonly exportCapKw?: readonly number[];
}

export interface SiteSolution<P = Plan> {
  /** Import minus export per slot (kW). */
  readonly netImportKw: readonly number[];
  readonly importKw: readonly number[];
  readonly exportKw: readonly number[];
  /** The site's own objective (its prices, penalties), without the adder. */
  readonly objective: number;
  /** A proven lower bound of the priced problem's optimum (objective with the adder): the dual's part. */
  readonly pricedBound: number;
  /** Import above the site's limits (incl. caps) it could not avoid per slot (kW). */
  readonly importExcessKw: readonly number[];
  readonly status: string;
  readonly plan: P;
}

export interface SiteSubproblem<P = Plan> {
  readonly id: string;
  readonly slotCount: number;
  readonly slotHours: number;
  /** Base load minus PV per slot (kW): net import no schedule can avoid without discharging. */
  readonly inflexibleNetKw: readonly number[];
  /** A typical price magnitude (per kWh), to scale the coordinator's first steps. */
  readonly priceScalePerKwh: number;
  solve(request: SiteRequest): Promise<SiteSolution<P>>;
}

const capped = (own: readonly number[] | undefined, cap: readonly number[] | undefined, T: number): number[] | undefined => {
  if (!cap) return own ? [...own] : undefined;
  return Array.from({ length: T }, (_, t) => Math.min(own?.[t] ?? Infinity, cap[t] ?? Infinity)).map((x) => Math.min(x, limits.maxPowerKw));
};

/** A subproblem over an optimizer Problem; `solve` runs any backend (its plan must carry a relaxation bound to certify). */
export function problemSubproblem(id: string, problem: Problem, solve: (p: Problem) => Promise<Plan>): SiteSubproblem<Plan> {
  const T = problem.slotCount;
  const inflexibleNetKw = Array.from({ length: T }, (_, t) => (problem.baseLoadKw?.[t] ?? 0) - (problem.pvKw?.[t] ?? 0));
  const priceScalePerKwh = Math.max(1e-3, ...problem.importPricePerKwh.map(Math.abs));
  return {
    id,
    slotCount: T,
    slotHours: problem.slotHours,
    inflexibleNetKw,
    priceScalePerKwh,
    async solve(request) {
      const a = request.adderPerKwh;
      const importLimitKw = capped(problem.importLimitKw, request.importCapKw, T);
      // No export agreed (omitted) stays 0; a cap can only lower it.
      const exportLimitKw = request.exportCapKw ? Array.from({ length: T }, (_, t) => Math.min(problem.exportLimitKw?.[t] ?? 0, request.exportCapKw![t] ?? Infinity)) : problem.exportLimitKw;
      const priced: Problem = {
        ...problem,
        importPricePerKwh: problem.importPricePerKwh.map((p, t) => p + (a[t] ?? 0)),
        exportPricePerKwh: Array.from({ length: T }, (_, t) => (problem.exportPricePerKwh?.[t] ?? 0) + (a[t] ?? 0)),
        ...(importLimitKw ? { importLimitKw } : {}),
        ...(exportLimitKw ? { exportLimitKw: [...exportLimitKw] } : {}),
      };
      const plan = await solve(priced);
      const importKw = plan.site.importKw;
      const exportKw = plan.site.exportKw;
      const netImportKw = importKw.map((x, t) => x - exportKw[t]!);
      const adderCost = netImportKw.reduce((sum, n, t) => sum + problem.slotHours * (a[t] ?? 0) * n, 0);
      const relaxation = plan.stats.relaxationObjective;
      const pricedBound = plan.status === 'optimal' || plan.status === 'feasible' ? Math.min(plan.cost.objective, relaxation ?? (plan.status === 'optimal' ? plan.cost.objective : -Infinity)) : -Infinity;
      return { netImportKw, importKw, exportKw, objective: plan.cost.objective - adderCost, pricedBound, importExcessKw: plan.site.importExcessKw, status: plan.status, plan };
    },
  };
}
