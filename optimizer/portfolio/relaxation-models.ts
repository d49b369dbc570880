/**
 * The sites' relaxation LPs of the decomposed price step (aggregate-decomposed.ts), open in a backend and re-solved
 * warm each round at the round's feeder adder (only their grid columns' costs change). `RelaxationModels` holds a
 * set of them in one thread: the price step's own thread (`threads: 1`), or one of its relaxation threads
 * (relaxation-threads.ts, relaxation-worker.ts), which holds the same sites for the whole step so each keeps its
 * basis.
 */
import type { LpBackend, LpSession, LpStatus } from '../backends/lp-backend.ts';
import { LinearProgramBuilder } from '../linear-program.ts';
import type { Problem } from '../problem.ts';
import { resolveProblem } from '../resolved-problem.ts';
import { addSiteRelaxation, type RelaxationGrouping, type SiteRelaxationColumns } from './site-relaxation.ts';

/** A relaxation's answer at one adder: its priced optimum, own cost (without the adder), import and export (kW). */
export type RelaxationAnswer =
  | { readonly status: 'optimal'; readonly priced: number; readonly own: number; readonly importKw: Float64Array; readonly exportKw: Float64Array; readonly iterations: number }
  | { readonly status: 'failed'; readonly lpStatus: LpStatus; readonly message?: string; readonly iterations: number };

/** One relaxation's size (for the step's answer). */
export interface RelaxationSize {
  readonly rows: number;
  readonly cols: number;
  readonly nonzeros: number;
  readonly groups: number;
}

/** What a set of relaxation models needs: the first `slotCount` slots of hours `slotHours`, and the grouping. */
export interface RelaxationSpec {
  readonly slotCount: number;
  readonly slotHours: number;
  readonly grouping?: RelaxationGrouping;
}

/** One site's relaxation, open in the backend: its grid columns and their costs without the adder. */
class SiteRelaxationModel {
  readonly session: LpSession;
  readonly columns: SiteRelaxationColumns;
  /** The grid columns whose cost carries the adder (ascending), their cost without it, the slot and sign of the adder. */
  private readonly gridCols: Int32Array;
  private readonly baseCost: Float64Array;
  private readonly slot: Int32Array;
  private readonly sign: Float64Array;
  readonly size: RelaxationSize;

  constructor(
    backend: LpBackend,
    problem: Problem,
    private readonly T: number,
    private readonly dt: number,
    grouping: RelaxationGrouping | undefined,
  ) {
    const b = new LinearProgramBuilder();
    this.columns = addSiteRelaxation(b, resolveProblem(problem), grouping ? { grouping } : {});
    const lp = b.build();
    this.size = { rows: lp.numRows, cols: lp.numCols, nonzeros: lp.colIndex.length, groups: this.columns.groups };
    const entries: [number, number, number][] = [];
    for (let t = 0; t < T; t++) {
      for (const [col, sign] of [
        [this.columns.importKw[t]!, 1],
        [this.columns.importExcessKw[t]!, 1],
        [this.columns.exportKw[t]!, -1],
        [this.columns.exportExcessKw[t]!, -1],
      ] as const) {
        if (col >= 0) entries.push([col, t, sign]);
      }
    }
    entries.sort((x, y) => x[0] - y[0]);
    this.gridCols = Int32Array.from(entries, (e) => e[0]);
    this.slot = Int32Array.from(entries, (e) => e[1]);
    this.sign = Float64Array.from(entries, (e) => e[2]);
    this.baseCost = Float64Array.from(entries, (e) => lp.colCost[e[0]]!);
    this.session = backend.open(lp);
    if (!this.session.setColsCost) {
      this.session.dispose();
      throw new Error(`V2G_ERR_PORTFOLIO_AGGREGATE: the ${backend.name} backend cannot change costs of an open model`);
    }
  }

  /** Solves at adder `a` (per kWh, per slot) from the last basis: the priced optimum, the own cost (without the adder), import and export (kW). */
  solve(a: ArrayLike<number>, timeLimitMs: number): RelaxationAnswer {
    this.session.setColsCost!(this.gridCols, Float64Array.from(this.baseCost, (c, i) => c + this.sign[i]! * this.dt * a[this.slot[i]!]!));
    const answer = this.session.solve({ timeLimitMs: Math.max(1, timeLimitMs), mipRelGap: 1e-4 });
    if (answer.status !== 'optimal' || !answer.x || answer.objective === undefined) return { status: 'failed', lpStatus: answer.status, ...(answer.message ? { message: answer.message } : {}), iterations: answer.iterations };
    const x = answer.x;
    const at = (col: number) => (col >= 0 ? x[col]! : 0);
    const importKw = Float64Array.from({ length: this.T }, (_, t) => at(this.columns.importKw[t]!) + at(this.columns.importExcessKw[t]!));
    const exportKw = Float64Array.from({ length: this.T }, (_, t) => at(this.columns.exportKw[t]!) + at(this.columns.exportExcessKw[t]!));
    let adderCost = 0;
    for (let t = 0; t < this.T; t++) adderCost += this.dt * a[t]! * (importKw[t]! - exportKw[t]!);
    return { status: 'optimal', priced: answer.objective, own: answer.objective - adderCost, importKw, exportKw, iterations: answer.iterations };
  }
}

/** A set of sites' relaxations open in one thread's backend. */
export class RelaxationModels {
  private readonly models: SiteRelaxationModel[] = [];

  /** Opens every problem's relaxation (disposes what it opened and throws when one fails). */
  constructor(backend: LpBackend, problems: readonly Problem[], spec: RelaxationSpec) {
    try {
      for (const p of problems) this.models.push(new SiteRelaxationModel(backend, p, spec.slotCount, spec.slotHours, spec.grouping));
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  get sizes(): RelaxationSize[] {
    return this.models.map((m) => m.size);
  }

  /**
   * One round: every model re-solved at `adder` in order, from its last basis, all within `timeLimitMs` from now
   * (every site is solved even after one fails, so the round's work does not depend on how the sites are spread).
   */
  solveRound(adder: ArrayLike<number>, timeLimitMs: number): RelaxationAnswer[] {
    const deadline = performance.now() + timeLimitMs;
    return this.models.map((m) => m.solve(adder, deadline - performance.now()));
  }

  /** Disposes every model; answers how many. */
  dispose(): number {
    const n = this.models.length;
    for (const m of this.models.splice(0)) m.session.dispose();
    return n;
  }
}
