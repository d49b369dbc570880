/**
 * What the HTTP routes and the OCPP gateway (gateway.ts) get from the composition root: configuration,
 * time, the store, the charger credentials, the re-plan queue and metrics. Nothing here is created by a route.
 */
import type { AuthThrottle } from '../auth-throttle/auth-throttle.ts';
import type { Clock, Timers } from '../clock.ts';
import type { ServiceConfig } from '../config.ts';
import type { ChargerCredentials } from '../store/charger-credentials.ts';
import type { ChargerStatusBoard } from '../store/charger-status.ts';
import type { MeterLog } from '../store/meter-log.ts';
import type { PortfolioStore } from '../store/portfolio-store.ts';
import type { IdempotencyStore, Store } from '../store/store.ts';
import type { ChangeFeed } from '../change-feed/change-feed.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { PortfolioBackend } from './portfolio-backend.ts';
import type { ReplanQueue } from './replan-job.ts';
import type { ReplansAfterWrite } from './replan-after-write.ts';

/** Readiness, as the composition root sees it. */
export interface Readiness {
  /** Connected to the store and (worker role) taking jobs: /health/ready says 200 from here on. */
  started: boolean;
  /** Worker role: the solver threads' warm-up, which runs on after `started` ('warming up', 'warm', or why not):
   * shown by /health/ready, never a reason for 503 (a job meanwhile waits for a thread). Unset without a pool. */
  solverPool?: string;
  /** Shutdown has begun: readiness fails so load balancers drain the instance. */
  closing: boolean;
}

export interface ServiceContext {
  readonly config: ServiceConfig;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly store: Store;
  readonly idempotency: IdempotencyStore;
  /** Portfolios of sites (MemoryPortfolioStore or RedisPortfolioStore). */
  readonly portfolios: PortfolioStore;
  /** Chargers' meter readings for M&V (MemoryMeterLog or RedisMeterLog). */
  readonly meterLog: MeterLog;
  /** The portfolio plan queue and the portfolios' plans and dispatches (portfolio-backend.ts). */
  readonly portfolioPlanning: PortfolioBackend;
  /** Charge points' passwords and auto-registrations (OCPP security profiles 1 and 2). */
  readonly chargerCredentials: ChargerCredentials;
  /** Each charge point's OCPP link and plan delivery, written by the gateways wherever they run. */
  readonly chargerStatus: ChargerStatusBoard;
  readonly queue: ReplanQueue;
  /** Re-plans requested after a committed write (deferred, never a 5xx, when the queue refuses). */
  readonly replans: ReplansAfterWrite;
  readonly metrics: ServiceMetrics;
  /** Auth-failure throttles for HTTP tokens and OCPP charger passwords (shared through Redis in distributed mode). */
  readonly authThrottle: AuthThrottle;
  readonly readiness: Readiness;
  /** Changes for the dashboard's live updates (adapters/change-feed/change-feed.ts); the store and the status board announce their writes on it. */
  readonly changes: ChangeFeed;
}
