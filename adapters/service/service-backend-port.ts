/**
 * The ports of what REDIS_URL switches (service-backend.ts): one backend, either all in this process or all on Redis.
 * Kept apart from both implementations, so that the Redis one (redis-service-backend.ts) loads only with REDIS_URL.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AuthThrottle } from '../auth-throttle/auth-throttle.ts';
import type { Clock, Timers } from '../clock.ts';
import type { CloseOptions } from '../queue/queue.ts';
import type { ChargerCredentials } from '../store/charger-credentials.ts';
import type { ChargerStatusBoard } from '../store/charger-status.ts';
import type { MeterLog } from '../store/meter-log.ts';
import type { PortfolioStore } from '../store/portfolio-store.ts';
import type { IdempotencyStore, Store } from '../store/store.ts';
import type { ChangeFeed } from '../change-feed/change-feed.ts';
import type { PlanBus } from './plan-bus.ts';
import type { ReplanQueue } from './replan-job.ts';

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
