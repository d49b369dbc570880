/**
 * The restricted master of Dantzig-Wolfe over whole-site plans (site-columns.ts). A column is one plan of
 * one site (its own objective, its net import per slot, kW); the master picks convex weights per site:
 *   min  sum_sk cost_sk w_sk + excessCostKw * sum_t (importExcess_t + exportExcess_t)
 *   feeder_t:  -E_t <= sum_sk net_sk[t] w_sk - importExcess_t + exportExcess_t <= L_t   (slots with a finite limit)
 *   convex_s:  sum_k w_sk = 1
 * Its size is T feeder rows + S convexity rows: it does NOT carry any site's own rows (balance, peaks), which
 * each site keeps inside its own solve, so it grows by S columns per round and never by rows.
 * The feeder excess columns keep it feasible from the first round; their cost caps the feeder price.
 * priceKw[t] = -dual(feeder_t) is the price of one kW of net import in slot t (currency per kW and slot).
 *
 * Optional per-site references r_s (session 16): as sum_k w_sk = 1, sum_k net_sk[t] w_sk = r_s[t] + sum_k (net_sk[t] -
 * r_s[t]) w_sk, so the feeder rows can hold each column's difference from its site's reference and bounds shifted by
 * R_t = sum_s r_s[t]: the same LP (the same optimum, weights and duals, up to round-off), but a column's entry is 0
 * wherever it equals the reference (measured: about half the entries of the decomposed price step's columns against
 * their site's first), and the simplex's cost per iteration grows with the master's nonzeros.
 */
import type { LpBackend, LpSession } from '../backends/lp-backend.ts';
import { LinearProgramBuilder } from '../linear-program.ts';

/** One solve of the site-column master. */
export interface SiteMasterSolution {
  /** Optimal value (includes the feeder excess cost). */
  readonly objective: number;
  /** Feeder price per kW of net import and slot (0 where no limit). */
  readonly priceKw: Float64Array;
  /** Dual of each site's convexity row (for reduced costs: cost + price . net - convexDual). */
  readonly convexDual: Float64Array;
  /** Weight of every column added so far, in the order added. */
  readonly weights: Float64Array;
  /** Sum over slots of the feeder excess the master kept (kW). */
  readonly excessKw: number;
}

export class SiteColumnMaster {
  private readonly session: LpSession;
  private readonly feederRow: Int32Array;
  private readonly convexRow0: number;
  private readonly excessCols: number;
  /** Site of every column added, in order. */
  readonly columnSite: number[] = [];
  /** The model's column index of every site column, in order (-1: dropped, `dropColumns`). */
  private readonly columnIndex: number[] = [];
  /** Per site column, the master solves in a row that left it at weight 0 (reset when it carries weight). */
  private readonly idleSolves: number[] = [];
  /** Site columns out of the model now (dropped by `dropColumns`, not put back by `solve`). */
  dropped = 0;
  /** Site columns dropped by `dropColumns`, in all (a column dropped, put back and dropped again counts twice). */
  droppedInAll = 0;
  /** Site columns put back into the model by `solve` (their reduced cost turned negative), in all. */
  restored = 0;
  /** Every site column as the model holds it (cost, feeder and convexity entries), in order added: the pool `solve` prices. */
  private readonly stored: { readonly cost: number; readonly rows: Int32Array; readonly values: Float64Array }[] = [];
  private nextCol: number;
  /** The box's columns in force (their x counts as excess): excess above, deficit below, per feeder row. */
  private boxCols: number[] = [];
  /** The first (unboxed) import excess columns, fixed at 0 once a box is set. */
  private readonly importExcess: number[] = [];
  private readonly importLimited: Int8Array;

  /** Per site its reference net import per slot (kW; `referenceKw`), or undefined (zero). */
  private readonly reference: readonly (ArrayLike<number> | undefined)[];

  /**
   * `referenceKw` (optional, per site, kW per slot): the feeder rows hold each column's difference from its site's
   * reference (class comment); a site without one has reference 0.
   */
  constructor(
    backend: LpBackend,
    private readonly T: number,
    private readonly S: number,
    importLimitKw: readonly number[],
    exportLimitKw: readonly number[],
    excessCostKw: number,
    referenceKw: readonly (ArrayLike<number> | undefined)[] = [],
  ) {
    this.reference = referenceKw;
    const shiftKw = new Float64Array(T);
    for (const r of referenceKw) if (r) for (let t = 0; t < T; t++) shiftKw[t] = shiftKw[t]! + r[t]!;
    const b = new LinearProgramBuilder(2 * T, T + S, 2 * T);
    const excess = new Int32Array(2 * T).fill(-1);
    for (let t = 0; t < T; t++) {
      if (Number.isFinite(importLimitKw[t]!)) excess[2 * t] = b.addCol(excessCostKw, 0, Infinity);
      if (Number.isFinite(exportLimitKw[t]!)) excess[2 * t + 1] = b.addCol(excessCostKw, 0, Infinity);
    }
    this.excessCols = b.numCols;
    this.importLimited = Int8Array.from({ length: T }, (_, t) => (excess[2 * t]! >= 0 ? 1 : 0));
    for (let t = 0; t < T; t++) if (excess[2 * t]! >= 0) this.importExcess.push(excess[2 * t]!);
    this.feederRow = new Int32Array(T).fill(-1);
    for (let t = 0; t < T; t++) {
      if (excess[2 * t]! < 0 && excess[2 * t + 1]! < 0) continue;
      if (excess[2 * t]! >= 0) b.entry(excess[2 * t]!, -1);
      if (excess[2 * t + 1]! >= 0) b.entry(excess[2 * t + 1]!, 1);
      this.feederRow[t] = b.endRow(-exportLimitKw[t]! - shiftKw[t]!, importLimitKw[t]! - shiftKw[t]!);
    }
    this.convexRow0 = b.numRows;
    for (let s = 0; s < S; s++) b.endRow(1, 1);
    this.nextCol = b.numCols;
    this.session = backend.open(b.build());
    if (!this.session.addCols) {
      this.session.dispose();
      throw new Error(`V2G_ERR_DECOMPOSITION_MASTER: the ${backend.name} backend cannot add columns`);
    }
  }

  get rowCount(): number {
    return this.convexRow0 + this.S;
  }

  /** Adds one column per entry: site index, its own cost, its net import per slot (kW). */
  addColumns(columns: readonly { readonly site: number; readonly cost: number; readonly netKw: ArrayLike<number> }[]): void {
    if (columns.length === 0) return;
    const first = this.stored.length;
    for (const c of columns) {
      const reference = this.reference[c.site];
      const rows: number[] = [];
      const values: number[] = [];
      for (let t = 0; t < this.T; t++) {
        const r = this.feederRow[t]!;
        const y = reference ? c.netKw[t]! - reference[t]! : c.netKw[t]!;
        if (r < 0 || y === 0) continue;
        rows.push(r);
        values.push(y);
      }
      rows.push(this.convexRow0 + c.site);
      values.push(1);
      this.stored.push({ cost: c.cost, rows: Int32Array.from(rows), values: Float64Array.from(values) });
      this.columnSite.push(c.site);
      this.columnIndex.push(-1);
      this.idleSolves.push(0);
    }
    this.putInModel(Array.from({ length: columns.length }, (_, j) => first + j));
  }

  /** Appends the stored site columns `ks` (not in the model) to the model, after its last column. */
  private putInModel(ks: readonly number[]): void {
    const starts = new Int32Array(ks.length + 1);
    let nonzeros = 0;
    ks.forEach((k, j) => (starts[j + 1] = nonzeros += this.stored[k]!.rows.length));
    const rows = new Int32Array(nonzeros);
    const values = new Float64Array(nonzeros);
    ks.forEach((k, j) => {
      rows.set(this.stored[k]!.rows, starts[j]!);
      values.set(this.stored[k]!.values, starts[j]!);
      this.columnIndex[k] = this.nextCol++;
      this.idleSolves[k] = 0;
    });
    this.session.addCols!({
      cost: Float64Array.from(ks, (k) => this.stored[k]!.cost),
      lower: new Float64Array(ks.length),
      upper: new Float64Array(ks.length).fill(Infinity),
      starts,
      rows,
      values,
    });
  }

  /**
   * A box on the feeder prices (per kW and slot): from now on the master's price of row t lies in
   * [lowKw[t], highKw[t]] (a box-step stabilisation): an excess column at highKw (coefficient -1) and, where
   * lowKw > 0, a deficit column rewarded at lowKw (+1) on each import row; the previous box's columns are fixed
   * at 0. While the box's columns carry weight the master's value is not a plan's cost (`excessKw` says how much).
   */
  setBox(lowKw: ArrayLike<number>, highKw: ArrayLike<number>): void {
    for (const j of [...this.importExcess, ...this.boxCols]) this.session.setColBounds(j, 0, 0);
    const cost: number[] = [];
    const starts: number[] = [0];
    const rows: number[] = [];
    const values: number[] = [];
    const upper: number[] = [];
    const add = (row: number, coefficient: number, c: number) => {
      cost.push(c);
      rows.push(row);
      values.push(coefficient);
      starts.push(rows.length);
      upper.push(Infinity);
    };
    for (let t = 0; t < this.T; t++) {
      const r = this.feederRow[t]!;
      if (r < 0) continue;
      if (!this.importLimited[t]) continue;
      add(r, -1, highKw[t]!);
      if (lowKw[t]! > 0) add(r, 1, -lowKw[t]!);
    }
    this.boxCols = cost.map((_, i) => this.nextCol + i);
    this.nextCol += cost.length;
    this.session.addCols!({ cost: Float64Array.from(cost), lower: new Float64Array(cost.length), upper: Float64Array.from(upper), starts: Int32Array.from(starts), rows: Int32Array.from(rows), values: Float64Array.from(values) });
  }

  /** Site columns in the model now (added and not dropped). */
  get liveColumns(): number {
    return this.columnIndex.length - this.dropped;
  }

  /**
   * Deletes from the model the site columns that the last `afterSolves` (>= 1) solves in a row left at weight 0 and
   * that are nonbasic in the last basis (so the basis of the others stays valid and the next solve starts from it).
   * A dropped column keeps its place in `columnSite` and `weights` (weight 0 while out of the model) and stays in the
   * pool `solve` prices: it is put back when its reduced cost turns negative, so the master's optimum is unchanged.
   * Needs the backend's `deleteCols` and `getBasis`; without them nothing is dropped. Answers how many were dropped.
   */
  dropColumns(afterSolves: number): number {
    if (!this.session.deleteCols || !this.session.getBasis) return 0;
    const basis = this.session.getBasis();
    if (!basis) return 0;
    const gone: number[] = [];
    for (let k = 0; k < this.columnIndex.length; k++) {
      const j = this.columnIndex[k]!;
      // Basis status 1: basic (a degenerate basic column at 0 stays: deleting it would spoil the basis).
      if (j >= 0 && this.idleSolves[k]! >= afterSolves && basis.colStatus[j] !== 1) gone.push(j);
    }
    if (gone.length === 0) return 0;
    gone.sort((a, b) => a - b);
    this.session.deleteCols(Int32Array.from(gone));
    /** How many deleted columns lie below model index j. */
    const below = (j: number) => {
      let lo = 0;
      let hi = gone.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (gone[mid]! < j) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const deleted = new Set(gone);
    for (let k = 0; k < this.columnIndex.length; k++) {
      const j = this.columnIndex[k]!;
      if (j < 0) continue;
      this.columnIndex[k] = deleted.has(j) ? -1 : j - below(j);
    }
    this.boxCols = this.boxCols.map((j) => j - below(j));
    this.nextCol -= gone.length;
    this.dropped += gone.length;
    this.droppedInAll += gone.length;
    return gone.length;
  }

  /**
   * Solves from the last basis; undefined when HiGHS gives no optimum with duals. With columns dropped
   * (`dropColumns`), every dropped column is priced at the optimum's duals and those whose reduced cost is negative
   * (below -1e-9 x max(1, |cost|)) are put back and the master re-solved, until
   * none is: so the answer is an optimum of the master over EVERY column added (the same value as without dropping).
   */
  solve(timeLimitMs: number): SiteMasterSolution | undefined {
    const started = performance.now();
    let answer = this.session.solve({ timeLimitMs: Math.max(1, timeLimitMs), mipRelGap: 1e-4, simplex: 'primal' });
    for (;;) {
      if (answer.status !== 'optimal' || !answer.x || !answer.rowDual || answer.objective === undefined) return undefined;
      if (this.dropped === 0) break;
      const y = answer.rowDual;
      const back: number[] = [];
      for (let k = 0; k < this.stored.length; k++) {
        if (this.columnIndex[k]! >= 0) continue;
        const c = this.stored[k]!;
        let reducedCost = c.cost;
        for (let i = 0; i < c.rows.length; i++) reducedCost -= y[c.rows[i]!]! * c.values[i]!;
        if (reducedCost < -1e-9 * Math.max(1, Math.abs(c.cost))) back.push(k);
      }
      if (back.length === 0) break;
      this.putInModel(back);
      this.dropped -= back.length;
      this.restored += back.length;
      answer = this.session.solve({ timeLimitMs: Math.max(1, timeLimitMs - (performance.now() - started)), mipRelGap: 1e-4, simplex: 'primal' });
    }
    if (answer.status !== 'optimal' || !answer.x || !answer.rowDual || answer.objective === undefined) return undefined;
    const priceKw = new Float64Array(this.T);
    for (let t = 0; t < this.T; t++) if (this.feederRow[t]! >= 0) priceKw[t] = -answer.rowDual[this.feederRow[t]!]!;
    const convexDual = Float64Array.from(answer.rowDual.subarray(this.convexRow0, this.convexRow0 + this.S));
    let excessKw = 0;
    for (let j = 0; j < this.excessCols; j++) excessKw += answer.x[j]!;
    for (const j of this.boxCols) excessKw += answer.x[j]!;
    const weights = Float64Array.from(this.columnIndex, (j) => (j >= 0 ? answer.x![j]! : 0));
    weights.forEach((w, k) => (this.idleSolves[k] = w > 0 ? 0 : this.idleSolves[k]! + 1));
    return { objective: answer.objective, priceKw, convexDual, weights, excessKw };
  }

  dispose(): void {
    this.session.dispose();
  }
}
