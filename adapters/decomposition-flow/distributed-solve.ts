/**
 * A decomposed solve whose shards run in BullMQ shard worker processes (flow-executor.ts), this process
 * the coordinator: used by `v2g solve --shards bullmq`. Checks first that every shard queue has a worker
 * (V2G_ERR_DECOMPOSITION_NO_SHARD_WORKER otherwise, naming the queues and the command that starts one);
 * the plan's message starts with how it was made ("engine decomposition over N BullMQ shard worker
 * process(es) (queues ...)"), `stats.backend` is 'decomposition'.
 */
import { Queue } from 'bullmq';
import { solveWithDecomposition, type DecompositionOptions } from '../../optimizer/decomposition/decompose.ts';
import type { ShardExecutorFactory } from '../../optimizer/decomposition/shard-executor.ts';
import type { Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { createRedisClient, waitForRedis } from '../store/redis-connection.ts';
import { RedisKeys } from '../store/redis-keys.ts';
import { flowShardExecutor } from './flow-executor.ts';

/** No shard worker serves one of the shard queues (nothing was sent). */
export class NoShardWorkerError extends Error {
  readonly code = 'V2G_ERR_DECOMPOSITION_NO_SHARD_WORKER';
  readonly retryable = true;
  readonly statusCode = 503;
  readonly errors: readonly never[] = [];
  constructor(readonly queues: readonly string[]) {
    super(
      `V2G_ERR_DECOMPOSITION_NO_SHARD_WORKER: no shard worker serves ${queues.map((q) => `"${q}"`).join(', ')}; ` +
        `start one per queue with the same REDIS_URL and V2G_REDIS_PREFIX: ${queues.map((q) => `v2g shard-worker --queue ${q}`).join('; ')}`,
    );
    this.name = 'NoShardWorkerError';
  }
}

export interface DistributedSolveOptions extends Pick<DecompositionOptions, 'timeLimitMs' | 'targetGap' | 'maxIterations' | 'warmStart' | 'onProgress' | 'onPrices'> {
  readonly redisUrl: string;
  /** V2G_REDIS_PREFIX (the shard workers' own). */
  readonly prefix: string;
  /** One shard per queue, each served by a shard worker process. */
  readonly shardQueues: readonly string[];
  /** How long to wait for Redis before V2G_ERR_STORE_UNAVAILABLE (ms). Default 5000. */
  readonly redisTimeoutMs?: number;
  /** Liveness check interval of a waiting step (flow-executor.ts). */
  readonly livenessIntervalMs?: number;
  readonly onError?: (error: Error) => void;
}

/** The shard queues among `shardQueues` that no worker serves now. */
export async function queuesWithoutWorker(options: Pick<DistributedSolveOptions, 'redisUrl' | 'prefix' | 'shardQueues' | 'redisTimeoutMs'>): Promise<string[]> {
  const client = createRedisClient(options.redisUrl, 'worker', { connectionName: 'v2g-decomposition-check' });
  try {
    await waitForRedis(client, options.redisTimeoutMs ?? 5000);
    const bullPrefix = new RedisKeys(options.prefix).bullPrefix;
    const missing: string[] = [];
    for (const name of options.shardQueues) {
      const queue = new Queue(name, { connection: client, prefix: bullPrefix });
      try {
        if ((await queue.getWorkersCount()) === 0) missing.push(name);
      } finally {
        await queue.close();
      }
    }
    return missing;
  } finally {
    client.disconnect();
  }
}

/** The shard executor over the shard workers of `shardQueues`, after checking each queue has one (coded error otherwise). */
export async function shardWorkerExecutor(options: Omit<DistributedSolveOptions, 'timeLimitMs'>): Promise<ShardExecutorFactory> {
  if (options.shardQueues.length === 0) throw new NoShardWorkerError([]);
  const missing = await queuesWithoutWorker(options);
  if (missing.length > 0) throw new NoShardWorkerError(missing);
  const { redisUrl, prefix, shardQueues, livenessIntervalMs, onError } = options;
  return flowShardExecutor({
    connection: () => createRedisClient(redisUrl, 'worker', { connectionName: 'v2g-decomposition-coordinator', ...(onError ? { onError } : {}) }),
    prefix,
    shardQueues,
    ...(livenessIntervalMs !== undefined ? { livenessIntervalMs } : {}),
    ...(onError ? { onError } : {}),
  });
}

/** Solves a validated problem by decomposition over the shard workers; rejects with a coded error if one is missing or lost. */
export async function solveOnShardWorkers(problem: Problem, options: DistributedSolveOptions): Promise<Plan> {
  const shardExecutor = await shardWorkerExecutor(options);
  const { redisUrl: _u, prefix: _p, shardQueues, livenessIntervalMs: _l, onError: _e, redisTimeoutMs: _t, ...decomposition } = options;
  const plan = await solveWithDecomposition(problem, { ...decomposition, shardExecutor });
  const n = shardQueues.length;
  const how = `engine decomposition over ${n} BullMQ shard worker process${n === 1 ? '' : 'es'} (queues ${shardQueues.join(', ')})`;
  return { ...plan, message: `${how}; ${plan.message ?? ''}` };
}
