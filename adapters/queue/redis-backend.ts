/**
 * Distributed mode in one call: what REDIS_URL switches on. The composition root calls
 * `createRedisBackend` instead of creating MemoryStore / MemoryIdempotencyStore / MemoryQueue, awaits
 * `ready()` in `start()`, and calls `close()` last in its shutdown (after HTTP and the queue workers).
 *
 * Invariants: one `producer` connection (fail fast) serves the store, the idempotency keys and the
 * queue's producer side; each process that calls `queue.process()` gets its own `worker` connections
 * (made by the queue, closed by `queue.close()`); every key is under `prefix` (V2G_REDIS_PREFIX).
 */
import type { Redis } from 'ioredis';
import type { Clock, Timers } from '../clock.ts';
import { closeRedisClient, createRedisClient, waitForRedis, type RedisClientOptions } from '../store/redis-connection.ts';
import { RedisIdempotencyStore } from '../store/redis-idempotency-store.ts';
import { defaultRedisPrefix } from '../store/redis-keys.ts';
import { RedisStore } from '../store/redis-store.ts';
import { BullmqQueue, type BullmqQueueOptions } from './bullmq-queue.ts';
import type { CloseOptions } from './queue.ts';

export interface RedisBackendOptions<D> {
  /** REDIS_URL (`redis://` or `rediss://`, credentials and db in the URL). */
  readonly url: string;
  /** V2G_REDIS_PREFIX; default `v2g`. */
  readonly prefix?: string;
  /** Shown in `CLIENT LIST`: `v2g-api`, `v2g-worker`, `v2g-ocpp`. */
  readonly processName: string;
  readonly clock: Clock;
  readonly timers: Timers;
  /** The queue's name (`replan`), its merge of deduplicated data, and jobs run at once per worker process. */
  readonly queueName: string;
  readonly merge: (pending: D, incoming: D) => D;
  readonly concurrency: number;
  /** Connection errors (rate-limited by the reconnect backoff) and background failures. */
  readonly onError?: (error: Error) => void;
  /** Producer `commandTimeout` etc. (redis-connection.ts defaults otherwise). */
  readonly connection?: Omit<RedisClientOptions, 'connectionName' | 'onError'>;
  /** BullMQ lock, stalled check and hand-back reporting (bullmq-queue.ts). */
  readonly worker?: Pick<BullmqQueueOptions<D>, 'lockDurationMs' | 'stalledIntervalMs' | 'maxStalledCount' | 'onHandBack'>;
}

export interface RedisBackend<D, R> {
  readonly redis: Redis;
  readonly store: RedisStore;
  readonly idempotency: RedisIdempotencyStore;
  readonly queue: BullmqQueue<D, R>;
  /** Resolves once Redis answers; rejects with StoreUnavailableError after `timeoutMs`. */
  ready(timeoutMs: number): Promise<void>;
  /** Closes the queue (waits for active jobs, or hands them back after `handBackAfterMs`) and then the producer connection. */
  close(options?: CloseOptions): Promise<void>;
}

/**
 * @example
 * const backend = createRedisBackend<ReplanJobData, ReplanJobResult>({ url: config.redisUrl, prefix: config.redisPrefix,
 *   processName: 'v2g-api', clock, timers, queueName: 'replan', merge: mergeReplanData, concurrency: config.solverPoolSize });
 */
export function createRedisBackend<D, R>(options: RedisBackendOptions<D>): RedisBackend<D, R> {
  const prefix = options.prefix ?? defaultRedisPrefix;
  const onError = options.onError ?? (() => undefined);
  const redis = createRedisClient(options.url, 'producer', { ...options.connection, connectionName: options.processName, onError });
  const store = new RedisStore({ client: redis, prefix });
  const idempotency = new RedisIdempotencyStore({ client: redis, clock: options.clock, prefix });
  const queue = new BullmqQueue<D, R>({
    name: options.queueName,
    connection: redis,
    workerConnection: () => createRedisClient(options.url, 'worker', { connectionName: `${options.processName}-worker`, onError }),
    prefix,
    clock: options.clock,
    timers: options.timers,
    concurrency: options.concurrency,
    merge: options.merge,
    onError,
    ...options.worker,
  });
  let closing: Promise<void> | undefined;
  return {
    redis,
    store,
    idempotency,
    queue,
    ready: (timeoutMs) => waitForRedis(redis, timeoutMs),
    close(closeOptions) {
      closing ??= (async () => {
        await queue.close(closeOptions);
        await closeRedisClient(redis);
      })();
      return closing;
    },
  };
}
