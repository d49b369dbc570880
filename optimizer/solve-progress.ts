/**
 * Progress of one solve, reported while it runs: which phase, which round, the best valid plan so far, the
 * best bound and the gap between them. The monolithic solve (solve-problem.ts) reports through it, and so
 * can any other engine (a decomposition reports its own phases); the CLI draws it as a progress bar, the
 * API shows the latest event on the job resource. Plain data, so it crosses worker threads as is.
 */

/**
 * `build`: the model is being built; `lp`: the LP relaxation; `repair` / `milp`: rounds enforcing minimum
 * power and single direction; `incumbents`: the candidates (rounded LP, baselines) are compared;
 * `decomposition`: an iteration of a decomposed solve; `done`: the plan is chosen.
 */
export type SolvePhase = 'build' | 'lp' | 'repair' | 'milp' | 'incumbents' | 'decomposition' | 'done';

export interface SolveProgress {
  readonly phase: SolvePhase;
  /** Solver rounds so far (LP and MILP solves, repair rounds, decomposition iterations). */
  readonly round: number;
  /** Time since the solve started (ms, by the solve's clock). */
  readonly elapsedMs: number;
  /** The whole solve's budget (ms). */
  readonly timeLimitMs: number;
  /** Objective of the cheapest valid plan found so far; absent before there is one. */
  readonly bestObjective?: number;
  /** Best proven lower bound on the optimum so far; absent before there is one. */
  readonly bound?: number;
  /** 100 x (bestObjective - bound) / |bound| (percent); absent unless both are known and |bound| >= 1e-9. */
  readonly gapPct?: number;
}

/** Receives progress events; must be quick (it runs on the solver's thread between solver calls). */
export type SolveProgressListener = (progress: SolveProgress) => void;

/** 100 x (objective - bound) / |bound|, or undefined when either is unknown or |bound| is below 1e-9. */
export function gapPct(objective: number | undefined, bound: number | undefined): number | undefined {
  if (objective === undefined || bound === undefined || Math.abs(bound) < 1e-9) return undefined;
  return (100 * (objective - bound)) / Math.abs(bound);
}
