/**
 * The service's re-plan solver with DECOMPOSITION_SHARD_QUEUES (distributed mode): a site the engine rule
 * decomposes (optimizer/engine.ts, `auto`) is priced in the BullMQ shard worker processes of those queues
 * (distributed-solve.ts); every other site goes to `local` (the worker's threads). Nothing falls back
 * silently: a missing or lost shard worker fails the re-plan with its coded error (retryable: the queue
 * retries it), and the plan's message says "engine decomposition over N BullMQ shard worker process(es)"
 * and why the engine decomposed. The BullMQ half (distributed-solve.ts) loads on the first decomposed site only,
 * so an embedded start never loads bullmq or ioredis through this module (test/bin/embedded-start-packages).
 */
import { chooseEngine, type EngineChoice } from '../../optimizer/engine.ts';
import type { Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';
import type { SolveProgressListener } from '../../optimizer/solve-progress.ts';
import type { ShardExecutorFactory } from '../../optimizer/decomposition/shard-executor.ts';

/** A re-plan solver (adapters/service/replan-worker.ts PlanSolver). */
export type ProblemSolver = (problem: Problem, onProgress?: SolveProgressListener) => Promise<Plan>;

export interface ShardedPlanSolverOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly shardQueues: readonly string[];
  readonly timeLimitMs: number;
  /** Solves the sites the engine does not decompose. */
  readonly local: ProblemSolver;
  /** The engine rule (default: optimizer/engine.ts `auto`). */
  readonly choose?: (problem: Problem) => EngineChoice;
  readonly onError?: (error: Error) => void;
}

export function shardedPlanSolver(options: ShardedPlanSolverOptions): ProblemSolver {
  const choose = options.choose ?? ((problem: Problem) => chooseEngine(problem, 'auto'));
  return async (problem, onProgress) => {
    const choice = choose(problem);
    if (choice.engine !== 'decomposition') return options.local(problem, onProgress);
    const { solveOnShardWorkers } = await import('./distributed-solve.ts');
    const plan = await solveOnShardWorkers(problem, {
      redisUrl: options.redisUrl,
      prefix: options.prefix,
      shardQueues: options.shardQueues,
      timeLimitMs: options.timeLimitMs,
      ...(onProgress ? { onProgress } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
    });
    return { ...plan, message: plan.message?.replace(/^engine decomposition /, `engine decomposition (${choice.reason}) `) };
  };
}

/**
 * The portfolio's vehicle column generation on the same shard workers (adapters/service/portfolio-plan-worker.ts,
 * `vehicleColumns`): each shard of the portfolio's vehicles is a BullMQ flow child on one shard queue. Loads
 * the BullMQ half on first use; a queue without a worker fails the coordination with its coded error.
 */
export function portfolioShardExecutor(options: Pick<ShardedPlanSolverOptions, 'redisUrl' | 'prefix' | 'shardQueues' | 'onError'>): ShardExecutorFactory {
  return async (input) => {
    const { shardWorkerExecutor } = await import('./distributed-solve.ts');
    const factory = await shardWorkerExecutor({ redisUrl: options.redisUrl, prefix: options.prefix, shardQueues: options.shardQueues, ...(options.onError ? { onError: options.onError } : {}) });
    return factory(input);
  };
}
