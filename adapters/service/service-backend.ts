/**
 * What REDIS_URL switches: the store, the idempotency keys, the charger credentials, the re-plan queue and
 * the plan bus and the dashboard's change feed, either all in this process (embedded: MemoryStore, MemoryIdempotencyStore,
 * MemoryChargerCredentials, MemoryQueue, MemoryPlanBus, MemoryChangeFeed) or all on one Redis under `V2G_REDIS_PREFIX`
 * (RedisStore, RedisIdempotencyStore, RedisChargerCredentials, BullmqQueue, RedisPlanBus, RedisChangeFeed, and the
 * auth-failure throttle and dispatch rate limit, shared by every process;
 * adapters/store/REDIS.md). The rest of the service sees only the ports.
 *
 * Lifecycle: `ready()` before serving (rejects with StoreUnavailableError when Redis does not answer in
 * time); `close()` last: the queue first (it waits for active jobs, or hands them back after
 * `handBackAfterMs`, and they may still announce plans), then the plan bus, then the connections.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AuthThrottle } from '../auth-throttle/auth-throttle.ts';
import { MemoryAuthThrottle } from '../auth-throttle/memory-auth-throttle.ts';
import { RedisAuthThrottle } from '../auth-throttle/redis-auth-throttle.ts';
import type { Clock, Timers } from '../clock.ts';
import type { ServiceConfig } from '../config.ts';
import { MemoryQueue } from '../queue/memory-queue.ts';
import type { CloseOptions } from '../queue/queue.ts';
import { createRedisBackend } from '../queue/redis-backend.ts';
import type { ChargerCredentials } from '../store/charger-credentials.ts';
import type { ChargerStatusBoard } from '../store/charger-status.ts';
import { MemoryChargerCredentials } from '../store/memory-charger-credentials.ts';
import { MemoryChargerStatusBoard } from '../store/memory-charger-status.ts';
import { MemoryIdempotencyStore } from '../store/memory-idempotency-store.ts';
import { RedisChargerCredentials } from '../store/redis-charger-credentials.ts';
import { RedisChargerStatusBoard } from '../store/redis-charger-status.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { createRedisClient, redisEndpoint } from '../store/redis-connection.ts';
import { MemoryMeterLog, type MeterLog } from '../store/meter-log.ts';
import { MemoryPortfolioStore } from '../store/memory-portfolio-store.ts';
import { RedisMeterLog } from '../store/redis-meter-log.ts';
import type { PortfolioStore } from '../store/portfolio-store.ts';
import { RedisPortfolioStore } from '../store/redis-portfolio-store.ts';
import type { IdempotencyStore, Store } from '../store/store.ts';
import { MemoryChangeFeed, type ChangeFeed } from '../dashboard/change-feed.ts';
import { RedisChangeFeed } from '../dashboard/redis-change-feed.ts';
import { MemoryPlanBus, type PlanBus } from './plan-bus.ts';
import { RedisPlanBus } from './redis-plan-bus.ts';
import { mergeReplanData, type ReplanJobData, type ReplanJobResult, type ReplanQueue } from './replan-job.ts';

export interface ServiceBackend {
  readonly mode: 'embedded' | 'distributed';
  /** Where the state lives, for banners and logs (no credentials). */
  readonly description: string;
  readonly store: Store;
  readonly idempotency: IdempotencyStore;
  /** Portfolios of sites (MemoryPortfolioStore or RedisPortfolioStore). */
  readonly portfolios: PortfolioStore;
  /** Chargers' meter readings for M&V (MemoryMeterLog or RedisMeterLog). */
  readonly meterLog: MeterLog;
  /** Charge points' passwords (MemoryChargerCredentials or RedisChargerCredentials). */
  readonly chargerCredentials: ChargerCredentials;
  /** Charge points' links and plan delivery (MemoryChargerStatusBoard or RedisChargerStatusBoard). */
  readonly chargerStatus: ChargerStatusBoard;
  readonly queue: ReplanQueue;
  /** BullMQ queues behind `queue`, for the queue dashboard (none when embedded). */
  readonly bullQueues: readonly Queue[];
  readonly planBus: PlanBus;
  /** "A plan, session, charger, dispatch... changed", for the dashboard's live updates (MemoryChangeFeed or RedisChangeFeed). */
  readonly changes: ChangeFeed;
  /** Auth-failure throttles (HTTP tokens, OCPP passwords): per process, or shared on Redis. */
  readonly authThrottle: AuthThrottle;
  /** The producer connection in distributed mode (the dispatch rate limit is counted there). */
  readonly redis?: Redis;
  ready(timeoutMs: number): Promise<void>;
  close(options?: CloseOptions): Promise<void>;
}

export interface ServiceBackendOptions {
  readonly clock: Clock;
  readonly timers: Timers;
  /** Shown in Redis `CLIENT LIST`, e.g. `v2g-worker`. */
  readonly processName: string;
  /** Embedded only: stores to use instead of new in-memory ones (tests). */
  readonly store?: Store;
  readonly idempotency?: IdempotencyStore;
  readonly chargerCredentials?: ChargerCredentials;
  /** Connection errors and background failures (rate-limited by the reconnect backoff). */
  readonly onError: (error: Error) => void;
  /** The queue handed running jobs back at shutdown. */
  readonly onHandBack?: (jobIds: readonly string[]) => void;
  /** The plan bus's reader reconnected to Redis. */
  readonly onPlanBusReconnect?: () => void;
}

export function createServiceBackend(config: ServiceConfig, options: ServiceBackendOptions): ServiceBackend {
  const { clock, timers, onError } = options;
  if (config.redisUrl === undefined) {
    const queue = new MemoryQueue<ReplanJobData, ReplanJobResult>({ clock, timers, concurrency: config.solverPoolSize, merge: mergeReplanData });
    const planBus = new MemoryPlanBus(onError);
    const changes = new MemoryChangeFeed(onError);
    return {
      mode: 'embedded',
      description: 'in-memory store, in-process queue',
      store: options.store ?? new MemoryStore(),
      idempotency: options.idempotency ?? new MemoryIdempotencyStore(clock),
      portfolios: new MemoryPortfolioStore(),
      meterLog: new MemoryMeterLog(),
      chargerCredentials: options.chargerCredentials ?? new MemoryChargerCredentials(),
      chargerStatus: new MemoryChargerStatusBoard(),
      queue,
      bullQueues: [],
      planBus,
      changes,
      authThrottle: new MemoryAuthThrottle(clock),
      ready: async () => undefined,
      async close() {
        // In-process jobs have nobody to be handed back to: they finish (bounded by close-with-grace).
        await queue.close();
        await planBus.close();
        await changes.close();
      },
    };
  }
  const url = config.redisUrl;
  const redis = createRedisBackend<ReplanJobData, ReplanJobResult>({
    url,
    prefix: config.redisPrefix,
    processName: options.processName,
    clock,
    timers,
    queueName: 'replan',
    merge: mergeReplanData,
    concurrency: config.solverPoolSize,
    onError,
    connection: { commandTimeoutMs: config.redisCommandTimeoutMs },
    worker: {
      lockDurationMs: config.queueLockMs,
      stalledIntervalMs: config.queueStalledIntervalMs,
      ...(options.onHandBack ? { onHandBack: options.onHandBack } : {}),
    },
  });
  const planBus = new RedisPlanBus({
    producer: redis.redis,
    readerConnection: () => createRedisClient(url, 'worker', { connectionName: `${options.processName}-plans`, onError }),
    prefix: config.redisPrefix,
    timers,
    onError,
    ...(options.onPlanBusReconnect ? { onReconnect: options.onPlanBusReconnect } : {}),
  });
  const changes = new RedisChangeFeed({
    producer: redis.redis,
    subscriberConnection: () => createRedisClient(url, 'worker', { connectionName: `${options.processName}-changes`, onError }),
    prefix: config.redisPrefix,
    clock,
    onError,
  });
  return {
    mode: 'distributed',
    description: `Redis store and BullMQ queue at ${redisEndpoint(url)}, prefix ${config.redisPrefix}`,
    store: redis.store,
    idempotency: redis.idempotency,
    portfolios: new RedisPortfolioStore({ client: redis.redis, prefix: config.redisPrefix }),
    meterLog: new RedisMeterLog(redis.redis, config.redisPrefix),
    chargerCredentials: new RedisChargerCredentials({ client: redis.redis, prefix: config.redisPrefix }),
    chargerStatus: new RedisChargerStatusBoard({ client: redis.redis, prefix: config.redisPrefix }),
    queue: redis.queue,
    bullQueues: redis.queue.bullQueues,
    planBus,
    changes,
    authThrottle: new RedisAuthThrottle({ client: redis.redis, prefix: config.redisPrefix, clock }),
    redis: redis.redis,
    ready: (timeoutMs) => redis.ready(timeoutMs),
    async close(closeOptions) {
      await redis.queue.close(closeOptions);
      await planBus.close();
      await changes.close();
      await redis.close();
    },
  };
}
