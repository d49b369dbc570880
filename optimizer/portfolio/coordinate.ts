/**
 * One plan across a portfolio of sites under shared (feeder) limits: sum_s import_s[t] - export_s[t] <=
 * L[t] and >= -E[t]. Each site solves its own problem (site-subproblem.ts); they are coordinated by prices
 * on the feeder rows (Lagrangian relaxation): lambda[t] >= 0 on the import row, mu[t] >= 0 on the export
 * row, and every site sees lambda[t] - mu[t] added to its import and export prices.
 *
 * - Bound: for any prices, sum_s (site s's priced optimum) - dt * sum_t (lambda L + mu E) is a lower bound
 *   of the portfolio optimum (weak duality); with each site's `pricedBound` proven (its LP relaxation), the
 *   best one is a certified bound.
 * - Prices move by projected subgradient steps with the Polyak rule towards the best plan found
 *   (optimizer/decomposition uses the same rule for vehicles; its bundle master prices a free site-balance
 *   row and a capped peak row, not these two sign-constrained rows, so it is not reused here).
 * - Primal recovery: an iterate whose sum keeps the limits is a plan. Otherwise (and at the end when the
 *   gap is not reached) the limits are split into per-site caps summing to them (shared-caps.ts) and
 *   every site re-solves within its cap at the last prices: the sum then never breaks a limit, except
 *   where the sites' inflexible load alone does (the unavoidable excess, named per slot).
 * - Warm prices: `warmStart` seeds the prices; `replanSite` re-plans one site at the portfolio's prices
 *   within its stored caps: one solve, and the sum still keeps the limits.
 */
import { splitSharedLimit } from './shared-caps.ts';
import type { SiteSolution, SiteSubproblem } from './site-subproblem.ts';

/** Limits on the sum of the sites' net import per slot (kW; Infinity = none). */
export interface SharedRowLimits {
  readonly importLimitKw: readonly number[];
  readonly exportLimitKw: readonly number[];
}

export interface FeederPrices {
  /** Price of the import row per slot (per kWh, >= 0). */
  readonly importPerKwh: readonly number[];
  /** Price of the export row per slot (per kWh, >= 0). */
  readonly exportPerKwh: readonly number[];
}

export interface CoordinateOptions {
  /** Stop when (plan - bound) / |plan| <= this; default 0.005 (0.5 %). */
  readonly targetGap?: number;
  /** Price iterations at most; default 40. */
  readonly maxIterations?: number;
  /** Run the cap recovery every this many iterations (and at the end); default 10. */
  readonly recoverEvery?: number;
  readonly warmStart?: FeederPrices;
  /** Sum within the limit plus this counts as keeping it (kW); default 1e-6 per site. */
  readonly toleranceKw?: number;
}

export interface SiteShare<P> {
  readonly siteId: string;
  readonly solution: SiteSolution<P>;
  /** Its share of the limits in the chosen plan (kW per slot; Infinity = none): a re-plan stays within it. */
  readonly importCapKw: readonly number[];
  readonly exportCapKw: readonly number[];
}

export type PortfolioStatus = 'optimal' | 'feasible' | 'limit-breached';

export interface PortfolioPlan<P> {
  readonly status: PortfolioStatus;
  /**
   * How the plan was found: an iterate of the price loop, the cap recovery, column generation over the
   * portfolio's vehicles (vehicle-columns.ts), Dantzig-Wolfe over whole-site plans (site-columns.ts), or one
   * round of site solves within the caps of the aggregate LP (aggregate-first.ts).
   */
  readonly method: 'price-iterate' | 'cap-recovery' | 'vehicle-columns' | 'site-columns' | 'aggregate-first';
  readonly sites: readonly SiteShare<P>[];
  /** Sum of the sites' net import per slot (kW). */
  readonly netImportKw: readonly number[];
  /** Sum of the sites' own objectives. */
  readonly objective: number;
  /** Certified lower bound (-Infinity when a site gave none). */
  readonly bound: number;
  /**
   * Which bound `bound` is: the aggregate LP of the sites' relaxations (aggregate-first.ts) or a Lagrangian
   * (dual) value of site solves at feeder prices, or `none` (aggregate-first without either: an interior point
   * whose duals gave no finite bound and no Lagrangian round). Omitted by the coordinators that only have the latter.
   */
  readonly boundKind?: 'relaxation' | 'lagrangian' | 'none';
  /** (objective - bound) / max(1, |objective|). */
  readonly gap: number;
  readonly prices: FeederPrices;
  readonly iterations: number;
  /** Site solves made. */
  readonly solves: number;
  /** no-bound: the sites proved no bound, so the prices could not move (the cap recovery made the plan). */
  readonly stopReason: 'gap' | 'iterations' | 'no-shared-limit' | 'no-bound';
  /** Per slot where the sum breaks a limit (only when the sites' inflexible load alone does). */
  readonly breaches: readonly { readonly slot: number; readonly direction: 'import' | 'export'; readonly excessKw: number; readonly reason: string }[];
}

/** Sum of the sites' net import per slot (kW). */
export const sumBy = (sols: readonly { readonly netImportKw: readonly number[] }[], T: number) => Array.from({ length: T }, (_, t) => sols.reduce((a, s) => a + s.netImportKw[t]!, 0));

/** How far (kW) the sum breaks a limit in its worst slot beyond `tol` (<= 0: kept). */
export function violation(sum: readonly number[], limits: SharedRowLimits, tol: number): number {
  let worst = 0;
  sum.forEach((n, t) => (worst = Math.max(worst, n - limits.importLimitKw[t]! - tol, -limits.exportLimitKw[t]! - n - tol)));
  return worst;
}

/** Caps from what each site wants to import and export (shared-caps.ts). */
export function capsFrom<P>(wantImport: readonly ArrayLike<number>[], wantExport: readonly ArrayLike<number>[], sites: readonly SiteSubproblem<P>[], limits: SharedRowLimits) {
  const floorsI = sites.map((s) => s.inflexibleNetKw.map((x) => Math.max(0, x)));
  const floorsE = sites.map((s) => s.inflexibleNetKw.map((x) => Math.max(0, -x)));
  const deep = sites.every((s) => s.minNetImportKw) ? sites.map((s) => s.minNetImportKw!) : undefined;
  const imp = splitSharedLimit(limits.importLimitKw, floorsI, wantImport.map((a) => Array.from(a)), deep);
  const exp = splitSharedLimit(limits.exportLimitKw, floorsE, wantExport.map((a) => Array.from(a)));
  const plainExcessKw = limits.importLimitKw.map((l, t) => Math.max(0, floorsI.reduce((a, f) => a + f[t]!, 0) - l));
  return { imp, exp, plainExcessKw };
}

/** Caps that keep an already feasible iterate's plans and share the slack (so a re-plan of one site stays within). */
function capsOf<P>(sols: readonly SiteSolution<P>[], sites: readonly SiteSubproblem<P>[], limits: SharedRowLimits) {
  return capsFrom(sols.map((s) => s.importKw), sols.map((s) => s.exportKw), sites, limits);
}

export async function coordinatePortfolio<P>(sites: readonly SiteSubproblem<P>[], limits: SharedRowLimits, options: CoordinateOptions = {}): Promise<PortfolioPlan<P>> {
  const T = sites[0]?.slotCount ?? 0;
  const dt = sites[0]?.slotHours ?? 1;
  const tol = options.toleranceKw ?? 1e-6 * Math.max(1, sites.length);
  const targetGap = options.targetGap ?? 0.005;
  const lambda = Float64Array.from(options.warmStart?.importPerKwh ?? new Array<number>(T).fill(0));
  const mu = Float64Array.from(options.warmStart?.exportPerKwh ?? new Array<number>(T).fill(0));
  const hasLimit = limits.importLimitKw.some(Number.isFinite) || limits.exportLimitKw.some(Number.isFinite);
  for (let t = 0; t < T; t++) {
    if (!Number.isFinite(limits.importLimitKw[t]!)) lambda[t] = 0;
    if (!Number.isFinite(limits.exportLimitKw[t]!)) mu[t] = 0;
  }
  let solves = 0;
  const solveAll = async (request: (s: number) => Parameters<SiteSubproblem<P>['solve']>[0]) => {
    solves += sites.length;
    return Promise.all(sites.map((site, s) => site.solve(request(s))));
  };
  let bound = -Infinity;
  let best: { sols: SiteSolution<P>[]; objective: number; method: PortfolioPlan<P>['method']; caps?: ReturnType<typeof capsFrom> } | undefined;
  let last: SiteSolution<P>[] = [];
  // Ergodic (running) averages of the sites' import and export: the LP optimum's limit point, which the
  // recovery's caps follow (the last iterate of an LP's prices is bang-bang).
  const avgImport = sites.map(() => new Float64Array(T));
  const avgExport = sites.map(() => new Float64Array(T));
  let iterations = 0;
  // Polyak factor, halved after 3 iterations without a better bound.
  let theta = 1;
  let stalled = 0;
  let stopReason: PortfolioPlan<P>['stopReason'] = 'iterations';
  const maxIterations = hasLimit ? (options.maxIterations ?? 40) : 1;
  const recoverEvery = Math.max(1, options.recoverEvery ?? 10);
  const gapOf = (objective: number) => (objective - bound) / Math.max(1, Math.abs(objective));
  /** Recovery: each site within its share of the limits (split by the ergodic averages), at the given prices. */
  const recover = async (adder: readonly number[]) => {
    const caps = capsFrom(avgImport, avgExport, sites, limits);
    const recovered = await solveAll((s) => ({ adderPerKwh: adder, importCapKw: caps.imp.caps[s]!, exportCapKw: caps.exp.caps[s]! }));
    const objective = recovered.reduce((a, s) => a + s.objective, 0);
    if (!best || objective < best.objective) best = { sols: recovered, objective, method: 'cap-recovery', caps };
  };
  for (let k = 0; k < maxIterations; k++) {
    iterations++;
    const adder = Array.from({ length: T }, (_, t) => lambda[t]! - mu[t]!);
    last = await solveAll(() => ({ adderPerKwh: adder }));
    last.forEach((sol, i) => {
      for (let t = 0; t < T; t++) {
        avgImport[i]![t]! += (sol.importKw[t]! - avgImport[i]![t]!) / (k + 1);
        avgExport[i]![t]! += (sol.exportKw[t]! - avgExport[i]![t]!) / (k + 1);
      }
    });
    const sum = sumBy(last, T);
    let dual = last.reduce((a, s) => a + s.pricedBound, 0);
    for (let t = 0; t < T; t++) {
      if (lambda[t]! > 0) dual -= dt * lambda[t]! * limits.importLimitKw[t]!;
      if (mu[t]! > 0) dual -= dt * mu[t]! * limits.exportLimitKw[t]!;
    }
    if (dual > bound + 1e-9 * Math.max(1, Math.abs(bound))) stalled = 0;
    else if (++stalled >= 3) {
      theta /= 2;
      stalled = 0;
    }
    bound = Math.max(bound, dual);
    const objective = last.reduce((a, s) => a + s.objective, 0);
    if (violation(sum, limits, tol) <= 0 && (!best || objective < best.objective)) best = { sols: last, objective, method: 'price-iterate' };
    if (!hasLimit) {
      stopReason = 'no-shared-limit';
      break;
    }
    if ((k + 1) % recoverEvery === 0 && !(best && gapOf(best.objective) <= targetGap)) await recover(adder);
    if (best && gapOf(best.objective) <= targetGap) {
      stopReason = 'gap';
      break;
    }
    // Polyak step towards the best plan's value (or 5 % above the dual before any plan is known).
    const g = Array.from({ length: T }, (_, t) => (Number.isFinite(limits.importLimitKw[t]!) ? dt * (sum[t]! - limits.importLimitKw[t]!) : 0));
    const h = Array.from({ length: T }, (_, t) => (Number.isFinite(limits.exportLimitKw[t]!) ? dt * (-limits.exportLimitKw[t]! - sum[t]!) : 0));
    let norm = 0;
    for (let t = 0; t < T; t++) {
      if (g[t]! > 0 || lambda[t]! > 0) norm += g[t]! ** 2;
      if (h[t]! > 0 || mu[t]! > 0) norm += h[t]! ** 2;
    }
    if (norm === 0) break;
    // A round in which a site proved no bound (a MILP stopped early, a heuristic backend) has no dual value:
    // the step then aims from the best bound so far (Polyak with the best known dual).
    const stepDual = Number.isFinite(dual) ? dual : bound;
    const targetValue = best ? best.objective : stepDual + 0.05 * Math.max(1, Math.abs(stepDual));
    const step = (theta * Math.max(0, targetValue - stepDual)) / norm;
    // No step without any finite dual (every round without a bound): stop pricing; the cap recovery below
    // still makes a plan that keeps the limits (its gap then says no bound).
    if (!Number.isFinite(step)) {
      stopReason = 'no-bound';
      break;
    }
    if (step === 0) break;
    for (let t = 0; t < T; t++) {
      lambda[t] = Math.max(0, lambda[t]! + step * g[t]!);
      mu[t] = Math.max(0, mu[t]! + step * h[t]!);
    }
  }
  const prices: FeederPrices = { importPerKwh: [...lambda], exportPerKwh: [...mu] };
  if (hasLimit && (!best || gapOf(best.objective) > targetGap)) await recover(Array.from({ length: T }, (_, t) => lambda[t]! - mu[t]!));
  const chosen = best ?? { sols: last, objective: last.reduce((a, s) => a + s.objective, 0), method: 'price-iterate' as const };
  return assemblePortfolioPlan(sites, limits, { ...chosen, caps: chosen.caps ?? capsOf(chosen.sols, sites, limits) }, { bound, prices, iterations, solves, stopReason, tol });
}

/** The answer for a chosen set of site solutions: the sum, breaches named per slot (with why), gap and status. */
export function assemblePortfolioPlan<P>(
  sites: readonly SiteSubproblem<P>[],
  limits: SharedRowLimits,
  chosen: { readonly sols: readonly SiteSolution<P>[]; readonly objective: number; readonly method: PortfolioPlan<P>['method']; readonly caps: ReturnType<typeof capsFrom> },
  run: { readonly bound: number; readonly prices: FeederPrices; readonly iterations: number; readonly solves: number; readonly stopReason: PortfolioPlan<P>['stopReason']; readonly tol: number },
): PortfolioPlan<P> {
  const { bound, prices, iterations, solves, stopReason, tol } = run;
  const T = sites[0]?.slotCount ?? 0;
  const { caps, method, sols } = chosen;
  const netImportKw = sumBy(sols, T);
  const breaches: PortfolioPlan<P>['breaches'][number][] = [];
  netImportKw.forEach((n, t) => {
    const overI = n - limits.importLimitKw[t]!;
    if (overI > tol) breaches.push({ slot: t, direction: 'import', excessKw: overI, reason: excessReason(caps.imp.unavoidableExcessKw[t]!, 'import', caps.plainExcessKw[t]!) });
    const overE = -limits.exportLimitKw[t]! - n;
    if (overE > tol) breaches.push({ slot: t, direction: 'export', excessKw: overE, reason: excessReason(caps.exp.unavoidableExcessKw[t]!, 'export') });
  });
  const gap = (chosen.objective - bound) / Math.max(1, Math.abs(chosen.objective));
  const status: PortfolioStatus = breaches.length > 0 ? 'limit-breached' : gap <= 1e-9 ? 'optimal' : 'feasible';
  return {
    status,
    method,
    sites: sites.map((site, s) => ({ siteId: site.id, solution: sols[s]!, importCapKw: caps.imp.caps[s]!, exportCapKw: caps.exp.caps[s]! })),
    netImportKw,
    objective: chosen.objective,
    bound,
    gap,
    prices,
    iterations,
    solves,
    stopReason,
    breaches,
  };
}

function excessReason(unavoidableKw: number, direction: 'import' | 'export', inflexibleExcessKw = 0): string {
  const kw = (x: number) => Math.round(x * 1000) / 1000;
  if (unavoidableKw > 0) {
    return direction === 'import'
      ? `the sites' inflexible load (base load minus PV) exceeds the shared limit by ${kw(unavoidableKw)} kW even with every plugged-in vehicle discharging at full power: unavoidable`
      : `the sites' inflexible PV surplus alone exceeds the shared limit by ${kw(unavoidableKw)} kW: unavoidable`;
  }
  if (inflexibleExcessKw > 0) {
    return `the sites' inflexible load (base load minus PV) exceeds the shared limit by ${kw(inflexibleExcessKw)} kW; the plugged-in vehicles could not discharge enough to cover it (energy, reserve or departure targets): unavoidable with this fleet`;
  }
  return `a site could not keep its share of the shared ${direction} limit (see its plan's excess)`;
}

/**
 * Re-plans one site of a coordinated portfolio (its inputs changed) at the portfolio's prices within its
 * stored share of the limits: one solve; the others' plans stand, so the sum still keeps the limits.
 */
export async function replanSite<P>(plan: PortfolioPlan<P>, site: SiteSubproblem<P>): Promise<PortfolioPlan<P>> {
  const index = plan.sites.findIndex((s) => s.siteId === site.id);
  if (index < 0) throw new Error(`replanSite: "${site.id}" is not a site of this portfolio plan`);
  const share = plan.sites[index]!;
  const adder = plan.prices.importPerKwh.map((l, t) => l - plan.prices.exportPerKwh[t]!);
  const solution = await site.solve({ adderPerKwh: adder, importCapKw: share.importCapKw, exportCapKw: share.exportCapKw });
  const sites = plan.sites.map((s, i) => (i === index ? { ...s, solution } : s));
  const netImportKw = sumBy(sites.map((s) => s.solution), site.slotCount);
  const objective = sites.reduce((a, s) => a + s.solution.objective, 0);
  // The bound of the changed portfolio is unknown until it is coordinated again.
  return { ...plan, sites, netImportKw, objective, bound: -Infinity, gap: Infinity, status: plan.breaches.length > 0 ? 'limit-breached' : 'feasible', solves: 1, iterations: 0 };
}
