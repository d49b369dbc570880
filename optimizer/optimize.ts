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
import { chooseEngine, type EngineName } from './engine.ts';
import type { DecompositionRequestOptions } from './worker/messages.ts';
import type { SolveProgressListener } from './solve-progress.ts';

export { isSolverName, lpSolverNames, solverNames, type SolverName } from './solver-names.ts';

export interface OptimizeOptions extends SolveOptions {
  /** Default `highs`. */
  readonly solver?: SolverName;
  /** Pool for LP backends; default: a shared pool created on first use. */
  readonly pool?: SolverPool;
  /**
   * For the `highs` solver: the monolithic LP, the price decomposition, or `auto` (default: by size,
   * engine.ts). A decomposed plan's message starts with the engine and why it was chosen.
   */
  readonly engine?: EngineName;
  /** Gap target, iteration limit and warm-start prices for a decomposed solve. */
  readonly decomposition?: DecompositionRequestOptions;
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
    const { pool, solver: _solver, onProgress, engine = 'auto', decomposition, ...solveOptions } = options;
    const solverPool = pool ?? defaultSolverPool();
    const choice = solver === 'highs' ? chooseEngine(problem, engine) : undefined;
    if (choice?.engine === 'decomposition') {
      const plan = await solverPool.solve(problem, solver, solveOptions, onProgress, decomposition ?? {});
      return { ...plan, message: `engine decomposition (${choice.reason}); ${plan.message ?? ''}` };
    }
    const plan = await solverPool.solve(problem, solver, solveOptions, onProgress);
    if (choice?.overridden) {
      return { ...plan, message: `engine monolithic (${choice.reason})${plan.message ? `; ${plan.message}` : ''}` };
    }
    return plan;
  }
  return solveWithBaseline(problem, solver);
}
