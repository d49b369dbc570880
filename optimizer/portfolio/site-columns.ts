/**
 * One plan across a portfolio by Dantzig-Wolfe over WHOLE-SITE plans (issue 17): each site's plan at some
 * feeder prices is one column; the restricted master (site-column-master.ts) has the T feeder rows and one
 * convexity row per site, so its size does not grow with the sites' own rows (they stay inside each site's
 * solve). Every round all sites solve at the query prices (one `Promise.all`: one BullMQ flow in Redis mode,
 * adapters/service/portfolio-flow-sites.ts) and their plans become columns.
 *
 * - Bound (certified): for any adder a (per kWh; lambda = max(0, a) on the import row, mu = max(0, -a) on the
 *   export row), sum_s pricedBound_s(a) - dt * sum_t (lambda_t L_t + mu_t E_t) <= the portfolio optimum
 *   (weak duality; each site's `pricedBound` is proven, its LP relaxation). The best one is kept.
 * - Prices: the master's feeder duals, smoothed towards the centre = the prices of the best bound (Wentges:
 *   query = alpha x centre + (1 - alpha) x master; alpha halved when the bound stalls twice) and kept within a
 *   box around the centre (doubled after a better bound, halved after none): early masters price a row at the
 *   excess cost. The first round is at the warm prices (the plan in force's).
 * - Feasible columns first: while no mix of the columns keeps the limits (the first round at the warm prices
 *   usually breaks a new dispatch's limit), the recovery below runs at once and its plans become columns too,
 *   so the master's prices are the feeder's marginal values rather than its excess cost.
 * - Plan (recovery): the master's weights give each site a convex mix of its plans; the limits are split into
 *   per-site caps that sum to them (shared-caps.ts, by the mix's import and export). A site whose weight sits
 *   on ONE column that keeps its caps keeps that plan (no solve); only the others (at most about one per
 *   binding feeder row in a basic solution) re-solve within their caps. Each site's import is within its cap,
 *   so **the sum of the sites' plans never breaks a shared limit** (except the unavoidable excess, named).
 * - Stop: the plan's gap to the bound at most `targetGap` (recovery is tried when the master's own gap is at
 *   most `masterTargetGap`, halved after each recovery that misses, and every `recoverEvery` rounds, default
 *   5), or `maxIterations` rounds (the last one recovers too).
 */
import type { LpBackend } from '../backends/lp-backend.ts';
import { highsMaster } from '../decomposition/decompose.ts';
import { assemblePortfolioPlan, capsFrom, coordinatePortfolio, sumBy, violation, type CoordinateOptions, type PortfolioPlan, type SharedRowLimits } from './coordinate.ts';
import { SiteColumnMaster, type SiteMasterSolution } from './site-column-master.ts';
import type { SiteSolution, SiteSubproblem } from './site-subproblem.ts';

export interface SiteColumnsOptions extends CoordinateOptions {
  /** The master's own gap at which a plan is recovered; default targetGap / 2, halved after a miss. */
  readonly masterTargetGap?: number;
  /** Feeder excess cost in the master per kWh (caps the feeder price); default 50 (half the schema's highest price). */
  readonly excessPricePerKwh?: number;
  /** Wentges smoothing factor towards the best bound's prices, in [0, 1); default 0.5. */
  readonly smoothing?: number;
  /**
   * How the next prices are found: `polyak` (default) a subgradient step of this round's prices towards the
   * best known value; `master` the master's feeder duals, smoothed and clipped to a box around the best
   * bound's prices; `box` the duals of a box-step master (its prices constrained to that box).
   * Measured: the master's duals alone stalled (bench/RESULTS.md, issue 17 session 7).
   */
  readonly priceRule?: 'polyak' | 'master' | 'box';
  /** First half-width of the box around the best bound's prices that a query stays in (per kWh); default half the sites' largest price. */
  readonly boxPerKwh?: number;
  /**
   * Rounds ask the sites for columns only (`SiteRequest.relaxed`): a site may answer its LP relaxation without
   * enforcing minimum currents (a resident site then re-solves only its LP). Such answers never become the plan:
   * every site of the plan comes from a recovery (within its caps, a full plan). Default false.
   */
  readonly relaxedRounds?: boolean;
  /** The master's LP backend (default HiGHS). */
  readonly masterBackend?: LpBackend;
  /** Per round: the bound, the master's value and the best plan's value so far. */
  readonly onRound?: (r: SiteColumnsRound) => void;
}

/** Progress of one round. */
export interface SiteColumnsRound {
  readonly round: number;
  readonly bound: number;
  readonly masterObjective: number;
  readonly planObjective?: number;
  /** Sites re-solved by the recovery of this round (0 when none ran). */
  readonly recoverySolves: number;
  readonly solves: number;
}

interface Column<P> {
  readonly site: number;
  readonly solution: SiteSolution<P>;
}

/** Sites keep a column of weight at least this as their plan (when it keeps its caps). */
const wholeWeight = 1 - 1e-6;

export async function coordinateBySiteColumns<P>(sites: readonly SiteSubproblem<P>[], limits: SharedRowLimits, options: SiteColumnsOptions = {}): Promise<PortfolioPlan<P>> {
  const S = sites.length;
  const T = sites[0]?.slotCount ?? 0;
  const dt = sites[0]?.slotHours ?? 1;
  const hasLimit = limits.importLimitKw.slice(0, T).some(Number.isFinite) || limits.exportLimitKw.slice(0, T).some(Number.isFinite);
  // No shared limit: every site alone, one round (the price loop's own answer for it).
  if (S === 0 || !hasLimit) return coordinatePortfolio(sites, limits, options);
  const tol = options.toleranceKw ?? 1e-6 * Math.max(1, S);
  const targetGap = options.targetGap ?? 0.005;
  let masterTarget = options.masterTargetGap ?? targetGap / 2;
  const maxIterations = options.maxIterations ?? 30;
  const excessPrice = options.excessPricePerKwh ?? 50;
  let alpha = Math.min(0.95, Math.max(0, options.smoothing ?? 0.5));
  const priceRule = options.priceRule ?? 'polyak';
  /** A recovery every this many rounds too (the master's own gap is not a plan's while a box's columns carry weight). */
  const recoverEvery = Math.max(1, options.recoverEvery ?? 5);
  /** Polyak factor, halved when the bound stalls twice. */
  let theta = 1;
  /** Box around the centre that the next query's prices stay in (per kWh): doubled after a better bound, halved after none. */
  let box = options.boxPerKwh ?? 0.5 * Math.max(...sites.map((s) => s.priceScalePerKwh));
  const importL = Array.from({ length: T }, (_, t) => limits.importLimitKw[t] ?? Infinity);
  const exportL = Array.from({ length: T }, (_, t) => limits.exportLimitKw[t] ?? Infinity);
  /** The adder within the master's price range, 0 on a side without a limit. */
  const clip = (a: number, t: number) => Math.min(Number.isFinite(importL[t]!) ? excessPrice : 0, Math.max(Number.isFinite(exportL[t]!) ? -excessPrice : 0, a));
  const warm = options.warmStart;
  let query = Array.from({ length: T }, (_, t) => clip((warm?.importPerKwh[t] ?? 0) - (warm?.exportPerKwh[t] ?? 0), t));
  let centre = query;
  const master = new SiteColumnMaster(options.masterBackend ?? (await highsMaster()), T, S, importL, exportL, dt * excessPrice);
  const columns: Column<P>[] = [];
  let bound = -Infinity;
  let solves = 0;
  let iterations = 0;
  let stalled = 0;
  let best: { sols: SiteSolution<P>[]; objective: number; method: PortfolioPlan<P>['method']; caps: ReturnType<typeof capsFrom> } | undefined;
  let lastMaster: SiteMasterSolution | undefined;
  let stopReason: PortfolioPlan<P>['stopReason'] = 'iterations';
  const gapOf = (objective: number) => (objective - bound) / Math.max(1, Math.abs(objective));

  /** The plan from the master's weights: whole-weight sites keep their column, the others re-solve within their caps. */
  const recover = async (m: SiteMasterSolution, adder: readonly number[]) => {
    const wantImport = sites.map(() => new Float64Array(T));
    const wantExport = sites.map(() => new Float64Array(T));
    const heaviest = new Array<number>(S).fill(-1);
    m.weights.forEach((w, j) => {
      if (w <= 0) return;
      const c = columns[j]!;
      for (let t = 0; t < T; t++) {
        wantImport[c.site]![t]! += w * c.solution.importKw[t]!;
        wantExport[c.site]![t]! += w * c.solution.exportKw[t]!;
      }
      if (heaviest[c.site]! < 0 || w > m.weights[heaviest[c.site]!]!) heaviest[c.site] = j;
    });
    const caps = capsFrom(wantImport, wantExport, sites, limits);
    const within = (s: number, sol: SiteSolution<P>) => sol.importKw.every((x, t) => t >= T || x <= caps.imp.caps[s]![t]! + 1e-9 * Math.max(1, Math.abs(x))) && sol.exportKw.every((x, t) => t >= T || x <= caps.exp.caps[s]![t]! + 1e-9 * Math.max(1, Math.abs(x)));
    const kept = sites.map((_, s) => {
      const j = heaviest[s]!;
      return j >= 0 && m.weights[j]! >= wholeWeight && columns[j]!.solution.status !== 'relaxed' && within(s, columns[j]!.solution) ? columns[j]!.solution : undefined;
    });
    const again = kept.flatMap((k, s) => (k ? [] : [s]));
    solves += again.length;
    const resolved = await Promise.all(again.map((s) => sites[s]!.solve({ adderPerKwh: adder, importCapKw: caps.imp.caps[s]!, exportCapKw: caps.exp.caps[s]! })));
    // The re-solved plans are plans of their sites too (within a cap): columns for the next master.
    resolved.forEach((solution, i) => columns.push({ site: again[i]!, solution }));
    master.addColumns(resolved.map((s, i) => ({ site: again[i]!, cost: s.objective, netKw: s.netImportKw })));
    const sols = kept.map((k, s) => k ?? resolved[again.indexOf(s)]!);
    const objective = sols.reduce((a, s) => a + s.objective, 0);
    if (!best || objective < best.objective) best = { sols, objective, method: 'site-columns', caps };
    return again.length;
  };

  // The master is HiGHS memory (WebAssembly): disposed however the rounds end.
  try {
    for (let k = 0; k < maxIterations; k++) {
      iterations++;
      const adder = query;
      solves += S;
      const sols = await Promise.all(sites.map((site) => site.solve({ adderPerKwh: adder, ...(options.relaxedRounds ? { relaxed: true } : {}) })));
      let dual = sols.reduce((a, s) => a + s.pricedBound, 0);
      for (let t = 0; t < T; t++) dual -= dt * (adder[t]! > 0 ? adder[t]! * importL[t]! : adder[t]! < 0 ? -adder[t]! * exportL[t]! : 0);
      if (dual > bound && (!Number.isFinite(bound) || dual > bound + 1e-9 * Math.abs(bound))) {
        bound = dual;
        centre = adder;
        stalled = 0;
        if (k > 0) box = Math.min(excessPrice, 2 * box);
      } else {
        box /= 2;
        if (++stalled >= 2) {
          alpha /= 2;
          theta /= 2;
          stalled = 0;
        }
      }
      const objective = sols.reduce((a, s) => a + s.objective, 0);
      if (violation(sumBy(sols, T), limits, tol) <= 0 && sols.every((s) => s.status !== 'relaxed') && (!best || objective < best.objective)) best = { sols, objective, method: 'price-iterate', caps: capsFrom(sols.map((s) => s.importKw), sols.map((s) => s.exportKw), sites, limits) };
      sols.forEach((solution, s) => columns.push({ site: s, solution }));
      master.addColumns(sols.map((s, i) => ({ site: i, cost: s.objective, netKw: s.netImportKw })));
      let m = master.solve(600_000);
      if (!m) break;
      lastMaster = m;
      let recoverySolves = 0;
      const last = k === maxIterations - 1;
      if (!best && m.excessKw > tol) {
        // No mix of the columns so far keeps the limits: the sites' plans within a split of them are columns
        // that do (and the first plan), so the master's prices become the feeder's marginal values, not the
        // excess cost.
        recoverySolves = await recover(m, centre);
        m = master.solve(600_000) ?? m;
        lastMaster = m;
      } else if ((m.excessKw <= tol && gapOf(m.objective) <= masterTarget) || last || (k + 1) % recoverEvery === 0) {
        recoverySolves = await recover(m, centre);
        masterTarget /= 2;
      }
      options.onRound?.({ round: k + 1, bound, masterObjective: m.objective, ...(best ? { planObjective: best.objective } : {}), recoverySolves, solves });
      if (best && gapOf(best.objective) <= targetGap) {
        stopReason = 'gap';
        break;
      }
      if (priceRule === 'box') {
        // The next master's prices within a box around the centre (its value then counts the box's columns).
        master.setBox(centre.map((c) => dt * Math.max(0, c - box)), centre.map((c) => dt * (c + box)));
        const boxed = master.solve(600_000);
        if (!boxed) break;
        query = Array.from({ length: T }, (_, t) => clip(boxed.priceKw[t]! / dt, t));
      } else if (priceRule === 'master') {
        // Smoothed towards the centre, then within the box (a degenerate master prices a row at the excess cost).
        query = Array.from({ length: T }, (_, t) => clip(centre[t]! + Math.max(-box, Math.min(box, (1 - alpha) * (m.priceKw[t]! / dt - centre[t]!))), t));
      } else {
        // Polyak step from this round's prices along its subgradient, towards the best value known (the best plan,
        // or the master's when no excess: the cost of a mix of site plans that keeps the limits).
        const target = Math.min(best?.objective ?? Infinity, m.excessKw <= tol ? m.objective : Infinity);
        const sum = sumBy(sols, T);
        const g = Array.from({ length: T }, (_, t) => (Number.isFinite(importL[t]!) ? dt * (sum[t]! - importL[t]!) : 0));
        const h = Array.from({ length: T }, (_, t) => (Number.isFinite(exportL[t]!) ? dt * (-exportL[t]! - sum[t]!) : 0));
        let norm = 0;
        for (let t = 0; t < T; t++) {
          if (g[t]! > 0 || adder[t]! > 0) norm += g[t]! ** 2;
          if (h[t]! > 0 || adder[t]! < 0) norm += h[t]! ** 2;
        }
        // A round in which a site proved no bound (a solve stopped by its time limit) steps from the best bound;
        // without any bound the prices cannot move: stop (said as no-bound; the recovery below still makes a plan).
        const stepDual = Number.isFinite(dual) ? dual : bound;
        if (!Number.isFinite(stepDual)) {
          stopReason = 'no-bound';
          break;
        }
        const step = norm > 0 && Number.isFinite(target) ? (theta * Math.max(0, target - stepDual)) / norm : 0;
        if (step === 0) break;
        query = Array.from({ length: T }, (_, t) => clip(Math.max(0, Math.max(0, adder[t]!) + step * g[t]!) - Math.max(0, Math.max(0, -adder[t]!) + step * h[t]!), t));
      }
    }
    if ((!best || gapOf(best.objective) > targetGap) && lastMaster && iterations < maxIterations) await recover(lastMaster, centre);
  } finally {
    master.dispose();
  }
  const prices = { importPerKwh: centre.map((a) => Math.max(0, a)), exportPerKwh: centre.map((a) => Math.max(0, -a)) };
  if (!best) {
    // No master answer at all: the price loop's cap recovery from the centre's prices.
    return coordinatePortfolio(sites, limits, { ...options, warmStart: prices, maxIterations: 1 });
  }
  return assemblePortfolioPlan(sites, limits, best, { bound, prices, iterations, solves, stopReason, tol });
}

