/**
 * The optimizer's front door: one call for every backend and baseline. LP backends run on the solver
 * pool's worker threads; baselines run inline (they are linear-time). Every plan returned has passed the
 * independent validator (plan-validator.ts).
 */
import type { Plan } from './plan.ts';
import type { Problem } from './problem.ts';
import { solveWithBaseline, type SolveOptions } from './solve-problem.ts';
import { SolverPool } from './solver-pool.ts';
import type { SolverName } from './solver-names.ts';
import type { SolveProgressListener } from './solve-progress.ts';

export { isSolverName, lpSolverNames, solverNames, type SolverName } from './solver-names.ts';

export interface OptimizeOptions extends SolveOptions {
  /** Default `highs`. */
  readonly solver?: SolverName;
  /** Pool for LP backends; default: a shared pool created on first use. */
  readonly pool?: SolverPool;
  /** Progress of an LP-backend solve (phase, round, best plan, bound, gap), from its worker thread. */
  readonly onProgress?: SolveProgressListener;
}

let sharedPool: SolverPool | undefined;

/** The process-wide solver pool (created on first use; idle workers do not keep the process alive). */
export function defaultSolverPool(): SolverPool {
  sharedPool ??= new SolverPool();
  return sharedPool;
}

/** Solves a problem that has passed `validateProblem`. Never rejects for solver outcomes: see `Plan.status`. */
export async function optimize(problem: Problem, options: OptimizeOptions = {}): Promise<Plan> {
  const solver = options.solver ?? 'highs';
  if (solver === 'highs' || solver === 'lp-solver') {
    const { pool, solver: _solver, onProgress, ...solveOptions } = options;
    return (pool ?? defaultSolverPool()).solve(problem, solver, solveOptions, onProgress);
  }
  return solveWithBaseline(problem, solver);
}
