/**
 * What the HTTP routes and the OCPP gateway (gateway.ts) get from the composition root: configuration,
 * time, the store, the charger credentials, the re-plan queue and metrics. Nothing here is created by a route.
 */
import type { Clock, Timers } from '../clock.ts';
import type { ServiceConfig } from '../config.ts';
import type { ChargerCredentials } from '../store/charger-credentials.ts';
import type { IdempotencyStore, Store } from '../store/store.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { ReplanQueue } from './replan-job.ts';

/** Which charge points hold an OCPP connection to this process's gateway. */
export interface ChargerPresence {
  connectedChargers(): readonly string[];
}

/** Readiness, as the composition root sees it. */
export interface Readiness {
  /** Solver pool warmed up, queue processing. */
  started: boolean;
  /** Shutdown has begun: readiness fails so load balancers drain the instance. */
  closing: boolean;
}

export interface ServiceContext {
  readonly config: ServiceConfig;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly store: Store;
  readonly idempotency: IdempotencyStore;
  /** Charge points' passwords and auto-registrations (OCPP security profiles 1 and 2). */
  readonly chargerCredentials: ChargerCredentials;
  /** The charge points connected to this process, when it runs the gateway role too; undefined otherwise. */
  readonly chargerPresence?: ChargerPresence | undefined;
  readonly queue: ReplanQueue;
  readonly metrics: ServiceMetrics;
  readonly readiness: Readiness;
}
