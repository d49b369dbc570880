/**
 * HiGHS (WebAssembly, npm `highs`) through its persistent CSR `createModel` API. Every model is disposed:
 * the WebAssembly heap never shrinks, so a leaked model is memory lost for the life of the thread.
 * `solve` blocks its thread: call it from a worker (see ../solver-pool.ts), never from a server's event loop.
 */
import type { Highs } from 'highs';
import type { LinearProgram } from '../linear-program.ts';
import type { LpBackend, LpSession, LpSolution, LpSolveOptions } from './lp-backend.ts';
import { directColsBounds, directHandOver, type HighsModel } from './highs-handover.ts';

function infoNumber(model: HighsModel, name: string): number {
  try {
    const value = model.info.get(name);
    return typeof value === 'bigint' ? Number(value) : value;
  } catch {
    return 0; // not available for this model type or before a solve
  }
}

/** HiGHS's default `simplex_iteration_limit` (kHighsIInf: no limit). */
const highsNoIterationLimit = 2_147_483_647;

/** One run, its answer saying which LP algorithm ran (`lpSolver`; not for a MILP). */
function run(highs: Highs, model: HighsModel, isMip: boolean, options: LpSolveOptions): LpSolution {
  const answer = runOnce(highs, model, isMip, options);
  if (isMip) return answer;
  const ipmIterations = infoNumber(model, 'ipm_iteration_count');
  // Said as the IPM when it ran (HiGHS counts its iterations) or was asked for: with or without its crossover to a vertex.
  const lpSolver: NonNullable<LpSolution['lpSolver']> =
    ipmIterations > 0 || options.lpSolver === 'ipm'
      ? { solver: 'ipm', crossover: options.crossover !== false, ipmIterations, crossoverIterations: infoNumber(model, 'crossover_iteration_count') }
      : { solver: 'simplex' };
  return { ...answer, lpSolver };
}

function runOnce(highs: Highs, model: HighsModel, isMip: boolean, options: LpSolveOptions): LpSolution {
  const status = highs.constants.modelStatus;
  // HiGHS's time_limit counts the run time of every earlier run() on this model: zero its clocks so the
  // limit given is the time this run may take (the caller keeps the whole solve's budget).
  model.zeroAllClocks();
  model.options.set({
    output_flag: false,
    time_limit: Math.max(0.001, options.timeLimitMs / 1000),
    mip_rel_gap: options.mipRelGap,
    ...(options.simplex ? { simplex_strategy: options.simplex === 'primal' ? 4 : 1 } : {}),
    ...(options.mipMaxNodes !== undefined ? { mip_max_nodes: options.mipMaxNodes } : {}),
    // Set on every LP run (an option set once stays on the model): the limit given, else HiGHS's default (none).
    ...(!isMip ? { simplex_iteration_limit: options.simplexIterationLimit !== undefined ? Math.max(0, Math.floor(options.simplexIterationLimit)) : highsNoIterationLimit } : {}),
    presolve: options.presolve === false ? 'off' : 'choose',
    // Set on every run: an option set once stays on the model (-1: HiGHS's own choice).
    simplex_dual_edge_weight_strategy: options.dualEdgeWeight === 'devex' ? 1 : -1,
    solver: options.lpSolver ?? 'choose',
    run_crossover: options.crossover === false ? 'off' : 'on',
    ipm_optimality_tolerance: options.ipmOptimalityTolerance ?? 1e-8,
  });
  const started = performance.now();
  try {
    model.run();
  } catch (error) {
    // HiGHS's status -1 (error) throws in the package; the interior point gives it on some unbounded or
    // ill-posed LPs where the simplex answers with a status: an expected outcome there, said as `error`.
    if (options.lpSolver !== 'ipm') throw error;
    return { status: 'error', iterations: 0, message: `HiGHS's interior point ended in an error (${error instanceof Error ? error.message : String(error)})` };
  }
  let modelStatus = model.getModelStatus();
  let restarted: string | undefined;
  if (modelStatus === status.unknown) {
    // Status 15 (unknown): the simplex lost its way from the basis it was started from (seen in the LP repair's
    // re-solves after bounds were fixed). The same model solved again from scratch, within what is left of the limit.
    restarted = 'HiGHS model status 15 (unknown) from the previous basis: solved again from scratch';
    model.clearSolver();
    model.zeroAllClocks();
    model.options.set({ time_limit: Math.max(0.001, (options.timeLimitMs - (performance.now() - started)) / 1000) });
    model.run();
    modelStatus = model.getModelStatus();
  }
  // HiGHS 1.15 (wasm) has no `mip_total_lp_iterations` info: a MILP's simplex_iteration_count is its LPs' total.
  const iterations = isMip ? infoNumber(model, 'mip_total_lp_iterations') || infoNumber(model, 'simplex_iteration_count') : infoNumber(model, 'simplex_iteration_count');
  // A MILP's nodes (deterministic work, like iterations); absent for an LP.
  const nodes = isMip ? { nodes: infoNumber(model, 'mip_node_count') } : {};
  // primal_solution_status 2 = a feasible primal solution is available.
  const hasPrimal = infoNumber(model, 'primal_solution_status') === 2;
  const dualBound = isMip ? infoNumber(model, 'mip_dual_bound') : Number.NaN;
  // HiGHS's best bound of a MILP stopped at a limit: its own proven lower bound (not finite before the root is solved).
  const mipBound = isMip && Number.isFinite(dualBound) && dualBound !== 0 ? { mipDualBound: dualBound } : {};
  if (modelStatus === status.optimal) {
    const solution = model.getSolution();
    // dual_solution_status 2 = feasible duals (an LP solved to optimality; a MIP has none).
    const rowDual = !isMip && infoNumber(model, 'dual_solution_status') === 2 ? { rowDual: solution.rowDual, colDual: solution.colDual } : {};
    return { status: 'optimal', x: solution.colValue, objective: model.getObjectiveValue(), iterations, ...nodes, ...rowDual, ...(restarted !== undefined ? { message: restarted } : {}) };
  }
  if (modelStatus === status.solutionLimit) {
    // mip_max_nodes reached (the only solution-type limit set here).
    return hasPrimal
      ? { status: 'feasible', x: model.getSolution().colValue, objective: model.getObjectiveValue(), iterations, ...nodes, ...mipBound, stoppedBy: 'nodes', message: 'HiGHS stopped at its node limit with an incumbent' }
      : { status: 'timed_out', iterations, ...nodes, ...mipBound, stoppedBy: 'nodes', message: 'HiGHS reached its node limit without a solution' };
  }
  if (modelStatus === status.iterationLimit && !isMip) {
    // simplex_iteration_limit reached (set for LPs only): a dual simplex stopped there has no primal feasible point yet, as a rule.
    return hasPrimal
      ? { status: 'feasible', x: model.getSolution().colValue, objective: model.getObjectiveValue(), iterations, stoppedBy: 'iterations', message: 'HiGHS stopped at its simplex iteration limit with a primal feasible point' }
      : { status: 'timed_out', iterations, stoppedBy: 'iterations', message: 'HiGHS reached its simplex iteration limit without a primal feasible point' };
  }
  if (modelStatus === status.timeLimit || modelStatus === status.iterationLimit || modelStatus === status.interrupted) {
    return hasPrimal
      ? {
          status: 'feasible',
          x: model.getSolution().colValue,
          objective: model.getObjectiveValue(),
          iterations,
          ...nodes,
          ...mipBound,
          message: 'HiGHS stopped at its time limit with an incumbent',
        }
      : { status: 'timed_out', iterations, ...nodes, ...mipBound, message: 'HiGHS reached its time limit without a solution' };
  }
  if (modelStatus === status.infeasible || modelStatus === status.unboundedOrInfeasible) {
    return { status: 'infeasible', iterations, message: `HiGHS model status ${modelStatus} (infeasible)` };
  }
  return { status: 'error', iterations, message: `HiGHS model status ${modelStatus}${restarted !== undefined ? ' (also when solved again from scratch)' : ''}` };
}

/** The package's own hand-over: `createModel` checks every entry of every array in JavaScript first. */
export function packageHandOver(highs: Highs, lp: LinearProgram): HighsModel {
  return highs.createModel({
    numCols: lp.numCols,
    numRows: lp.numRows,
    offset: lp.offset,
    colCost: lp.colCost,
    colLower: lp.colLower,
    colUpper: lp.colUpper,
    rowLower: lp.rowLower,
    rowUpper: lp.rowUpper,
    matrix: {
      format: 'csr',
      numRows: lp.numRows,
      numCols: lp.numCols,
      starts: lp.rowStarts,
      indices: lp.colIndex,
      values: lp.values,
    },
    ...(lp.integerCount > 0 ? { integrality: lp.integrality } : {}),
  });
}

/** How `open` gives a model to HiGHS: `direct` (highs-handover.ts, where the runtime allows it; default) or the package's `createModel`. */
export type HighsHandOver = 'direct' | 'package';

/**
 * The HiGHS `LpBackend` on a loaded runtime (see highs-loader.ts); each `open` creates one model, freed by `dispose`.
 * Both hand-overs give HiGHS the same model (test/optimizer/backends/highs-handover.test.ts).
 */
export function createHighsBackend(highs: Highs, handOver: HighsHandOver = 'direct'): LpBackend {
  const direct = handOver === 'direct' ? directHandOver(highs) : undefined;
  // The same bound changes without the package's per-element checks, on models the direct hand-over made.
  const colsBounds = direct !== undefined ? directColsBounds(highs) : undefined;
  return {
    name: 'highs',
    open(lp: LinearProgram): LpSession {
      const model = direct !== undefined ? direct(lp) : packageHandOver(highs, lp);
      const isMip = lp.integerCount > 0;
      let numRows = lp.numRows;
      let numCols = lp.numCols;
      return {
        solve: (options) => run(highs, model, isMip, options),
        setColBounds: (col, lower, upper) => {
          model.changeColBounds(col, lower, upper);
        },
        setColsBounds: (cols, lower, upper) => {
          if (cols.length === 0 || colsBounds?.(model, numCols, cols, lower, upper) === true) return;
          model.changeColsBounds({ kind: 'set', indices: cols }, lower, upper);
        },
        setColsCost: (cols, cost) => {
          if (cols.length > 0) model.changeColsCost({ kind: 'set', indices: cols }, cost);
        },
        addRows: (rows) => {
          const count = rows.lower.length;
          if (count === 0) return;
          model.addRows({
            lower: rows.lower,
            upper: rows.upper,
            matrix: { format: 'csr', numRows: count, numCols, starts: rows.starts, indices: rows.cols, values: rows.values },
          });
          numRows += count;
        },
        addCols: (cols) => {
          const count = cols.cost.length;
          if (count === 0) return;
          model.addCols({
            cost: cols.cost,
            lower: cols.lower,
            upper: cols.upper,
            matrix: { format: 'csc', numRows, numCols: count, starts: cols.starts, indices: cols.rows, values: cols.values },
          });
          numCols += count;
        },
        deleteCols: (cols) => {
          if (cols.length === 0) return;
          for (let i = 0; i < cols.length; i++) {
            if (cols[i]! < 0 || cols[i]! >= numCols || (i > 0 && cols[i]! <= cols[i - 1]!)) throw new RangeError(`V2G_ERR_LP_DELETE_COLS: columns to delete must lie in 0..${numCols - 1} and increase strictly (column ${cols[i]} at ${i})`);
          }
          model.deleteCols({ kind: 'set', indices: cols });
          numCols -= cols.length;
        },
        setStart: (x) => {
          // HiGHS checks the start and ignores one that is not feasible: a hint, never a constraint.
          model.setSolution({ colValue: x });
        },
        getBasis: () => {
          try {
            const basis = model.getBasis();
            return { colStatus: Int32Array.from(basis.colStatus), rowStatus: Int32Array.from(basis.rowStatus) };
          } catch {
            return undefined; // no basis yet (never solved, or a MIP)
          }
        },
        setBasis: (basis) => {
          if (basis.colStatus.length !== numCols || basis.rowStatus.length !== numRows) return false;
          try {
            model.setBasis({ colStatus: Int32Array.from(basis.colStatus), rowStatus: Int32Array.from(basis.rowStatus) });
            return true;
          } catch {
            return false; // HiGHS refused it (not a valid basis for this model): the solve starts cold
          }
        },
        dispose: () => model.dispose(),
      };
    },
  };
}
