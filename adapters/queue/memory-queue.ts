/**
 * The embedded, in-process job queue: the semantics of queue.ts (deduplication, debounce, retries with
 * backoff, permanent errors, cron job schedulers) on the injected clock and timers, with no Redis.
 * Jobs live in memory: pending jobs are lost on restart (the service re-plans every site at boot).
 */
import type { CancelTimer, Clock, Timers } from '../clock.ts';
import { backoffDelayMs } from './backoff.ts';
import { cronIssue, nextCronRunUtcMs } from './cron-schedule.ts';
import { isPermanent } from './job-errors.ts';
import type {
  AddOptions,
  BackoffOptions,
  Job,
  JobProgress,
  JobQueue,
  JobState,
  JobTemplate,
  Processor,
  QueueEvent,
  RepeatOptions,
  SchedulerInfo,
} from './queue.ts';

export interface MemoryQueueOptions<D> {
  readonly clock: Clock;
  readonly timers: Timers;
  /** Jobs run at the same time (never two of one deduplication id). Default 1. */
  readonly concurrency?: number;
  /** Merges the data of a deduplicated add into the pending job; default: the newer data replaces it. */
  readonly merge?: (pending: D, incoming: D) => D;
  /** Finished jobs kept for `getJob` (oldest dropped first). Default 1000. */
  readonly keepFinished?: number;
  /** Random source for backoff jitter. */
  readonly random?: () => number;
}

interface InternalJob<D, R> {
  readonly id: string;
  readonly name: string;
  data: D;
  state: JobState;
  readonly deduplicationId?: string;
  readonly attempts: number;
  readonly backoff?: BackoffOptions;
  attemptsMade: number;
  readonly createdAtUtcMs: number;
  runAtUtcMs?: number;
  /** Debounce cap: the job runs no later than this. */
  maxRunAtUtcMs?: number;
  processedAtUtcMs?: number;
  finishedAtUtcMs?: number;
  failedReason?: string;
  failedCode?: string;
  returnValue?: R;
  progress?: JobProgress;
  cancelTimer?: CancelTimer;
}

interface Scheduler<D> {
  readonly id: string;
  readonly repeat: RepeatOptions;
  readonly template: JobTemplate<D>;
  nextRunUtcMs: number;
  cancel?: CancelTimer;
}

/** Longest single timer (Node's setTimeout overflows past 2^31 - 1 ms); longer waits re-arm. */
const maxTimerMs = 2 ** 30;

export class MemoryQueue<D, R> implements JobQueue<D, R> {
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly concurrency: number;
  private readonly merge: (pending: D, incoming: D) => D;
  private readonly keepFinished: number;
  private readonly random: () => number;
  private readonly jobs = new Map<string, InternalJob<D, R>>();
  private readonly pendingByDedup = new Map<string, string>();
  private readonly activeDedup = new Set<string>();
  private readonly waiting: string[] = [];
  private readonly finishedOrder: string[] = [];
  private readonly active = new Set<Promise<void>>();
  private readonly waiters = new Map<string, ((job: Job<D, R>) => void)[]>();
  private readonly listeners: ((event: QueueEvent<D, R>) => void)[] = [];
  private readonly schedulers = new Map<string, Scheduler<D>>();
  private processor: Processor<D, R> | undefined;
  private seq = 0;
  private closed = false;

  constructor(options: MemoryQueueOptions<D>) {
    this.clock = options.clock;
    this.timers = options.timers;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.merge = options.merge ?? ((_, incoming) => incoming);
    this.keepFinished = options.keepFinished ?? 1000;
    this.random = options.random ?? Math.random;
  }

  async add(name: string, data: D, options: AddOptions = {}): Promise<Job<D, R>> {
    if (this.closed) throw new Error('the queue is closed');
    if (/:/.test(name) || /:/.test(options.deduplicationId ?? '')) throw new Error('job names and deduplication ids must not contain ":"');
    const now = this.clock.nowUtcMs();
    const delayMs = Math.max(0, options.delayMs ?? 0);
    const dedup = options.deduplicationId;
    const pendingId = dedup === undefined ? undefined : this.pendingByDedup.get(dedup);
    const pending = pendingId === undefined ? undefined : this.jobs.get(pendingId);
    if (pending) {
      pending.data = this.merge(pending.data, data);
      if (options.maxDelayMs !== undefined) {
        const cap = now + options.maxDelayMs;
        pending.maxRunAtUtcMs = pending.maxRunAtUtcMs === undefined ? cap : Math.min(pending.maxRunAtUtcMs, cap);
      }
      if (pending.state === 'delayed') this.schedule(pending, this.capped(pending, now + delayMs));
      return this.snapshot(pending);
    }
    const job: InternalJob<D, R> = {
      id: `${dedup ?? name}-${++this.seq}`,
      name,
      data,
      state: 'delayed',
      ...(dedup !== undefined ? { deduplicationId: dedup } : {}),
      attempts: Math.max(1, options.attempts ?? 1),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      attemptsMade: 0,
      createdAtUtcMs: now,
      ...(dedup !== undefined && options.maxDelayMs !== undefined ? { maxRunAtUtcMs: now + options.maxDelayMs } : {}),
    };
    this.jobs.set(job.id, job);
    if (dedup !== undefined) this.pendingByDedup.set(dedup, job.id);
    this.schedule(job, this.capped(job, now + delayMs));
    return this.snapshot(job);
  }

  async getJob(jobId: string): Promise<Job<D, R> | undefined> {
    const job = this.jobs.get(jobId);
    return job ? this.snapshot(job) : undefined;
  }

  waitUntilFinished(jobId: string, timeoutMs: number): Promise<Job<D, R> | undefined> {
    const job = this.jobs.get(jobId);
    if (!job) return Promise.resolve(undefined);
    if (job.state === 'completed' || job.state === 'failed') return Promise.resolve(this.snapshot(job));
    return new Promise((resolve) => {
      const list = this.waiters.get(jobId) ?? [];
      let cancel: CancelTimer | undefined;
      const waiter = (j: Job<D, R>) => {
        cancel?.();
        resolve(j);
      };
      list.push(waiter);
      this.waiters.set(jobId, list);
      cancel = this.timers.setTimer(timeoutMs, () => {
        const rest = (this.waiters.get(jobId) ?? []).filter((w) => w !== waiter);
        if (rest.length > 0) this.waiters.set(jobId, rest);
        else this.waiters.delete(jobId);
        const current = this.jobs.get(jobId);
        resolve(current ? this.snapshot(current) : undefined);
      });
    });
  }

  async upsertJobScheduler(schedulerId: string, repeat: RepeatOptions, template: JobTemplate<D>): Promise<SchedulerInfo> {
    const issue = cronIssue(repeat.pattern, repeat.tz);
    if (issue) throw new Error(`job scheduler "${schedulerId}": the pattern "${repeat.pattern}" ${issue}`);
    await this.removeJobScheduler(schedulerId);
    const s: Scheduler<D> = { id: schedulerId, repeat, template, nextRunUtcMs: nextCronRunUtcMs(repeat.pattern, repeat.tz, this.clock.nowUtcMs()) };
    this.schedulers.set(schedulerId, s);
    if (!this.closed) this.arm(s);
    return this.schedulerInfo(s);
  }

  async removeJobScheduler(schedulerId: string): Promise<boolean> {
    const s = this.schedulers.get(schedulerId);
    s?.cancel?.();
    return this.schedulers.delete(schedulerId);
  }

  async listJobSchedulers(): Promise<SchedulerInfo[]> {
    return [...this.schedulers.values()].map((s) => this.schedulerInfo(s));
  }

  process(processor: Processor<D, R>): void {
    if (this.processor) throw new Error('the queue already has a processor');
    this.processor = processor;
    this.pump();
  }

  on(listener: (event: QueueEvent<D, R>) => void): void {
    this.listeners.push(listener);
  }

  async counts(): Promise<Record<JobState, number>> {
    const counts: Record<JobState, number> = { delayed: 0, waiting: 0, active: 0, completed: 0, failed: 0 };
    for (const job of this.jobs.values()) counts[job.state]++;
    return counts;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.schedulers.values()) s.cancel?.();
    for (const job of this.jobs.values()) job.cancelTimer?.();
    while (this.active.size > 0) await Promise.all([...this.active]);
  }

  private capped(job: InternalJob<D, R>, runAtUtcMs: number): number {
    return job.maxRunAtUtcMs === undefined ? runAtUtcMs : Math.min(runAtUtcMs, job.maxRunAtUtcMs);
  }

  private schedule(job: InternalJob<D, R>, runAtUtcMs: number): void {
    job.cancelTimer?.();
    job.cancelTimer = undefined;
    const now = this.clock.nowUtcMs();
    if (runAtUtcMs <= now) {
      job.state = 'waiting';
      job.runAtUtcMs = undefined;
      if (!this.waiting.includes(job.id)) this.waiting.push(job.id);
      this.pump();
      return;
    }
    job.state = 'delayed';
    job.runAtUtcMs = runAtUtcMs;
    if (this.closed) return;
    job.cancelTimer = this.timers.setTimer(Math.min(runAtUtcMs - now, maxTimerMs), () => {
      job.cancelTimer = undefined;
      if (job.state === 'delayed') this.schedule(job, runAtUtcMs);
    });
  }

  private pump(): void {
    if (!this.processor || this.closed) return;
    while (this.active.size < this.concurrency) {
      const index = this.waiting.findIndex((id) => {
        const d = this.jobs.get(id)?.deduplicationId;
        return d === undefined || !this.activeDedup.has(d);
      });
      if (index < 0) return;
      const [id] = this.waiting.splice(index, 1);
      this.run(this.jobs.get(id!)!, this.processor);
    }
  }

  private run(job: InternalJob<D, R>, processor: Processor<D, R>): void {
    const dedup = job.deduplicationId;
    job.state = 'active';
    job.attemptsMade++;
    job.processedAtUtcMs = this.clock.nowUtcMs();
    if (dedup !== undefined) {
      this.activeDedup.add(dedup);
      if (this.pendingByDedup.get(dedup) === job.id) this.pendingByDedup.delete(dedup);
    }
    const started = performance.now();
    let done: Promise<void> | undefined;
    done = (async () => {
      try {
        const result = await processor(this.snapshot(job), (progress) => {
          job.progress = progress;
          return Promise.resolve();
        });
        job.returnValue = result;
        this.finish(job, 'completed');
        this.emit({ type: 'completed', job: this.snapshot(job), durationMs: performance.now() - started });
      } catch (error) {
        this.onFailure(job, error);
      } finally {
        if (dedup !== undefined) this.activeDedup.delete(dedup);
        this.active.delete(done!);
        this.pump();
      }
    })();
    this.active.add(done);
  }

  private onFailure(job: InternalJob<D, R>, error: unknown): void {
    job.failedReason = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string') job.failedCode = code;
    const retry = !isPermanent(error) && job.attemptsMade < job.attempts && !this.closed;
    const dedup = job.deduplicationId;
    const newerId = dedup === undefined ? undefined : this.pendingByDedup.get(dedup);
    const newer = newerId === undefined || newerId === job.id ? undefined : this.jobs.get(newerId);
    if (retry && newer) {
      // A newer job of the same deduplication id is pending and will run with fresh state: it is the retry.
      newer.data = this.merge(job.data, newer.data);
      job.failedReason = `${job.failedReason} (retried as job ${newer.id})`;
      this.finish(job, 'failed');
      this.emit({ type: 'failed', job: this.snapshot(job), error, willRetry: true });
      return;
    }
    if (retry) {
      if (dedup !== undefined) this.pendingByDedup.set(dedup, job.id);
      this.schedule(job, this.clock.nowUtcMs() + backoffDelayMs(job.backoff ?? { type: 'fixed', delayMs: 0 }, job.attemptsMade, this.random));
      this.emit({ type: 'failed', job: this.snapshot(job), error, willRetry: true });
      return;
    }
    this.finish(job, 'failed');
    this.emit({ type: 'failed', job: this.snapshot(job), error, willRetry: false });
  }

  private finish(job: InternalJob<D, R>, state: 'completed' | 'failed'): void {
    job.state = state;
    job.finishedAtUtcMs = this.clock.nowUtcMs();
    job.cancelTimer?.();
    job.cancelTimer = undefined;
    const snapshot = this.snapshot(job);
    for (const w of this.waiters.get(job.id) ?? []) w(snapshot);
    this.waiters.delete(job.id);
    this.finishedOrder.push(job.id);
    while (this.finishedOrder.length > this.keepFinished) this.jobs.delete(this.finishedOrder.shift()!);
  }

  private emit(event: QueueEvent<D, R>): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a listener's failure never breaks the queue
      }
    }
  }

  private arm(s: Scheduler<D>): void {
    const now = this.clock.nowUtcMs();
    s.cancel = this.timers.setTimer(Math.min(Math.max(0, s.nextRunUtcMs - now), maxTimerMs), () => {
      if (this.closed || this.schedulers.get(s.id) !== s) return;
      const at = this.clock.nowUtcMs();
      if (at >= s.nextRunUtcMs) {
        void this.add(s.template.name, s.template.data, s.template.options).catch(() => undefined);
        s.nextRunUtcMs = nextCronRunUtcMs(s.repeat.pattern, s.repeat.tz, Math.max(at, s.nextRunUtcMs));
      }
      this.arm(s);
    });
  }

  private schedulerInfo(s: Scheduler<D>): SchedulerInfo {
    return { id: s.id, pattern: s.repeat.pattern, tz: s.repeat.tz, nextRunUtcMs: s.nextRunUtcMs };
  }

  private snapshot(job: InternalJob<D, R>): Job<D, R> {
    const { cancelTimer: _timer, maxRunAtUtcMs: _cap, backoff: _backoff, ...rest } = job;
    return { ...rest };
  }
}
