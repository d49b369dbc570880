/**
 * A site's LP kept open between the portfolio coordinator's rounds (issue 17): built once, then every round
 * only changes the feeder price adder (the objective of the import and export columns) and, in recovery, the
 * import and export caps (those columns' upper bounds), and re-solves from the last round's optimal LP basis;
 * the LP repair (solve-problem.ts `repair`) then enforces the minimum currents on the same model as a cold
 * solve does. Everything the repair fixed is reset before the next round.
 *
 * The LP optimum of a warm re-solve is the LP optimum of a cold solve of the same priced problem (same model,
 * only the start differs); the repaired plan can differ where the LP has several optima. Every plan passes the
 * independent validator against the priced problem; a request the open model cannot express (a cap below the
 * site's inflexible load, which needs an excess column the model does not have; a negative cap: must export)
 * and a warm answer that is not optimal or not valid are solved cold (`cold`, given), and the answer says
 * which (`SiteSolution.how`). Synchronous: HiGHS blocks its thread (run it in a worker thread or a process
 * whose event loop may block). `dispose` frees the model (WebAssembly memory is never returned otherwise).
 */
import type { LpBackend, LpBasis, LpSolution } from '../backends/lp-backend.ts';
import { assemblePlan } from '../plan-assembly.ts';
import type { Plan } from '../plan.ts';
import type { Problem } from '../problem.ts';
import { resolveProblem, type ResolvedProblem } from '../resolved-problem.ts';
import { validatePlan } from '../plan-validator.ts';
import { withShortfallReasons } from '../shortfall-reasons.ts';
import { findModeConflicts } from '../mode-conflicts.ts';
import { answerFrom } from '../solver-answer.ts';
import { repair, solveDefaults } from '../solve-problem.ts';
import { SolveRun } from '../solve-run.ts';
import { greedyCrashBasis } from '../crash-basis.ts';
import type { Formulation } from '../formulation.ts';
import type { EnergyForm } from '../energy-rows.ts';
import type { NetworkSession } from '../network/lazy-rows.ts';
import { noUncappedLp, pricedProblem, uncappedAdderOf, problemSubproblem, siteSolutionOf, type SiteRequest, type SiteSolution, type SiteSubproblem, type UncappedLp } from './site-subproblem.ts';

/**
 * How a resident site answered: on its open model from the last answer's LP basis (`warm`), on its open model
 * without a basis yet (`first`: its first answer, or the one after a warm LP that failed), or solved from
 * scratch by the cold solver (`cold`, with why).
 */
export interface ResidentAnswer {
  readonly solution: SiteSolution<Plan>;
  readonly how: 'warm' | 'first' | 'cold';
  /** Why a request went cold (absent when warm). */
  readonly coldReason?: string;
  /** CPU-independent cost of the warm path: simplex iterations of its LP and repair (0 when cold). */
  readonly iterations: number;
}

/** Per-part time of the last answer (ms, by `ResidentOptions.clock`), for the benches. */
export interface ResidentTimings {
  buildMs: number;
  lpMs: number;
  repairMs: number;
  assembleMs: number;
}

/** Options of a resident site. */
export interface ResidentOptions {
  /** Each answer's budget (LP and repair), ms; default the solver's. */
  readonly timeLimitMs?: number;
  /**
   * The simplex of a warm LP: the backend's choice (default: HiGHS's dual); `auto` the primal simplex when only
   * costs changed since the last LP and by at most `primalStepShare` of the site's highest import price per kWh
   * (the last basis stays primal feasible), else the backend's; or always one of them. Measured (bench/RESULTS.md,
   * issue 17 session 8): on one 500-vehicle site primal took 30-100 ms after a small step against 340-360 ms for
   * dual, but 1.8 s after a large one against 0.45 s; in the coordinator at 10 x 200 `auto` cost MORE CPU than
   * dual (73.7 against 36.3 s with relaxed rounds), so it is not the default.
   */
  readonly warmSimplex?: 'auto' | 'primal' | 'dual';
  /** See `warmSimplex`; default 0.1. */
  readonly primalStepShare?: number;
  /** The energy form of the model (energy-rows.ts); default as a cold solve chooses. The chain form holds far fewer nonzeros (less heap). */
  readonly energyForm?: EnergyForm;
  /** The ms clock of `timings` (a bench passes a CPU clock); default performance.now. */
  readonly clock?: () => number;
  /**
   * The problem whose model is built, when not `problem` itself: the same vehicles and site with other limits (e.g.
   * `problem` with a request's lower import caps, so the model has the import excess columns the capped request
   * needs; `solveWithUncappedLp`). Only the site columns' bounds depend on the limits, and every request sets them.
   */
  readonly buildFrom?: Problem;
  /**
   * The start of the model's first LP (no basis yet): HiGHS's slack basis (default) or `crash`, the greedy crash basis
   * of the priced problem (crash-basis.ts; prefix form only, else the slack basis). Issue 17 session 16: the flow
   * child's capped LP (site-bound-solve.ts). The LP optimum is the same from any start; its vertex may differ.
   */
  readonly firstStart?: 'slack' | 'crash';
}

/**
 * One site's LP kept open across the coordinator's rounds (see the file's comment). Problems whose LP objective
 * does not bound the plan's cost (a three-phase network's inner polygon, a charge preference) answer cold, said.
 */
export class ResidentSite {
  private readonly rp: ResolvedProblem;
  private readonly formulation: Formulation;
  private readonly session: NetworkSession;
  private readonly allCols: Int32Array;
  private readonly baseLower: Float64Array;
  private readonly baseUpper: Float64Array;
  /** The site columns whose costs and bounds follow the request (import, export and their excess), ascending. */
  private readonly siteCols: Int32Array;
  private basis: LpBasis | undefined;
  private disposed = false;
  readonly timings: ResidentTimings = { buildMs: 0, lpMs: 0, repairMs: 0, assembleMs: 0 };

  /** Why every request goes cold (a problem whose LP objective is not a bound of its plan's cost), if so. */
  private readonly unsupported: string | undefined;
  private readonly timeLimitMs: number;
  private readonly warmSimplex: 'auto' | 'primal' | 'dual' | undefined;
  private readonly primalStep: number;
  /** The site columns' costs and upper bounds of the last LP (for `auto`). */
  private lastCost: Float64Array | undefined;
  private lastUpper: Float64Array | undefined;
  private readonly clock: () => number;
  private readonly firstStart: 'slack' | 'crash';
  /** Whether the last LP started from the greedy crash basis (for the plan's message). */
  private crashStarted = false;

  /** Builds and opens the site's LP (no solve yet). The model's structure is the base problem's: a request changes costs and bounds only. */
  constructor(
    readonly problem: Problem,
    private readonly backend: LpBackend,
    private readonly cold: (priced: Problem) => Promise<Plan>,
    options: ResidentOptions = {},
  ) {
    this.timeLimitMs = options.timeLimitMs ?? solveDefaults.timeLimitMs;
    this.unsupported = problem.network !== undefined ? 'a three-phase network (its LP bound needs the duality correction)' : problem.vehicles.some((v) => v.chargePreferencePerKwh !== undefined) ? 'a charge preference (the LP objective is not the plan\'s cost)' : undefined;
    this.warmSimplex = options.warmSimplex;
    this.primalStep = (options.primalStepShare ?? 0.1) * Math.max(1e-3, ...problem.importPricePerKwh.map(Math.abs));
    this.clock = options.clock ?? (() => performance.now());
    this.firstStart = options.firstStart ?? 'slack';
    const energyForm = options.energyForm;
    const started = this.clock();
    this.rp = resolveProblem(problem);
    const run = new SolveRun(backend, this.timeLimitMs, solveDefaults.mipRelGap);
    if (energyForm !== undefined) run.energyForm = energyForm;
    this.formulation = run.build(options.buildFrom ? resolveProblem(options.buildFrom) : this.rp, new Set(), new Set());
    this.session = run.open(this.formulation);
    if (this.session.setColsCost === undefined || this.session.setColsBounds === undefined) {
      this.session.dispose();
      throw new Error(`V2G_ERR_PORTFOLIO_RESIDENT: the ${backend.name} backend cannot change costs and bounds of an open model`);
    }
    const n = this.formulation.lp.numCols;
    this.allCols = Int32Array.from({ length: n }, (_, j) => j);
    this.baseLower = Float64Array.from(this.formulation.lp.colLower);
    this.baseUpper = Float64Array.from(this.formulation.lp.colUpper);
    const { importKw, importExcessKw, exportKw, exportExcessKw } = this.formulation.columns;
    this.siteCols = Int32Array.from([...importKw, ...importExcessKw, ...exportKw, ...exportExcessKw].filter((c) => c >= 0)).sort();
    this.timings.buildMs = this.clock() - started;
  }

  /**
   * Why the open model cannot take the priced problem, if it cannot: a column a cold build would have that the
   * model lacks (an import excess column where the cap is below the inflexible load, an export or export
   * excess column where a cap opens or forces export). An extra column is harmless: its bound becomes 0.
   */
  private refusal(rp: ResolvedProblem): string | undefined {
    const { importExcessKw, exportKw, exportExcessKw } = this.formulation.columns;
    for (let t = 0; t < rp.slotCount; t++) {
      const netBase = rp.netBaseKw[t]!;
      if (netBase > rp.importLimitKw[t]! && importExcessKw[t]! < 0) return `slot ${t}: an import cap below the inflexible load (the model has no excess column there)`;
      if (rp.exportLimitKw[t]! > 0 && exportKw[t]! < 0) return `slot ${t}: an export limit where the model has no export column`;
      const uncurtailable = !(rp.pvCurtailable && rp.pvKw[t]! > 0);
      if (uncurtailable && -netBase > rp.exportLimitKw[t]! && exportExcessKw[t]! < 0) return `slot ${t}: an export cap below the uncurtailable export`;
    }
    return undefined;
  }

  /** The site's plan at the request's prices and caps: warm on the open model when it can take it, else cold (said). */
  async answer(request: SiteRequest): Promise<ResidentAnswer> {
    if (this.disposed) throw new Error('V2G_ERR_PORTFOLIO_RESIDENT: the resident site model was disposed');
    const priced = pricedProblem(this.problem, request);
    const rpPriced = resolveProblem(priced.problem);
    const refused = this.unsupported ?? this.refusal(rpPriced);
    if (refused === undefined) {
      const warm = this.warm(priced.problem, rpPriced, priced.adderPerKwh, request.relaxed === true);
      if ('solution' in warm) return warm;
      return this.coldAnswer(priced.problem, request, warm.reason);
    }
    return this.coldAnswer(priced.problem, request, refused);
  }

  private async coldAnswer(priced: Problem, request: SiteRequest, reason: string): Promise<ResidentAnswer> {
    const plan = await this.cold(priced);
    return { solution: siteSolutionOf(this.problem, pricedProblem(this.problem, request).adderPerKwh, plan), how: 'cold', coldReason: reason, iterations: 0 };
  }

  /** The warm LP's simplex (see `ResidentOptions.warmSimplex`); undefined = the backend's choice. */
  private simplexFor(cost: Float64Array, upper: Float64Array, dt: number): 'primal' | 'dual' | undefined {
    if (this.warmSimplex !== 'auto') return this.warmSimplex;
    if (this.lastCost === undefined || this.lastUpper === undefined) return undefined;
    let step = 0;
    for (let i = 0; i < cost.length; i++) {
      if (upper[i] !== this.lastUpper[i]) return undefined;
      step = Math.max(step, Math.abs(cost[i]! - this.lastCost[i]!) / dt);
    }
    return step <= this.primalStep ? 'primal' : undefined;
  }

  /**
   * The LP optimum of the request's priced problem on the open model, without the repair: the uncapped LP of
   * aggregate-first's Lagrangian bound (`SiteRequest.uncappedBound`). Warm from the last LP basis (the capped plan's
   * LP when called right after it). Never solved cold: a request the model cannot take or an LP HiGHS does not call
   * optimal answers `pricedBound: -Infinity` with the reason (`how: 'refused'` when the model cannot take the
   * request: the caller may solve it cold). The next `answer` starts from this LP's basis. `start: 'crash'` starts it
   * from the greedy crash basis of the uncapped priced problem instead (`how: 'crash'`; prefix form only, else as
   * `last`): measured cheaper after a capped LP at other prices (bench/RESULTS.md, issue 17 session 16).
   */
  uncappedLp(request: SiteRequest, start: 'last' | 'crash' = 'last'): UncappedLp {
    if (this.disposed) throw new Error('V2G_ERR_PORTFOLIO_RESIDENT: the resident site model was disposed');
    const T = this.problem.slotCount;
    const none = (how: UncappedLp['how'], reason: string, iterations = 0) => noUncappedLp(T, reason, how, iterations);
    const priced = pricedProblem(this.problem, request);
    const rpPriced = resolveProblem(priced.problem);
    const refused = this.unsupported ?? this.refusal(rpPriced);
    if (refused !== undefined) return none('refused', refused);
    const { lp, run, how } = this.lpAt(rpPriced, 'backend', start);
    if (lp.status !== 'optimal' || !lp.x || lp.objective === undefined) return none(how, `uncapped LP ${lp.status}${lp.message ? `: ${lp.message}` : ''}`, run.iterations);
    const powers = answerFrom(this.rp, this.formulation.columns, lp.x, 'optimal');
    const point = assemblePlan(rpPriced, { status: 'feasible', powerKw: powers.powers!, ...(powers.pvCurtailedKw ? { pvCurtailedKw: powers.pvCurtailedKw } : {}), stats: { ...run.stats(), relaxationObjective: lp.objective } });
    const column = siteSolutionOf(this.problem, priced.adderPerKwh, point);
    return { pricedBound: lp.objective, objective: column.objective, netImportKw: column.netImportKw, importKw: column.importKw, exportKw: column.exportKw, how, iterations: run.iterations };
  }

  /**
   * Sets the priced problem's site column costs and bounds (every other column back to its built bounds) and solves
   * the LP, from the last LP basis when there is one. `simplex`: `auto` as `ResidentOptions.warmSimplex` says;
   * `backend` HiGHS's own choice (after the capped LP only bounds were lifted: its basis stays dual feasible).
   * `start: 'crash'` (or the first LP with `firstStart: 'crash'`): from the greedy crash basis of the priced problem.
   */
  private lpAt(rpPriced: ResolvedProblem, mode: 'auto' | 'backend', start: 'last' | 'crash' = 'last') {
    const T = this.rp.slotCount;
    const dt = this.rp.slotHours;
    const t0 = this.clock();
    const { importKw, importExcessKw, exportKw, exportExcessKw } = this.formulation.columns;
    // As formulation.ts builds them (an extra column that this problem would not have gets the bound 0).
    const cost = new Map<number, number>();
    const lower = Float64Array.from(this.baseLower);
    const upper = Float64Array.from(this.baseUpper);
    for (let t = 0; t < T; t++) {
      const price = rpPriced.importPricePerKwh[t]!;
      const exportPrice = rpPriced.exportPricePerKwh[t]!;
      const netBase = rpPriced.netBaseKw[t]!;
      const penalty = rpPriced.limitExcessPenaltyPerKwh;
      cost.set(importKw[t]!, dt * price);
      upper[importKw[t]!] = rpPriced.importLimitKw[t]!;
      if (importExcessKw[t]! >= 0) {
        cost.set(importExcessKw[t]!, dt * (price + penalty));
        upper[importExcessKw[t]!] = Math.max(0, netBase - rpPriced.importLimitKw[t]!);
      }
      if (exportKw[t]! >= 0) {
        cost.set(exportKw[t]!, -dt * exportPrice);
        upper[exportKw[t]!] = rpPriced.exportLimitKw[t]!;
      }
      if (exportExcessKw[t]! >= 0) {
        cost.set(exportExcessKw[t]!, dt * (penalty - exportPrice));
        upper[exportExcessKw[t]!] = Math.max(0, -netBase - rpPriced.exportLimitKw[t]!);
      }
    }
    const siteCost = Float64Array.from(this.siteCols, (col) => cost.get(col)!);
    const siteUpper = Float64Array.from(this.siteCols, (col) => upper[col]!);
    this.session.setColsCost!(this.siteCols, siteCost);
    // Every column's bounds: the last repair's fixes undone.
    this.session.setColsBounds!(this.allCols, lower, upper);
    const crash = start === 'crash' || (this.basis === undefined && this.firstStart === 'crash') ? this.crashBasis(cost, upper) : undefined;
    this.crashStarted = crash !== undefined && this.session.setBasis?.(crash) === true;
    // Without a crash basis (the chain form) or when HiGHS refused it: from the last LP basis, as without `crash`.
    const how: 'warm' | 'first' | 'crash' =
      this.crashStarted && start === 'crash' ? 'crash' : !this.crashStarted && this.basis !== undefined && this.session.setBasis?.(this.basis) === true ? 'warm' : 'first';
    const run = new SolveRun(this.backend, this.timeLimitMs, solveDefaults.mipRelGap);
    run.adopt(this.session, this.formulation);
    const simplex = how === 'warm' && mode === 'auto' ? this.simplexFor(siteCost, siteUpper, dt) : undefined;
    this.lastCost = siteCost;
    this.lastUpper = siteUpper;
    const lp: LpSolution = run.solve(this.session, undefined, undefined, simplex);
    this.timings.lpMs = this.clock() - t0;
    if (lp.status !== 'optimal' || !lp.x || lp.objective === undefined) {
      this.basis = undefined;
      this.lastCost = undefined;
    } else this.basis = this.session.getBasis?.();
    return { lp, run, how, simplex, lower, upper };
  }

  /** The greedy crash basis (crash-basis.ts) of the model at these site column costs and these bounds; undefined in the chain form. */
  private crashBasis(siteCost: ReadonlyMap<number, number>, upper: Float64Array): LpBasis | undefined {
    const colCost = Float64Array.from(this.formulation.lp.colCost);
    for (const [col, c] of siteCost) colCost[col] = c;
    return greedyCrashBasis(this.rp, { ...this.formulation, lp: { ...this.formulation.lp, colCost, colUpper: upper } });
  }

  /** The priced problem on the open model: its site columns get the costs and bounds a cold build of it would give them. */
  private warm(priced: Problem, rpPriced: ResolvedProblem, a: readonly number[], relaxed: boolean): ResidentAnswer | { reason: string } {
    const { lp, run, how: started, simplex, lower, upper } = this.lpAt(rpPriced, 'auto');
    const how = started === 'warm' ? 'warm' : 'first';
    const t1 = this.clock();
    if (lp.status !== 'optimal' || !lp.x || lp.objective === undefined) return { reason: `warm LP ${lp.status}${lp.message ? `: ${lp.message}` : ''}` };
    run.bound = lp.objective;
    const conflicts = findModeConflicts(this.rp, this.formulation.columns, lp.x);
    let powers = answerFrom(this.rp, this.formulation.columns, lp.x, 'optimal');
    let enforced = 'LP optimal, no mode conflict';
    if (conflicts.count > 0 && relaxed) {
      // A column only: the LP's answer with its conflicts, not validated, said so by its status.
      const plan = assemblePlan(rpPriced, { status: 'feasible', powerKw: powers.powers!, ...(powers.pvCurtailedKw ? { pvCurtailedKw: powers.pvCurtailedKw } : {}), stats: { ...run.stats(), relaxationObjective: lp.objective } });
      const column = siteSolutionOf(this.problem, a, { ...plan, message: `resident model LP relaxation (${conflicts.count} mode conflict(s) not enforced): a column, not a plan` });
      this.timings.repairMs = 0;
      return { solution: { ...column, status: 'relaxed', pricedBound: lp.objective }, how, iterations: run.iterations };
    }
    if (conflicts.count > 0) {
      // The repair starts from the bounds given above (not the built ones).
      const current = { ...this.formulation, lp: { ...this.formulation.lp, colLower: lower, colUpper: upper } };
      const repaired = repair(this.rp, run, current, this.session, { x: lp.x, conflicts }, solveDefaults.maxRounds);
      if (!repaired.powers) return { reason: `warm repair: ${repaired.message ?? repaired.status}` };
      powers = repaired;
      enforced = repaired.message ?? 'LP repair';
    }
    const t2 = this.clock();
    this.timings.repairMs = t2 - t1;
    const assembled = assemblePlan(rpPriced, {
      status: conflicts.count > 0 ? 'feasible' : 'optimal',
      powerKw: powers.powers!,
      ...(powers.pvCurtailedKw ? { pvCurtailedKw: powers.pvCurtailedKw } : {}),
      stats: { ...run.stats(), relaxationObjective: lp.objective },
    });
    const violations = validatePlan(priced, assembled);
    if (violations.length > 0) return { reason: `warm plan failed validation: ${violations[0]!.message}` };
    const bound = lp.objective;
    const objective = assembled.cost.objective;
    const plan: Plan = {
      ...withShortfallReasons(rpPriced, assembled, true),
      message: `resident model, ${how === 'warm' ? `re-solved from the last LP basis (${simplex ?? 'backend-chosen'} simplex)` : this.crashStarted ? 'first solve from the greedy crash basis' : 'first solve'} (${run.iterations} simplex iterations); ${enforced}`,
      origin: { source: conflicts.count > 0 ? 'lp-repair' : 'lp', objective, bound, gap: objective - bound, timedOut: false, timeLimitMs: this.timeLimitMs, elapsedMs: run.elapsedMs(), candidates: [] },
    } as Plan;
    this.timings.assembleMs = this.clock() - t2;
    return { solution: siteSolutionOf(this.problem, a, plan), how, iterations: run.iterations };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.session.dispose();
  }
}


/** Answers of resident sites by how they were made (for a portfolio plan to say how its site plans were made). */
export interface ResidentTally {
  warm: number;
  first: number;
  cold: number;
  /** The reasons of cold answers, counted. */
  readonly coldReasons: Map<string, number>;
}

export const emptyResidentTally = (): ResidentTally => ({ warm: 0, first: 0, cold: 0, coldReasons: new Map() });

/**
 * The coordinator's site (site-subproblem.ts) over a resident model: the same site as `problemSubproblem`
 * (its floors, its price scale) whose solves re-solve the open model; each answer is counted in `tally`.
 */
export function residentSubproblem(id: string, resident: ResidentSite, cold: (priced: Problem) => Promise<Plan>, tally: ResidentTally): SiteSubproblem<Plan> {
  return {
    ...problemSubproblem(id, resident.problem, cold),
    async solve(request) {
      const { uncappedBound, ...capped } = request;
      const answer = await resident.answer(capped);
      tally[answer.how]++;
      if (answer.coldReason !== undefined) {
        const reason = answer.coldReason.replace(/^slot \d+: /, '');
        tally.coldReasons.set(reason, (tally.coldReasons.get(reason) ?? 0) + 1);
      }
      // The uncapped LP on the same model, from the capped LP's basis (aggregate-first's Lagrangian bound).
      return uncappedBound ? { ...answer.solution, uncapped: resident.uncappedLp({ adderPerKwh: uncappedAdderOf(request) }) } : answer.solution;
    },
  };
}
