/**
 * One plan across a portfolio in ONE round of site solves (issue 17 session 13): the aggregate LP first.
 *
 * 1. The aggregate LP (aggregate-lp.ts): every site's relaxation (site-relaxation.ts) and the feeder rows in one
 *    LP. Its optimum is a certified lower bound of the portfolio optimum (from the relaxation: each site's part
 *    is at most its exact cost); its solution gives each site an import and export profile, its feeder duals the
 *    per-slot price adder.
 * 2. One round: the limits are split into per-site caps by those profiles (shared-caps.ts: they sum to the limits
 *    exactly) and every site solves within its caps at `cappedPriceFactor` (default 0, capped-price.ts) x the adder
 *    (session 15: at the adder itself most of the gap was priced feeder left unused; gap-split.ts) (one `Promise.all`: one BullMQ flow in
 *    Redis mode). Each site's import is within its cap, so **the sum never breaks a shared limit** (except the
 *    unavoidable excess, named).
 * 3. When the gap (plan - bound) / |plan| is above the target, `then` says what follows: `lagrangian` (default)
 *    one more round of uncapped site solves at the same prices: sum_s pricedBound_s - dt sum_t (lambda L + mu E) is
 *    the Lagrangian bound (a site whose solve proved no bound, e.g. at its time limit, takes its relaxation's value
 *    at the same prices: lagrangian-bound.ts), the better of the two is kept (and the uncapped plans are the plan when their sum keeps
 *    the limits and costs less); `site-columns` hands over to the site-column coordinator warm-started at these
 *    prices; `none` stops.
 * Every answer says `method`, `bound`, `boundKind`, `gap`, `iterations` (rounds), `solves` and `stopReason`.
 */
import type { LpBackend } from '../backends/lp-backend.ts';
import type { Problem } from '../problem.ts';
import type { AggregateLpResult } from './aggregate-lp.ts';
import { highsMaster } from '../decomposition/decompose.ts';
import { solveAggregateHere, type AggregateSolver } from './aggregate-thread.ts';
import { assemblePortfolioPlan, capsFrom, sumBy, violation, type CoordinateOptions, type PortfolioPlan, type SharedRowLimits } from './coordinate.ts';
import { defaultCappedPriceFactor } from './capped-price.ts';
import { swapBestResponses, type SwapResult } from './best-response-swap.ts';
import { splitGap, type GapSplit } from './gap-split.ts';
import { lagrangianBound, siteRelaxationValue, type LagrangianBound } from './lagrangian-bound.ts';
import { coordinateBySiteColumns } from './site-columns.ts';
import { choosePriceStep, priceStepLpOptions, type ChosenPriceStep, type PriceStepChoice, type PriceStepRule } from './price-step.ts';
import type { RelaxationGrouping } from './site-relaxation.ts';
import type { SiteSolution, SiteSubproblem } from './site-subproblem.ts';

export interface AggregateFirstOptions extends CoordinateOptions {
  /**
   * What follows a first round above the target gap (see the file's comment); default `lagrangian`.
   * `lagrangian-recover`: after the uncapped round, if still above the target, one more capped round with caps
   * split by the mean of the aggregate LP's profiles and the uncapped plans' (a two-point ergodic mean).
   * It runs at the capped round's adder (`cappedPriceFactor`).
   */
  readonly then?: 'lagrangian' | 'lagrangian-recover' | 'site-columns' | 'none';
  /** The relaxation's vehicle groups; default `v2g`. */
  readonly grouping?: RelaxationGrouping;
  /** Feeder excess cost in the aggregate LP per kWh (caps its feeder price); default 50. */
  readonly excessPricePerKwh?: number;
  /** The aggregate LP's backend (default HiGHS). */
  readonly backend?: LpBackend;
  /** The aggregate LP's time limit (ms); default 600,000. */
  readonly aggregateTimeLimitMs?: number;
  /**
   * How the aggregate LP is solved (price-step.ts): `monolithic` (default, aggregate-lp.ts: one LP, dual simplex),
   * `monolithic-ipm` (the same LP by the interior point without crossover: the bound is the Lagrangian value at its
   * duals), `monolithic-ipm-crossover`, `decomposed` (aggregate-decomposed.ts: Dantzig-Wolfe over the sites'
   * relaxations; its `objective` is its certified Lagrangian bound, within its tolerance of the LP's optimum) or
   * `auto` (by the number of sites, `priceStepRule`). The answer's `priceStep` says which ran and why.
   */
  readonly priceStep?: PriceStepChoice;
  /** `auto`'s rule (default `autoPriceStepRule`). */
  readonly priceStepRule?: PriceStepRule;
  /**
   * The decomposed price step: threads solving the sites' relaxations (aggregate-decomposed.ts; default 1, in the
   * step's thread). With `warmStart` (e.g. the plan in force's feeder prices) the decomposed step's first round is
   * at those prices (adder = import - export price) instead of zero; its answer's `warmStart` says so. The
   * monolithic steps ignore both.
   */
  readonly priceStepThreads?: number;
  /** Where `warmStart` came from, said in the decomposed step's answer (`aggregate.warmStart`); default `the warm-start feeder prices`. */
  readonly warmStartFrom?: string;
  /**
   * Where the price step runs (aggregate-thread.ts): default this thread; the service passes
   * `solveAggregateOnWorkerThread` so its event loop (job locks, HTTP) stays free during a minutes-long LP.
   */
  readonly solveAggregate?: AggregateSolver;
  /**
   * How the uncapped LPs of the Lagrangian bound are solved (`then: lagrangian | lagrangian-recover`): `warm` (default,
   * session 14) each site's job of the one round solves its capped plan and then, on the same open HiGHS model, its
   * uncapped LP from the capped LP's basis (SiteRequest.uncappedBound; site-bound-solve.ts): one round, one flow in
   * Redis mode; a site that cannot (no bound solver, or its model refused) is solved uncapped cold in a second round
   * (counted in `lagrangian.lps.cold`). The uncapped answers are LP points, not plans: they never become the plan.
   * `cold-round`: the old second round of cold uncapped site solves, whose plans become the plan when their sum keeps
   * the limits and costs less.
   */
  readonly boundSolve?: 'warm' | 'cold-round';
  /**
   * `boundSolve: 'warm'` only (issue 17 session 15): each site's job also repairs its uncapped LP into its best
   * response at the same prices (SiteRequest.uncappedPlan: one more repair on the same model, no extra round), and the
   * plan swaps a site's capped plan for it where the sum still keeps every limit and it costs less
   * (best-response-swap.ts). The answer's `swap` says how many. Default false.
   */
  readonly swapBestResponses?: boolean;
  /**
   * The capped round's adder as a share of the feeder prices (issue 17 session 15): each site plans within its caps at
   * `cappedPriceFactor x adder` while its uncapped LP (the Lagrangian bound) and best response stay at the adder
   * (SiteRequest.uncappedAdderPerKwh). The caps alone keep the limits, so the adder in a capped plan only steers the
   * site away from capacity it was given: at 0 each site minimises its own cost within its caps. Default
   * `defaultCappedPriceFactor` (capped-price.ts; 1 before session 15).
   */
  readonly cappedPriceFactor?: number;
  /** After the aggregate LP: its size, time and value. */
  readonly onAggregate?: (a: AggregateLpResult) => void;
}

/** The aggregate-first plan: a `PortfolioPlan` and what the aggregate LP was. */
export interface AggregateFirstPlan<P> extends PortfolioPlan<P> {
  readonly aggregate: Omit<AggregateLpResult, 'sites' | 'adderPerKwh'>;
  /** Which price step solved the aggregate LP, what was asked and why (`auto`: its size rule). */
  readonly priceStep: ChosenPriceStep;
  /** Set when the plan was handed over to another coordinator, and why. */
  readonly handover?: string;
  /**
   * The uncapped round's Lagrangian value, whether or not it beat the relaxation's bound, and per site where its
   * part came from (lagrangian-bound.ts: its solve's bound, or its relaxation at the same prices where the solve
   * proved none, e.g. at its time limit; -Infinity when neither), with why. Absent without that round.
   */
  readonly lagrangian?: LagrangianInfo;
  /** The best-response swap (`swapBestResponses`): how many sites offered a cheaper uncapped plan, how many swapped, what it saved. */
  readonly swap?: SwapResult;
  /** The capped round's adder as a share of the feeder prices (`cappedPriceFactor`); absent when no capped round ran (a handover). */
  readonly cappedPriceFactor?: number;
}

/** One phrase for a plan's `solvedOn`: the capped round's adder, the best-response swap, and where the gap comes from. */
export function describeCappedRound(plan: Pick<AggregateFirstPlan<unknown>, 'cappedPriceFactor' | 'swap' | 'lagrangian'>): string {
  if (plan.cappedPriceFactor === undefined) return 'no capped round';
  const swap = plan.swap ? `; best-response swap: ${plan.swap.count} of ${plan.swap.offered} site(s) offering a cheaper uncapped plan swapped, saving ${plan.swap.saved.toFixed(2)}` : '';
  const split = plan.lagrangian?.gapSplit ? `; ${plan.lagrangian.gapSplit.note}` : '';
  return `capped plans at ${plan.cappedPriceFactor} x the feeder prices within their caps${swap}${split}`;
}

/**
 * The uncapped round's Lagrangian value, each site's part and where it came from (lagrangian-bound.ts), and how its
 * site LPs were solved (`AggregateFirstOptions.boundSolve`).
 */
export interface LagrangianInfo extends LagrangianBound {
  readonly boundSolve: 'warm' | 'cold-round';
  /**
   * `warm`: uncapped LPs from the capped LP's basis on the site's model; `first`: on the model without a basis (its
   * capped plan was solved cold); `cold`: whole cold uncapped site solves (the old round, or a site whose model
   * refused or that has no bound solver); `crash`: on the site's capped model from the greedy crash basis of the
   * uncapped problem (site-bound-solve.ts, issue 17 session 16).
   */
  readonly lps: { readonly warm: number; readonly first: number; readonly cold: number; readonly crash: number };
  /**
   * Whether the uncapped answers' sum kept the limits and their own objectives summed below the chosen plan's (then
   * the old path would take the uncapped plans when their repaired cost is lower too; `warm` takes none: they are LP
   * points, not plans).
   */
  readonly uncappedKeepsLimitsAndCheaper: boolean;
  /** Where the chosen plan's gap to this Lagrangian value comes from (gap-split.ts): LP repair, caps, unused feeder. */
  readonly gapSplit?: GapSplit;
}

/** One phrase: how the uncapped LPs of the Lagrangian bound were solved (for a plan's `solvedOn`). */
export function describeLagrangianLps(l: LagrangianInfo): string {
  const how = l.boundSolve === 'warm' ? 'warm: each site\'s uncapped LP re-solved on its capped model in the same site solve' : 'cold-round: a second round of cold uncapped site solves';
  return `${how}; ${l.lps.warm} from the capped LP basis, ${l.lps.crash} from the greedy crash basis of the uncapped problem, ${l.lps.first} on a model without a basis, ${l.lps.cold} cold uncapped site solves`;
}

export async function coordinateAggregateFirst<P>(sites: readonly SiteSubproblem<P>[], limits: SharedRowLimits, options: AggregateFirstOptions = {}): Promise<AggregateFirstPlan<P>> {
  const S = sites.length;
  const T = sites[0]?.slotCount ?? 0;
  const dt = sites[0]?.slotHours ?? 1;
  const tol = options.toleranceKw ?? 1e-6 * Math.max(1, S);
  const targetGap = options.targetGap ?? 0.005;
  const then = options.then ?? 'lagrangian';
  const missing = sites.find((s) => !s.problem);
  if (missing) throw new Error(`V2G_ERR_PORTFOLIO_AGGREGATE: site "${missing.id}" carries no problem to relax (a bug upstream: problemSubproblem sets it)`);
  const priceStep = choosePriceStep(options.priceStep ?? 'monolithic', S, options.priceStepRule);
  const lpOptions = {
    excessPricePerKwh: options.excessPricePerKwh ?? 50,
    timeLimitMs: options.aggregateTimeLimitMs ?? 600_000,
    ...(options.grouping ? { grouping: options.grouping } : {}),
    ...priceStepLpOptions(priceStep.step),
  };
  const decomposed = priceStep.step === 'decomposed';
  const warm = decomposed ? options.warmStart : undefined;
  const decomposition = decomposed
    ? {
        ...(options.priceStepThreads ? { threads: options.priceStepThreads } : {}),
        ...(warm ? { warmAdderPerKwh: Array.from({ length: T }, (_, t) => (warm.importPerKwh[t] ?? 0) - (warm.exportPerKwh[t] ?? 0)), warmFrom: options.warmStartFrom ?? 'the warm-start feeder prices' } : {}),
      }
    : {};
  const request = { problems: sites.map((s) => s.problem!), limits, slotCount: T, options: { ...lpOptions, ...decomposition }, priceStep: decomposed ? 'decomposed' : 'monolithic' } as const;
  const aggregate: AggregateLpResult = options.solveAggregate ? await options.solveAggregate(request) : await solveAggregateHere(request, options.backend);
  options.onAggregate?.(aggregate);
  const { sites: profiles, adderPerKwh, ...aggregateInfo } = aggregate;
  // The decomposed price step's `feasible` (its rounds ran out) still carries a certified bound, prices and profiles.
  const usable = aggregate.status === 'optimal' || (aggregate.method === 'decomposed' && aggregate.status === 'feasible');
  if (!usable || !profiles || !adderPerKwh) {
    // No aggregate optimum: the site-column coordinator from zero prices, said as a handover.
    const plan = await coordinateBySiteColumns(sites, limits, options);
    return { ...plan, aggregate: aggregateInfo, priceStep, handover: `site-columns: the aggregate LP ended ${aggregate.status} (${aggregate.message ?? 'no message'})` };
  }
  const prices = { importPerKwh: adderPerKwh.map((a) => Math.max(0, a)), exportPerKwh: adderPerKwh.map((a) => Math.max(0, -a)) };
  const caps = capsFrom(profiles.map((p) => p.importKw), profiles.map((p) => p.exportKw), sites, limits);
  const boundSolve = options.boundSolve ?? 'warm';
  const lagrangianWanted = then === 'lagrangian' || then === 'lagrangian-recover';
  const warmBound = lagrangianWanted && boundSolve === 'warm';
  const swapWanted = warmBound && (options.swapBestResponses ?? false);
  const factor = options.cappedPriceFactor ?? defaultCappedPriceFactor;
  const cappedAdder = factor === 1 ? adderPerKwh : adderPerKwh.map((a) => factor * a);
  // A capped round at another adder than the Lagrangian's needs the uncapped LPs from the same job (warm) at the adder.
  const uncappedAt = factor !== 1 && warmBound ? { uncappedAdderPerKwh: adderPerKwh } : {};
  let solves = S;
  /** The answers made at the capped round's adder (for the gap split). */
  const madeAtCapped = new Set<SiteSolution<P>>();
  const capped = await Promise.all(sites.map((site, s) => site.solve({ adderPerKwh: cappedAdder, importCapKw: caps.imp.caps[s]!, exportCapKw: caps.exp.caps[s]!, ...(warmBound ? { uncappedBound: true } : {}), ...(swapWanted ? { uncappedPlan: true } : {}), ...uncappedAt })));
  capped.forEach((sol) => madeAtCapped.add(sol));
  let best: { sols: SiteSolution<P>[]; objective: number; method: PortfolioPlan<P>['method']; caps: ReturnType<typeof capsFrom> } = {
    sols: capped,
    objective: capped.reduce((a, s) => a + s.objective, 0),
    method: 'aggregate-first',
    caps,
  };
  // An interior point without crossover whose duals gave no finite Lagrangian value: no relaxation bound (the
  // Lagrangian round below still gives one; `aggregate.boundNote` says why).
  let bound = aggregate.objective ?? -Infinity;
  let boundKind: 'relaxation' | 'lagrangian' | 'none' = aggregate.objective !== undefined ? 'relaxation' : 'none';
  let iterations = 1;
  const gapOf = (objective: number) => (objective - bound) / Math.max(1, Math.abs(objective));
  let stopReason: PortfolioPlan<P>['stopReason'] = gapOf(best.objective) <= targetGap ? 'gap' : 'iterations';
  if (!warmBound && (stopReason === 'gap' || then === 'none')) {
    return { ...assemblePortfolioPlan(sites, limits, best, { bound, prices, iterations, solves, stopReason, tol }), boundKind, aggregate: aggregateInfo, priceStep, cappedPriceFactor: factor };
  }
  if (then === 'site-columns') {
    const plan = await coordinateBySiteColumns(sites, limits, { ...options, warmStart: prices });
    const better = plan.bound > bound;
    const chosen = plan.objective <= best.objective ? plan : assemblePortfolioPlan(sites, limits, best, { bound, prices, iterations, solves, stopReason, tol });
    const finalBound = Math.max(bound, plan.bound);
    return {
      ...chosen,
      bound: finalBound,
      boundKind: better ? 'lagrangian' : boundKind,
      gap: (chosen.objective - finalBound) / Math.max(1, Math.abs(chosen.objective)),
      iterations: iterations + plan.iterations,
      solves: solves + plan.solves,
      stopReason: plan.stopReason,
      aggregate: aggregateInfo,
      priceStep,
      ...(chosen === plan ? {} : { cappedPriceFactor: factor }),
      handover: `site-columns: the first round's gap ${(100 * gapOf(best.objective)).toFixed(3)} % was above the target; warm-started at the aggregate LP's prices`,
    };
  }
  // The uncapped priced problems at the same prices: the Lagrangian bound. `warm`: their LPs came with the capped
  // answers (same model, from the capped basis); a site without one is solved uncapped cold (one more round).
  const lps = { warm: 0, first: 0, cold: 0, crash: 0 };
  let free: { pricedBound: number; objective: number; importKw: readonly number[]; exportKw: readonly number[]; netImportKw: readonly number[]; reason?: string }[];
  let freePlans: SiteSolution<P>[] | undefined;
  if (warmBound) {
    solves += S;
    const coldIndex = capped.flatMap((c, s) => (c.uncapped === undefined || c.uncapped.how === 'refused' ? [s] : []));
    const cold = coldIndex.length > 0 ? await Promise.all(coldIndex.map((s) => sites[s]!.solve({ adderPerKwh }))) : [];
    if (coldIndex.length > 0) iterations++;
    free = capped.map((c) => c.uncapped!);
    coldIndex.forEach((s, k) => (free[s] = cold[k]!));
    for (const c of capped) if (c.uncapped && c.uncapped.how !== 'refused') lps[c.uncapped.how]++;
    lps.cold += coldIndex.length;
  } else {
    iterations++;
    solves += S;
    freePlans = await Promise.all(sites.map((site) => site.solve({ adderPerKwh })));
    free = freePlans;
    lps.cold += S;
  }
  // A site whose LP proved no bound (its time limit) takes its relaxation's value at the same prices (lagrangian-bound.ts).
  // HiGHS in this thread only when a stand-in is needed (in the service the price step runs on its own thread).
  const relaxBackend = free.some((f) => !Number.isFinite(f.pricedBound)) ? options.backend ?? (await highsMaster()) : undefined;
  const bounded = lagrangianBound({
    siteIds: sites.map((s) => s.id),
    problems: sites.map((s) => s.problem!),
    solutions: free.map((f) => ('status' in f ? (f as SiteSolution<P>) : { status: Number.isFinite(f.pricedBound) ? 'optimal' : 'error', ...(f.reason ? { message: f.reason } : {}), pricedBound: f.pricedBound, objective: f.objective, netImportKw: f.netImportKw })),
    adderPerKwh,
    prices,
    limits,
    slotHours: dt,
    ...(relaxBackend ? { relax: (problem: Problem) => siteRelaxationValue(problem, adderPerKwh, relaxBackend, { timeLimitMs: lpOptions.timeLimitMs, ...(options.grouping ? { grouping: options.grouping } : {}) }) } : {}),
  });
  if (Number.isFinite(bounded.value) && bounded.value > bound) {
    bound = bounded.value;
    boundKind = 'lagrangian';
  }
  const freeObjective = free.reduce((a, s) => a + s.objective, 0);
  const freeKeeps = violation(sumBy(free, T), limits, tol) <= 0;
  const lagrangian: LagrangianInfo = { ...bounded, boundSolve: warmBound ? 'warm' : 'cold-round', lps, uncappedKeepsLimitsAndCheaper: freeKeeps && freeObjective < best.objective };
  let swap: SwapResult | undefined;
  if (swapWanted) {
    swap = swapBestResponses(capped, capped.map((c) => c.bestResponse), limits, tol);
    if (swap.count > 0) {
      const sols = capped.map((c, s) => (swap!.swapped[s] ? c.bestResponse! : c));
      best = { sols, objective: sols.reduce((a, s) => a + s.objective, 0), method: 'aggregate-first', caps: capsFrom(sols.map((s) => s.importKw), sols.map((s) => s.exportKw), sites, limits) };
    }
  }
  if (freePlans && freeKeeps && freeObjective < best.objective) {
    best = { sols: freePlans, objective: freeObjective, method: 'price-iterate', caps: capsFrom(freePlans.map((s) => s.importKw), freePlans.map((s) => s.exportKw), sites, limits) };
  }
  if (then === 'lagrangian-recover' && gapOf(best.objective) > targetGap) {
    iterations++;
    solves += S;
    const mean = (a: ArrayLike<number>, b: readonly number[]) => Float64Array.from(b, (x, t) => 0.5 * (a[t]! + x));
    const caps2 = capsFrom(profiles.map((p, s) => mean(p.importKw, free[s]!.importKw)), profiles.map((p, s) => mean(p.exportKw, free[s]!.exportKw)), sites, limits);
    // At the capped round's adder too (`cappedPriceFactor`): only the caps change.
    const again = await Promise.all(sites.map((site, s) => site.solve({ adderPerKwh: cappedAdder, importCapKw: caps2.imp.caps[s]!, exportCapKw: caps2.exp.caps[s]! })));
    again.forEach((sol) => madeAtCapped.add(sol));
    const objective = again.reduce((a, s) => a + s.objective, 0);
    if (objective < best.objective) best = { sols: again, objective, method: 'aggregate-first', caps: caps2 };
  }
  stopReason = gapOf(best.objective) <= targetGap ? 'gap' : 'iterations';
  const madeAt = (sol: SiteSolution<P>) => (madeAtCapped.has(sol) ? { madeAtAdderPerKwh: cappedAdder } : {});
  const gapSplit = Number.isFinite(bounded.value) ? splitGap({ siteIds: sites.map((s) => s.id), capped: best.sols.map((sol) => ({ ...sol, ...madeAt(sol) })), uncappedPricedBound: bounded.sites.map((x) => x.pricedBound), adderPerKwh, limits, slotHours: dt }) : undefined;
  return { ...assemblePortfolioPlan(sites, limits, best, { bound, prices, iterations, solves, stopReason, tol }), boundKind, aggregate: aggregateInfo, priceStep, cappedPriceFactor: factor, lagrangian: { ...lagrangian, ...(gapSplit ? { gapSplit } : {}) }, ...(swap ? { swap } : {}) };
}
