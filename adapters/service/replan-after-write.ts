/**
 * Re-plans requested after a write was committed. The write is done whatever happens to the re-plan
 * request, so a failure to queue the re-plan (Redis busy, a lost race, the queue closing) must never turn
 * the answer into a 5xx: a client would retry a write that is already stored and create a duplicate
 * (issue 14: 57 of 73 writes answered 503 were stored and active).
 *
 * Instead the re-plan is *deferred*: the answer is the write's success with `Replan-Status: deferred`
 * (and the reason), and this process retries the request in the background with a capped exponential
 * backoff until the queue takes it. Should the process die first, the next worker start re-plans every
 * site (adapters/composition/composition-root.ts), so the change is planned in any case.
 *
 * Invariants: `request` never throws; a deferred site is retried until queued or `close`; re-plans of one
 * site deferred several times are merged into one request (reasons kept, `immediate` if any asked for it).
 */
import type { Timers, CancelTimer } from '../clock.ts';
import type { ServiceConfig } from '../config.ts';
import type { Job } from '../queue/queue.ts';
import type { SiteRecord } from '../store/records.ts';
import { requestReplan, type ReplanJobData, type ReplanJobResult, type ReplanQueue } from './replan-job.ts';
import { syncSiteSchedules } from './site-schedules.ts';

/** What became of a re-plan request: the job that will see the change, or why it is deferred. */
export type ReplanOutcome =
  | { readonly status: 'queued'; readonly job: Job<ReplanJobData, ReplanJobResult> }
  | { readonly status: 'deferred'; readonly reason: string };

export interface ReplanAfterWriteDeps {
  readonly queue: ReplanQueue;
  readonly config: ServiceConfig;
  readonly timers: Timers;
  /** Told about every deferral and every background failure. */
  readonly onDeferred?: (siteId: string, error: unknown) => void;
  /** First background retry after this long (ms); doubled per failure up to `maxRetryMs`. Default REPLAN_BACKOFF_MS. */
  readonly retryMs?: number;
  /** Default 30000. */
  readonly maxRetryMs?: number;
}

interface Deferred {
  readonly reasons: string[];
  immediate: boolean;
}

export class ReplansAfterWrite {
  private readonly deferred = new Map<string, Deferred>();
  /** Sites whose job schedulers still need syncing to this record (undefined: the site was deleted). */
  private readonly schedules = new Map<string, SiteRecord | undefined>();
  private cancel: CancelTimer | undefined;
  private failures = 0;
  private closed = false;

  constructor(private readonly deps: ReplanAfterWriteDeps) {}

  /** Sites whose re-plan waits for a background retry. */
  get deferredSites(): readonly string[] {
    return [...this.deferred.keys()];
  }

  /** Queues the re-plan of `siteId`, or defers it (never throws). */
  async request(siteId: string, reason: string, options: { immediate?: boolean } = {}): Promise<ReplanOutcome> {
    try {
      return { status: 'queued', job: await requestReplan(this.deps.queue, this.deps.config, siteId, reason, options) };
    } catch (error) {
      this.defer(siteId, reason, options.immediate === true, error);
      const why = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      return { status: 'deferred', reason: `the change is stored; queueing its re-plan failed (${why}) and is retried in the background` };
    }
  }

  /**
   * Syncs the site's re-plan schedules (site-schedules.ts) after its record was written; on failure the
   * sync is retried in the background with the newest record (never throws). Returns whether it is done.
   */
  async syncSchedules(siteId: string, site: SiteRecord | undefined): Promise<'synced' | 'deferred'> {
    this.schedules.delete(siteId);
    try {
      await syncSiteSchedules(this.deps.queue, this.deps.config, siteId, site);
      return 'synced';
    } catch (error) {
      this.deps.onDeferred?.(siteId, error);
      if (!this.schedules.has(siteId)) this.schedules.set(siteId, site);
      this.schedule();
      return 'deferred';
    }
  }

  /** Stops the background retries (what is still deferred is re-planned at the next worker start). */
  close(): void {
    this.closed = true;
    this.cancel?.();
    this.cancel = undefined;
  }

  private defer(siteId: string, reason: string, immediate: boolean, error: unknown): void {
    this.deps.onDeferred?.(siteId, error);
    const d = this.deferred.get(siteId);
    if (d) {
      if (!d.reasons.includes(reason)) d.reasons.push(reason);
      d.immediate ||= immediate;
    } else {
      this.deferred.set(siteId, { reasons: [reason], immediate });
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.cancel) return;
    const base = this.deps.retryMs ?? this.deps.config.replanBackoffMs;
    const delayMs = Math.min(this.deps.maxRetryMs ?? 30_000, base * 2 ** Math.min(this.failures, 16));
    this.cancel = this.deps.timers.setTimer(delayMs, () => {
      this.cancel = undefined;
      void this.retry();
    });
  }

  private async retry(): Promise<void> {
    const due = [...this.deferred.entries()];
    this.deferred.clear();
    let failed = false;
    for (const [siteId, site] of [...this.schedules.entries()]) {
      if (this.closed) return;
      this.schedules.delete(siteId);
      try {
        await syncSiteSchedules(this.deps.queue, this.deps.config, siteId, site);
      } catch (error) {
        failed = true;
        this.deps.onDeferred?.(siteId, error);
        if (!this.schedules.has(siteId)) this.schedules.set(siteId, site);
      }
    }
    for (const [siteId, d] of due) {
      if (this.closed) return;
      try {
        await requestReplan(this.deps.queue, this.deps.config, siteId, `deferred: ${d.reasons.slice(-5).join(', ')}`, { immediate: d.immediate });
      } catch (error) {
        failed = true;
        this.deps.onDeferred?.(siteId, error);
        const now = this.deferred.get(siteId);
        if (now) {
          now.reasons.unshift(...d.reasons.filter((r) => !now.reasons.includes(r)));
          now.immediate ||= d.immediate;
        } else {
          this.deferred.set(siteId, d);
        }
      }
    }
    this.failures = failed ? this.failures + 1 : 0;
    if (this.deferred.size > 0 || this.schedules.size > 0) this.schedule();
  }
}
