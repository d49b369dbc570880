/**
 * Prometheus metrics of the OCPP adapter, registered in the registry the caller passes in (never the
 * global default registry), so several servers (tests) and the service's own metrics do not collide.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeliveryStatus } from './charger-state.ts';

export interface OcppMetrics {
  /** OCPP CALLs by direction (in = charger -> us), action and version. */
  readonly messages: Counter<'direction' | 'action' | 'version'>;
  /** SetChargingProfile outcomes: Accepted, Rejected, NotSupported, CallError, Timeout, Schema, Offline. */
  readonly profileSends: Counter<'purpose' | 'outcome'>;
  readonly profileSendSeconds: Histogram<'purpose'>;
  /** ClearChargingProfile of our profiles (transaction ended, plan withdrawn): Accepted, Unknown, Failed. */
  readonly profileClears: Counter<'purpose' | 'outcome'>;
  /** Retries scheduled after a failed delivery. */
  readonly retries: Counter;
  /** Re-syncs after a reconnect: match (nothing resent), resend, failed. */
  readonly resyncs: Counter<'outcome'>;
  /** Refused WebSocket upgrades by reason. */
  readonly refusedConnections: Counter<'reason'>;
}

/** Live values read at scrape time. */
export interface OcppMetricSources {
  connectedChargers(): number;
  deliveryStatusCounts(): Record<DeliveryStatus, number>;
}

/** Creates and registers the metrics; `prefix` defaults to `v2g_ocpp_`. */
export function createOcppMetrics(registry: Registry, sources: OcppMetricSources, prefix = 'v2g_ocpp_'): OcppMetrics {
  const registers = [registry];
  new Gauge({
    name: `${prefix}connected_chargers`,
    help: 'Chargers with an open OCPP WebSocket',
    registers,
    collect() {
      this.set(sources.connectedChargers());
    },
  });
  new Gauge({
    name: `${prefix}evse_delivery_status`,
    help: 'EVSEs (0 = station caps) by plan delivery status; fallback-applied, not-applied and failed mean the plan is not applied',
    labelNames: ['status'],
    registers,
    collect() {
      for (const [status, n] of Object.entries(sources.deliveryStatusCounts())) this.set({ status }, n);
    },
  });
  return {
    messages: new Counter({ name: `${prefix}messages_total`, help: 'OCPP CALLs by direction, action and version', labelNames: ['direction', 'action', 'version'], registers }),
    profileSends: new Counter({ name: `${prefix}profile_sends_total`, help: 'SetChargingProfile calls by purpose and outcome', labelNames: ['purpose', 'outcome'], registers }),
    profileSendSeconds: new Histogram({
      name: `${prefix}profile_send_seconds`,
      help: 'Round trip of SetChargingProfile',
      labelNames: ['purpose'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    profileClears: new Counter({ name: `${prefix}profile_clears_total`, help: 'ClearChargingProfile of ended transactions\' and withdrawn plans\' profiles by purpose and outcome', labelNames: ['purpose', 'outcome'], registers }),
    retries: new Counter({ name: `${prefix}delivery_retries_total`, help: 'Profile deliveries retried with backoff', registers }),
    resyncs: new Counter({ name: `${prefix}resyncs_total`, help: 'Re-syncs after a reconnect by outcome', labelNames: ['outcome'], registers }),
    refusedConnections: new Counter({ name: `${prefix}refused_connections_total`, help: 'Refused WebSocket upgrades by reason', labelNames: ['reason'], registers }),
  };
}
