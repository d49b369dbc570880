/**
 * Solving a problem with an LP backend: the LP first, then - only where its answer is not physically
 * possible - either a repair by fixing bounds (default) or integer variables (exact, opt-in), then the
 * independent validator. See optimizer/README.md, "Minimum power and single direction".
 *
 * The LP relaxation is exact except in three places: a vehicle charging and discharging in the same slot
 * (it pays with negative prices: burning energy through losses), a power between 0 and a charger's minimum
 * (IEC 61851: 6 A), and the site importing and exporting at once (it pays when the export price exceeds
 * the import price). These are "mode conflicts".
 *
 * - `repair` (default): keep the LP model open and, for each conflict, fix a bound - close a vehicle's
 *   weaker direction, round a low power up to the minimum (down to 0 once `maxRounds` are used up), close
 *   the site direction opposite to its net power before PV curtailment - and re-solve from the previous
 *   basis; repeat until no conflict is left. If a round-up makes the model infeasible, every round-up
 *   becomes a round-down (all vehicles idle is always feasible), so the loop always ends with a valid plan.
 *   Status `feasible`; the LP relaxation's objective is a proven lower bound (`stats.relaxationObjective`),
 *   so the gap is known.
 * - `milp`: lazy constraint generation - binaries only for the vehicles and site slots in conflict, solved
 *   again until no conflict is left. A relaxation with binaries on a subset bounds the full MILP from below,
 *   so once its answer has no conflict it is optimal (status `optimal`, within `mipRelGap`). Exact, but a
 *   MILP: seconds at 50 vehicles. When its time budget runs out, the repair finishes the job.
 *
 * A plan that is not proven optimal then meets the baseline guard (baseline-guard.ts): if a baseline is
 * cheaper, the baseline's plan is returned, so no plan from here ever costs more than a baseline.
 */
import { assemblePlan, emptyStats } from './plan-assembly.ts';
import { buildFormulation, extractCurtailment, extractPowers, noIntegers, type ColumnMap, type Formulation } from './formulation.ts';
import type { LpBackend, LpSolution } from './backends/lp-backend.ts';
import type { Plan, PlanStatus, SolverStats } from './plan.ts';
import type { Problem } from './problem.ts';
import { resolveProblem, type ResolvedProblem } from './resolved-problem.ts';
import { validatePlan } from './plan-validator.ts';
import { runBaseline, type BaselineName } from './baselines/index.ts';
import { noWorseThanBaselines } from './baseline-guard.ts';
import { innerApproximationGap, withApproximationNote } from './network/magnitude-rows.ts';
import { withLazyNetworkRows, type NetworkSession } from './network/lazy-rows.ts';

export type IntegerStrategy = 'repair' | 'milp';

export interface SolveOptions {
  /** Wall-clock budget for the whole solve, all rounds (ms). Default 60 000. */
  readonly timeLimitMs?: number;
  /** How minimum power and single-direction rules are enforced. Default `repair`. */
  readonly integerStrategy?: IntegerStrategy;
  /** Relative MIP gap at which a MILP round counts as optimal (`milp` only). Default 1e-4. */
  readonly mipRelGap?: number;
  /** Most rounds of the lazy MILP loop or of the repair loop. Default 25. */
  readonly maxRounds?: number;
}

export const solveDefaults = { timeLimitMs: 60_000, integerStrategy: 'repair', mipRelGap: 1e-4, maxRounds: 25 } as const;

/** Power below this (kW) counts as off when looking for mode conflicts. */
const modeToleranceKw = 1e-6;

/** After this many repair rounds, every vehicle still in conflict has its on/off pattern frozen (see `repair`). */
const freezeAfterRounds = 3;

export interface ModeConflict {
  readonly kind: 'both-directions' | 'low-charge' | 'low-discharge';
  readonly vehicle: number;
  readonly slot: number;
  readonly chargeKw: number;
  readonly dischargeKw: number;
}

export interface SiteConflict {
  readonly slot: number;
  readonly importKw: number;
  readonly exportKw: number;
  /**
   * What the site would exchange with the grid before any PV curtailment (kW, positive = import): base load
   * - PV + the vehicles' net power. The relaxation's import and export are artificial in a conflict slot (it
   * buys and sells the same kW, and curtails PV for free to buy more), so this, not their sizes, says which
   * way the site really flows.
   */
  readonly uncurtailedNetKw: number;
}

/** Vehicle-slots and site slots whose answer breaks a rule the LP relaxation does not enforce. */
export function findModeConflicts(rp: ResolvedProblem, columns: ColumnMap, x: ArrayLike<number>) {
  const vehicles: ModeConflict[] = [];
  const site: SiteConflict[] = [];
  const value = (col: number) => (col >= 0 ? x[col]! : 0);
  const vehicleNetKw = new Float64Array(rp.slotCount);
  rp.vehicles.forEach((v, i) => {
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      const chargeKw = value(columns.charge[i]![t]!);
      const dischargeKw = value(columns.discharge[i]![t]!);
      vehicleNetKw[t]! += chargeKw - dischargeKw;
      const on = (p: number) => p > modeToleranceKw;
      let kind: ModeConflict['kind'] | undefined;
      if (on(chargeKw) && on(dischargeKw)) kind = 'both-directions';
      else if (on(chargeKw) && chargeKw < v.minChargeKw - modeToleranceKw) kind = 'low-charge';
      else if (on(dischargeKw) && dischargeKw < v.minDischargeKw - modeToleranceKw) kind = 'low-discharge';
      if (kind) vehicles.push({ kind, vehicle: i, slot: t, chargeKw, dischargeKw });
    }
  });
  for (let t = 0; t < rp.slotCount; t++) {
    const importKw = value(columns.importKw[t]!) + value(columns.importExcessKw[t]!);
    const exportKw = value(columns.exportKw[t]!) + value(columns.exportExcessKw[t]!);
    if (importKw > modeToleranceKw && exportKw > modeToleranceKw) {
      site.push({ slot: t, importKw, exportKw, uncurtailedNetKw: rp.netBaseKw[t]! + vehicleNetKw[t]! });
    }
  }
  return { vehicles, site, count: vehicles.length + site.length };
}

/**
 * The plan to return when the solver gives none or its plan fails validation: earliest-deadline-first
 * (a valid, target-seeking plan), or all vehicles idle if even that fails. Both pass the validator.
 */
export function fallbackPlan(problem: Problem, rp: ResolvedProblem, status: PlanStatus, message: string, stats: SolverStats): Plan {
  const edf = runBaseline('edf', rp);
  if (validatePlan(problem, edf).length === 0) {
    return { ...edf, status, message: `${message}; fallback plan: earliest deadline first`, stats };
  }
  const idle = rp.vehicles.map(() => new Float64Array(rp.slotCount));
  return assemblePlan(rp, { status, message: `${message}; fallback plan: all vehicles idle`, powerKw: idle, stats });
}

class SolveRun {
  readonly started = performance.now();
  buildMs = 0;
  solveMs = 0;
  iterations = 0;
  rows = 0;
  columns = 0;
  integerColumns = 0;
  rounds = 0;
  relaxationObjective: number | undefined;

  constructor(
    readonly backend: LpBackend,
    readonly timeLimitMs: number,
    readonly mipRelGap: number,
  ) {}

  remainingMs(): number {
    return this.timeLimitMs - (performance.now() - this.started);
  }

  build(rp: ResolvedProblem, vehicleSlots: ReadonlySet<number>, siteSlots: ReadonlySet<number>): Formulation {
    const start = performance.now();
    const formulation = buildFormulation(rp, { vehicleSlots, siteSlots });
    this.buildMs += performance.now() - start;
    this.rows = formulation.lp.numRows;
    this.columns = formulation.lp.numCols;
    this.integerColumns = formulation.lp.integerCount;
    return formulation;
  }

  open(formulation: Formulation): NetworkSession {
    const start = performance.now();
    const session = withLazyNetworkRows(this.backend.open(formulation.lp), formulation.networkRows, formulation.lp.numRows);
    this.buildMs += performance.now() - start;
    return session;
  }

  solve(session: NetworkSession): LpSolution {
    this.rounds++;
    const remainingMs = this.remainingMs();
    if (remainingMs <= 0) return { status: 'timed_out', iterations: 0, message: `time limit of ${this.timeLimitMs} ms reached` };
    const start = performance.now();
    let answer: LpSolution;
    try {
      answer = session.solve({ timeLimitMs: remainingMs, mipRelGap: this.mipRelGap });
    } catch (error) {
      answer = { status: 'error', iterations: 0, message: `${this.backend.name} failed: ${(error as Error).message}` };
    }
    this.solveMs += performance.now() - start;
    this.iterations += answer.iterations;
    this.rows = session.rowCount();
    return answer;
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
      ...(this.relaxationObjective !== undefined ? { relaxationObjective: this.relaxationObjective } : {}),
    };
  }
}

interface Answer {
  readonly status: PlanStatus;
  /** Undefined when the solver gave no answer. */
  readonly powers?: Float64Array[];
  readonly pvCurtailedKw?: Float64Array;
  readonly message?: string;
}

function answerFrom(rp: ResolvedProblem, columns: ColumnMap, x: Float64Array, status: PlanStatus, message?: string): Answer {
  return {
    status,
    powers: extractPowers(rp, columns, x),
    pvCurtailedKw: extractCurtailment(rp, columns, x),
    ...(message !== undefined ? { message } : {}),
  };
}

/** Exact: lazy binaries until no conflict is left. Returns undefined when out of rounds or time. */
function solveMilp(rp: ResolvedProblem, run: SolveRun, first: ReturnType<typeof findModeConflicts>, maxRounds: number): Answer | undefined {
  const vehicleSlots = new Set<number>();
  const siteSlots = new Set<number>();
  let conflicts = first;
  for (let round = 0; round < maxRounds && conflicts.count > 0; round++) {
    // A flagged vehicle gets binaries in every slot of its stay: flagging single slots only moves the
    // fractional power to the next slot, round after round.
    for (const c of conflicts.vehicles) {
      const v = rp.vehicles[c.vehicle]!;
      for (let t = v.arrivalSlot; t < v.endSlot; t++) vehicleSlots.add(c.vehicle * rp.slotCount + t);
    }
    for (const c of conflicts.site) siteSlots.add(c.slot);
    const formulation = run.build(rp, vehicleSlots, siteSlots);
    let session: NetworkSession;
    try {
      session = run.open(formulation);
    } catch {
      return undefined; // the repair takes over
    }
    try {
      const answer = run.solve(session);
      if (!answer.x) return undefined;
      conflicts = findModeConflicts(rp, formulation.columns, answer.x);
      if (conflicts.count === 0) {
        return answerFrom(rp, formulation.columns, answer.x, answer.status === 'optimal' ? 'optimal' : 'feasible');
      }
    } finally {
      session.dispose();
    }
  }
  return undefined;
}

/** Fixes bounds on the open LP until its answer has no mode conflict; always ends with a valid answer. */
function repair(
  rp: ResolvedProblem,
  run: SolveRun,
  formulation: Formulation,
  session: NetworkSession,
  first: { x: Float64Array; conflicts: ReturnType<typeof findModeConflicts> },
  maxRounds: number,
): Answer {
  const { columns } = formulation;
  const lower = Float64Array.from(formulation.lp.colLower);
  const upper = Float64Array.from(formulation.lp.colUpper);
  /** Decisions that can make the model infeasible: raised minimums and closed site directions. */
  const risky = new Set<number>();
  let riskyThisRound: number[] = [];
  const close = (col: number) => {
    if (col >= 0 && upper[col] !== 0) {
      upper[col] = 0;
      lower[col] = 0;
      session.setColBounds(col, 0, 0);
    }
  };
  const raise = (col: number, minKw: number) => {
    lower[col] = minKw;
    risky.add(col);
    riskyThisRound.push(col);
    session.setColBounds(col, minKw, upper[col]!);
  };
  const closeSite = (col: number) => {
    upper[col] = 0;
    risky.add(col);
    riskyThisRound.push(col);
    session.setColBounds(col, 0, 0);
  };
  /** Raised minimums become closed slots; closed site directions reopen. Idle is always feasible. */
  const undo = (cols: Iterable<number>) => {
    for (const col of cols) {
      risky.delete(col);
      if (lower[col]! > 0) close(col);
      else {
        upper[col] = formulation.lp.colUpper[col]!;
        session.setColBounds(col, lower[col]!, upper[col]!);
      }
    }
  };
  /**
   * A vehicle in conflict after `freezeAfterRounds` rounds gets its on/off pattern frozen: every slot
   * of its stay that is on (> 0) keeps at least its minimum, every slot that is off stays off, so the LP
   * can only move power between the minimum and the maximum of its on slots and no new low-power slot can
   * appear for it. This ends the cascade (each round raising one low slot moves the remainder to another)
   * that otherwise costs up to `maxRounds` re-solves. The first rounds stay free, so easy cases keep the
   * repair's quality (measured: same gap to the LP bound, repair rounds at 50 vehicles max 10 instead of 18).
   */
  const frozen = new Uint8Array(rp.vehicles.length);
  const freeze = (vehicle: number, at: Float64Array) => {
    frozen[vehicle] = 1;
    const v = rp.vehicles[vehicle]!;
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      for (const [col, minKw] of [
        [columns.charge[vehicle]![t]!, v.minChargeKw],
        [columns.discharge[vehicle]![t]!, v.minDischargeKw],
      ] as const) {
        if (col < 0 || upper[col] === 0) continue;
        if (at[col]! > modeToleranceKw) {
          if (minKw > 0 && lower[col]! < minKw) raise(col, Math.min(minKw, upper[col]!));
        } else close(col);
      }
    }
  };
  let { x, conflicts } = first;
  let rounds = 0;
  while (conflicts.count > 0) {
    rounds++;
    riskyThisRound = [];
    const lastResort = rounds > maxRounds;
    for (const c of conflicts.vehicles) {
      const v = rp.vehicles[c.vehicle]!;
      const chargeCol = columns.charge[c.vehicle]![c.slot]!;
      const dischargeCol = columns.discharge[c.vehicle]![c.slot]!;
      if (c.kind === 'both-directions') {
        // Keep the direction that carries the net energy change.
        if (v.chargeEfficiency * c.chargeKw >= c.dischargeKw / v.dischargeEfficiency) close(dischargeCol);
        else close(chargeCol);
      } else if (c.kind === 'low-charge') {
        // Rounding up is what stops the cascade: closing the slot only moves the remainder to the next one.
        if (!lastResort) raise(chargeCol, v.minChargeKw);
        else close(chargeCol);
      } else if (!lastResort) raise(dischargeCol, v.minDischargeKw);
      else close(dischargeCol);
    }
    if (!lastResort) {
      if (rounds > freezeAfterRounds) {
        for (const c of conflicts.vehicles) if (!frozen[c.vehicle]) freeze(c.vehicle, x);
      }
      for (const c of conflicts.site) {
        // Keep the site's own direction: a site that needs power imports; one with PV to spare exports it
        // (curtailment can only lower an export, so closing the import never forces curtailment).
        const col = c.uncurtailedNetKw >= 0 ? columns.exportKw[c.slot]! : columns.importKw[c.slot]!;
        if (col >= 0) closeSite(col);
      }
    }
    let answer = run.solve(session);
    if (answer.status === 'infeasible') {
      undo(riskyThisRound);
      answer = run.solve(session);
    }
    if (answer.status === 'infeasible') {
      undo([...risky]);
      answer = run.solve(session);
    }
    if (!answer.x) {
      return { status: answer.status === 'timed_out' ? 'timed_out' : 'error', message: answer.message ?? answer.status };
    }
    x = answer.x;
    conflicts = findModeConflicts(rp, columns, x);
    if (lastResort && conflicts.vehicles.length === 0) break;
  }
  const left = conflicts.count > 0 ? `; ${conflicts.count} site import/export overlap(s) left` : '';
  return answerFrom(rp, columns, x, 'feasible', `minimum power and single direction enforced by LP repair in ${rounds} round(s)${left}`);
}

function validated(problem: Problem, rp: ResolvedProblem, plan: Plan, label: string): Plan {
  const violations = validatePlan(problem, plan);
  if (violations.length === 0) return plan;
  const first = violations.slice(0, 3).map((v) => v.message).join('; ');
  return fallbackPlan(problem, rp, 'error', `${label} plan failed validation (${violations.length}): ${first}`, plan.stats);
}

/**
 * Solves a validated problem with one LP backend, synchronously (run it in a worker thread for HiGHS; see
 * solver-pool.ts). Never throws for expected outcomes and never returns an unvalidated plan; a plan that
 * is not proven optimal is never more expensive than a baseline (baseline-guard.ts).
 */
export function solveWithBackend(problem: Problem, backend: LpBackend, options: SolveOptions = {}): Plan {
  const run = new SolveRun(
    backend,
    options.timeLimitMs ?? solveDefaults.timeLimitMs,
    options.mipRelGap ?? solveDefaults.mipRelGap,
  );
  const strategy = options.integerStrategy ?? solveDefaults.integerStrategy;
  const maxRounds = options.maxRounds ?? solveDefaults.maxRounds;
  const rp = resolveProblem(problem);
  const formulation = run.build(rp, noIntegers.vehicleSlots, noIntegers.siteSlots);
  let session: NetworkSession;
  try {
    session = run.open(formulation);
  } catch (error) {
    return fallbackPlan(problem, rp, 'error', `${backend.name} refused the model: ${(error as Error).message}`, run.stats());
  }
  let answer: Answer;
  try {
    const lp = run.solve(session);
    if (!lp.x) {
      const status: PlanStatus = lp.status === 'timed_out' ? 'timed_out' : 'error';
      return fallbackPlan(problem, rp, status, lp.message ?? `${backend.name}: ${lp.status}`, run.stats());
    }
    // With a network the LP holds current magnitudes by an inner polygon: its objective bounds the exact
    // problem only after the duality correction (magnitude-rows.ts), and "optimal" means optimal for it.
    const approximationGap = innerApproximationGap(session.networkRowSet(), lp.rowDual);
    // A charge preference (regulariser) is in the LP's objective but not the plan's: no bound is claimed then.
    const regularised = problem.vehicles.some((v) => v.chargePreferencePerKwh !== undefined);
    run.relaxationObjective = lp.objective === undefined || approximationGap === undefined || regularised ? undefined : lp.objective - approximationGap;
    const conflicts = findModeConflicts(rp, formulation.columns, lp.x);
    if (conflicts.count === 0) {
      answer = answerFrom(rp, formulation.columns, lp.x, lp.status === 'optimal' ? 'optimal' : 'feasible');
    } else {
      const exact = strategy === 'milp' ? solveMilp(rp, run, conflicts, maxRounds) : undefined;
      answer = exact ?? repair(rp, run, formulation, session, { x: lp.x, conflicts }, maxRounds);
      if (strategy === 'milp' && !exact) answer = { ...answer, message: `MILP did not finish within its budget; ${answer.message ?? ''}` };
    }
    answer = withApproximationNote(rp, approximationGap, lp.objective ?? 0, answer);
  } finally {
    session.dispose();
  }
  if (!answer.powers) {
    return fallbackPlan(problem, rp, answer.status, answer.message ?? 'no answer', run.stats());
  }
  const plan = assemblePlan(rp, {
    status: answer.status,
    ...(answer.message ? { message: answer.message } : {}),
    powerKw: answer.powers,
    ...(answer.pvCurtailedKw ? { pvCurtailedKw: answer.pvCurtailedKw } : {}),
    stats: run.stats(),
  });
  return noWorseThanBaselines(problem, rp, validated(problem, rp, plan, backend.name));
}

/** Runs a baseline and validates its plan like any other. */
export function solveWithBaseline(problem: Problem, name: BaselineName): Plan {
  const rp = resolveProblem(problem);
  const plan = runBaseline(name, rp);
  const violations = validatePlan(problem, plan);
  if (violations.length === 0) return plan;
  const first = violations.slice(0, 3).map((v) => v.message).join('; ');
  const idle = rp.vehicles.map(() => new Float64Array(rp.slotCount));
  return assemblePlan(rp, {
    status: 'error',
    message: `${name} plan failed validation (${violations.length}): ${first}; fallback plan: all vehicles idle`,
    powerKw: idle,
    stats: emptyStats(name),
  });
}
