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
 *   MILP: seconds at 50 vehicles. The repair runs first and its plan is the MILP's start, so when the
 *   MILP's budget runs out its incumbent or the repair's plan is returned, with the best bound (a stopped
 *   round's `mipDualBound` when above the LP's).
 *
 * Every plan found on the way - and, unless the solver's plan is proven optimal, every baseline's - is a
 * candidate (incumbents.ts); the cheapest valid one is returned, so no plan from here ever costs more than
 * a baseline or a plan the solve found, including when the time budget (solve-run.ts) runs out.
 */
import { assemblePlan, emptyStats } from './plan-assembly.ts';
import { extractPowers, noIntegers, type Formulation } from './formulation.ts';
import type { LpBackend } from './backends/lp-backend.ts';
import type { Plan, PlanSource, PlanStatus, SolverStats } from './plan.ts';
import type { Problem } from './problem.ts';
import { resolveProblem, type ResolvedProblem } from './resolved-problem.ts';
import { validatePlan } from './plan-validator.ts';
import { runBaseline, type BaselineName } from './baselines/index.ts';
import { Incumbents, type CandidateObjective, type IncumbentChoice } from './incumbents.ts';
import { roundedPowers } from './lp-rounding.ts';
import { withShortfallReasons } from './shortfall-reasons.ts';
import { innerApproximationGap, withApproximationNote } from './network/magnitude-rows.ts';
import { bindingNetworkRows, knownNetworkRows, seedNetworkRows, type NetworkRowSeed, type NetworkSession } from './network/lazy-rows.ts';
import { keepFirstLpBasis, seededFirstBasis } from './network/seed-basis.ts';
import { SolveRun, type SolveClock } from './solve-run.ts';
import { gapPct, type SolveProgressListener } from './solve-progress.ts';
import { findModeConflicts, modeToleranceKw, type ModeConflicts } from './mode-conflicts.ts';
import { answerFrom, type Answer } from './solver-answer.ts';
import { solveMilp } from './lazy-milp.ts';
import { exactPolishCapMs, exactPolishDefaults, type ExactPolishOptions } from './exact-polish.ts';
import type { EnergyForm } from './energy-rows.ts';
import { lpStructureKey, threadWarmBases, type WarmBasisStore } from './warm-basis.ts';
import { greedyCrashBasis } from './crash-basis.ts';
import type { WorkLimit } from './work-limit.ts';

export { findModeConflicts, type ModeConflict, type SiteConflict } from './mode-conflicts.ts';

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
  /** When the repair's plan is polished by the exact MILP (exact-polish.ts); default small fleets only. */
  readonly exactPolish?: ExactPolishOptions;
  /** How stored energy enters the model (energy-rows.ts); default `auto`: prefix-sum rows while they stay small. */
  readonly energyForm?: EnergyForm | 'auto';
  /**
   * Start the first LP from the basis of an earlier solve on this thread of a model with the same structure
   * (warm-basis.ts), and keep this solve's for the next. Default off: the start then depends on what was
   * solved before (the LP bound does not). A plan that used one says so in `stats.warmStart`.
   */
  readonly warmStart?: boolean;
  /**
   * Start the first LP (prefix energy form) from a per-vehicle greedy basis instead of the slack basis, when no
   * warm basis is used (crash-basis.ts). Same LP optimum and bound, fewer simplex iterations, but another LP vertex:
   * measured -5 to -11 % CPU at 50 generated vehicles, +10-12 % at 1,000 (one repair re-solve more). Default off.
   */
  readonly crashBasis?: boolean;
  /**
   * How the candidates (the LP's plan, the repair's, the rounded LP, the baselines) are ranked (incumbents.ts
   * `CandidateObjective`): `billed` (default) or `regularised` (plus the problem's charge preferences: the objective
   * the LP minimised, so a baseline cannot win by ignoring the regularisers; the MPC's choice, scenarios/MPC.md).
   */
  readonly candidateObjective?: CandidateObjective;
  /**
   * A deterministic work budget for the whole solve (work-limit.ts): simplex iterations of its LPs and nodes of its
   * MILP rounds, counted across every round. A solve it stops ends as the time budget's would (`timed_out`, the best
   * plan by then) and says so in `stats.work.reached`; `timeLimitMs` stays as a safety net. Default none.
   */
  readonly workLimit?: WorkLimit;
}

export const solveDefaults = { timeLimitMs: 60_000, integerStrategy: 'repair', mipRelGap: 1e-4, maxRounds: 25, crashBasis: false } as const;

/**
 * The plan to return when the solver gives none (a worker failed, the pool closed): the cheapest valid
 * baseline, or all vehicles idle if none is valid. Every candidate passes the validator.
 */
export function fallbackPlan(problem: Problem, rp: ResolvedProblem, status: PlanStatus, message: string, stats: SolverStats, timeLimitMs = 0): Plan {
  const incumbents = new Incumbents(problem, rp);
  incumbents.offerBaselines();
  return finishPlan(rp, incumbents.choose(), { status, message, stats, timeLimitMs, elapsedMs: 0, timedOut: status === 'timed_out' });
}

interface Finish {
  readonly status: PlanStatus;
  /** What the solver said (without the choice of candidate: finishPlan adds that). */
  readonly message?: string;
  readonly stats: SolverStats;
  readonly bound?: number;
  readonly timeLimitMs: number;
  readonly elapsedMs: number;
  readonly timedOut: boolean;
  /** The solver's own plan, when it had one: its source, for the message when a cheaper candidate replaces it. */
  readonly solverSource?: PlanSource;
}

/** The chosen candidate with the solve's status, message, stats and origin. */
function finishPlan(rp: ResolvedProblem, choice: IncumbentChoice, f: Finish): Plan {
  const { plan, candidate } = choice;
  const objective = plan.cost.objective;
  const parts: string[] = [];
  if (f.message) parts.push(f.message);
  parts.push(...choice.rejected);
  const solverCandidate = f.solverSource !== undefined ? choice.candidates.find((c) => c.source === f.solverSource) : undefined;
  if (candidate.source === 'baseline' || candidate.source === 'idle') {
    const name = candidate.source === 'idle' ? 'all vehicles idle' : `the ${candidate.baseline} baseline`;
    if (solverCandidate) {
      parts.push(`${solverCandidate.source} plan (objective ${solverCandidate.objective}): ${name} is cheaper (objective ${objective}) and is returned instead`);
    } else parts.push(`fallback plan: ${name} (objective ${objective})`);
  } else if (f.solverSource !== undefined && candidate.source !== f.solverSource) {
    parts.push(`returned: the ${candidate.source} plan (objective ${objective})`);
  }
  const gap = f.bound !== undefined ? objective - f.bound : undefined;
  const pct = gapPct(objective, f.bound);
  const optimised = candidate.source === 'lp' || candidate.source === 'milp' || candidate.source === 'lp-repair';
  return {
    ...withShortfallReasons(rp, plan, optimised),
    status: f.status,
    ...(parts.length > 0 ? { message: parts.join('; ') } : {}),
    stats: f.stats,
    origin: {
      ...candidate,
      ...(f.bound !== undefined ? { bound: f.bound, gap } : {}),
      ...(pct !== undefined ? { gapPct: pct } : {}),
      timedOut: f.timedOut,
      timeLimitMs: f.timeLimitMs,
      elapsedMs: f.elapsedMs,
      candidates: choice.candidates,
    },
  };
}

/** Gives the model the bounds of every column in `pending` (one call where the backend takes a batch), and empties it. */
function flushColBounds(session: NetworkSession, pending: Set<number>, lower: Float64Array, upper: Float64Array): void {
  if (pending.size === 0) return;
  if (session.setColsBounds !== undefined && pending.size > 1) {
    const cols = Int32Array.from(pending).sort();
    const lo = new Float64Array(cols.length);
    const up = new Float64Array(cols.length);
    for (let i = 0; i < cols.length; i++) {
      lo[i] = lower[cols[i]!]!;
      up[i] = upper[cols[i]!]!;
    }
    session.setColsBounds(cols, lo, up);
  } else for (const col of pending) session.setColBounds(col, lower[col]!, upper[col]!);
  pending.clear();
}

/**
 * Fixes bounds on the open LP until its answer has no mode conflict; always ends with a valid answer.
 * The bounds it starts from are `formulation.lp`'s (a resident model whose bounds were changed since it was
 * built passes a formulation with those: optimizer/portfolio/resident-site.ts).
 */
export function repair(
  rp: ResolvedProblem,
  run: SolveRun,
  formulation: Formulation,
  session: NetworkSession,
  first: { x: Float64Array; conflicts: ModeConflicts },
  maxRounds: number,
): Answer & { readonly x?: Float64Array; readonly touched: ReadonlySet<number> } {
  const { columns } = formulation;
  const lower = Float64Array.from(formulation.lp.colLower);
  const upper = Float64Array.from(formulation.lp.colUpper);
  /** Bound changes not yet given to the model: sent in one call before each solve (the freeze makes tens of thousands). */
  const pending = new Set<number>();
  const setBounds = (col: number, lo: number, up: number) => {
    lower[col] = lo;
    upper[col] = up;
    pending.add(col);
  };
  const solve = () => {
    flushColBounds(session, pending, lower, upper);
    return run.solve(session);
  };
  /** Decisions that can make the model infeasible: raised minimums and closed site directions. */
  const risky = new Set<number>();
  let riskyThisRound: number[] = [];
  const close = (col: number) => {
    if (col >= 0 && upper[col] !== 0) setBounds(col, 0, 0);
  };
  const raise = (col: number, minKw: number) => {
    setBounds(col, minKw, upper[col]!);
    risky.add(col);
    riskyThisRound.push(col);
  };
  const closeSite = (col: number) => {
    setBounds(col, 0, 0);
    risky.add(col);
    riskyThisRound.push(col);
  };
  /** Raised minimums become closed slots; closed site directions reopen. Idle is always feasible. */
  const undo = (cols: Iterable<number>) => {
    for (const col of cols) {
      risky.delete(col);
      if (lower[col]! > 0) close(col);
      else setBounds(col, lower[col]!, formulation.lp.colUpper[col]!);
    }
  };
  /**
   * A frozen vehicle keeps the on/off pattern of the LP's answer: every slot of its stay that is on (> 0) keeps
   * at least its minimum, every slot that is off stays off, so the LP can only move its power between the
   * minimum and the maximum of its on slots and no new low-power or two-way slot can appear for it. The first
   * round freezes every vehicle not in conflict, the second every vehicle: so the repair ends after at most
   * 2 re-solves (more only for a site import/export overlap or an infeasible raise). Without it, raising one
   * low slot moves the remainder to another slot, or, through the site's limits and demand charge, to another
   * vehicle, round after round (measured at 1,000 vehicles: 10 rounds, rounds 2-10 finding their conflicts on
   * vehicles never in conflict before). The vehicles in conflict get one free round first because freezing
   * them at once costs quality (they cannot move their remainder to a new slot): measured, bench/RESULTS.md
   * issue 12 session 6, on the generated 50-vehicle depot 0.0046 % above the LP bound with the free round,
   * 0.0228 % without; on 10 seeded 50-vehicle depots with a dispatch limit mean 0.0022 % (0.0031 % with the
   * old freeze of vehicles still in conflict after 3 rounds, up to 14 re-solves).
   * A slot the LP already runs at or above its minimum is not one of the round's risky decisions (the LP's
   * answer keeps it): when a round is infeasible its raised low slots are undone first, and only if that is
   * not enough every raised minimum, frozen ones included (a frozen discharge minimum can need an earlier
   * charge that a closed slot took away).
   */
  const frozen = new Uint8Array(rp.vehicles.length);
  const freeze = (vehicle: number, at: Float64Array) => {
    frozen[vehicle] = 1;
    const v = rp.vehicles[vehicle]!;
    const chargeCols = columns.charge[vehicle]!;
    const dischargeCols = columns.discharge[vehicle]!;
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      freezeSlot(chargeCols[t]!, v.minChargeKw, at);
      freezeSlot(dischargeCols[t]!, v.minDischargeKw, at);
    }
  };
  const freezeSlot = (col: number, minKw: number, at: Float64Array) => {
    if (col < 0 || upper[col] === 0) return;
    const kw = at[col]!;
    if (kw <= modeToleranceKw) close(col);
    else if (minKw > 0 && lower[col]! < minKw) {
      const floorKw = Math.min(minKw, upper[col]!);
      if (kw >= floorKw - modeToleranceKw) {
        setBounds(col, floorKw, upper[col]!);
        risky.add(col); // undone only when undoing this round's own raises is not enough
      } else raise(col, floorKw);
    }
  };
  let { x, conflicts } = first;
  let rounds = 0;
  /** Every vehicle the repair decided something for: where its plan may be worse than the exact optimum. */
  const touched = new Set<number>();
  while (conflicts.count > 0) {
    rounds++;
    for (const c of conflicts.vehicles) touched.add(c.vehicle);
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
      // Round 1: every vehicle not in conflict; from round 2: every vehicle (those in conflict had one free round).
      const inConflict = rounds === 1 ? new Set(conflicts.vehicles.map((c) => c.vehicle)) : undefined;
      for (let i = 0; i < rp.vehicles.length; i++) if (!frozen[i] && !inConflict?.has(i)) freeze(i, x);
      for (const c of conflicts.site) {
        // Keep the site's own direction: a site that needs power imports; one with PV to spare exports it
        // (curtailment can only lower an export, so closing the import never forces curtailment).
        const col = c.uncurtailedNetKw >= 0 ? columns.exportKw[c.slot]! : columns.importKw[c.slot]!;
        if (col >= 0) closeSite(col);
      }
    }
    let answer = solve();
    if (answer.status === 'infeasible') {
      undo(riskyThisRound);
      answer = solve();
    }
    if (answer.status === 'infeasible') {
      undo([...risky]);
      answer = solve();
    }
    if (!answer.x) {
      const status = answer.status === 'timed_out' ? 'timed_out' : 'error';
      return { status, message: `LP repair stopped in round ${rounds}: ${answer.message ?? answer.status}`, partialX: x, touched };
    }
    x = answer.x;
    run.report('repair');
    conflicts = findModeConflicts(rp, columns, x);
    if (lastResort && conflicts.vehicles.length === 0) break;
  }
  const left = conflicts.count > 0 ? `; ${conflicts.count} site import/export overlap(s) left` : '';
  const answer = answerFrom(rp, columns, x, 'feasible', `minimum power and single direction enforced by LP repair in ${rounds} round(s)${left}`);
  return { ...answer, touched, ...(conflicts.count === 0 ? { x } : {}) };
}

/** What a solve may be given besides its (serialisable) options: a clock and a progress listener. */
export interface SolveEnvironment {
  /** Monotonic ms clock that keeps the time budget; default `performance.now`. */
  readonly clock?: SolveClock;
  readonly onProgress?: SolveProgressListener;
  /** Budget already spent before this call (ms): handing the problem to a worker thread counts against the limit. */
  readonly alreadyElapsedMs?: number;
  /** Where `SolveOptions.warmStart` keeps and finds bases; default this thread's store (warm-basis.ts). */
  readonly warmBases?: WarmBasisStore;
  /**
   * Network rows to build into the first model (a neighbouring problem's, `knownNetworkRows`): the LP's
   * optimum is the same with or without them (they are rows of the full polygon model), fewer lazy rounds
   * find it, and the vertex found (so the repair's plan) may differ. `onNetworkRows` is told how many were
   * taken (`seeded`) and, at the end, the rows this solve's models held (to seed the next problem).
   */
  readonly networkRowSeed?: NetworkRowSeed;
  readonly onNetworkRows?: (rows: NetworkRowsReport) => void;
  /**
   * Keep the first LP's optimal basis with the rows `onNetworkRows` is told of (`held.basis`, network/seed-basis.ts),
   * for a neighbouring problem's first LP to start from (the offline month at the next capacity down).
   */
  readonly keepFirstLpBasis?: boolean;
  /** With `onNetworkRows`: also tell it (`binding`) which held rows the returned plan brings within this share of their bound. */
  readonly networkRowsBindingShare?: number;
}

/** What `SolveEnvironment.onNetworkRows` is told at the end of a solve. */
export interface NetworkRowsReport {
  /** How many of the seed's rows the first model was built with. */
  readonly seeded: number;
  /** The rows this solve's models held (with the first LP's basis when `keepFirstLpBasis`). */
  readonly held: NetworkRowSeed | undefined;
  readonly binding?: NetworkRowSeed | undefined;
  /** Why the seed's basis was not used (the first LP started cold); absent when it was used or none was given. */
  readonly basisRefused?: string;
}

/** How the solver's part ended: the status and source of its own best answer (offered to the incumbents). */
interface SolverOutcome {
  readonly status: PlanStatus;
  readonly source?: PlanSource;
  readonly message?: string;
}

/**
 * LP, then the mode-conflict enforcement; every plan found on the way is offered to `incumbents`: the LP
 * made feasible by rounding, the repair's plan (or, stopped by the budget, its last answer rounded), the
 * exact MILP's. With `milp` the repair runs first (fast), so when the MILP runs out of budget its plan is
 * the one returned. Never throws for solver outcomes; disposes every session it opens.
 */
function runSolver(
  rp: ResolvedProblem,
  run: SolveRun,
  incumbents: Incumbents,
  strategy: IntegerStrategy,
  maxRounds: number,
  polish: ExactPolishOptions = {},
  warmBases?: WarmBasisStore,
  crash: boolean = solveDefaults.crashBasis,
  keepBasis = false,
): SolverOutcome {
  const name = run.backend.name;
  run.report('build');
  const formulation = run.build(rp, noIntegers.vehicleSlots, noIntegers.siteSlots);
  let session: NetworkSession;
  try {
    session = run.open(formulation);
  } catch (error) {
    return { status: 'error', message: `${name} refused the model: ${(error as Error).message}` };
  }
  const warmKey = warmBases !== undefined && session.getBasis !== undefined ? lpStructureKey(formulation.lp) : undefined;
  if (warmKey !== undefined) {
    const basis = warmBases!.get(warmKey);
    if (basis !== undefined && session.setBasis?.(basis)) run.warmStart = 'basis';
  }
  let seedWarm = false;
  if (run.warmStart === undefined && session.setBasis !== undefined) {
    // A neighbouring problem's first-LP basis (`networkRowSeed` with a basis): its dual simplex starts there.
    const seeded = seededFirstBasis(rp, formulation.networkRows, formulation.lp.numCols, formulation.lp.numRows);
    if (seeded !== undefined && 'basis' in seeded && session.setBasis(seeded.basis)) {
      run.warmStart = 'basis';
      seedWarm = true;
    }
    else if (seeded !== undefined) run.seedBasisRefused = 'refused' in seeded ? seeded.refused : `${name} refused it as a basis of this model`;
  }
  if (crash && run.warmStart === undefined && session.setBasis !== undefined) {
    const basis = greedyCrashBasis(rp, formulation);
    if (basis !== undefined) session.setBasis(basis); // refused: the LP starts from the slack basis
  }
  const offer = (answer: Answer, source: PlanSource) => {
    incumbents.offer(
      assemblePlan(rp, {
        status: answer.status,
        powerKw: answer.powers!,
        ...(answer.pvCurtailedKw ? { pvCurtailedKw: answer.pvCurtailedKw } : {}),
        stats: run.stats(),
      }),
      source,
    );
    run.bestObjective = incumbents.bestObjective();
  };
  const offerRounded = (x: Float64Array) => {
    offer({ status: 'feasible', powers: roundedPowers(rp, extractPowers(rp, formulation.columns, x)) }, 'lp-rounded');
  };
  try {
    // From a seed's basis (many primal infeasibilities) HiGHS would first compute exact steepest-edge weights for
    // every row; Devex pricing skips that (measured on the offline month: bench/RESULTS.md, issue 16 session 11).
    const lp = run.solve(session, undefined, undefined, undefined, seedWarm ? 'devex' : undefined);
    if (warmKey !== undefined && lp.status === 'optimal') {
      const basis = session.getBasis!();
      if (basis !== undefined) warmBases!.set(warmKey, basis);
    }
    if (keepBasis && lp.status === 'optimal') keepFirstLpBasis(rp, session);
    if (!lp.x || lp.status !== 'optimal') {
      if (lp.x) offerRounded(lp.x);
      return { status: lp.status === 'timed_out' || lp.status === 'feasible' ? 'timed_out' : 'error', message: lp.message ?? `${name}: ${lp.status}` };
    }
    // With a network the LP holds current magnitudes by an inner polygon: its objective bounds the exact
    // problem only after the duality correction (magnitude-rows.ts), and "optimal" means optimal for it.
    const approximationGap = innerApproximationGap(session.networkRowSet(), lp.rowDual);
    // A charge preference (regulariser) is in the LP's objective but not the plan's: no bound is claimed then.
    const regularised = rp.source.vehicles.some((v) => v.chargePreferencePerKwh !== undefined);
    run.bound = lp.objective === undefined || approximationGap === undefined || regularised ? undefined : lp.objective - approximationGap;
    // A MILP round bounds the exact problem only where the LP model is it (no inner polygon of a network).
    run.milpBoundValid = run.bound !== undefined && approximationGap === 0;
    const noted = (answer: Answer) => withApproximationNote(rp, approximationGap, lp.objective ?? 0, answer);
    const conflicts = findModeConflicts(rp, formulation.columns, lp.x);
    if (conflicts.count === 0) {
      const answer = noted(answerFrom(rp, formulation.columns, lp.x, 'optimal'));
      offer(answer, 'lp');
      return { status: answer.status, source: 'lp', ...(answer.message !== undefined ? { message: answer.message } : {}) };
    }
    // The LP made feasible by rounding: made only if the repair's plan does not end within the MIP gap of the bound.
    const lpX = lp.x;
    incumbents.offerLater(() => offerRounded(lpX));
    run.report('lp');
    const repairedRaw = repair(rp, run, formulation, session, { x: lp.x, conflicts }, maxRounds);
    const repaired = noted(repairedRaw);
    if (repaired.powers) offer(repaired, 'lp-repair');
    else if (repaired.partialX) offerRounded(repaired.partialX);
    const repairOutcome: SolverOutcome = {
      status: repaired.status,
      ...(repaired.powers ? { source: 'lp-repair' as const } : {}),
      ...(repaired.message !== undefined ? { message: repaired.message } : {}),
    };
    if (strategy !== 'milp') {
      // The exact polish: small fleets whose repaired plan is further from the bound than the MIP gap get the
      // lazy MILP over the vehicles the repair touched, started from the repaired plan, within a cap.
      const capMs = exactPolishCapMs(rp, run, polish, incumbents.bestObjective());
      if (capMs === undefined || !repairedRaw.x) return repairOutcome;
      const polished = solveMilp(rp, run, conflicts, maxRounds, {
        vehicles: repairedRaw.touched,
        startX: repairedRaw.x,
        endMs: run.elapsedMs() + capMs,
        maxNodes: polish.maxNodes ?? exactPolishDefaults.maxNodes,
      });
      if (!polished) return { ...repairOutcome, message: `${repaired.message ?? ''}; exact polish (MILP over ${repairedRaw.touched.size} vehicle(s)) gave no plan within its limits` };
      const answer = noted(polished);
      offer(answer, 'milp');
      const how = answer.status === 'optimal' ? 'optimal within the MIP gap' : 'stopped at its node or time limit: its best plan';
      return { status: answer.status, source: 'milp', message: `${repaired.message ?? ''}; polished by the exact MILP over ${repairedRaw.touched.size} vehicle(s): ${how}` };
    }
    // Started from the repair's plan (its MIP start): a MILP stopped by the budget then has at least that plan.
    const exact = solveMilp(rp, run, conflicts, maxRounds, repairedRaw.x ? { startX: repairedRaw.x } : {});
    if (!exact) return { ...repairOutcome, message: `MILP did not finish within its budget; ${repaired.message ?? ''}` };
    const answer = noted(exact);
    offer(answer, 'milp');
    return { status: answer.status, source: 'milp', ...(answer.message !== undefined ? { message: answer.message } : {}) };
  } finally {
    session.dispose();
  }
}

/**
 * Solves a validated problem with one LP backend, synchronously (run it in a worker thread for HiGHS; see
 * solver-pool.ts), within one wall-clock budget for the whole solve (`timeLimitMs`, kept by `env.clock`).
 *
 * Anytime: every plan found on the way (the solver's, the LP made feasible, a repair stopped by the
 * budget, each baseline) is a candidate, and the cheapest valid one is returned (incumbents.ts). So a
 * returned plan never costs more than any baseline or any valid plan the solve found, and a plan that is
 * not the solver's says so in its message and `origin`. Status: `optimal` (proven), `feasible`,
 * `timed_out` (the budget ran out: the best plan by then) or `error` (the backend failed: the best
 * baseline). Never throws for expected outcomes; never returns a plan the validator refuses.
 */
export function solveWithBackend(problem: Problem, backend: LpBackend, options: SolveOptions = {}, env: SolveEnvironment = {}): Plan {
  const timeLimitMs = options.timeLimitMs ?? solveDefaults.timeLimitMs;
  const run = new SolveRun(backend, timeLimitMs, options.mipRelGap ?? solveDefaults.mipRelGap, env.clock, env.onProgress, env.alreadyElapsedMs);
  if (options.energyForm !== undefined && options.energyForm !== 'auto') run.energyForm = options.energyForm;
  if (options.workLimit !== undefined) run.workLimit = options.workLimit;
  const strategy = options.integerStrategy ?? solveDefaults.integerStrategy;
  const rp = resolveProblem(problem);
  const seeded = env.networkRowSeed !== undefined ? seedNetworkRows(rp, env.networkRowSeed) : 0;
  const incumbents = new Incumbents(problem, rp, options.candidateObjective);
  const warmBases = options.warmStart ? (env.warmBases ?? threadWarmBases) : undefined;
  const outcome = runSolver(rp, run, incumbents, strategy, options.maxRounds ?? solveDefaults.maxRounds, options.exactPolish, warmBases, options.crashBasis ?? solveDefaults.crashBasis, env.keepFirstLpBasis === true && rp.network !== undefined);
  // A proven optimum needs no comparison: no baseline can beat it (up to the MIP gap). Nor can one beat a
  // plan within the MIP gap of the LP bound (the bound is below every valid plan, baselines included) by
  // more than that gap: the baselines (94 ms of CPU at 1,000 vehicles) and the LP made feasible by rounding are
  // made only if that plan fails the validator.
  const closeToBound = outcome.status !== 'optimal' && withinMipGapOfBound(run, incumbents.bestObjective());
  if (outcome.status !== 'optimal' && !closeToBound) {
    incumbents.offerPending();
    incumbents.offerBaselines();
  }
  run.bestObjective = incumbents.bestObjective();
  run.report('incumbents');
  let choice = incumbents.choose();
  let baselinesSkipped = closeToBound;
  if (closeToBound && !withinMipGapOfBound(run, choice.candidate.objective)) {
    incumbents.offerPending();
    incumbents.offerBaselines();
    choice = incumbents.choose();
    baselinesSkipped = false;
  }
  const messageParts = [outcome.message, baselinesSkipped ? `baselines and the rounded LP not compared: the plan is within the MIP gap (${run.mipRelGap}) of the LP bound` : undefined].filter((m) => m !== undefined && m !== '');
  const solverRejected = outcome.source !== undefined && choice.rejected.some((r) => r.startsWith(`${outcome.source} `));
  let status: PlanStatus;
  if (run.timedOut) status = 'timed_out';
  else if (outcome.status === 'error' || solverRejected) status = 'error';
  else if (choice.candidate.source === outcome.source) status = outcome.status;
  else status = 'feasible';
  const plan = finishPlan(rp, choice, {
    status,
    ...(messageParts.length > 0 ? { message: messageParts.join('; ') } : {}),
    stats: { ...run.stats(), solveMs: Math.max(run.solveMs, run.elapsedMs() - run.buildMs) },
    ...(run.bestBound() !== undefined ? { bound: run.bestBound()! } : {}),
    timeLimitMs,
    elapsedMs: run.elapsedMs(),
    timedOut: run.timedOut,
    ...(outcome.source !== undefined ? { solverSource: outcome.source } : {}),
  });
  run.report('done');
  if (env.onNetworkRows) {
    const held = knownNetworkRows(rp);
    const bindingShare = env.networkRowsBindingShare;
    const binding = held !== undefined && bindingShare !== undefined ? bindingNetworkRows(rp, held, plan.vehicles.map((v) => v.powerKw), bindingShare) : undefined;
    env.onNetworkRows({ seeded, held, ...(bindingShare !== undefined ? { binding } : {}), ...(run.seedBasisRefused !== undefined ? { basisRefused: run.seedBasisRefused } : {}) });
  }
  return plan;
}

/** Whether `objective` is within the MIP gap (relative, as the MILP's) of the proven LP bound of `run`. */
function withinMipGapOfBound(run: SolveRun, objective: number | undefined): boolean {
  if (run.bound === undefined || objective === undefined) return false;
  return objective - run.bound <= run.mipRelGap * Math.max(1, Math.abs(objective));
}

/** Runs a baseline and validates its plan like any other. */
export function solveWithBaseline(problem: Problem, name: BaselineName): Plan {
  const rp = resolveProblem(problem);
  const plan = runBaseline(name, rp);
  const violations = validatePlan(problem, plan);
  if (violations.length === 0) return withShortfallReasons(rp, plan, false);
  const first = violations.slice(0, 3).map((v) => v.message).join('; ');
  const idle = rp.vehicles.map(() => new Float64Array(rp.slotCount));
  return assemblePlan(rp, {
    status: 'error',
    message: `${name} plan failed validation (${violations.length}): ${first}; fallback plan: all vehicles idle`,
    powerKw: idle,
    stats: emptyStats(name),
  });
}
