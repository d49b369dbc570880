/**
 * A solver-neutral sparse linear program (minimise c'x + offset; rowLower <= Ax <= rowUpper;
 * colLower <= x <= colUpper; some columns integer), built row by row in CSR form. Backends translate it to
 * their own input (HiGHS takes the CSR arrays as they are).
 */

export interface LinearProgram {
  readonly numCols: number;
  readonly numRows: number;
  readonly offset: number;
  readonly colCost: Float64Array;
  readonly colLower: Float64Array;
  readonly colUpper: Float64Array;
  /** 1 where the column is integer. */
  readonly integrality: Int32Array;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  /** CSR: row i's entries are at [rowStarts[i], rowStarts[i + 1]). */
  readonly rowStarts: Int32Array;
  readonly colIndex: Int32Array;
  readonly values: Float64Array;
  readonly integerCount: number;
}

/** Grows typed arrays geometrically; avoids per-entry allocation on models with a million nonzeros. */
class GrowableF64 {
  data: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(16, capacity));
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = v;
    return this.length++;
  }
  /** Appends `values[0..count)`. */
  pushMany(values: Float64Array, count: number): void {
    this.reserve(count);
    this.data.set(values.subarray(0, count), this.length);
    this.length += count;
  }
  private reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const next = new Float64Array(Math.max(this.data.length * 2, this.length + extra));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

class GrowableI32 {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = v;
    return this.length++;
  }
  /** Appends `values[0..count)`. */
  pushMany(values: Int32Array, count: number): void {
    this.reserve(count);
    this.data.set(values.subarray(0, count), this.length);
    this.length += count;
  }
  private reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const next = new Int32Array(Math.max(this.data.length * 2, this.length + extra));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export class LinearProgramBuilder {
  private readonly cost: GrowableF64;
  private readonly lower: GrowableF64;
  private readonly upper: GrowableF64;
  private readonly integer: GrowableI32;
  private readonly rowLo: GrowableF64;
  private readonly rowHi: GrowableF64;
  private readonly starts: GrowableI32;
  private readonly index: GrowableI32;
  private readonly coef: GrowableF64;
  private integerCount = 0;
  offset = 0;

  constructor(expectedCols = 1024, expectedRows = 1024, expectedNonzeros = 4096) {
    this.cost = new GrowableF64(expectedCols);
    this.lower = new GrowableF64(expectedCols);
    this.upper = new GrowableF64(expectedCols);
    this.integer = new GrowableI32(expectedCols);
    this.rowLo = new GrowableF64(expectedRows);
    this.rowHi = new GrowableF64(expectedRows);
    this.starts = new GrowableI32(expectedRows + 1);
    this.starts.push(0);
    this.index = new GrowableI32(expectedNonzeros);
    this.coef = new GrowableF64(expectedNonzeros);
  }

  get numCols(): number {
    return this.cost.length;
  }

  get numRows(): number {
    return this.rowLo.length;
  }

  /** Adds a column and returns its index. */
  addCol(cost: number, lower: number, upper: number, integer = false): number {
    this.lower.push(lower);
    this.upper.push(upper);
    this.integer.push(integer ? 1 : 0);
    if (integer) this.integerCount++;
    return this.cost.push(cost);
  }

  addCost(col: number, cost: number): void {
    this.cost.data[col]! += cost;
  }

  /** Appends one coefficient to the row being built; call `endRow` to close it. Columns must not repeat within a row. */
  entry(col: number, value: number): void {
    if (value === 0) return;
    this.index.push(col);
    this.coef.push(value);
  }

  /** Appends the first `count` (column, coefficient) pairs to the row being built (no zero values, no repeats). */
  entries(cols: Int32Array, values: Float64Array, count: number): void {
    this.index.pushMany(cols, count);
    this.coef.pushMany(values, count);
  }

  /** Closes the row whose entries were added since the last `endRow`, with bounds lower <= row <= upper. */
  endRow(lower: number, upper: number): number {
    this.rowLo.push(lower);
    this.rowHi.push(upper);
    this.starts.push(this.index.length);
    return this.rowLo.length - 1;
  }

  build(): LinearProgram {
    return {
      numCols: this.numCols,
      numRows: this.numRows,
      offset: this.offset,
      colCost: this.cost.view(),
      colLower: this.lower.view(),
      colUpper: this.upper.view(),
      integrality: this.integer.view(),
      rowLower: this.rowLo.view(),
      rowUpper: this.rowHi.view(),
      rowStarts: this.starts.view(),
      colIndex: this.index.view(),
      values: this.coef.view(),
      integerCount: this.integerCount,
    };
  }
}
