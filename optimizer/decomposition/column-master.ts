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
 *
 * A portfolio (portfolio-columns.ts) has one such block per site (each group belongs to one site, its column
 * touches that site's balance rows) and feeder rows on the sites' summed net import:
 *   feeder_t:   -E_t <= sum_s (import + importExcess - export - exportExcess - curtailed)_s - feederExcess_t + feederExportExcess_t <= F_t
 * with excess columns at the limit-excess penalty (the master stays feasible when the sites' inflexible load
 * alone breaks the limit). pi_t = -dual(feeder_t) is the price of one kW of a site's net import.
 */
import type { LpBackend, LpSession } from '../backends/lp-backend.ts';
import { LinearProgramBuilder } from '../linear-program.ts';
import type { SiteSlots } from './site-oracle.ts';

/** One solve of the restricted master. */
export interface MasterSolution {
  /** Optimal value: the cost of the plan its weights describe. */
  readonly objective: number;
  /** Balance-row prices per kW and slot (the next pricing's lambda); site k's at k x T. */
  readonly lambdaKw: Float64Array;
  /** Peak-row prices (>= 0, on demand-charge slots); site k's at k x T. */
  readonly nu: Float64Array;
  /** Feeder-row prices per kW of net import and slot (portfolio; zeros without a feeder). */
  readonly feederKw: Float64Array;
  /** Each site's net import per slot in the master's solution (kW); site k's at k x T. */
  readonly siteNetKw: Float64Array;
  /** Weight of every column added so far, in the order added. */
  readonly weights: Float64Array;
}

/** Where a column came from: its group and the index of the pricing (answer set) it sums. */
export interface ColumnTag {
  readonly group: number;
  readonly source: number;
}

/** Limits on the sum of a portfolio's net imports per slot (kW; Infinity = none). */
export interface FeederRows {
  readonly importLimitKw: ArrayLike<number>;
  readonly exportLimitKw: ArrayLike<number>;
  /** Cost of one kW above a feeder limit for one slot (dt x the limit-excess penalty). */
  readonly excessCostKw: number;
}

/** Several sites in one master: the site of every group, and optional feeder rows. */
export interface MasterPortfolio {
  readonly sites: readonly SiteSlots[];
  readonly groupSite: Int32Array;
  readonly feeder?: FeederRows;
}

export class ColumnMaster {
  private readonly session: LpSession;
  private readonly T: number;
  private readonly firstColumn: number;
  private readonly peakRow: Int32Array;
  private readonly feederRow: Int32Array;
  private readonly siteCol: Int32Array;
  private readonly convexRow0: number;
  private readonly groupSite: Int32Array;
  private readonly siteCount: number;
  readonly tags: ColumnTag[] = [];

  constructor(
    backend: LpBackend,
    siteOrPortfolio: SiteSlots | MasterPortfolio,
    private readonly groupCount: number,
  ) {
    const portfolio: MasterPortfolio = 'sites' in siteOrPortfolio ? siteOrPortfolio : { sites: [siteOrPortfolio], groupSite: new Int32Array(groupCount) };
    const { sites, feeder } = portfolio;
    this.groupSite = portfolio.groupSite;
    const S = sites.length;
    this.siteCount = S;
    const T = sites[0]!.slotCount;
    this.T = T;
    const b = new LinearProgramBuilder(S * (6 * T + 1) + 2 * T, S * 2 * T + T + groupCount, S * 12 * T + S * 5 * T + 2 * T);
    // Site columns per site and slot: import, import excess, export, export excess, curtailed; then P per site.
    const col = new Int32Array(S * 5 * T);
    this.siteCol = col;
    const peakCol = new Int32Array(S);
    sites.forEach((site, k) => {
      const dc = site.demandChargePerKw;
      for (let t = 0; t < T; t++) {
        const c = 5 * (k * T + t);
        col[c] = b.addCol(site.importCost[t]!, 0, Math.max(0, site.importCapKw[t]!));
        col[c + 1] = b.addCol(site.importExcessCost[t]!, 0, Math.max(0, site.importExcessCapKw[t]!));
        col[c + 2] = b.addCol(-site.exportCost[t]!, 0, Math.max(0, site.exportCapKw[t]!));
        col[c + 3] = b.addCol(-site.exportExcessCost[t]!, 0, Math.max(0, site.exportExcessCapKw[t]!));
        col[c + 4] = b.addCol(0, 0, Math.max(0, site.curtailCapKw[t]!));
      }
      peakCol[k] = b.addCol(dc, site.previousPeakKw, dc > 0 ? Infinity : site.previousPeakKw);
      b.offset += -dc * site.previousPeakKw;
    });
    const feederExcess = new Int32Array(2 * T).fill(-1);
    if (feeder) {
      for (let t = 0; t < T; t++) {
        if (Number.isFinite(feeder.importLimitKw[t]!)) feederExcess[2 * t] = b.addCol(feeder.excessCostKw, 0, Infinity);
        if (Number.isFinite(feeder.exportLimitKw[t]!)) feederExcess[2 * t + 1] = b.addCol(feeder.excessCostKw, 0, Infinity);
      }
    }
    // Balance rows: site k's slot t is row k x T + t (the group columns' rows).
    sites.forEach((site, k) => {
      for (let t = 0; t < T; t++) {
        const c = 5 * (k * T + t);
        b.entry(col[c]!, -1);
        b.entry(col[c + 1]!, -1);
        b.entry(col[c + 2]!, 1);
        b.entry(col[c + 3]!, 1);
        b.entry(col[c + 4]!, 1);
        b.endRow(-site.netBaseKw[t]!, -site.netBaseKw[t]!);
      }
    });
    this.peakRow = new Int32Array(S * T).fill(-1);
    sites.forEach((site, k) => {
      if (site.demandChargePerKw <= 0) return;
      for (let t = 0; t < T; t++) {
        if (site.peakSlot[t] !== 1) continue;
        const c = 5 * (k * T + t);
        b.entry(peakCol[k]!, 1);
        b.entry(col[c]!, -1);
        b.entry(col[c + 1]!, -1);
        this.peakRow[k * T + t] = b.endRow(0, Infinity);
      }
    });
    this.feederRow = new Int32Array(T).fill(-1);
    if (feeder) {
      for (let t = 0; t < T; t++) {
        const upper = feeder.importLimitKw[t]!;
        const lower = -feeder.exportLimitKw[t]!;
        if (!Number.isFinite(upper) && !Number.isFinite(lower)) continue;
        for (let k = 0; k < S; k++) {
          const c = 5 * (k * T + t);
          b.entry(col[c]!, 1);
          b.entry(col[c + 1]!, 1);
          b.entry(col[c + 2]!, -1);
          b.entry(col[c + 3]!, -1);
          b.entry(col[c + 4]!, -1);
        }
        if (feederExcess[2 * t]! >= 0) b.entry(feederExcess[2 * t]!, -1);
        if (feederExcess[2 * t + 1]! >= 0) b.entry(feederExcess[2 * t + 1]!, 1);
        this.feederRow[t] = b.endRow(lower, upper);
      }
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
   * `sumsKw[g * T + t]` (on its site's balance rows).
   */
  addColumns(source: number, costs: Float64Array, sumsKw: Float64Array): void {
    const T = this.T;
    const G = this.groupCount;
    const starts = new Int32Array(G + 1);
    const rows: number[] = [];
    const values: number[] = [];
    for (let g = 0; g < G; g++) {
      const row0 = this.groupSite[g]! * T;
      for (let t = 0; t < T; t++) {
        const y = sumsKw[g * T + t]!;
        if (y === 0) continue;
        rows.push(row0 + t);
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
    const ST = this.siteCount * T;
    const lambdaKw = new Float64Array(ST);
    const nu = new Float64Array(ST);
    const siteNetKw = new Float64Array(ST);
    const x = answer.x;
    for (let j = 0; j < ST; j++) {
      lambdaKw[j] = -answer.rowDual[j]!;
      const r = this.peakRow[j]!;
      if (r >= 0) nu[j] = Math.max(0, answer.rowDual[r]!);
      const c = 5 * j;
      siteNetKw[j] = x[this.siteCol[c]!]! + x[this.siteCol[c + 1]!]! - x[this.siteCol[c + 2]!]! - x[this.siteCol[c + 3]!]! - x[this.siteCol[c + 4]!]!;
    }
    const feederKw = new Float64Array(T);
    for (let t = 0; t < T; t++) if (this.feederRow[t]! >= 0) feederKw[t] = -answer.rowDual[this.feederRow[t]!]!;
    const weights = Float64Array.from(x.subarray(this.firstColumn, this.firstColumn + this.tags.length));
    return { objective: answer.objective, lambdaKw, nu, feederKw, siteNetKw, weights };
  }

  dispose(): void {
    this.session.dispose();
  }
}
