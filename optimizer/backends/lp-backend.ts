/**
 * The port every LP/MILP solver sits behind: a `LinearProgram` in, a status and a primal vector out.
 * Expected outcomes (time limit, no incumbent) are statuses, never exceptions.
 */
import type { LinearProgram } from '../linear-program.ts';

export interface LpSolveOptions {
  /** Wall-clock budget for this solve (ms). */
  readonly timeLimitMs: number;
  /** Relative MIP gap at which a MILP counts as optimal. */
  readonly mipRelGap: number;
  /** The simplex variant for an LP (default: the backend's own choice); `primal` suits a model that only gained columns. */
  readonly simplex?: 'dual' | 'primal';
  /** Most branch-and-bound nodes of a MILP solve (a deterministic limit, unlike time); default none. */
  readonly mipMaxNodes?: number;
  /**
   * Most simplex iterations of an LP solve (a deterministic limit, unlike time: HiGHS `simplex_iteration_limit`);
   * default none. Not applied to a MILP (HiGHS's branch and bound does not keep it: `mipMaxNodes` bounds a MILP).
   */
  readonly simplexIterationLimit?: number;
  /** `false` skips the backend's presolve (HiGHS; CLP then starts a new model's dual simplex from the slack basis); default: the backend's own choice. */
  readonly presolve?: boolean;
  /**
   * `devex`: the dual simplex prices with Devex weights in this run (HiGHS), instead of first computing exact
   * steepest-edge weights for a start that is not the slack basis (one solve per row); default: HiGHS's choice.
   */
  readonly dualEdgeWeight?: 'devex';
  /**
   * The LP algorithm (HiGHS `solver`): `simplex`, or `ipm` (HiGHS's interior point, IPX); default: the backend's own
   * choice (HiGHS: the dual simplex). CLP and javascript-lp-solver ignore it (their answers say which ran: `lpSolver`).
   */
  readonly lpSolver?: 'simplex' | 'ipm';
  /**
   * With `lpSolver: 'ipm'`: `false` skips the crossover to a vertex (HiGHS `run_crossover` off): the answer is the
   * interior point, its duals approximate (`crossover: false` in the answer says so); default on.
   */
  readonly crossover?: boolean;
  /** With `lpSolver: 'ipm'`: HiGHS `ipm_optimality_tolerance` (relative primal-dual gap at which the IPM stops); default HiGHS's (1e-8). */
  readonly ipmOptimalityTolerance?: number;
}

export type LpStatus = 'optimal' | 'feasible' | 'timed_out' | 'infeasible' | 'error';

export interface LpSolution {
  /** `feasible`: a limit stopped the solver with an incumbent; `timed_out`: stopped with none. */
  readonly status: LpStatus;
  /** Primal values in column order; present for `optimal` and `feasible`. */
  readonly x?: Float64Array;
  readonly objective?: number;
  /** Row duals of an LP solved to optimality, when the backend gives them (HiGHS and CLP do; javascript-lp-solver not). */
  readonly rowDual?: Float64Array;
  readonly iterations: number;
  readonly message?: string;
  /** Which limit stopped a `feasible` or `timed_out` solve: its time, `mipMaxNodes`, or `simplexIterationLimit`. */
  readonly stoppedBy?: 'time' | 'nodes' | 'iterations';
  /** Branch-and-bound nodes a MILP solve explored (HiGHS `mip_node_count`); absent for an LP. */
  readonly nodes?: number;
  /** A MILP's best proven lower bound when it stopped (HiGHS `mip_dual_bound`); absent for an LP or when not finite. */
  readonly mipDualBound?: number;
  /**
   * Which LP algorithm answered, when the backend says (HiGHS): `simplex`, or `ipm` with or without its crossover
   * (`crossover`), and the interior point's and crossover's own iteration counts (`iterations` is the simplex's).
   */
  readonly lpSolver?: { readonly solver: 'simplex' | 'ipm'; readonly crossover?: boolean; readonly ipmIterations?: number; readonly crossoverIterations?: number };
  /** Column duals (reduced costs) of an LP solved to optimality, when `rowDual` is given (HiGHS). */
  readonly colDual?: Float64Array;
}

/** Rows to add to an open model, in CSR form: row i has entries [starts[i], starts[i + 1]) of cols/values. */
export interface LpRows {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Length lower.length + 1. */
  readonly starts: Int32Array;
  readonly cols: Int32Array;
  readonly values: Float64Array;
}

/** Columns to add to an open model, in CSC form: column j has entries [starts[j], starts[j + 1]) of rows/values. */
export interface LpCols {
  readonly cost: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Length cost.length + 1. */
  readonly starts: Int32Array;
  readonly rows: Int32Array;
  readonly values: Float64Array;
}

/**
 * One model kept open across solves, so bound changes and added rows re-solve from the previous basis
 * (HiGHS and CLP warm-start their dual simplex). Call `dispose` when done.
 */
/** A simplex basis: one status per column and per row, in HiGHS's codes (0 lower, 1 basic, 2 upper, 3 zero, 4 nonbasic; CLP's backend translates). */
export interface LpBasis {
  readonly colStatus: ArrayLike<number>;
  readonly rowStatus: ArrayLike<number>;
}

export interface LpSession {
  solve(options: LpSolveOptions): LpSolution;
  setColBounds(col: number, lower: number, upper: number): void;
  /** Sets the bounds of many columns in one call (`cols` ascending, no repeats; lower[i] and upper[i] belong to cols[i]); HiGHS and CLP. */
  setColsBounds?(cols: Int32Array, lower: Float64Array, upper: Float64Array): void;
  /** Sets the objective cost of many columns in one call (`cols` ascending, no repeats). The basis is kept: the next solve starts from it. HiGHS and CLP. */
  setColsCost?(cols: Int32Array, cost: Float64Array): void;
  /** Appends rows after the model's last row (lazy constraints: optimizer/network/lazy-rows.ts). */
  addRows(rows: LpRows): void;
  /** Appends columns after the model's last column (column generation: decomposition/column-master.ts); HiGHS and CLP. */
  addCols?(cols: LpCols): void;
  /**
   * Deletes the columns `cols` (ascending, no repeats) and renumbers the later ones down (HiGHS). The basis of the
   * remaining columns is kept when every deleted column was nonbasic, so the next solve starts from it (a column
   * generation master dropping columns long at weight 0: portfolio/site-column-master.ts).
   */
  deleteCols?(cols: Int32Array): void;
  /** A feasible primal (every column) for the next MILP solve to start from; backends without MIP starts leave it out. */
  setStart?(x: Float64Array): void;
  /** The basis of the last solve (HiGHS and CLP; undefined when there is none). */
  getBasis?(): LpBasis | undefined;
  /** Starts the next solve from `basis` (of a model with the same rows and columns); false when the backend refuses it. */
  setBasis?(basis: LpBasis): boolean;
  dispose(): void;
}

export interface LpBackend {
  readonly name: 'highs' | 'lp-solver' | 'clp';
  /** The backend models with integer columns go to, when not this one (CLP hands MILPs to HiGHS). */
  readonly milp?: 'highs' | 'lp-solver' | 'clp';
  open(lp: LinearProgram): LpSession;
}
