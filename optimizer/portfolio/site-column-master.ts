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
  /** The model's column index of every site column, in order. */
  private readonly columnIndex: number[] = [];
  private nextCol: number;
  /** The box's columns in force (their x counts as excess): excess above, deficit below, per feeder row. */
  private boxCols: number[] = [];
  /** The first (unboxed) import excess columns, fixed at 0 once a box is set. */
  private readonly importExcess: number[] = [];
  private readonly importLimited: Int8Array;

  constructor(
    backend: LpBackend,
    private readonly T: number,
    private readonly S: number,
    importLimitKw: readonly number[],
    exportLimitKw: readonly number[],
    excessCostKw: number,
  ) {
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
      this.feederRow[t] = b.endRow(-exportLimitKw[t]!, importLimitKw[t]!);
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
    const starts = new Int32Array(columns.length + 1);
    const rows: number[] = [];
    const values: number[] = [];
    columns.forEach((c, j) => {
      for (let t = 0; t < this.T; t++) {
        const r = this.feederRow[t]!;
        const y = c.netKw[t]!;
        if (r < 0 || y === 0) continue;
        rows.push(r);
        values.push(y);
      }
      rows.push(this.convexRow0 + c.site);
      values.push(1);
      starts[j + 1] = rows.length;
      this.columnSite.push(c.site);
      this.columnIndex.push(this.nextCol++);
    });
    this.session.addCols!({
      cost: Float64Array.from(columns, (c) => c.cost),
      lower: new Float64Array(columns.length),
      upper: new Float64Array(columns.length).fill(Infinity),
      starts,
      rows: Int32Array.from(rows),
      values: Float64Array.from(values),
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

  /** Solves from the last basis; undefined when HiGHS gives no optimum with duals. */
  solve(timeLimitMs: number): SiteMasterSolution | undefined {
    const answer = this.session.solve({ timeLimitMs: Math.max(1, timeLimitMs), mipRelGap: 1e-4, simplex: 'primal' });
    if (answer.status !== 'optimal' || !answer.x || !answer.rowDual || answer.objective === undefined) return undefined;
    const priceKw = new Float64Array(this.T);
    for (let t = 0; t < this.T; t++) if (this.feederRow[t]! >= 0) priceKw[t] = -answer.rowDual[this.feederRow[t]!]!;
    const convexDual = Float64Array.from(answer.rowDual.subarray(this.convexRow0, this.convexRow0 + this.S));
    let excessKw = 0;
    for (let j = 0; j < this.excessCols; j++) excessKw += answer.x[j]!;
    for (const j of this.boxCols) excessKw += answer.x[j]!;
    const weights = Float64Array.from(this.columnIndex, (j) => answer.x![j]!);
    return { objective: answer.objective, priceKw, convexDual, weights, excessKw };
  }

  dispose(): void {
    this.session.dispose();
  }
}
