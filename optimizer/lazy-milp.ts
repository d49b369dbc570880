/**
 * The exact lazy MILP: binaries (charge mode, discharge mode, site direction) only for the vehicles and
 * site slots in conflict, solved again - with binaries for the new conflicts - until its answer has none.
 * A model with binaries on a subset is a relaxation of the full MILP, so a conflict-free answer is optimal
 * (within the MIP gap). Used by `integerStrategy: 'milp'` and by the exact polish of the repair
 * (exact-polish.ts), which seeds it with the vehicles the repair touched and the repair's plan as a start.
 */
import { modeToleranceKw, findModeConflicts, type ModeConflicts } from './mode-conflicts.ts';
import type { Formulation } from './formulation.ts';
import type { NetworkSession } from './network/lazy-rows.ts';
import type { ResolvedProblem } from './resolved-problem.ts';
import { answerFrom, type Answer } from './solver-answer.ts';
import type { SolveRun } from './solve-run.ts';

/** Where the lazy MILP starts besides the conflicts, and how long it may take. */
export interface LazyMilpSeed {
  /** Vehicles that get binaries in every slot of their stay from the first round on. */
  readonly vehicles?: Iterable<number>;
  /** A conflict-free answer of the LP model (its columns): the MIP start, so no round is worse than it. */
  readonly startX?: Float64Array;
  /** Elapsed time of the solve (ms, its clock) after which no MILP round starts or runs on (a cap within the budget). */
  readonly endMs?: number;
  /** Most branch-and-bound nodes per MILP round: a cap that gives the same answer however loaded the machine. */
  readonly maxNodes?: number;
}

/** The MIP start for `formulation`: the LP columns' values, each mode binary on where its columns carry power. */
export function mipStart(formulation: Formulation, lpX: Float64Array): Float64Array {
  const x = new Float64Array(formulation.lp.numCols);
  x.set(lpX.subarray(0, Math.min(lpX.length, x.length)));
  for (const s of formulation.modeSwitches) x[s.binary] = s.switched.some((col) => lpX[col]! > modeToleranceKw) ? 1 : 0;
  return x;
}

/** Exact: lazy binaries until no conflict is left. Returns undefined when out of rounds or time. */
export function solveMilp(rp: ResolvedProblem, run: SolveRun, first: ModeConflicts, maxRounds: number, seed: LazyMilpSeed = {}): Answer | undefined {
  const vehicleSlots = new Set<number>();
  const siteSlots = new Set<number>();
  const flag = (vehicle: number) => {
    // A flagged vehicle gets binaries in every slot of its stay: flagging single slots only moves the
    // fractional power to the next slot, round after round.
    const v = rp.vehicles[vehicle]!;
    for (let t = v.arrivalSlot; t < v.endSlot; t++) vehicleSlots.add(vehicle * rp.slotCount + t);
  };
  for (const vehicle of seed.vehicles ?? []) flag(vehicle);
  let conflicts = first;
  for (let round = 0; round < maxRounds && conflicts.count > 0; round++) {
    for (const c of conflicts.vehicles) flag(c.vehicle);
    for (const c of conflicts.site) siteSlots.add(c.slot);
    const capMs = seed.endMs !== undefined ? seed.endMs - run.elapsedMs() : undefined;
    if (capMs !== undefined && capMs <= 0) return undefined;
    const formulation = run.build(rp, vehicleSlots, siteSlots);
    let session: NetworkSession;
    try {
      session = run.open(formulation);
    } catch {
      return undefined; // the repair takes over
    }
    try {
      if (seed.startX) session.setStart?.(mipStart(formulation, seed.startX));
      const answer = run.solve(session, capMs, seed.maxNodes);
      run.noteMilpBound(answer.mipDualBound);
      run.report('milp');
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
