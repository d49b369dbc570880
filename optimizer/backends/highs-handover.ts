/**
 * Handing a model to HiGHS without the `highs` package's per-element checks. The package's
 * `createModel(model)` checks every entry of every array in JavaScript (a label string built per entry) and
 * copies the row starts through a plain array before `Highs_passModel`: on the Caltech network month that
 * was as much CPU as the simplex at 70 kVA (bench/RESULTS.md, issue 16 session 10). Here the package creates
 * an empty model (the same `Highs_create` and single-thread options as always), the arrays are checked once by
 * `linearProgramIssue` (the package's checks: lengths, CSR starts, indices in range, no NaN), copied into the
 * runtime's memory as they are and passed with the same `Highs_passModel` call the package makes: HiGHS gets
 * the same model, bit for bit. Needs a runtime from `loadHighs` (its memory) and the C API exports of
 * `highs` 1.15 (`_malloc`, `_Highs_passModel`); without them the package's own hand-over is used.
 */
import type { Highs } from 'highs';
import type { LinearProgram } from '../linear-program.ts';
import { highsMemory } from './highs-loader.ts';

export type HighsModel = ReturnType<Highs['createModel']>;

/** The C API functions of the runtime used here (exported by the package's Emscripten build). */
interface HighsExports {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _Highs_passModel(...args: number[]): number;
  _Highs_setIntOptionValue(highs: number, name: number, value: number): number;
  _Highs_getNumCol(highs: number): number;
  _Highs_changeColsBoundsBySet(highs: number, count: number, set: number, lower: number, upper: number): number;
}

/** The HiGHS instance behind each model made by the direct hand-over (what the direct bound changes call). */
const pointers = new WeakMap<HighsModel, number>();

/** HiGHS's status -1 (error). */
const statusError = -1;
/** `Highs_passModel`'s matrix format code for row-wise (CSR) storage. */
const rowWise = 2;

/** Whether `xs` holds a NaN (the package refuses NaN; infinities are bounds). */
function hasNaN(xs: Float64Array): boolean {
  for (let i = 0; i < xs.length; i++) if (Number.isNaN(xs[i])) return true;
  return false;
}

/**
 * Why HiGHS's package would refuse `lp` (its `validateModel` checks, made once, without allocation), or
 * undefined when it takes it: array lengths, CSR starts from 0 and never decreasing, column indices inside the
 * model, no NaN in costs, bounds, coefficients or the offset, integrality 0-4.
 */
export function linearProgramIssue(lp: LinearProgram): string | undefined {
  const { numCols, numRows } = lp;
  if (!Number.isSafeInteger(numCols) || numCols < 0 || !Number.isSafeInteger(numRows) || numRows < 0) return 'numCols and numRows must be non-negative integers';
  if (lp.colCost.length !== numCols || lp.colLower.length !== numCols || lp.colUpper.length !== numCols) return `column arrays must hold numCols (${numCols}) values`;
  if (lp.rowLower.length !== numRows || lp.rowUpper.length !== numRows) return `row bounds must hold numRows (${numRows}) values`;
  const starts = lp.rowStarts;
  if (starts.length !== numRows + 1 || starts[0] !== 0) return `rowStarts must hold numRows + 1 (${numRows + 1}) values from 0`;
  for (let i = 1; i <= numRows; i++) if (starts[i]! < starts[i - 1]!) return `rowStarts must not decrease (row ${i - 1})`;
  const nonzeros = starts[numRows]!;
  if (lp.colIndex.length !== nonzeros || lp.values.length !== nonzeros) return `colIndex and values must hold the ${nonzeros} nonzeros rowStarts gives`;
  for (let k = 0; k < nonzeros; k++) {
    const col = lp.colIndex[k]!;
    if (col < 0 || col >= numCols) return `colIndex[${k}] (${col}) is outside the model's ${numCols} columns`;
  }
  if (hasNaN(lp.colCost) || hasNaN(lp.colLower) || hasNaN(lp.colUpper) || hasNaN(lp.rowLower) || hasNaN(lp.rowUpper) || hasNaN(lp.values) || Number.isNaN(lp.offset)) {
    return 'costs, bounds, coefficients and the offset must be numbers (NaN found)';
  }
  if (lp.integerCount > 0) {
    if (lp.integrality.length !== numCols) return `integrality must hold numCols (${numCols}) values`;
    for (let j = 0; j < numCols; j++) if (lp.integrality[j]! < 0 || lp.integrality[j]! > 4) return `integrality[${j}] must be 0-4`;
  }
  return undefined;
}

/**
 * An `open` that builds a HiGHS model from `lp` by the direct hand-over, or undefined when this runtime does not
 * allow it (not loaded by `loadHighs`, or a `highs` build without the C API exports used). The model is the
 * package's own (every other call goes through it) and is freed by its `dispose`. Throws, like the package,
 * when the model is refused (`linearProgramIssue`, or HiGHS's status -1).
 */
export function directHandOver(highs: Highs): ((lp: LinearProgram) => HighsModel) | undefined {
  const memory = highsMemory(highs);
  const api = highs as unknown as Partial<HighsExports>;
  if (memory === undefined || typeof api._malloc !== 'function' || typeof api._free !== 'function' || typeof api._Highs_passModel !== 'function') return undefined;
  if (typeof api._Highs_setIntOptionValue !== 'function' || typeof api._Highs_getNumCol !== 'function') return undefined;
  const c = api as HighsExports;
  /**
   * The HiGHS instance behind a new empty package model: the package sets its `threads` option right after
   * `Highs_create`, and looks the C function up on the module at each call, so a wrapper sees the pointer.
   */
  const emptyModel = (): { model: HighsModel; pointer: number } => {
    const setInt = c._Highs_setIntOptionValue;
    let pointer = 0;
    c._Highs_setIntOptionValue = (p, name, value) => {
      if (pointer === 0) pointer = p;
      return setInt(p, name, value);
    };
    let model: HighsModel;
    try {
      model = highs.createModel();
    } finally {
      c._Highs_setIntOptionValue = setInt;
    }
    return { model, pointer };
  };
  // Checked once: the wrapper must see the new model's pointer (an empty model: 0 columns; one column after a pass).
  const probe = emptyModel();
  const works = probe.pointer !== 0 && c._Highs_getNumCol(probe.pointer) === 0;
  probe.model.dispose();
  if (!works) return undefined;

  return (lp) => {
    const issue = linearProgramIssue(lp);
    if (issue !== undefined) throw new Error(`HiGHS model refused: ${issue}`);
    const { numCols, numRows } = lp;
    const nonzeros = lp.rowStarts[numRows]!;
    const integers = lp.integerCount > 0;
    // One block: 5 double arrays of columns and rows, the coefficients, then the int arrays (4-byte aligned after doubles).
    const doubles = 3 * numCols + 2 * numRows + nonzeros;
    const ints = numRows + nonzeros + (integers ? numCols : 0);
    const base = c._malloc(Math.max(8, 8 * doubles + 4 * ints));
    if (base === 0) throw new RangeError('HiGHS model refused: unable to allocate WebAssembly memory');
    const { model, pointer } = emptyModel();
    try {
      // Views made after the allocation: a grown memory has a new buffer.
      const f64 = new Float64Array(memory.buffer, base, doubles);
      const i32 = new Int32Array(memory.buffer, base + 8 * doubles, ints);
      const colCost = base;
      const colLower = colCost + 8 * numCols;
      const colUpper = colLower + 8 * numCols;
      const rowLower = colUpper + 8 * numCols;
      const rowUpper = rowLower + 8 * numRows;
      const values = rowUpper + 8 * numRows;
      f64.set(lp.colCost, 0);
      f64.set(lp.colLower, numCols);
      f64.set(lp.colUpper, 2 * numCols);
      f64.set(lp.rowLower, 3 * numCols);
      f64.set(lp.rowUpper, 3 * numCols + numRows);
      f64.set(lp.values, 3 * numCols + 2 * numRows);
      const starts = base + 8 * doubles;
      const colIndex = starts + 4 * numRows;
      const integrality = integers ? colIndex + 4 * nonzeros : 0;
      i32.set(lp.rowStarts.subarray(0, numRows), 0);
      i32.set(lp.colIndex, numRows);
      if (integers) i32.set(lp.integrality, numRows + nonzeros);
      // The package's call: (highs, numCol, numRow, numNz, hessianNz, aFormat, qFormat, sense, offset, colCost,
      // colLower, colUpper, rowLower, rowUpper, aStart, aIndex, aValue, qStart, qIndex, qValue, integrality).
      const status = c._Highs_passModel(pointer, numCols, numRows, nonzeros, 0, rowWise, 1, 1, lp.offset, colCost, colLower, colUpper, rowLower, rowUpper, starts, colIndex, values, 0, 0, 0, integrality);
      if (status === statusError) throw new Error('HiGHS model refused: Highs_passModel failed with HiGHS status -1');
      pointers.set(model, pointer);
      return model;
    } catch (error) {
      model.dispose();
      throw error;
    } finally {
      c._free(base);
    }
  };
}

/**
 * Why the package would refuse new bounds for the columns `cols` of a model with `numCols` columns (its
 * `changeColsBounds` checks: indices inside the model and strictly increasing, one lower and one upper bound each,
 * no NaN), or undefined when it takes them.
 */
export function colsBoundsIssue(numCols: number, cols: Int32Array, lower: Float64Array, upper: Float64Array): string | undefined {
  if (lower.length !== cols.length || upper.length !== cols.length) return `lower and upper must hold one bound per column (${cols.length})`;
  for (let i = 0; i < cols.length; i++) {
    const col = cols[i]!;
    if (col < 0 || col >= numCols) return `column ${col} is outside the model's ${numCols} columns`;
    if (i > 0 && col <= cols[i - 1]!) return 'column indices must increase strictly';
    if (Number.isNaN(lower[i]) || Number.isNaN(upper[i])) return `the bounds of column ${col} must be numbers (NaN found)`;
  }
  return undefined;
}

/**
 * A `changeColsBounds` for models made by the direct hand-over, or undefined when this runtime does not allow it.
 * The package's own call checks each value with a label string built per element and copies the arrays through
 * its arena (about as much CPU as the call itself when the LP repair fixes tens of thousands of bounds); here they
 * are checked once (`colsBoundsIssue`), copied into the runtime's memory as they are and passed to the same
 * `Highs_changeColsBoundsBySet` the package calls: HiGHS sees the same change. The returned function answers false
 * for a model not made by the direct hand-over (the caller then uses the package's call); it throws, like the
 * package, when the change is refused.
 */
export function directColsBounds(highs: Highs): ((model: HighsModel, numCols: number, cols: Int32Array, lower: Float64Array, upper: Float64Array) => boolean) | undefined {
  const memory = highsMemory(highs);
  const api = highs as unknown as Partial<HighsExports>;
  if (memory === undefined || typeof api._malloc !== 'function' || typeof api._free !== 'function' || typeof api._Highs_changeColsBoundsBySet !== 'function') return undefined;
  const c = api as HighsExports;
  return (model, numCols, cols, lower, upper) => {
    const pointer = pointers.get(model);
    if (pointer === undefined) return false;
    const issue = colsBoundsIssue(numCols, cols, lower, upper);
    if (issue !== undefined) throw new Error(`HiGHS refused the column bounds: ${issue}`);
    const n = cols.length;
    if (n === 0) return true;
    // Two double arrays, then the int array (4-byte aligned after doubles).
    const base = c._malloc(16 * n + 4 * n);
    if (base === 0) throw new RangeError('HiGHS refused the column bounds: unable to allocate WebAssembly memory');
    try {
      new Float64Array(memory.buffer, base, 2 * n).set(lower, 0);
      new Float64Array(memory.buffer, base, 2 * n).set(upper, n);
      new Int32Array(memory.buffer, base + 16 * n, n).set(cols);
      const status = c._Highs_changeColsBoundsBySet(pointer, n, base + 16 * n, base, base + 8 * n);
      if (status === statusError) throw new Error('HiGHS refused the column bounds: Highs_changeColsBoundsBySet failed with HiGHS status -1');
      return true;
    } finally {
      c._free(base);
    }
  };
}
