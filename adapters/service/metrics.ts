/**
 * Prometheus metrics of the service (prom-client), on a registry of its own so several services can live
 * in one process (tests). Served at `/metrics`.
 *
 * | metric | type | labels |
 * |---|---|---|
 * | v2g_solve_duration_seconds | histogram | status (optimal, feasible, timed_out, error) |
 * | v2g_plans_total | counter | result (saved, failed) |
 * | v2g_dispatches_total | counter | kind, fulfilment (full, partial, none, pending) |
 * | v2g_replan_jobs_total | counter | result (completed, retried, failed) |
 * | v2g_queue_jobs | gauge | state |
 * | v2g_http_request_duration_seconds | histogram | method, route, status_code |
 * plus prom-client's default process metrics (event-loop lag, GC, memory), prefixed `v2g_`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly solveDuration = new Histogram({
    name: 'v2g_solve_duration_seconds',
    help: 'End-to-end solve time of a site plan (problem assembly excluded)',
    labelNames: ['status'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly plans = new Counter({ name: 'v2g_plans_total', help: 'Re-plan attempts by result', labelNames: ['result'] as const, registers: [this.registry] });
  readonly dispatches = new Counter({
    name: 'v2g_dispatches_total',
    help: 'Dispatch requests by kind and first acknowledgement',
    labelNames: ['kind', 'fulfilment'] as const,
    registers: [this.registry],
  });
  readonly replanJobs = new Counter({ name: 'v2g_replan_jobs_total', help: 'Re-plan job attempts by outcome', labelNames: ['result'] as const, registers: [this.registry] });
  readonly queueJobs = new Gauge({ name: 'v2g_queue_jobs', help: 'Jobs in the re-plan queue by state', labelNames: ['state'] as const, registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: 'v2g_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 5],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'v2g_' });
  }
}
