/**
 * The distributed backend (REDIS_URL set): RedisStore, RedisIdempotencyStore, RedisChargerCredentials, BullmqQueue,
 * RedisPlanBus, RedisChangeFeed, the Redis auth-failure throttle, all on one Redis under `V2G_REDIS_PREFIX`
 * (adapters/store/REDIS.md). Loaded by service-backend.ts only when REDIS_URL is set: an embedded start never loads
 * bullmq or ioredis (start-up time, bench/cli-startup-bench.ts).
 */
import { RedisAuthThrottle } from '../auth-throttle/redis-auth-throttle.ts';
import type { ServiceConfig } from '../config.ts';
import { createRedisBackend } from '../queue/redis-backend.ts';
import { RedisChargerCredentials } from '../store/redis-charger-credentials.ts';
import { RedisChargerStatusBoard } from '../store/redis-charger-status.ts';
import { createRedisClient, redisEndpoint } from '../store/redis-connection.ts';
import { RedisMeterLog } from '../store/redis-meter-log.ts';
import { RedisPortfolioStore } from '../store/redis-portfolio-store.ts';
import { RedisChangeFeed } from '../change-feed/redis-change-feed.ts';
import { RedisPlanBus } from './redis-plan-bus.ts';
import { mergeReplanData, type ReplanJobData, type ReplanJobResult } from './replan-job.ts';
import type { ServiceBackend, ServiceBackendOptions } from './service-backend-port.ts';

export function createDistributedBackend(config: ServiceConfig & { readonly redisUrl: string }, options: ServiceBackendOptions): ServiceBackend {
  const { clock, timers, onError } = options;
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
