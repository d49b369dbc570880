/**
 * One shard worker process's life (shard-worker.ts on a Redis connection): start, wait until BullMQ counts
 * it (the coordinator's liveness check uses the same count), serve, stop. Used by `v2g shard-worker`
 * (adapters/cli/shard-worker-command.ts) and by shard-worker-main.ts (tests and the bench).
 */
import { Queue } from 'bullmq';
import { createRedisClient } from '../store/redis-connection.ts';
import { RedisKeys } from '../store/redis-keys.ts';
import { startShardWorker } from './shard-worker.ts';

export interface ShardWorkerProcessOptions {
  readonly redisUrl: string;
  /** V2G_REDIS_PREFIX of the deployment (the coordinator must use the same). */
  readonly prefix: string;
  readonly queue: string;
  /** Redis and worker errors (log them). */
  readonly onError: (message: string) => void;
}

/** A running shard worker. */
export interface RunningShardWorker {
  /** Closes the worker (waits for a job in flight) and its connection. */
  stop(): Promise<void>;
}

/** Starts a shard worker on `queue`; resolves once BullMQ counts it as a worker of that queue. */
export async function runShardWorker(options: ShardWorkerProcessOptions): Promise<RunningShardWorker> {
  const connection = createRedisClient(options.redisUrl, 'worker', { connectionName: 'v2g-decomposition-shard', onError: (e) => options.onError(`redis: ${e.message}`) });
  const shardWorker = startShardWorker({
    connection,
    prefix: options.prefix,
    queueName: options.queue,
    onError: (e) => options.onError(`shard worker: ${e.message}`),
  });
  await shardWorker.worker.waitUntilReady();
  const queue = new Queue(options.queue, { connection, prefix: new RedisKeys(options.prefix).bullPrefix });
  while ((await queue.getWorkersCount()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  await queue.close();
  return {
    async stop() {
      await shardWorker.close();
      connection.disconnect();
    },
  };
}
