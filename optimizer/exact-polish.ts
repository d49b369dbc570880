/**
 * The exact polish of the LP repair. The repair fixes bounds one conflict at a time and can end above the
 * exact MILP optimum (it cannot undo a raise or a closed slot that later turned out to be the wrong one).
 * Where the exact answer is cheap to get - a small fleet - and the repaired plan is further from the LP
 * bound than the MIP gap, the lazy MILP (lazy-milp.ts) runs over the vehicles the repair touched, started
 * from the repaired plan (so its incumbent is never worse), within a node limit (deterministic) and the solve's one budget.
 * Its plan is one more candidate (incumbents.ts): the cheapest valid one is returned either way. HiGHS only (CLP's
 * MILPs are HiGHS's).
 */
import type { ResolvedProblem } from './resolved-problem.ts';
import type { SolveRun } from './solve-run.ts';

/** When the exact polish runs (serialisable: part of `SolveOptions`). */
export interface ExactPolishOptions {
  /** Fleets of more vehicles are not polished. Default 20; 0 turns the polish off. */
  readonly maxVehicles?: number;
  /**
   * Most branch-and-bound nodes per MILP round. Default 2 000. A node limit, not a time limit, so the plan
   * is the same on a loaded machine (a polish stopped by it still returns its best plan, never worse than
   * the repair's).
   */
  readonly maxNodes?: number;
  /** Most wall-clock time (ms) the polish may take, within the time left of the solve. Default: the time left. */
  readonly timeLimitMs?: number;
}

export const exactPolishDefaults = { maxVehicles: 20, maxNodes: 2_000 } as const;

/**
 * The polish's cap (ms), or undefined when it should not run: a fleet above `maxVehicles`, no proven bound,
 * a plan already within the MIP gap of the bound (the MILP could not prove anything better), or no time.
 */
export function exactPolishCapMs(rp: ResolvedProblem, run: SolveRun, options: ExactPolishOptions, bestObjective: number | undefined): number | undefined {
  const maxVehicles = options.maxVehicles ?? exactPolishDefaults.maxVehicles;
  // javascript-lp-solver's branch and bound works on a dense tableau: never cheap, and it takes no MIP start.
  // CLP hands its MILPs to HiGHS (clp-backend.ts): the polish runs there as it does on HiGHS alone.
  if (run.backend.name !== 'highs' && run.backend.milp !== 'highs') return undefined;
  if (rp.vehicles.length === 0 || rp.vehicles.length > maxVehicles) return undefined;
  if (run.bound === undefined || bestObjective === undefined) return undefined;
  if (bestObjective - run.bound <= run.mipRelGap * Math.max(1, Math.abs(bestObjective))) return undefined;
  const capMs = Math.min(run.remainingMs(), options.timeLimitMs ?? Infinity);
  return capMs > 0 ? capMs : undefined;
}
