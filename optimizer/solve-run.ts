/**
 * One solve's bookkeeping: its wall-clock budget, kept by us with an injected clock (not by the backend's
 * own timer: HiGHS counts time from earlier `run()` calls on the same model), the model sizes, the solver
 * time and rounds, the best bound, and progress events.
 *
 * Every backend call gets exactly the time left of the one budget (`remainingMs`) less a reserve for
 * finishing the plan; a call that starts with nothing left, or on a fresh model whose predicted set-up does
 * not fit the time left, is not made at all and counts as timed out (budget-guard.ts: both predicted from
 * the time the first model took to build and open). Once any call reports that it stopped at its limit,
 * `timedOut` is set and stays set: the solve then ends with the best plan it has.
 */
import type { LpBackend, LpSolution } from './backends/lp-backend.ts';
import { buildFormulation, type Formulation } from './formulation.ts';
import { chooseEnergyForm, type EnergyForm } from './energy-rows.ts';
import { withLazyNetworkRows, type NetworkSession } from './network/lazy-rows.ts';
import type { SolverStats } from './plan.ts';
import type { ResolvedProblem } from './resolved-problem.ts';
import { gapPct, type SolvePhase, type SolveProgressListener } from './solve-progress.ts';
import { systemClock, type SolveClock } from './solve-clock.ts';
import { finishReserveMs, predictedSetupMs } from './budget-guard.ts';
import type { WorkLimit, WorkReport } from './work-limit.ts';

export type { SolveClock } from './solve-clock.ts';


export class SolveRun {
  readonly started: number;
  buildMs = 0;
  solveMs = 0;
  iterations = 0;
  rows = 0;
  columns = 0;
  integerColumns = 0;
  rounds = 0;
  /** Best proven lower bound on the optimum. */
  bound: number | undefined;
  /**
   * Best proven lower bound a MILP round reported when a limit stopped it (`mipDualBound`): a model with
   * binaries on a subset relaxes the full MILP, so it bounds the optimum too. Kept only where `milpBoundValid`.
   */
  milpBound: number | undefined;
  /** Whether MILP rounds bound the plan's objective: set after the LP when its bound is exact (no network approximation, no regulariser). */
  milpBoundValid = false;
  /** Objective of the cheapest candidate so far (for progress only). */
  bestObjective: number | undefined;
  timedOut = false;
  /** How stored energy enters every model of this solve (energy-rows.ts): chosen once, so MIP starts map column for column. */
  energyForm: EnergyForm | undefined;
  /** Charge-taper rows of the last model built (taper-rows.ts); 0 without `chargeTaper`. */
  taperRows = 0;
  /** Set when the first LP started from a stored basis (warm-basis.ts) or a seed's basis (network/seed-basis.ts). */
  warmStart: 'basis' | undefined;
  /** Why a seed's basis (`SolveEnvironment.networkRowSeed`) was not used: the first LP then started cold. */
  seedBasisRefused: string | undefined;
  /** Sessions of LP models in the prefix form: solved without presolve (measured faster; see energy-rows.ts). */
  private readonly noPresolve = new WeakSet<NetworkSession>();
  /** Per open model: what building and opening it took (ms), whether the backend has solved it yet, whether it has integer columns. */
  private readonly models = new WeakMap<NetworkSession, { modelMs: number; solved: boolean; mip: boolean }>();
  /** The deterministic work budget of the whole solve (work-limit.ts); undefined = none (time only). */
  workLimit: WorkLimit | undefined;
  /** Simplex iterations of the LP solves so far (counted against `workLimit.simplexIterations`). */
  lpIterations = 0;
  /** Branch-and-bound nodes of the MILP rounds so far (counted against `workLimit.mipNodes`). */
  mipNodes = 0;
  /** Simplex iterations inside the MILP rounds so far (reported, not limited). */
  mipIterations = 0;
  /** Set when the work budget stopped the solve: which of its limits. */
  workLimitReached: 'simplexIterations' | 'mipNodes' | undefined;
  private lastBuildMs = 0;
  /** Kept back from every backend call for finishing the plan (ms): set by the first model opened. */
  reserveMs = 0;

  /** `alreadyElapsedMs`: budget spent before this solve started (e.g. handing the problem to a worker thread). */
  constructor(
    readonly backend: LpBackend,
    readonly timeLimitMs: number,
    readonly mipRelGap: number,
    readonly clock: SolveClock = systemClock,
    private readonly listener?: SolveProgressListener,
    alreadyElapsedMs = 0,
  ) {
    this.started = clock() - Math.max(0, alreadyElapsedMs);
  }

  /** Takes a MILP round's best bound (`LpSolution.mipDualBound`) where it is valid and above the LP bound. */
  noteMilpBound(bound: number | undefined): void {
    if (!this.milpBoundValid || bound === undefined || this.bound === undefined || !(bound > this.bound)) return;
    this.milpBound = Math.max(this.milpBound ?? bound, bound);
  }

  /** The best proven lower bound of the optimum: a MILP round's, else the LP relaxation's. */
  bestBound(): number | undefined {
    return this.milpBound ?? this.bound;
  }

  elapsedMs(): number {
    return this.clock() - this.started;
  }

  remainingMs(): number {
    return this.timeLimitMs - this.elapsedMs();
  }

  /** Reports progress (no-op without a listener). */
  report(phase: SolvePhase): void {
    if (!this.listener) return;
    const gap = gapPct(this.bestObjective, this.bound);
    this.listener({
      phase,
      round: this.rounds,
      elapsedMs: this.elapsedMs(),
      timeLimitMs: this.timeLimitMs,
      ...(this.bestObjective !== undefined ? { bestObjective: this.bestObjective } : {}),
      ...(this.bound !== undefined ? { bound: this.bound } : {}),
      ...(gap !== undefined ? { gapPct: gap } : {}),
    });
  }

  build(rp: ResolvedProblem, vehicleSlots: ReadonlySet<number>, siteSlots: ReadonlySet<number>): Formulation {
    const start = this.clock();
    this.energyForm ??= chooseEnergyForm(rp);
    const formulation = buildFormulation(rp, { vehicleSlots, siteSlots }, this.energyForm);
    this.lastBuildMs = this.clock() - start;
    this.buildMs += this.lastBuildMs;
    this.rows = formulation.lp.numRows;
    this.columns = formulation.lp.numCols;
    this.integerColumns = formulation.lp.integerCount;
    this.taperRows = formulation.taperRows.rows;
    return formulation;
  }

  open(formulation: Formulation): NetworkSession {
    const start = this.clock();
    const session = withLazyNetworkRows(this.backend.open(formulation.lp), formulation.networkRows, formulation.lp.numRows, this.clock);
    const openMs = this.clock() - start;
    this.buildMs += openMs;
    if (formulation.energyForm === 'prefix' && formulation.lp.integerCount === 0) this.noPresolve.add(session);
    const modelMs = this.lastBuildMs + openMs;
    if (this.models.get(session) === undefined && this.reserveMs === 0) this.reserveMs = finishReserveMs(modelMs);
    this.models.set(session, { modelMs, solved: false, mip: formulation.lp.integerCount > 0 });
    return session;
  }

  /**
   * Takes a session opened by another run (a model kept open across solves: portfolio/resident-site.ts) as
   * already built and solved: its solves get this run's budget, with the presolve choice of its energy form.
   */
  adopt(session: NetworkSession, formulation: Formulation): void {
    if (formulation.energyForm === 'prefix' && formulation.lp.integerCount === 0) this.noPresolve.add(session);
    this.models.set(session, { modelMs: 0, solved: true, mip: formulation.lp.integerCount > 0 });
    this.energyForm ??= formulation.energyForm;
    this.rows = formulation.lp.numRows;
    this.columns = formulation.lp.numCols;
  }

  /**
   * One backend solve with the time left (or `capMs`, when less), and at most `mipMaxNodes` nodes: a step
   * with its own cap, like the exact polish, which stopping at it does not make the solve timed out;
   * `timed_out` without a call when no time is left.
   */
  solve(session: NetworkSession, capMs?: number, mipMaxNodes?: number, simplex?: 'primal' | 'dual', dualEdgeWeight?: 'devex'): LpSolution {
    const model = this.models.get(session);
    const mip = model?.mip ?? false;
    // The work budget first: deterministic, it decides before the wall clock can.
    const work = this.workLeft(mip);
    if (work !== undefined && work <= 0) {
      this.timedOut = true;
      this.workLimitReached = mip ? 'mipNodes' : 'simplexIterations';
      return { status: 'timed_out', iterations: 0, stoppedBy: mip ? 'nodes' : 'iterations', message: `work limit reached: ${this.workLimitText()}` };
    }
    const nodesByBudget = mip && work !== undefined && (mipMaxNodes === undefined || work < mipMaxNodes);
    const nodeCap = nodesByBudget ? work : mipMaxNodes;
    const remainingMs = this.remainingMs() - this.reserveMs;
    const capped = capMs !== undefined && capMs < remainingMs;
    if (remainingMs <= 0 || (capped && capMs <= 0)) {
      if (capped) return { status: 'timed_out', iterations: 0, message: `cap of ${capMs} ms reached` };
      this.timedOut = true;
      return { status: 'timed_out', iterations: 0, message: `time limit of ${this.timeLimitMs} ms reached` };
    }
    if (model !== undefined && !model.solved) {
      const setupMs = predictedSetupMs(model.modelMs);
      if (setupMs > (capped ? capMs : remainingMs)) {
        if (!capped) this.timedOut = true;
        const left = Math.round(capped ? capMs : remainingMs);
        return { status: 'timed_out', iterations: 0, message: `not started: the model's predicted set-up (${Math.round(setupMs)} ms) does not fit the ${left} ms left` };
      }
      model.solved = true;
    }
    this.rounds++;
    const start = this.clock();
    let answer: LpSolution;
    try {
      answer = session.solve({
        timeLimitMs: capped ? capMs : remainingMs,
        mipRelGap: this.mipRelGap,
        ...(nodeCap !== undefined ? { mipMaxNodes: nodeCap } : {}),
        ...(!mip && work !== undefined ? { simplexIterationLimit: work } : {}),
        ...(simplex !== undefined ? { simplex } : {}),
        ...(dualEdgeWeight !== undefined ? { dualEdgeWeight } : {}),
        ...(this.noPresolve.has(session) ? { presolve: false } : {}),
      });
    } catch (error) {
      answer = { status: 'error', iterations: 0, message: `${this.backend.name} failed: ${(error as Error).message}` };
    }
    this.solveMs += this.clock() - start;
    this.iterations += answer.iterations;
    if (mip) {
      this.mipNodes += answer.nodes ?? 0;
      this.mipIterations += answer.iterations;
    } else this.lpIterations += answer.iterations;
    if ((answer.stoppedBy === 'iterations' && !mip && work !== undefined) || (answer.stoppedBy === 'nodes' && nodesByBudget)) {
      this.timedOut = true;
      this.workLimitReached = mip ? 'mipNodes' : 'simplexIterations';
    }
    this.rows = session.rowCount();
    // 'feasible' from a backend means its time limit stopped it with an incumbent. A call that finished just
    // as the budget ran out is not timed out: the next call finds nothing left.
    if (!capped && answer.stoppedBy !== 'nodes' && (answer.status === 'timed_out' || answer.status === 'feasible')) this.timedOut = true;
    return answer;
  }

  /** What is left of the work budget for a call on a MILP (nodes) or an LP (iterations) model; undefined = unlimited. */
  private workLeft(mip: boolean): number | undefined {
    const limit = mip ? this.workLimit?.mipNodes : this.workLimit?.simplexIterations;
    return limit === undefined ? undefined : limit - (mip ? this.mipNodes : this.lpIterations);
  }

  private workLimitText(): string {
    const l = this.workLimit ?? {};
    return `${this.lpIterations} of ${l.simplexIterations ?? 'unlimited'} simplex iterations, ${this.mipNodes} of ${l.mipNodes ?? 'unlimited'} MILP nodes spent`;
  }

  /** The budget, the work spent and what stopped the solve (work-limit.ts); undefined when the solve had no work budget. */
  workReport(): WorkReport | undefined {
    if (this.workLimit === undefined) return undefined;
    const reached = this.workLimitReached ?? (this.timedOut ? 'time' : undefined);
    return {
      limit: this.workLimit,
      spent: { simplexIterations: this.lpIterations, mipNodes: this.mipNodes, mipIterations: this.mipIterations },
      ...(reached !== undefined ? { reached } : {}),
    };
  }

  stats(): SolverStats {
    return {
      backend: this.backend.name,
      buildMs: this.buildMs,
      solveMs: this.solveMs,
      rows: this.rows,
      columns: this.columns,
      iterations: this.iterations,
      integerColumns: this.integerColumns,
      rounds: this.rounds,
      ...(this.energyForm !== undefined ? { energyForm: this.energyForm } : {}),
      ...(this.warmStart !== undefined ? { warmStart: this.warmStart } : {}),
      ...(this.taperRows > 0 ? { taperRows: this.taperRows } : {}),
      ...(this.bound !== undefined ? { relaxationObjective: this.bound } : {}),
      ...(this.workLimit !== undefined ? { work: this.workReport()! } : {}),
    };
  }
}
