/**
 * The restricted master of Dantzig-Wolfe column generation over the fleet (column-generation.ts).
 *
 * The fleet is split into groups; a column of group g is the summed answer of its vehicles at one pricing
 * (their net power per slot, kW) with its cost (their wear and shortfall penalty, prices excluded). The
 * master chooses convex weights per group and the site's columns per slot (import up to the limit, import
 * excess, export, export excess, PV curtailment: site-oracle.ts) and the billed peak:
 *   min  sum_gk cost_gk w_gk + sum_t site cost_t + DC (P - previous peak)
 *   balance_t:  sum_gk Y_gk[t] w_gk - import - importExcess + export + exportExcess + curtailed = -netBase_t
 *   peak_t:     P - import - importExcess >= 0            (demand-charge slots)
 *   convex_g:   sum_k w_gk = 1
 * It is an LP over a subset of the fleet's feasible points, so its optimum is the cost of a plan that keeps
 * every shared row (each vehicle takes its group's weights over its own answers). The row duals are the next
 * prices: lambda_t = -dual(balance_t) per kW, nu_t = dual(peak_t). HiGHS keeps the model open and re-solves
 * from the last basis after columns are added.
 */
import type { LpBackend, LpSession } from '../backends/lp-backend.ts';
import { LinearProgramBuilder } from '../linear-program.ts';
import type { SiteSlots } from './site-oracle.ts';

/** One solve of the restricted master. */
export interface MasterSolution {
  /** Optimal value: the cost of the plan its weights describe. */
  readonly objective: number;
  /** Balance-row prices per kW and slot (the next pricing's lambda). */
  readonly lambdaKw: Float64Array;
  /** Peak-row prices (>= 0, on demand-charge slots). */
  readonly nu: Float64Array;
  /** Weight of every column added so far, in the order added. */
  readonly weights: Float64Array;
}

/** Where a column came from: its group and the index of the pricing (answer set) it sums. */
export interface ColumnTag {
  readonly group: number;
  readonly source: number;
}

export class ColumnMaster {
  private readonly session: LpSession;
  private readonly T: number;
  private readonly firstColumn: number;
  private readonly peakRow: Int32Array;
  private readonly convexRow0: number;
  readonly tags: ColumnTag[] = [];

  constructor(
    backend: LpBackend,
    site: SiteSlots,
    private readonly groupCount: number,
  ) {
    const T = site.slotCount;
    this.T = T;
    const dc = site.demandChargePerKw;
    const b = new LinearProgramBuilder(6 * T + 1, 2 * T + groupCount, 12 * T);
    const peak = (t: number) => site.peakSlot[t] === 1 && dc > 0;
    // Site columns per slot: import, import excess, export, export excess, curtailed; then P.
    const col = new Int32Array(5 * T);
    for (let t = 0; t < T; t++) {
      col[5 * t] = b.addCol(site.importCost[t]!, 0, Math.max(0, site.importCapKw[t]!));
      col[5 * t + 1] = b.addCol(site.importExcessCost[t]!, 0, Math.max(0, site.importExcessCapKw[t]!));
      col[5 * t + 2] = b.addCol(-site.exportCost[t]!, 0, Math.max(0, site.exportCapKw[t]!));
      col[5 * t + 3] = b.addCol(-site.exportExcessCost[t]!, 0, Math.max(0, site.exportExcessCapKw[t]!));
      col[5 * t + 4] = b.addCol(0, 0, Math.max(0, site.curtailCapKw[t]!));
    }
    const peakCol = b.addCol(dc, site.previousPeakKw, dc > 0 ? Infinity : site.previousPeakKw);
    b.offset = -dc * site.previousPeakKw;
    for (let t = 0; t < T; t++) {
      b.entry(col[5 * t]!, -1);
      b.entry(col[5 * t + 1]!, -1);
      b.entry(col[5 * t + 2]!, 1);
      b.entry(col[5 * t + 3]!, 1);
      b.entry(col[5 * t + 4]!, 1);
      b.endRow(-site.netBaseKw[t]!, -site.netBaseKw[t]!);
    }
    this.peakRow = new Int32Array(T).fill(-1);
    for (let t = 0; t < T; t++) {
      if (!peak(t)) continue;
      b.entry(peakCol, 1);
      b.entry(col[5 * t]!, -1);
      b.entry(col[5 * t + 1]!, -1);
      this.peakRow[t] = b.endRow(0, Infinity);
    }
    this.convexRow0 = b.numRows;
    for (let g = 0; g < groupCount; g++) b.endRow(1, 1);
    this.firstColumn = b.numCols;
    this.session = backend.open(b.build());
    if (!this.session.addCols) {
      this.session.dispose();
      throw new Error(`V2G_ERR_DECOMPOSITION_MASTER: the ${backend.name} backend cannot add columns`);
    }
  }

  get columnCount(): number {
    return this.tags.length;
  }

  /**
   * Adds one column per group from one pricing `source`: `costs[g]` and the group's summed net power
   * `sumsKw[g * T + t]`.
   */
  addColumns(source: number, costs: Float64Array, sumsKw: Float64Array): void {
    const T = this.T;
    const G = this.groupCount;
    const starts = new Int32Array(G + 1);
    const rows: number[] = [];
    const values: number[] = [];
    for (let g = 0; g < G; g++) {
      for (let t = 0; t < T; t++) {
        const y = sumsKw[g * T + t]!;
        if (y === 0) continue;
        rows.push(t);
        values.push(y);
      }
      rows.push(this.convexRow0 + g);
      values.push(1);
      starts[g + 1] = rows.length;
      this.tags.push({ group: g, source });
    }
    this.session.addCols!({
      cost: Float64Array.from(costs),
      lower: new Float64Array(G),
      upper: new Float64Array(G).fill(Infinity),
      starts,
      rows: Int32Array.from(rows),
      values: Float64Array.from(values),
    });
  }

  /** Solves the master from its last basis; undefined when HiGHS gives no optimum with duals. */
  solve(timeLimitMs: number, simplex?: 'dual' | 'primal'): MasterSolution | undefined {
    const answer = this.session.solve({ timeLimitMs: Math.max(1, timeLimitMs), mipRelGap: 1e-4, ...(simplex ? { simplex } : {}) });
    if (answer.status !== 'optimal' || !answer.x || !answer.rowDual || answer.objective === undefined) return undefined;
    const T = this.T;
    const lambdaKw = new Float64Array(T);
    const nu = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      lambdaKw[t] = -answer.rowDual[t]!;
      const r = this.peakRow[t]!;
      if (r >= 0) nu[t] = Math.max(0, answer.rowDual[r]!);
    }
    const weights = Float64Array.from(answer.x.subarray(this.firstColumn, this.firstColumn + this.tags.length));
    return { objective: answer.objective, lambdaKw, nu, weights };
  }

  dispose(): void {
    this.session.dispose();
  }
}
