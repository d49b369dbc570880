/**
 * The aggregate portfolio LP (aggregate-first.ts): every site's relaxation (site-relaxation.ts) and the feeder
 * rows -E[t] <= sum_s netImport_s[t] - importExcess[t] + exportExcess[t] <= L[t] (the `SharedRowLimits`, on
 * the coordinator's first T slots) in ONE LP. The feeder excess columns cost `excessPricePerKwh` (they keep the
 * LP feasible where the sites' inflexible load alone breaks a limit; a plan that keeps the limits has none), so
 * the optimum is at most the cost of every portfolio plan that keeps the limits: **a certified lower bound of
 * the portfolio optimum, from the relaxation**. Its feeder duals are the per-slot price adder; its solution is
 * each site's import and export profile.
 */
import type { LpBackend } from '../backends/lp-backend.ts';
import { LinearProgramBuilder } from '../linear-program.ts';
import { lpDualBound } from '../lp-dual-bound.ts';
import type { Problem } from '../problem.ts';
import { resolveProblem } from '../resolved-problem.ts';
import type { SharedRowLimits } from './coordinate.ts';
import { addSiteRelaxation, type RelaxationGrouping, type SiteRelaxationColumns } from './site-relaxation.ts';

export interface AggregateLpOptions {
  readonly excessPricePerKwh: number;
  readonly timeLimitMs: number;
  readonly grouping?: RelaxationGrouping;
  /** HiGHS's simplex (default its own choice, dual). */
  readonly simplex?: 'dual' | 'primal';
  /**
   * The LP algorithm (HiGHS): `simplex` (default) or `ipm` (interior point); with `ipm`, `crossover: false` keeps
   * the interior point (its duals approximate: the bound is then the Lagrangian value at its duals, lp-dual-bound.ts).
   */
  readonly lpSolver?: 'simplex' | 'ipm';
  readonly crossover?: boolean;
  /** With `ipm`: HiGHS's `ipm_optimality_tolerance` (default 1e-8). */
  readonly ipmOptimalityTolerance?: number;
}

export interface AggregateLpResult {
  /** How it was solved: `monolithic` (this file, one LP) or `decomposed` (aggregate-decomposed.ts). */
  readonly method: 'monolithic' | 'decomposed';
  readonly status: string;
  readonly message?: string;
  /**
   * The certified relaxation bound: the LP's optimum (a simplex or crossover vertex), or, from an interior point
   * without crossover, the Lagrangian value at its row duals (`dualBound`); undefined when not optimal or when
   * that value is not finite (`boundNote` says why; the plan's bound then comes from its Lagrangian round).
   */
  readonly objective?: number;
  /** The solution's own value (HiGHS's objective), when it differs in kind from `objective` (interior point without crossover). */
  readonly primalObjective?: number;
  /** Why `objective` is what it is when not the optimum of a vertex (interior point without crossover). */
  readonly boundNote?: string;
  /** Which LP algorithm ran (`simplex`, or `ipm` with or without crossover) and its iterations (monolithic only). */
  readonly lpSolver?: { readonly solver: 'simplex' | 'ipm'; readonly crossover?: boolean; readonly ipmIterations?: number; readonly crossoverIterations?: number };
  readonly rows: number;
  readonly cols: number;
  readonly nonzeros: number;
  /** Virtual batteries over all sites. */
  readonly groups: number;
  /** Wall time to build and to solve (ms; this thread). */
  readonly buildMs: number;
  readonly solveMs: number;
  readonly simplexIterations: number;
  /** Feeder excess the optimum kept (kW summed over slots; > 0 only where the limits cannot hold). */
  readonly feederExcessKw?: number;
  /** Per site, per coordinator slot: its import and export (kW) in the optimum. */
  readonly sites?: readonly { readonly importKw: Float64Array; readonly exportKw: Float64Array }[];
  /** Per slot: the feeder price per kWh of net import (>= 0: import row binding, <= 0: export row binding). */
  readonly adderPerKwh?: number[];
  /** Decomposed only (aggregate-decomposed.ts): rounds run, relaxation LP solves, the threads that solved them, and how the first round's prices were chosen. */
  readonly rounds?: number;
  readonly siteSolves?: number;
  readonly threads?: number;
  readonly warmStart?: string;
}

const valueOf = (x: Float64Array, col: number) => (col >= 0 ? x[col]! : 0);

/** Builds and solves the aggregate LP of `problems` under `limits` on their first `slotCount` slots. */
export function solveAggregateLp(problems: readonly Problem[], limits: SharedRowLimits, slotCount: number, backend: LpBackend, options: AggregateLpOptions): AggregateLpResult {
  const T = slotCount;
  const dt = problems[0]?.slotHours ?? 1;
  const started = performance.now();
  const b = new LinearProgramBuilder();
  const columns: SiteRelaxationColumns[] = problems.map((p) => addSiteRelaxation(b, resolveProblem(p), options.grouping ? { grouping: options.grouping } : {}));
  const feederRows = new Int32Array(T).fill(-1);
  const excessCols: number[] = [];
  for (let t = 0; t < T; t++) {
    const L = limits.importLimitKw[t] ?? Infinity;
    const E = limits.exportLimitKw[t] ?? Infinity;
    if (!Number.isFinite(L) && !Number.isFinite(E)) continue;
    const over = Number.isFinite(L) ? b.addCol(dt * options.excessPricePerKwh, 0, Infinity) : -1;
    const under = Number.isFinite(E) ? b.addCol(dt * options.excessPricePerKwh, 0, Infinity) : -1;
    for (const c of columns) {
      if (c.importKw[t]! >= 0) b.entry(c.importKw[t]!, 1);
      if (c.importExcessKw[t]! >= 0) b.entry(c.importExcessKw[t]!, 1);
      if (c.exportKw[t]! >= 0) b.entry(c.exportKw[t]!, -1);
      if (c.exportExcessKw[t]! >= 0) b.entry(c.exportExcessKw[t]!, -1);
    }
    if (over >= 0) {
      b.entry(over, -1);
      excessCols.push(over);
    }
    if (under >= 0) {
      b.entry(under, 1);
      excessCols.push(under);
    }
    feederRows[t] = b.endRow(-E, L);
  }
  const lp = b.build();
  const built = performance.now();
  const size = { rows: lp.numRows, cols: lp.numCols, nonzeros: lp.colIndex.length, groups: columns.reduce((a, c) => a + c.groups, 0), buildMs: Math.round(built - started) };
  const session = backend.open(lp);
  try {
    const answer = session.solve({
      timeLimitMs: options.timeLimitMs,
      mipRelGap: 1e-4,
      ...(options.simplex ? { simplex: options.simplex } : {}),
      ...(options.lpSolver ? { lpSolver: options.lpSolver } : {}),
      ...(options.crossover !== undefined ? { crossover: options.crossover } : {}),
      ...(options.ipmOptimalityTolerance !== undefined ? { ipmOptimalityTolerance: options.ipmOptimalityTolerance } : {}),
    });
    const solveMs = Math.round(performance.now() - built);
    const how = answer.lpSolver ? { lpSolver: answer.lpSolver } : {};
    if (answer.status !== 'optimal' || !answer.x || !answer.rowDual || answer.objective === undefined) {
      return { method: 'monolithic', status: answer.status, ...(answer.message ? { message: answer.message } : {}), ...size, solveMs, simplexIterations: answer.iterations, ...how };
    }
    // An interior point without crossover: its objective is not a certified bound (its duals are approximate);
    // the Lagrangian value at its row duals is (weak duality), or none when a reduced cost meets an infinite bound.
    const interior = answer.lpSolver?.solver === 'ipm' && answer.lpSolver.crossover === false;
    const dual = interior ? lpDualBound(lp, answer.rowDual) : undefined;
    const bound = dual ? (Number.isFinite(dual.value) ? { objective: dual.value } : {}) : { objective: answer.objective };
    const boundInfo = dual
      ? {
          primalObjective: answer.objective,
          boundNote: Number.isFinite(dual.value)
            ? `interior point without crossover: the bound is the Lagrangian value at its row duals, ${(answer.objective - dual.value).toPrecision(3)} below its objective${dual.clippedRows > 0 ? ` (${dual.clippedRows} row duals of the wrong sign set to 0, the largest ${dual.largestClipped.toPrecision(3)})` : ''}`
            : `interior point without crossover: no certified bound (${dual.infiniteColumns} reduced costs point at an infinite bound)`,
        }
      : {};
    const sizeAndTime = { ...size, solveMs, simplexIterations: answer.iterations, ...how, ...bound, ...boundInfo };
    const x = answer.x;
    const sites = columns.map((c) => ({
      importKw: Float64Array.from({ length: T }, (_, t) => valueOf(x, c.importKw[t]!) + valueOf(x, c.importExcessKw[t]!)),
      exportKw: Float64Array.from({ length: T }, (_, t) => valueOf(x, c.exportKw[t]!) + valueOf(x, c.exportExcessKw[t]!)),
    }));
    // HiGHS's row dual: d(objective)/d(row bound); one kW more of import room in slot t is worth -dual (per kW and slot).
    const adderPerKwh = Array.from({ length: T }, (_, t) => (feederRows[t]! >= 0 ? -answer.rowDual![feederRows[t]!]! / dt : 0));
    return { method: 'monolithic', status: 'optimal', ...sizeAndTime, feederExcessKw: excessCols.reduce((a, j) => a + x[j]!, 0), sites, adderPerKwh };
  } finally {
    session.dispose();
  }
}
