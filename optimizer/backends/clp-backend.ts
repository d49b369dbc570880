/**
 * COIN-OR CLP (native simplex) as an `LpBackend`, on a `ClpLibrary`: the C interface's functions, loaded at the
 * edge (adapters/solvers/clp-library.ts loads libClp through koffi; this module does no I/O). CLP solves LPs only:
 * a model with integer columns goes to the `milp` backend given (HiGHS), or is refused with `V2G_ERR_CLP_MILP`.
 *
 * Bases cross this port in HiGHS's codes (0 lower, 1 basic, 2 upper, 3 zero, 4 nonbasic), the codes the
 * optimizer builds its own bases in (crash and seed bases): `getBasis`/`setBasis` translate to and from CLP's
 * (0 free, 1 basic, 2 upper, 3 lower, 4 superbasic, 5 fixed).
 *
 * A work budget's iteration limit (`simplexIterationLimit`) is CLP's `maximumIterations`. The time limit is CLP's
 * `maximumSeconds`, which counts the process's CPU time, not wall time as HiGHS's does
 * (measured: a 1 s limit stopped after 1.02 CPU s and 1.06-1.6 s wall at load 5; bench/RESULTS.md, issue 16 session 12).
 */
import type { LinearProgram } from '../linear-program.ts';
import type { LpBackend, LpBasis, LpCols, LpRows, LpSession, LpSolution, LpSolveOptions } from './lp-backend.ts';

/** An opaque `Clp_Simplex *`. */
export type ClpModelHandle = object;

/** The functions of libClp's C interface (Clp_C_Interface.h) this backend calls; arrays are copied in or out. */
export interface ClpLibrary {
  /** libClp's version, e.g. `1.17.6`. */
  readonly version: string;
  newModel(): ClpModelHandle;
  deleteModel(model: ClpModelHandle): void;
  /** Column-wise (CSC) load; replaces the model. */
  loadProblem(
    model: ClpModelHandle, numCols: number, numRows: number, colStarts: Int32Array, rowIndex: Int32Array, values: Float64Array,
    colLower: Float64Array, colUpper: Float64Array, cost: Float64Array, rowLower: Float64Array, rowUpper: Float64Array,
  ): void;
  addRows(model: ClpModelHandle, count: number, lower: Float64Array, upper: Float64Array, starts: Int32Array, cols: Int32Array, values: Float64Array): void;
  addColumns(model: ClpModelHandle, count: number, lower: Float64Array, upper: Float64Array, cost: Float64Array, starts: Int32Array, rows: Int32Array, values: Float64Array): void;
  /** Whole-array changes (one entry per column). */
  chgColumnLower(model: ClpModelHandle, lower: Float64Array): void;
  chgColumnUpper(model: ClpModelHandle, upper: Float64Array): void;
  chgObjCoefficients(model: ClpModelHandle, cost: Float64Array): void;
  setLogLevel(model: ClpModelHandle, level: number): void;
  setMaximumSeconds(model: ClpModelHandle, seconds: number): void;
  /** Most simplex iterations of the next solve (`Clp_setMaximumIterations`); a library without it ignores `simplexIterationLimit`. */
  setMaximumIterations?(model: ClpModelHandle, iterations: number): void;
  /** Presolve, then CLP's choice of simplex (a fresh model). Return codes are ignored: `status` tells. */
  initialSolve(model: ClpModelHandle): number;
  /** Presolve, then the dual / primal simplex, or the barrier with crossover. */
  initialDualSolve(model: ClpModelHandle): number;
  initialPrimalSolve(model: ClpModelHandle): number;
  initialBarrierSolve(model: ClpModelHandle): number;
  dual(model: ClpModelHandle, valuesPass: number): number;
  primal(model: ClpModelHandle, valuesPass: number): number;
  /** 0 optimal, 1 primal infeasible, 2 dual infeasible, 3 stopped on iterations or time, 4 errors, 5 event handler. */
  status(model: ClpModelHandle): number;
  secondaryStatus(model: ClpModelHandle): number;
  numberPrimalInfeasibilities(model: ClpModelHandle): number;
  iterationCount(model: ClpModelHandle): number;
  objectiveValue(model: ClpModelHandle): number;
  colSolution(model: ClpModelHandle, numCols: number): Float64Array;
  rowPrice(model: ClpModelHandle, numRows: number): Float64Array;
  /** numCols + numRows status bytes (columns first), or undefined when the model has none. */
  statusArray(model: ClpModelHandle, count: number): Uint8Array | undefined;
  copyinStatus(model: ClpModelHandle, status: Uint8Array): void;
  /**
   * Writes the primal values CLP starts its next solve from (column values, then row activities): CLP takes a
   * nonbasic variable's value from them, not from its status.
   */
  writePrimal(model: ClpModelHandle, colValues: Float64Array, rowValues: Float64Array): void;
  /** The reduced costs of the last solve (a copy). */
  reducedCost(model: ClpModelHandle, numCols: number): Float64Array;
  /** The row activities of the last solve (a copy). */
  rowActivity(model: ClpModelHandle, numRows: number): Float64Array;
}

/** CSR (rows) to CSC (columns) of the same matrix. */
export function csrToCsc(numRows: number, numCols: number, rowStarts: Int32Array, colIndex: Int32Array, values: Float64Array): { starts: Int32Array; rows: Int32Array; values: Float64Array } {
  const nnz = rowStarts[numRows]!;
  const starts = new Int32Array(numCols + 1);
  for (let k = 0; k < nnz; k++) starts[colIndex[k]! + 1]!++;
  for (let j = 0; j < numCols; j++) starts[j + 1]! += starts[j]!;
  const next = starts.slice(0, numCols);
  const rows = new Int32Array(nnz);
  const out = new Float64Array(nnz);
  for (let i = 0; i < numRows; i++) {
    for (let k = rowStarts[i]!; k < rowStarts[i + 1]!; k++) {
      const at = next[colIndex[k]!]!++;
      rows[at] = i;
      out[at] = values[k]!;
    }
  }
  return { starts, rows, values: out };
}

// CLP status (low 3 bits of a status byte) <-> HiGHS basis status.
const clpFree = 0, clpBasic = 1, clpUpper = 2, clpLower = 3, clpSuperBasic = 4, clpFixed = 5;
const highsLower = 0, highsBasic = 1, highsUpper = 2, highsZero = 3;

/** A CLP status byte in HiGHS's code (a superbasic column, which HiGHS has no code for, is `zero`). */
export function highsStatusOfClp(byte: number): number {
  switch (byte & 7) {
    case clpBasic: return highsBasic;
    case clpUpper: return highsUpper;
    case clpLower: case clpFixed: return highsLower;
    case clpFree: case clpSuperBasic: return highsZero;
    default: return highsLower;
  }
}

/** A HiGHS basis status in CLP's code (HiGHS's `nonbasic` (4) is at its lower bound). */
export function clpStatusOfHighs(code: number): number {
  switch (code) {
    case highsBasic: return clpBasic;
    case highsUpper: return clpUpper;
    case highsZero: return clpFree;
    default: return clpLower;
  }
}

/** CLP's default maximum iterations (COIN_INT_MAX: no limit). */
const clpNoIterationLimit = 2_147_483_647;

/** How a model's first solve (no basis yet) runs: `initial` is CLP's `initialSolve` (presolve, its choice of simplex). */
export type ClpFirstSolve = 'initial' | 'dual' | 'primal' | 'barrier' | 'plain-dual';

/** Options of the CLP backend. */
export interface ClpBackendOptions {
  /** The first solve of a model without a basis (default `initial`). */
  readonly firstSolve?: ClpFirstSolve;
  /** Where models with integer columns go (HiGHS); without it they are refused (`V2G_ERR_CLP_MILP`). */
  readonly milp?: LpBackend;
}

/**
 * The nonbasic statuses of `bytes` (columns then rows) made consistent with the bounds: CLP's dual simplex trusts
 * them, and after a bound change (or a solve that stopped unbounded, which leaves columns "free" at 0) a status
 * can name a bound that is not there, or none where one is (measured: an "optimal" answer 3 above the optimum).
 * Basic statuses are kept. Returns whether anything changed.
 */
export function consistentStatuses(bytes: Uint8Array, lower: ArrayLike<number>, upper: ArrayLike<number>, offset: number): boolean {
  let changed = false;
  for (let i = 0; i < lower.length; i++) {
    const k = offset + i;
    const status = bytes[k]! & 7;
    if (status === clpBasic) continue;
    const lo = lower[i]!;
    const up = upper[i]!;
    let want = status;
    if (lo === up) want = status === clpUpper || status === clpLower || status === clpFixed ? status : clpLower;
    else if (status === clpLower && lo === -Infinity) want = up === Infinity ? clpFree : clpUpper;
    else if (status === clpUpper && up === Infinity) want = lo === -Infinity ? clpFree : clpLower;
    else if (status === clpFixed) want = lo > -Infinity ? clpLower : up < Infinity ? clpUpper : clpFree;
    else if (status === clpFree || status === clpSuperBasic) want = lo > -Infinity ? clpLower : up < Infinity ? clpUpper : clpFree;
    if (want !== status) {
      bytes[k] = (bytes[k]! & ~7) | want;
      changed = true;
    }
  }
  return changed;
}

/** Each nonbasic entry of `values` (statuses at `bytes[offset + i]`) moved to the bound its status names; basic and free ones kept. */
export function valuesAtBounds(bytes: Uint8Array, lower: ArrayLike<number>, upper: ArrayLike<number>, offset: number, values: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    const status = bytes[offset + i]! & 7;
    if (status === clpLower || status === clpFixed) values[i] = lower[i]!;
    else if (status === clpUpper) values[i] = upper[i]!;
  }
}

function firstSolve(lib: ClpLibrary, model: ClpModelHandle, how: ClpFirstSolve): void {
  if (how === 'initial') lib.initialSolve(model);
  else if (how === 'dual') lib.initialDualSolve(model);
  else if (how === 'primal') lib.initialPrimalSolve(model);
  else if (how === 'barrier') lib.initialBarrierSolve(model);
  else lib.dual(model, 0);
}

function run(lib: ClpLibrary, model: ClpModelHandle, numCols: number, numRows: number, fresh: boolean, offset: number, options: LpSolveOptions, backendOptions: ClpBackendOptions): LpSolution {
  lib.setMaximumSeconds(model, Math.max(0.001, options.timeLimitMs / 1000));
  // Set on every run (it stays on the model): the limit given, else CLP's default (none).
  lib.setMaximumIterations?.(model, options.simplexIterationLimit !== undefined ? Math.max(0, Math.floor(options.simplexIterationLimit)) : clpNoIterationLimit);
  if (fresh && options.presolve !== false && options.simplex === undefined) firstSolve(lib, model, backendOptions.firstSolve ?? 'initial');
  else if (options.simplex === 'primal') lib.primal(model, 0);
  else lib.dual(model, 0);
  const status = lib.status(model);
  const iterations = lib.iterationCount(model);
  if (status === 0) {
    return { status: 'optimal', x: lib.colSolution(model, numCols), objective: lib.objectiveValue(model) + offset, rowDual: lib.rowPrice(model, numRows), iterations };
  }
  if (status === 3 && options.simplexIterationLimit !== undefined && lib.setMaximumIterations !== undefined && iterations >= options.simplexIterationLimit) {
    // Stopped on its iteration limit (status 3 is "iterations or time"): the work budget's stop, as HiGHS's.
    const hasPrimal = lib.numberPrimalInfeasibilities(model) === 0;
    return hasPrimal
      ? { status: 'feasible', x: lib.colSolution(model, numCols), objective: lib.objectiveValue(model) + offset, iterations, stoppedBy: 'iterations', message: 'CLP stopped at its iteration limit with a primal feasible point' }
      : { status: 'timed_out', iterations, stoppedBy: 'iterations', message: 'CLP reached its iteration limit without a feasible point' };
  }
  if (status === 3) {
    const hasPrimal = lib.numberPrimalInfeasibilities(model) === 0;
    return hasPrimal
      ? { status: 'feasible', x: lib.colSolution(model, numCols), objective: lib.objectiveValue(model) + offset, iterations, stoppedBy: 'time', message: 'CLP stopped at its time limit with a primal feasible point' }
      : { status: 'timed_out', iterations, stoppedBy: 'time', message: 'CLP reached its time limit without a feasible point' };
  }
  if (status === 1 || status === 2) return { status: 'infeasible', iterations, message: `CLP status ${status} (${status === 1 ? 'primal infeasible' : 'dual infeasible: unbounded or infeasible'})` };
  return { status: 'error', iterations, message: `CLP status ${status} (secondary ${lib.secondaryStatus(model)})` };
}

/**
 * Why `answer` (optimal by CLP's word) is not optimal for the model, checked in the model's own units: a value
 * outside its bounds, a row outside its bounds, or a reduced cost or row dual whose sign the value's bound does
 * not allow. Undefined when it is. Tolerance: 1e-6 relative to the magnitude involved (at least 1e-6).
 */
export function optimalityIssue(
  x: Float64Array, reducedCost: Float64Array, colLower: Float64Array, colUpper: Float64Array,
  activity: Float64Array, rowDual: Float64Array, rowLower: Float64Array, rowUpper: Float64Array,
): string | undefined {
  const tol = (v: number) => 1e-6 * Math.max(1, Math.abs(v));
  const check = (what: string, value: ArrayLike<number>, dual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): string | undefined => {
    for (let i = 0; i < value.length; i++) {
      const v = value[i]!, lo = lower[i]!, up = upper[i]!, d = dual[i]!;
      if (v < lo - tol(lo) || v > up + tol(up)) return `${what} ${i} at ${v} outside [${lo}, ${up}]`;
      if (d > tol(d) * 10 && v > lo + tol(lo)) return `${what} ${i}: dual ${d} > 0 but ${v} is above its lower bound ${lo}`;
      if (d < -tol(d) * 10 && v < up - tol(up)) return `${what} ${i}: dual ${d} < 0 but ${v} is below its upper bound ${up}`;
    }
    return undefined;
  };
  return check('column', x, reducedCost, colLower, colUpper) ?? check('row', activity, rowDual, rowLower, rowUpper);
}

/** One CLP model, kept open across solves. */
class ClpSession implements LpSession {
  private model: ClpModelHandle;
  private numCols: number;
  private numRows: number;
  // Mirrors of the bounds and costs: CLP's C interface changes them one whole array at a time, and a reload needs them.
  private colLower: Float64Array;
  private colUpper: Float64Array;
  private colCost: Float64Array;
  private rowLower: Float64Array;
  private rowUpper: Float64Array;
  /** The rows and columns added since `open`, in order (a reload adds them again). */
  private readonly added: ({ rows: LpRows } | { cols: LpCols })[] = [];
  /** No solve since the model was (re)loaded, and no basis given: the next solve is a first solve. */
  private fresh = true;
  private lowerDirty = false;
  private upperDirty = false;
  /** Bounds changed (or the last solve stopped at a limit): statuses are checked against bounds before a warm solve. */
  private checkStatuses = false;
  /** The last solve ended infeasible, unbounded or in an error: CLP's state after it is not trusted, the next solve reloads. */
  private reloadFirst = false;
  private disposed = false;
  private readonly original: { starts: Int32Array; rows: Int32Array; values: Float64Array };

  constructor(private readonly lib: ClpLibrary, private readonly lp: LinearProgram, private readonly options: ClpBackendOptions) {
    this.numCols = lp.numCols;
    this.numRows = lp.numRows;
    this.colLower = Float64Array.from(lp.colLower);
    this.colUpper = Float64Array.from(lp.colUpper);
    this.colCost = Float64Array.from(lp.colCost);
    this.rowLower = Float64Array.from(lp.rowLower);
    this.rowUpper = Float64Array.from(lp.rowUpper);
    this.original = csrToCsc(lp.numRows, lp.numCols, lp.rowStarts, lp.colIndex, lp.values);
    this.model = this.load();
  }

  /** A new CLP model holding this session's model now: the original, every row and column added, today's bounds and costs. */
  private load(): ClpModelHandle {
    const { lib, lp } = this;
    const model = lib.newModel();
    lib.setLogLevel(model, 0);
    lib.loadProblem(model, lp.numCols, lp.numRows, this.original.starts, this.original.rows, this.original.values, lp.colLower, lp.colUpper, lp.colCost, lp.rowLower, lp.rowUpper);
    for (const a of this.added) {
      if ('rows' in a) lib.addRows(model, a.rows.lower.length, a.rows.lower, a.rows.upper, a.rows.starts, a.rows.cols, a.rows.values);
      else lib.addColumns(model, a.cols.cost.length, a.cols.lower, a.cols.upper, a.cols.cost, a.cols.starts, a.cols.rows, a.cols.values);
    }
    lib.chgColumnLower(model, this.colLower);
    lib.chgColumnUpper(model, this.colUpper);
    lib.chgObjCoefficients(model, this.colCost);
    this.fresh = true;
    this.lowerDirty = this.upperDirty = this.checkStatuses = this.reloadFirst = false;
    return model;
  }

  private reload(): void {
    this.lib.deleteModel(this.model);
    this.model = this.load();
  }

  private flushBounds(): void {
    if (this.lowerDirty) this.lib.chgColumnLower(this.model, this.colLower);
    if (this.upperDirty) this.lib.chgColumnUpper(this.model, this.colUpper);
    if (this.lowerDirty || this.upperDirty) this.checkStatuses = true;
    this.lowerDirty = this.upperDirty = false;
  }

  /** Gives CLP `bytes` as its basis, with every nonbasic value at the bound its status names. */
  private startFrom(bytes: Uint8Array, x: Float64Array, activity: Float64Array): void {
    consistentStatuses(bytes, this.colLower, this.colUpper, 0);
    consistentStatuses(bytes, this.rowLower, this.rowUpper, this.numCols);
    this.lib.copyinStatus(this.model, bytes);
    valuesAtBounds(bytes, this.colLower, this.colUpper, 0, x);
    valuesAtBounds(bytes, this.rowLower, this.rowUpper, this.numCols, activity);
    this.lib.writePrimal(this.model, x, activity);
  }

  solve(options: LpSolveOptions): LpSolution {
    const { lib } = this;
    this.flushBounds();
    if (this.reloadFirst) this.reload();
    const warm = !this.fresh;
    if (warm && this.checkStatuses) {
      const bytes = lib.statusArray(this.model, this.numCols + this.numRows);
      if (bytes !== undefined) this.startFrom(bytes, lib.colSolution(this.model, this.numCols), lib.rowActivity(this.model, this.numRows));
    }
    const started = performance.now();
    let answer = run(lib, this.model, this.numCols, this.numRows, this.fresh, this.lp.offset, options, this.options);
    this.fresh = false;
    this.checkStatuses = false;
    if (warm && answer.status === 'optimal') {
      const issue = optimalityIssue(
        answer.x!, lib.reducedCost(this.model, this.numCols), this.colLower, this.colUpper,
        lib.rowActivity(this.model, this.numRows), answer.rowDual!, this.rowLower, this.rowUpper,
      );
      if (issue !== undefined) {
        // Seen after a solve that stopped unbounded: CLP's warm start kept a stale state. The model again from scratch.
        this.reload();
        const left = options.timeLimitMs - (performance.now() - started);
        const iterationsLeft = options.simplexIterationLimit !== undefined ? { simplexIterationLimit: Math.max(0, options.simplexIterationLimit - answer.iterations) } : {};
        const again = run(lib, this.model, this.numCols, this.numRows, true, this.lp.offset, { ...options, timeLimitMs: Math.max(1, left), ...iterationsLeft }, this.options);
        this.fresh = false;
        answer = { ...again, iterations: again.iterations + answer.iterations, message: `CLP's warm answer was not optimal (${issue}): solved again from scratch${again.message !== undefined ? `; ${again.message}` : ''}` };
      }
    }
    // Infeasible, unbounded or an error: CLP's state after it is not trusted (see optimalityIssue's regression). A
    // limit stop keeps its basis, so the next solve continues from it (its answer is checked like any warm answer).
    if (answer.status === 'infeasible' || answer.status === 'error') this.reloadFirst = true;
    else if (answer.status !== 'optimal') this.checkStatuses = true;
    return answer;
  }

  setColBounds(col: number, lower: number, upper: number): void {
    if (this.colLower[col] !== lower) {
      this.colLower[col] = lower;
      this.lowerDirty = true;
    }
    if (this.colUpper[col] !== upper) {
      this.colUpper[col] = upper;
      this.upperDirty = true;
    }
  }

  setColsBounds(cols: Int32Array, lower: Float64Array, upper: Float64Array): void {
    for (let i = 0; i < cols.length; i++) this.setColBounds(cols[i]!, lower[i]!, upper[i]!);
  }

  setColsCost(cols: Int32Array, cost: Float64Array): void {
    if (cols.length === 0) return;
    for (let i = 0; i < cols.length; i++) this.colCost[cols[i]!] = cost[i]!;
    this.lib.chgObjCoefficients(this.model, this.colCost);
  }

  addRows(rows: LpRows): void {
    const count = rows.lower.length;
    if (count === 0) return;
    this.flushBounds();
    const copy: LpRows = { lower: rows.lower.slice(), upper: rows.upper.slice(), starts: rows.starts.slice(), cols: rows.cols.slice(), values: rows.values.slice() };
    this.added.push({ rows: copy });
    this.lib.addRows(this.model, count, copy.lower, copy.upper, copy.starts, copy.cols, copy.values);
    this.rowLower = grow(this.rowLower, copy.lower);
    this.rowUpper = grow(this.rowUpper, copy.upper);
    this.numRows += count;
  }

  addCols(cols: LpCols): void {
    const count = cols.cost.length;
    if (count === 0) return;
    this.flushBounds();
    const copy: LpCols = { cost: cols.cost.slice(), lower: cols.lower.slice(), upper: cols.upper.slice(), starts: cols.starts.slice(), rows: cols.rows.slice(), values: cols.values.slice() };
    this.added.push({ cols: copy });
    this.lib.addColumns(this.model, count, copy.lower, copy.upper, copy.cost, copy.starts, copy.rows, copy.values);
    this.colLower = grow(this.colLower, copy.lower);
    this.colUpper = grow(this.colUpper, copy.upper);
    this.colCost = grow(this.colCost, copy.cost);
    this.numCols += count;
  }

  getBasis(): LpBasis | undefined {
    if (this.fresh || this.reloadFirst) return undefined;
    const bytes = this.lib.statusArray(this.model, this.numCols + this.numRows);
    if (bytes === undefined) return undefined;
    const colStatus = new Int32Array(this.numCols);
    const rowStatus = new Int32Array(this.numRows);
    for (let j = 0; j < this.numCols; j++) colStatus[j] = highsStatusOfClp(bytes[j]!);
    for (let i = 0; i < this.numRows; i++) rowStatus[i] = highsStatusOfClp(bytes[this.numCols + i]!);
    return { colStatus, rowStatus };
  }

  setBasis(basis: LpBasis): boolean {
    const { numCols, numRows } = this;
    if (basis.colStatus.length !== numCols || basis.rowStatus.length !== numRows) return false;
    const bytes = new Uint8Array(numCols + numRows);
    let basic = 0;
    for (let j = 0; j < numCols; j++) {
      bytes[j] = clpStatusOfHighs(basis.colStatus[j]!);
      if (bytes[j] === clpBasic) basic++;
    }
    for (let i = 0; i < numRows; i++) {
      bytes[numCols + i] = clpStatusOfHighs(basis.rowStatus[i]!);
      if (bytes[numCols + i] === clpBasic) basic++;
    }
    // A basis has one basic variable per row (HiGHS refuses any other count; so does this backend).
    if (basic !== numRows) return false;
    this.flushBounds();
    if (this.reloadFirst) this.reload();
    this.startFrom(bytes, this.fresh ? new Float64Array(numCols) : this.lib.colSolution(this.model, numCols), this.fresh ? new Float64Array(numRows) : this.lib.rowActivity(this.model, numRows));
    this.fresh = false;
    this.checkStatuses = false;
    return true;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.lib.deleteModel(this.model);
  }
}

function grow(a: Float64Array, extra: Float64Array): Float64Array {
  const out = new Float64Array(a.length + extra.length);
  out.set(a);
  out.set(extra, a.length);
  return out;
}

/** The CLP `LpBackend` on a loaded library; each `open` creates one CLP model, freed by `dispose`. */
export function createClpBackend(lib: ClpLibrary, backendOptions: ClpBackendOptions = {}): LpBackend {
  return {
    name: 'clp',
    ...(backendOptions.milp !== undefined ? { milp: backendOptions.milp.name } : {}),
    open(lp: LinearProgram): LpSession {
      if (lp.integerCount > 0) {
        if (backendOptions.milp !== undefined) return backendOptions.milp.open(lp);
        throw new Error(`V2G_ERR_CLP_MILP: the CLP backend solves LPs only; this model has ${lp.integerCount} integer columns (MILPs are solved by HiGHS)`);
      }
      return new ClpSession(lib, lp, backendOptions);
    },
  };
}
