/**
 * A site as the portfolio coordinator sees it (coordinate.ts): its own problem, solved with a price
 * adder on its net grid import (the feeder's per-slot price) and, in primal recovery, with caps on its
 * import and export (its share of the feeder). `problemSubproblem` makes one from an optimizer Problem.
 */
import type { Plan } from '../plan.ts';
import { limits, problemDefaults, type Problem } from '../problem.ts';

/** What a site is asked to solve. Arrays are per slot. */
export interface SiteRequest {
  /** Added to the import price and to the export price (per kWh): the feeder's price of net import. */
  readonly adderPerKwh: readonly number[];
  /**
   * Upper bound on the site's net import (kW), on top of its own limits; omitted = none. A negative cap
   * means "export at least this much": the site's import limit is 0, its export limit the cap's magnitude,
   * and exporting there is rewarded (as a site export delivery) so it exports whenever it physically can.
   */
  readonly importCapKw?: readonly number[];
  /** Upper bound on the site's export (kW), on top of its own limits; omitted = none. */
  readonly exportCapKw?: readonly number[];
  /**
   * Only a column for the coordinator's master is wanted, not a plan: a site may answer with its LP relaxation
   * (status `relaxed`: its bound and net import are the LP's, its plan is not valid alone and is never kept as
   * one). A site may ignore it and answer a plan.
   */
  readonly relaxed?: boolean;
  /**
   * Also the Lagrangian part of this site (aggregate-first.ts, `boundSolve: 'warm'`): after the plan within the caps,
   * the LP optimum of the same priced problem WITHOUT the caps, re-solved warm on the same open model
   * (resident-site.ts `uncappedLp`), answered in `SiteSolution.uncapped`. A site that cannot (no bound solver) answers
   * without it, and the coordinator solves the uncapped problem cold for it (said).
   */
  readonly uncappedBound?: boolean;
  /**
   * With `uncappedBound`: also the uncapped problem's PLAN (the site's best answer at these prices without the caps:
   * the uncapped LP repaired on the same model, as a capped answer is), in `UncappedLp.plan` (issue 17 session 15).
   * aggregate-first swaps a site's capped plan for it where the sum of the chosen plans still keeps every limit and
   * it costs less (aggregate-first.ts, `swapBestResponses`). A site that cannot answers without it.
   */
  readonly uncappedPlan?: boolean;
  /**
   * The adder of the uncapped LP and the uncapped plan (`uncappedBound`, `uncappedPlan`) when not `adderPerKwh`, which
   * then prices the capped plan only (issue 17 session 15: aggregate-first's capped plans at a lower adder within the
   * same caps, `AggregateFirstOptions.cappedPriceFactor`, while its Lagrangian bound stays at the feeder prices).
   */
  readonly uncappedAdderPerKwh?: readonly number[];
}

/** The adder of a request's uncapped LP and uncapped plan (`SiteRequest.uncappedAdderPerKwh`, else its adder). */
export const uncappedAdderOf = (request: SiteRequest): readonly number[] => request.uncappedAdderPerKwh ?? request.adderPerKwh;

/**
 * The uncapped LP of a site's priced problem (`SiteRequest.uncappedBound`): a column, not a plan (its powers may
 * break the minimum currents). `pricedBound` is the LP optimum with the adder when HiGHS said optimal, else -Infinity
 * (`reason` says why; the coordinator counts it in `sitesWithoutBound`).
 */
export interface UncappedLp {
  /** The LP optimum of the uncapped priced problem (objective with the adder), or -Infinity. */
  readonly pricedBound: number;
  /** The LP point's own objective (the site's prices, penalties), without the adder. */
  readonly objective: number;
  readonly netImportKw: readonly number[];
  readonly importKw: readonly number[];
  readonly exportKw: readonly number[];
  /**
   * `warm`: from the capped solve's LP basis on the same model; `first`: on the model without a basis (the capped
   * plan was solved cold); `refused`: not solved, the open model cannot express the uncapped problem (a three-phase
   * network, a charge preference, a column it lacks: `reason`), the coordinator solves it cold; `crash`: on the capped
   * model from the greedy crash basis of the uncapped problem (crash-basis.ts; site-bound-solve.ts, issue 17 session 16).
   */
  readonly how: 'warm' | 'first' | 'refused' | 'crash';
  readonly reason?: string;
  /** Simplex iterations of this LP. */
  readonly iterations: number;
  /** The uncapped problem's plan, when the request asked for it (`SiteRequest.uncappedPlan`) and the site could. */
  readonly plan?: Plan;
}

/** An uncapped LP not solved (`how: 'refused'` by default) or not optimal: no bound (-Infinity), zero profiles, and why. */
export function noUncappedLp(slotCount: number, reason: string, how: UncappedLp['how'] = 'refused', iterations = 0): UncappedLp {
  const zeros = () => new Array<number>(slotCount).fill(0);
  return { pricedBound: -Infinity, objective: NaN, netImportKw: zeros(), importKw: zeros(), exportKw: zeros(), how, reason, iterations };
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
  /** The solver's message when the solve proved no bound (`pricedBound` -Infinity): why (e.g. its time limit). */
  readonly message?: string;
  readonly plan: P;
  /** The uncapped LP at the same prices, when the request asked for it (`SiteRequest.uncappedBound`) and the site could. */
  readonly uncapped?: UncappedLp;
  /** The uncapped plan at the same prices as a site solution (from `uncapped.plan`), when there is one. */
  readonly bestResponse?: SiteSolution<P>;
}

export interface SiteSubproblem<P = Plan> {
  readonly id: string;
  readonly slotCount: number;
  readonly slotHours: number;
  /** Base load minus PV per slot (kW): net import no schedule can avoid without discharging. */
  readonly inflexibleNetKw: readonly number[];
  /**
   * The lowest net import the site could reach per slot (kW): inflexible load minus what its plugged-in
   * vehicles can discharge, not below its export limit (an optimistic floor: energy is not checked). Lets
   * the coordinator ask sites to discharge when the limit is below their inflexible load.
   */
  readonly minNetImportKw?: readonly number[];
  /** A typical price magnitude (per kWh), to scale the coordinator's first steps. */
  readonly priceScalePerKwh: number;
  /**
   * The site's own problem (its whole horizon), when the coordinator may build the site's relaxation from it
   * (aggregate-first.ts); `problemSubproblem` sets it.
   */
  readonly problem?: Problem;
  solve(request: SiteRequest): Promise<SiteSolution<P>>;
}

const capped = (own: readonly number[] | undefined, cap: readonly number[] | undefined, T: number): number[] | undefined => {
  if (!cap) return own ? [...own] : undefined;
  return Array.from({ length: T }, (_, t) => Math.max(0, Math.min(own?.[t] ?? Infinity, cap[t] ?? Infinity))).map((x) => Math.min(x, limits.maxPowerKw));
};

/**
 * The site's problem with its import limit lowered to `importCapKw` per slot (its share of a shared limit).
 * A slot where neither the site nor the cap has a limit (Infinity) gets the schema's largest power, never
 * Infinity: a solver's column bound must be a finite number (HiGHS refused `colUpper ... must be a number`).
 */
export function withImportCap(problem: Problem, importCapKw: readonly number[]): Problem {
  const bad = importCapKw.findIndex((c) => Number.isNaN(c));
  if (bad >= 0) throw new Error(`V2G_ERR_PORTFOLIO_SHARE: the import cap of slot ${bad} is not a number (a bug upstream; retrying does not help)`);
  return { ...problem, importLimitKw: capped(problem.importLimitKw, importCapKw, problem.slotCount)! };
}

const powerAt = (bound: number | readonly number[] | undefined, t: number): number => (bound === undefined ? 0 : typeof bound === 'number' ? bound : (bound[t] ?? 0));

/** See `SiteSubproblem.minNetImportKw`. */
export function minNetImportOf(problem: Problem, inflexibleNetKw: readonly number[]): number[] {
  const discharge = new Array<number>(problem.slotCount).fill(0);
  for (const v of problem.vehicles) {
    for (let t = Math.max(0, v.arrivalSlot); t < Math.min(problem.slotCount, v.departureSlot); t++) discharge[t]! += powerAt(v.maxDischargeKw, t);
  }
  return inflexibleNetKw.map((n, t) => Math.min(n, Math.max(n - discharge[t]!, -(problem.exportLimitKw?.[t] ?? 0))));
}

/** Reward per kWh for a negative cap (must export): half the shortfall penalty, within the price bound (as a site export delivery). */
function exportRewardPerKwh(problem: Problem, slots: readonly number[], adderPerKwh: readonly number[]): number {
  let highest = 0;
  for (const t of slots) {
    const adder = adderPerKwh[t] ?? 0;
    highest = Math.max(highest, Math.abs(problem.importPricePerKwh[t]! + adder) + 1, Math.abs((problem.exportPricePerKwh?.[t] ?? 0) + adder) + 1);
  }
  return Math.max(0, Math.min(0.5 * (problem.shortfallPenaltyPerKwh ?? problemDefaults.shortfallPenaltyPerKwh), limits.maxPricePerKwh - highest));
}

/**
 * A site's plan within a request's caps and, on the same open model, its uncapped LP at the same prices
 * (resident-site.ts `solveWithUncappedLp`; in the service on a solver thread: SolverPool.solveWithBound).
 * `problem` is the site's base problem, `request` as the coordinator asked it.
 */
export type SiteBoundSolver = (problem: Problem, request: SiteRequest) => Promise<{ readonly plan: Plan; readonly uncapped: UncappedLp }>;

/**
 * A subproblem over an optimizer Problem; `solve` runs any backend (its plan must carry a relaxation bound to certify).
 * With `boundSolve`, a request asking for `uncappedBound` is answered by it (the plan and the uncapped LP); without,
 * such a request is answered without `uncapped` (the coordinator then solves the uncapped problem itself, said).
 */
export function problemSubproblem(id: string, problem: Problem, solve: (p: Problem) => Promise<Plan>, boundSolve?: SiteBoundSolver): SiteSubproblem<Plan> {
  const T = problem.slotCount;
  const inflexibleNetKw = Array.from({ length: T }, (_, t) => (problem.baseLoadKw?.[t] ?? 0) - (problem.pvKw?.[t] ?? 0));
  const priceScalePerKwh = Math.max(1e-3, ...problem.importPricePerKwh.map(Math.abs));
  return {
    id,
    slotCount: T,
    slotHours: problem.slotHours,
    inflexibleNetKw,
    minNetImportKw: minNetImportOf(problem, inflexibleNetKw),
    priceScalePerKwh,
    problem,
    async solve(request) {
      const { problem: priced, adderPerKwh } = pricedProblem(problem, request);
      if (request.uncappedBound && boundSolve) {
        const both = await boundSolve(problem, request);
        const { plan: uncappedPlan, ...uncapped } = both.uncapped;
        const bestResponse = uncappedPlan ? { bestResponse: siteSolutionOf(problem, uncappedAdderOf(request).slice(0, problem.slotCount), uncappedPlan) } : {};
        return { ...siteSolutionOf(problem, adderPerKwh, both.plan), uncapped, ...bestResponse };
      }
      return siteSolutionOf(problem, adderPerKwh, await solve(priced));
    },
  };
}

/**
 * The site's problem as a request asks it: the adder on its import and export prices (plus, for a negative
 * import cap, the must-export reward), its import and export limits within the caps. `adderPerKwh` is the
 * adder per slot as applied.
 */
export function pricedProblem(problem: Problem, request: SiteRequest): { problem: Problem; adderPerKwh: number[] } {
  const T = problem.slotCount;
  const mustExport = (request.importCapKw ?? []).flatMap((c, t) => (c < 0 && t < T ? [t] : []));
  const reward = mustExport.length > 0 ? exportRewardPerKwh(problem, mustExport, request.adderPerKwh) : 0;
  const a = Array.from({ length: T }, (_, t) => (request.adderPerKwh[t] ?? 0) + (request.importCapKw?.[t] !== undefined && request.importCapKw[t]! < 0 ? reward : 0));
  const importLimitKw = capped(problem.importLimitKw, request.importCapKw, T);
  // No export agreed (omitted) stays 0; a cap can only lower it; a negative import cap caps export at its magnitude.
  const exportCap = (t: number) => Math.min(request.exportCapKw?.[t] ?? Infinity, (request.importCapKw?.[t] ?? 0) < 0 ? -request.importCapKw![t]! : Infinity);
  const exportLimitKw = request.exportCapKw || mustExport.length > 0 ? Array.from({ length: T }, (_, t) => Math.min(problem.exportLimitKw?.[t] ?? 0, exportCap(t))) : problem.exportLimitKw;
  const priced: Problem = {
    ...problem,
    importPricePerKwh: problem.importPricePerKwh.map((p, t) => p + (a[t] ?? 0)),
    exportPricePerKwh: Array.from({ length: T }, (_, t) => (problem.exportPricePerKwh?.[t] ?? 0) + (a[t] ?? 0)),
    ...(importLimitKw ? { importLimitKw } : {}),
    ...(exportLimitKw ? { exportLimitKw: [...exportLimitKw] } : {}),
  };
  return { problem: priced, adderPerKwh: a };
}

/** The coordinator's view of a plan of the priced problem: its net import, its own objective (without the adder), its proven priced bound. */
export function siteSolutionOf(problem: Problem, adderPerKwh: readonly number[], plan: Plan): SiteSolution<Plan> {
  const importKw = plan.site.importKw;
  const exportKw = plan.site.exportKw;
  const netImportKw = importKw.map((x, t) => x - exportKw[t]!);
  const adderCost = netImportKw.reduce((sum, n, t) => sum + problem.slotHours * (adderPerKwh[t] ?? 0) * n, 0);
  const relaxation = plan.stats.relaxationObjective;
  const pricedBound = plan.status === 'optimal' || plan.status === 'feasible' ? Math.min(plan.cost.objective, relaxation ?? (plan.status === 'optimal' ? plan.cost.objective : -Infinity)) : -Infinity;
  const message = !Number.isFinite(pricedBound) && plan.message ? { message: plan.message.slice(0, 300) } : {};
  return { netImportKw, importKw, exportKw, objective: plan.cost.objective - adderCost, pricedBound, importExcessKw: plan.site.importExcessKw, status: plan.status, ...message, plan };
}

/**
 * The site seen on the first `slotCount` slots only (portfolio members with longer horizons than the
 * common one): the coordinator prices and sums those slots; the site still solves its whole problem, and
 * its plan beyond them is its own.
 */
export function firstSlotsOf<P>(site: SiteSubproblem<P>, slotCount: number): SiteSubproblem<P> {
  if (slotCount >= site.slotCount) return site;
  const cut = <T>(a: readonly T[]) => a.slice(0, slotCount);
  return {
    ...site,
    slotCount,
    inflexibleNetKw: cut(site.inflexibleNetKw),
    ...(site.minNetImportKw ? { minNetImportKw: cut(site.minNetImportKw) } : {}),
    async solve(request) {
      const s = await site.solve(request);
      const u = s.uncapped;
      const b = s.bestResponse;
      return { ...s, ...(b ? { bestResponse: { ...b, netImportKw: cut(b.netImportKw), importKw: cut(b.importKw), exportKw: cut(b.exportKw), importExcessKw: cut(b.importExcessKw) } } : {}), netImportKw: cut(s.netImportKw), importKw: cut(s.importKw), exportKw: cut(s.exportKw), importExcessKw: cut(s.importExcessKw), ...(u ? { uncapped: { ...u, netImportKw: cut(u.netImportKw), importKw: cut(u.importKw), exportKw: cut(u.exportKw) } } : {}) };
    },
  };
}
