/**
 * The re-plan job: "optimize site S", deduplicated and debounced per site (deduplication id
 * `replan-<siteId>`), retried with exponential backoff when a solve fails.
 */
import type { ServiceConfig } from '../config.ts';
import type { JobQueue } from '../queue/queue.ts';

export interface ReplanJobData {
  readonly siteId: string;
  /** Why (merged when debounced), e.g. `session created`, `dispatch 7f3c...`, `schedule 0 13 * * *`. */
  readonly reasons: readonly string[];
}

export interface ReplanJobResult {
  readonly planId: string;
}

export type ReplanQueue = JobQueue<ReplanJobData, ReplanJobResult>;

/** Most reasons kept on a job. */
const maxReasons = 20;

/** Merges the reasons of a deduplicated re-plan (oldest first, without repeats). */
export function mergeReplanData(pending: ReplanJobData, incoming: ReplanJobData): ReplanJobData {
  const reasons = [...new Set([...pending.reasons, ...incoming.reasons])];
  return { siteId: pending.siteId, reasons: reasons.slice(Math.max(0, reasons.length - maxReasons)) };
}

export function replanDeduplicationId(siteId: string): string {
  return `replan-${siteId}`;
}

/**
 * Queues a re-plan of a site: debounced (REPLAN_DEBOUNCE_MS, at most REPLAN_MAX_WAIT_MS after the first
 * change) or, with `immediate`, run as soon as the site is free. Returns the job that will see the change.
 */
export function requestReplan(queue: ReplanQueue, config: ServiceConfig, siteId: string, reason: string, options: { immediate?: boolean } = {}) {
  return queue.add('replan', { siteId, reasons: [reason] }, {
    deduplicationId: replanDeduplicationId(siteId),
    delayMs: options.immediate ? 0 : config.replanDebounceMs,
    maxDelayMs: config.replanMaxWaitMs,
    attempts: config.replanAttempts,
    backoff: { type: 'exponential', delayMs: config.replanBackoffMs, jitter: 0.2 },
  });
}
