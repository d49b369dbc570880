/**
 * What REDIS_URL switches: the store, the idempotency keys, the charger credentials, the re-plan queue and
 * the plan bus and the dashboard's change feed, either all in this process (embedded: MemoryStore, MemoryIdempotencyStore,
 * MemoryChargerCredentials, MemoryQueue, MemoryPlanBus, MemoryChangeFeed) or all on one Redis under `V2G_REDIS_PREFIX`
 * (RedisStore, RedisIdempotencyStore, RedisChargerCredentials, BullmqQueue, RedisPlanBus, RedisChangeFeed, and the
 * auth-failure throttle and dispatch rate limit, shared by every process;
 * adapters/store/REDIS.md). The rest of the service sees only the ports.
 *
 * The Redis implementation (redis-service-backend.ts) is imported only when REDIS_URL is set, so that an embedded
 * start loads neither bullmq nor ioredis; the ports are in service-backend-port.ts.
 *
 * Lifecycle: `ready()` before serving (rejects with StoreUnavailableError when Redis does not answer in
 * time); `close()` last: the queue first (it waits for active jobs, or hands them back after
 * `handBackAfterMs`, and they may still announce plans), then the plan bus, then the connections.
 */
import { MemoryAuthThrottle } from '../auth-throttle/memory-auth-throttle.ts';
import type { ServiceConfig } from '../config.ts';
import { MemoryQueue } from '../queue/memory-queue.ts';
import { MemoryChargerCredentials } from '../store/memory-charger-credentials.ts';
import { MemoryChargerStatusBoard } from '../store/memory-charger-status.ts';
import { MemoryIdempotencyStore } from '../store/memory-idempotency-store.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { MemoryMeterLog } from '../store/meter-log.ts';
import { MemoryPortfolioStore } from '../store/memory-portfolio-store.ts';
import { MemoryChangeFeed } from '../change-feed/change-feed.ts';
import { MemoryPlanBus } from './plan-bus.ts';
import { mergeReplanData, type ReplanJobData, type ReplanJobResult } from './replan-job.ts';
import type { ServiceBackend, ServiceBackendOptions } from './service-backend-port.ts';

export type { ServiceBackend, ServiceBackendOptions } from './service-backend-port.ts';

export async function createServiceBackend(config: ServiceConfig, options: ServiceBackendOptions): Promise<ServiceBackend> {
  const { clock, timers, onError } = options;
  if (config.redisUrl !== undefined) {
    const { createDistributedBackend } = await import('./redis-service-backend.ts');
    return createDistributedBackend({ ...config, redisUrl: config.redisUrl }, options);
  }
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
