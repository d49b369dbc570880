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
 *
 * Session 15: the sites' relaxations may live on `threads` worker threads (relaxation-threads.ts: site s on thread
 * s mod K for the whole step, so each keeps its basis), each round's site LPs solved in parallel, the master here;
 * the same answer whatever K. `warmAdderPerKwh` starts the first round at given prices (e.g. the plan in force's
 * feeder prices) instead of zero: the bound stays certified (it is valid at any adder), only the rounds change.
 */
import type { LpBackend } from '../backends/lp-backend.ts';
import type { Problem } from '../problem.ts';
import type { AggregateLpOptions, AggregateLpResult } from './aggregate-lp.ts';
import type { SharedRowLimits } from './coordinate.ts';
import { relaxationsHere, relaxationsOnThreads, type RelaxationPool } from './relaxation-threads.ts';
import { SiteColumnMaster } from './site-column-master.ts';

/** The decomposed step's options that travel with a request to the price step's thread (plain data). */
export interface DecompositionRequestOptions {
  /**
   * Threads solving the sites' relaxations (at most one per site): 1 (default) this thread with the given backend;
   * K > 1: this thread's share (sites s with s mod K = 0) in the given backend and K - 1 worker threads, each with
   * its own HiGHS (relaxation-threads.ts); the master in this thread.
   */
  readonly threads?: number;
  /** The first round's adder (per kWh, per slot; clipped to +-excessPrice like every adder); default zero. */
  readonly warmAdderPerKwh?: readonly number[];
  /** Where `warmAdderPerKwh` came from, said in the answer (`warmStart`). */
  readonly warmFrom?: string;
}

export interface DecomposedAggregateOptions extends AggregateLpOptions, DecompositionRequestOptions {
  /** Stop when (master - bound) <= this x max(1, |master|); default 1e-3. */
  readonly relTolerance?: number;
  /** Most rounds (each: every site's relaxation re-solved once, the master once); default 60. */
  readonly maxRounds?: number;
  /** Wentges smoothing of the next prices towards the best bound's, in [0, 1); default 0.9 (measured: 0.3 and 0.7 converge slower). */
  readonly smoothing?: number;
  /**
   * Drop from the master the site columns that this many master solves in a row left at weight 0 (and nonbasic):
   * a smaller master to re-solve; every dropped column is still priced after each master solve and put back while its
   * reduced cost is negative, so each master answer is an optimum over every column (site-column-master.ts
   * `dropColumns`). Default `defaultDropColumnsAfterRounds` (3); 0: never.
   */
  readonly dropColumnsAfterRounds?: number;
  /** The master's columns as differences from each site's first column (default true; site-column-master.ts); false: as they are. */
  readonly referenceColumns?: boolean;
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
  /** Threads that solved the sites' relaxations (1: the step's own thread). */
  readonly threads: number;
  /** How the first round's prices were chosen: `zero`, or `warm: <warmFrom>` with the first round's bound. */
  readonly warmStart: string;
  /** Wall ms (this thread) in the rounds' relaxation solves (all threads' share, waited for) and in the master. */
  readonly roundsMs: number;
  readonly masterMs: number;
  /**
   * Site columns the master held at its last solve; with `dropColumnsAfterRounds`, how many drops there were in all
   * and how many were undone (put back as their reduced cost turned negative): masterColumns + columnsDropped -
   * columnsRestored = siteSolves.
   */
  readonly masterColumns: number;
  readonly columnsDropped: number;
  readonly columnsRestored: number;
}

/**
 * Master solves in a row at weight 0 before a column leaves the master (issue 17 session 16). Measured at 200 x 500 x
 * 192 (bench/RESULTS.md, session 16, helper master): the master's CPU 29.6 -> 9.0 s (medians of 3), the same 39 rounds and bound
 * (2.5e-10 relative).
 */
export const defaultDropColumnsAfterRounds = 3;

/** Solves the aggregate LP of `problems` under `limits` (first `slotCount` slots) by decomposition. */
export async function solveAggregateByDecomposition(problems: readonly Problem[], limits: SharedRowLimits, slotCount: number, backend: LpBackend, options: DecomposedAggregateOptions): Promise<DecomposedAggregateResult> {
  const T = slotCount;
  const S = problems.length;
  const dt = problems[0]?.slotHours ?? 1;
  const excessPrice = options.excessPricePerKwh;
  const relTolerance = options.relTolerance ?? 1e-3;
  const maxRounds = options.maxRounds ?? 60;
  const alpha = Math.min(0.95, Math.max(0, options.smoothing ?? 0.9));
  const dropAfter = Math.max(0, Math.floor(options.dropColumnsAfterRounds ?? defaultDropColumnsAfterRounds));
  const started = performance.now();
  const deadline = started + options.timeLimitMs;
  const importL = Array.from({ length: T }, (_, t) => limits.importLimitKw[t] ?? Infinity);
  const exportL = Array.from({ length: T }, (_, t) => limits.exportLimitKw[t] ?? Infinity);
  const clip = (a: number, t: number) => Math.min(Number.isFinite(importL[t]!) ? excessPrice : 0, Math.max(Number.isFinite(exportL[t]!) ? -excessPrice : 0, a));
  const warm = options.warmAdderPerKwh;
  let warmStart = warm ? `warm: from ${options.warmFrom ?? 'given feeder prices'}` : 'zero';
  const spec = { slotCount: T, slotHours: dt, ...(options.grouping ? { grouping: options.grouping } : {}) };
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  let pool: RelaxationPool | undefined;
  let master: SiteColumnMaster | undefined;
  try {
    pool = threads > 1 && S > 1 ? await relaxationsOnThreads(backend, problems, spec, threads) : relaxationsHere(backend, problems, spec);
    const built = performance.now();
    const size = {
      rows: pool.sizes.reduce((a, m) => a + m.rows, 0),
      cols: pool.sizes.reduce((a, m) => a + m.cols, 0),
      nonzeros: pool.sizes.reduce((a, m) => a + m.nonzeros, 0),
      groups: pool.sizes.reduce((a, m) => a + m.groups, 0),
      buildMs: Math.round(built - started),
    };
    /** Every column's import and export (kW), in the master's order. */
    const columnProfiles: { importKw: Float64Array; exportKw: Float64Array }[] = [];
    let bound = -Infinity;
    let centre = new Array<number>(T).fill(0);
    let query = warm ? Array.from({ length: T }, (_, t) => clip(warm[t] ?? 0, t)) : centre;
    let masterObjective: number | undefined;
    let weights: Float64Array | undefined;
    let feederExcessKw: number | undefined;
    let rounds = 0;
    let siteSolves = 0;
    let iterations = 0;
    let status: 'optimal' | 'feasible' | 'timed_out' = 'timed_out';
    let message: string | undefined;
    let roundsMs = 0;
    let masterMs = 0;
    let masterColumns = 0;
    while (rounds < maxRounds) {
      if (performance.now() > deadline) {
        message = `the time limit (${options.timeLimitMs} ms) stopped it after ${rounds} rounds`;
        break;
      }
      rounds++;
      const adder = query;
      const roundStarted = performance.now();
      const answers = await pool.solveRound(adder, deadline - roundStarted);
      roundsMs += performance.now() - roundStarted;
      siteSolves += S;
      let dual = 0;
      const fresh: { site: number; cost: number; netKw: Float64Array }[] = [];
      for (let s = 0; s < S; s++) {
        const r = answers[s]!;
        iterations += r.iterations;
        if (r.status !== 'optimal') {
          message = `site ${s}'s relaxation ended ${r.lpStatus}${r.message ? ` (${r.message})` : ''} in round ${rounds}`;
          break;
        }
        dual += r.priced;
        columnProfiles.push({ importKw: r.importKw, exportKw: r.exportKw });
        fresh.push({ site: s, cost: r.own, netKw: r.importKw.map((x, t) => x - r.exportKw[t]!) });
      }
      if (fresh.length < S) break;
      for (let t = 0; t < T; t++) dual -= dt * (adder[t]! > 0 ? adder[t]! * importL[t]! : adder[t]! < 0 ? -adder[t]! * exportL[t]! : 0);
      if (rounds === 1 && warm) warmStart += ` (first round's bound ${dual.toFixed(2)})`;
      if (dual > bound) {
        bound = dual;
        centre = adder;
      }
      // Built at the first round: each site's first column is its reference (site-column-master.ts: sparser columns).
      master ??= new SiteColumnMaster(backend, T, S, importL, exportL, dt * excessPrice, options.referenceColumns === false ? [] : fresh.map((c) => c.netKw));
      master.addColumns(fresh);
      const masterStarted = performance.now();
      const m = master.solve(deadline - masterStarted);
      masterMs += performance.now() - masterStarted;
      if (!m) {
        message = `the master ended without an optimum in round ${rounds}`;
        break;
      }
      masterObjective = m.objective;
      weights = m.weights;
      feederExcessKw = m.excessKw;
      status = 'feasible';
      masterColumns = master.liveColumns;
      options.onRound?.({ round: rounds, bound, masterObjective: m.objective });
      if (m.objective - bound <= relTolerance * Math.max(1, Math.abs(m.objective))) {
        status = 'optimal';
        break;
      }
      // Before the next round (not after the last master solve, which the answer describes).
      if (dropAfter > 0) master.dropColumns(dropAfter);
      query = Array.from({ length: T }, (_, t) => clip(alpha * centre[t]! + ((1 - alpha) * m.priceKw[t]!) / dt, t));
    }
    const solveMs = Math.round(performance.now() - built);
    const how = { rounds, siteSolves, threads: pool.threads, warmStart, roundsMs: Math.round(roundsMs), masterMs: Math.round(masterMs), masterColumns, columnsDropped: master?.droppedInAll ?? 0, columnsRestored: master?.restored ?? 0 };
    if (!weights || !Number.isFinite(bound)) {
      return { method: 'decomposed', status: 'timed_out', message: message ?? 'no round ended', ...size, solveMs, simplexIterations: iterations, ...how };
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
      masterObjective: masterObjective!,
      ...how,
    };
  } finally {
    await pool?.close();
    master?.dispose();
  }
}
