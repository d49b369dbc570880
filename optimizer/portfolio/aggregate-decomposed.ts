/**
 * The aggregate portfolio LP (aggregate-lp.ts) solved by Dantzig-Wolfe decomposition instead of as one LP (issue 17
 * session 13): the LP is block-angular (sites linked only by the T feeder rows), so each site's relaxation
 * (site-relaxation.ts) is its own small LP, kept open in the backend and re-solved warm at each round's feeder
 * prices (only its grid columns' costs change), and the site-column master (site-column-master.ts) mixes their
 * solutions under the feeder rows.
 *
 * - Upper value: the master's optimum. Each column is a point of its site's relaxation (a convex set), so a master
 *   solution is a point of the aggregate LP (with the same feeder excess columns at the same cost): master >= LP.
 * - Bound (certified): at any adder a within [-excessPrice, excessPrice] (0 on a side without a limit),
 *   sum_s relaxationOpt_s(a) - dt sum_t (max(0, a_t) L_t + max(0, -a_t) E_t) <= the LP's optimum (weak duality;
 *   the excess columns' reduced costs are >= 0 there) <= the portfolio optimum. The best one is kept.
 * - Stop: (master - bound) <= relTolerance x max(1, |master|), or `maxRounds`, or the time limit (status
 *   `feasible`: the bound is still certified, the prices and profiles are the best round's and the master's).
 * Answers what the monolithic LP answers: the bound as `objective`, the best bound's adder as the feeder price,
 * each site's import and export profile from the master's mix; `method: 'decomposed'`.
 */
import type { LpBackend, LpSession, LpStatus } from '../backends/lp-backend.ts';
import { LinearProgramBuilder } from '../linear-program.ts';
import type { Problem } from '../problem.ts';
import { resolveProblem } from '../resolved-problem.ts';
import type { AggregateLpOptions, AggregateLpResult } from './aggregate-lp.ts';
import type { SharedRowLimits } from './coordinate.ts';
import { SiteColumnMaster } from './site-column-master.ts';
import { addSiteRelaxation, type SiteRelaxationColumns } from './site-relaxation.ts';

export interface DecomposedAggregateOptions extends AggregateLpOptions {
  /** Stop when (master - bound) <= this x max(1, |master|); default 1e-3. */
  readonly relTolerance?: number;
  /** Most rounds (each: every site's relaxation re-solved once, the master once); default 60. */
  readonly maxRounds?: number;
  /** Wentges smoothing of the next prices towards the best bound's, in [0, 1); default 0.9 (measured: 0.3 and 0.7 converge slower). */
  readonly smoothing?: number;
  /** Per round: the bound and the master's value. */
  readonly onRound?: (r: { readonly round: number; readonly bound: number; readonly masterObjective: number }) => void;
}

export interface DecomposedAggregateResult extends AggregateLpResult {
  readonly method: 'decomposed';
  /** Rounds run. */
  readonly rounds: number;
  /** The last master's value (an upper value of the LP's optimum; `objective` is the certified bound). */
  readonly masterObjective?: number;
  /** Relaxation LP solves (all sites, all rounds). */
  readonly siteSolves: number;
}

/** A relaxation's answer at one adder: its priced optimum, own cost (without the adder), import and export (kW). */
type RelaxationAnswer =
  | { readonly status: 'optimal'; readonly priced: number; readonly own: number; readonly importKw: Float64Array; readonly exportKw: Float64Array; readonly iterations: number }
  | { readonly status: 'failed'; readonly lpStatus: LpStatus; readonly message?: string; readonly iterations: number };

/** One site's relaxation, open in the backend: its grid columns and their costs without the adder. */
class SiteRelaxationModel {
  readonly session: LpSession;
  readonly columns: SiteRelaxationColumns;
  /** The grid columns whose cost carries the adder (ascending), their cost without it, the slot and sign of the adder. */
  private readonly gridCols: Int32Array;
  private readonly baseCost: Float64Array;
  private readonly slot: Int32Array;
  private readonly sign: Float64Array;
  readonly rows: number;
  readonly cols: number;
  readonly nonzeros: number;

  constructor(
    backend: LpBackend,
    problem: Problem,
    private readonly T: number,
    private readonly dt: number,
    options: AggregateLpOptions,
  ) {
    const b = new LinearProgramBuilder();
    this.columns = addSiteRelaxation(b, resolveProblem(problem), options.grouping ? { grouping: options.grouping } : {});
    const lp = b.build();
    this.rows = lp.numRows;
    this.cols = lp.numCols;
    this.nonzeros = lp.colIndex.length;
    const entries: [number, number, number][] = [];
    for (let t = 0; t < T; t++) {
      for (const [col, sign] of [
        [this.columns.importKw[t]!, 1],
        [this.columns.importExcessKw[t]!, 1],
        [this.columns.exportKw[t]!, -1],
        [this.columns.exportExcessKw[t]!, -1],
      ] as const) {
        if (col >= 0) entries.push([col, t, sign]);
      }
    }
    entries.sort((x, y) => x[0] - y[0]);
    this.gridCols = Int32Array.from(entries, (e) => e[0]);
    this.slot = Int32Array.from(entries, (e) => e[1]);
    this.sign = Float64Array.from(entries, (e) => e[2]);
    this.baseCost = Float64Array.from(entries, (e) => lp.colCost[e[0]]!);
    this.session = backend.open(lp);
    if (!this.session.setColsCost) {
      this.session.dispose();
      throw new Error(`V2G_ERR_PORTFOLIO_AGGREGATE: the ${backend.name} backend cannot change costs of an open model`);
    }
  }

  /** Solves at adder `a` (per kWh, per slot) from the last basis: the priced optimum, the own cost (without the adder), import and export (kW). */
  solve(a: ArrayLike<number>, timeLimitMs: number): RelaxationAnswer {
    this.session.setColsCost!(this.gridCols, Float64Array.from(this.baseCost, (c, i) => c + this.sign[i]! * this.dt * a[this.slot[i]!]!));
    const answer = this.session.solve({ timeLimitMs: Math.max(1, timeLimitMs), mipRelGap: 1e-4 });
    if (answer.status !== 'optimal' || !answer.x || answer.objective === undefined) return { status: 'failed', lpStatus: answer.status, ...(answer.message ? { message: answer.message } : {}), iterations: answer.iterations };
    const x = answer.x;
    const at = (col: number) => (col >= 0 ? x[col]! : 0);
    const importKw = Float64Array.from({ length: this.T }, (_, t) => at(this.columns.importKw[t]!) + at(this.columns.importExcessKw[t]!));
    const exportKw = Float64Array.from({ length: this.T }, (_, t) => at(this.columns.exportKw[t]!) + at(this.columns.exportExcessKw[t]!));
    let adderCost = 0;
    for (let t = 0; t < this.T; t++) adderCost += this.dt * a[t]! * (importKw[t]! - exportKw[t]!);
    return { status: 'optimal', priced: answer.objective, own: answer.objective - adderCost, importKw, exportKw, iterations: answer.iterations };
  }
}

/** Solves the aggregate LP of `problems` under `limits` (first `slotCount` slots) by decomposition. */
export function solveAggregateByDecomposition(problems: readonly Problem[], limits: SharedRowLimits, slotCount: number, backend: LpBackend, options: DecomposedAggregateOptions): DecomposedAggregateResult {
  const T = slotCount;
  const S = problems.length;
  const dt = problems[0]?.slotHours ?? 1;
  const excessPrice = options.excessPricePerKwh;
  const relTolerance = options.relTolerance ?? 1e-3;
  const maxRounds = options.maxRounds ?? 60;
  const alpha = Math.min(0.95, Math.max(0, options.smoothing ?? 0.9));
  const started = performance.now();
  const deadline = started + options.timeLimitMs;
  const importL = Array.from({ length: T }, (_, t) => limits.importLimitKw[t] ?? Infinity);
  const exportL = Array.from({ length: T }, (_, t) => limits.exportLimitKw[t] ?? Infinity);
  const clip = (a: number, t: number) => Math.min(Number.isFinite(importL[t]!) ? excessPrice : 0, Math.max(Number.isFinite(exportL[t]!) ? -excessPrice : 0, a));
  const models: SiteRelaxationModel[] = [];
  let master: SiteColumnMaster | undefined;
  try {
    for (const p of problems) models.push(new SiteRelaxationModel(backend, p, T, dt, options));
    master = new SiteColumnMaster(backend, T, S, importL, exportL, dt * excessPrice);
    const built = performance.now();
    const size = {
      rows: models.reduce((a, m) => a + m.rows, 0),
      cols: models.reduce((a, m) => a + m.cols, 0),
      nonzeros: models.reduce((a, m) => a + m.nonzeros, 0),
      groups: models.reduce((a, m) => a + m.columns.groups, 0),
      buildMs: Math.round(built - started),
    };
    /** Every column's import and export (kW), in the master's order. */
    const columnProfiles: { importKw: Float64Array; exportKw: Float64Array }[] = [];
    let bound = -Infinity;
    let centre = new Array<number>(T).fill(0);
    let query = centre;
    let masterObjective: number | undefined;
    let weights: Float64Array | undefined;
    let feederExcessKw: number | undefined;
    let rounds = 0;
    let siteSolves = 0;
    let iterations = 0;
    let status: 'optimal' | 'feasible' | 'timed_out' = 'timed_out';
    let message: string | undefined;
    while (rounds < maxRounds) {
      if (performance.now() > deadline) {
        message = `the time limit (${options.timeLimitMs} ms) stopped it after ${rounds} rounds`;
        break;
      }
      rounds++;
      const adder = query;
      let dual = 0;
      const fresh: { site: number; cost: number; netKw: Float64Array }[] = [];
      for (let s = 0; s < S; s++) {
        const r = models[s]!.solve(adder, deadline - performance.now());
        siteSolves++;
        iterations += r.iterations;
        if (r.status !== 'optimal') {
          message = `site ${s}'s relaxation ended ${r.lpStatus}${r.message ? ` (${r.message})` : ''} in round ${rounds}`;
          dual = -Infinity;
          break;
        }
        dual += r.priced;
        columnProfiles.push({ importKw: r.importKw, exportKw: r.exportKw });
        fresh.push({ site: s, cost: r.own, netKw: r.importKw.map((x, t) => x - r.exportKw[t]!) });
      }
      if (fresh.length < S) break;
      for (let t = 0; t < T; t++) dual -= dt * (adder[t]! > 0 ? adder[t]! * importL[t]! : adder[t]! < 0 ? -adder[t]! * exportL[t]! : 0);
      if (dual > bound) {
        bound = dual;
        centre = adder;
      }
      master.addColumns(fresh);
      const m = master.solve(deadline - performance.now());
      if (!m) {
        message = `the master ended without an optimum in round ${rounds}`;
        break;
      }
      masterObjective = m.objective;
      weights = m.weights;
      feederExcessKw = m.excessKw;
      status = 'feasible';
      options.onRound?.({ round: rounds, bound, masterObjective: m.objective });
      if (m.objective - bound <= relTolerance * Math.max(1, Math.abs(m.objective))) {
        status = 'optimal';
        break;
      }
      query = Array.from({ length: T }, (_, t) => clip(alpha * centre[t]! + ((1 - alpha) * m.priceKw[t]!) / dt, t));
    }
    const solveMs = Math.round(performance.now() - built);
    if (!weights || !Number.isFinite(bound)) {
      return { method: 'decomposed', status: 'timed_out', message: message ?? 'no round ended', ...size, solveMs, simplexIterations: iterations, rounds, siteSolves };
    }
    if (status === 'feasible' && !message) message = `${rounds} rounds (the most) ended at a relative gap ${((masterObjective! - bound) / Math.max(1, Math.abs(masterObjective!))).toExponential(2)}`;
    const sites = problems.map(() => ({ importKw: new Float64Array(T), exportKw: new Float64Array(T) }));
    weights.forEach((w, j) => {
      if (w <= 0) return;
      const s = master!.columnSite[j]!;
      for (let t = 0; t < T; t++) {
        sites[s]!.importKw[t]! += w * columnProfiles[j]!.importKw[t]!;
        sites[s]!.exportKw[t]! += w * columnProfiles[j]!.exportKw[t]!;
      }
    });
    return {
      method: 'decomposed',
      status,
      ...(message ? { message } : {}),
      objective: bound,
      ...size,
      solveMs,
      simplexIterations: iterations,
      feederExcessKw: feederExcessKw!,
      sites,
      adderPerKwh: [...centre],
      rounds,
      masterObjective: masterObjective!,
      siteSolves,
    };
  } finally {
    for (const m of models) m.session.dispose();
    master?.dispose();
  }
}
