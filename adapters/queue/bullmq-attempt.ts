/**
 * One attempt of a job on a BullMQ worker: claim the slot, run the port processor, and tell BullMQ what
 * happened, keeping the semantics of queue.ts:
 *
 * - A job taken before its `runAt` (the debounce moved it) or while another job of its deduplication id
 *   runs is parked again in BullMQ (`moveToDelayed` + `DelayedError`): it does not count as an attempt.
 * - The processor sees the merged data (the slot's), `attemptsMade` including this attempt.
 * - A retryable failure with attempts left: if a newer job of the id is pending, it is the retry (this
 *   job fails as "retried as job X" and its data is merged into the newer one); otherwise this job is
 *   pending again and BullMQ retries it after `backoff` (backoff.ts, the same delays as memory).
 * - A permanent error (`PermanentJobError`, `retryable: false`) or the last attempt fails the job at
 *   once (BullMQ sees an `UnrecoverableError`). The error's `code` is kept as a job log line.
 * - While the processor runs, the slot's lease is renewed every `leaseMs / 3`.
 * - `handBack()` (graceful shutdown past its bound) moves the running jobs back to BullMQ's wait list
 *   (another worker runs them again, with the same job id, so the slot's lease lets it in); whatever
 *   their processors do afterwards in this process is ignored (no slot bookkeeping, no events).
 */
import { DelayedError, type Job as BullJob, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock, Timers } from '../clock.ts';
import { slotOf } from '../store/redis-keys.ts';
import { backoffDelayMs } from './backoff.ts';
import { AttemptFailed, failedCodeLogLine, failedCodeOf, snapshotOf, type Envelope } from './bullmq-job-view.ts';
import type { Slots } from './bullmq-slots.ts';
import type { SlotWaker } from './bullmq-wake.ts';
import { isPermanent } from './job-errors.ts';
import type { Processor } from './queue.ts';

export interface AttemptDeps<D> {
  /** The worker's client (patient: `maxRetriesPerRequest: null`). */
  readonly client: Redis;
  /** The producer-side BullMQ queue (job logs). */
  readonly queue: Queue<Envelope<D>>;
  readonly slots: Slots;
  readonly waker: SlotWaker<D>;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly merge: (pending: D, incoming: D) => D;
  readonly random: () => number;
  readonly leaseMs: number;
  readonly busyRetryMs: number;
  /** Background failures (lease renewal, wake-ups): reported, never thrown. */
  readonly onError: (error: Error) => void;
}

/** What the worker remembers of a running job (for the queue's events). */
export interface RunningJob<D> {
  readonly data: D;
  readonly startedAt: number;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export class AttemptRunner<D, R> {
  /** Keyed by BullMQ's job object, which BullMQ hands to the worker's events too (no leak when no event comes). */
  readonly running = new WeakMap<object, RunningJob<D>>();
  /** Jobs this process is running now, with their BullMQ lock tokens. */
  private readonly active = new Map<string, { readonly bull: BullJob<Envelope<D>, R>; readonly token: string | undefined }>();
  /** Jobs handed back to the queue: their late outcome here is ignored. */
  private readonly handedBack = new Set<string>();

  constructor(
    private readonly deps: AttemptDeps<D>,
    private readonly processor: Processor<D, R>,
  ) {}

  /** BullMQ's processor function. */
  async run(bull: BullJob<Envelope<D>, R>, token: string | undefined): Promise<R> {
    const deps = this.deps;
    const { client, slots, clock } = deps;
    const env = bull.data;
    const id = String(bull.id);
    const slot = slotOf(id, env.deduplicationId);
    const now = clock.nowUtcMs();
    const claim = await slots.claim(client, slot, id, now, deps.leaseMs);
    if (claim.kind === 'busy') {
      const wait = claim.leaseTtlMs > 0 ? Math.min(claim.leaseTtlMs, deps.busyRetryMs) : claim.leaseTtlMs === -2 ? 1 : deps.busyRetryMs;
      await bull.moveToDelayed(now + wait, token);
      // The holder may have finished while we parked: then nobody else will wake this job.
      if ((await slots.activeHolder(client, slot)) === undefined) this.background(deps.waker.wake(slot, id));
      throw new DelayedError();
    }
    if (claim.kind === 'early') {
      await bull.moveToDelayed(claim.runAtUtcMs, token);
      this.background(deps.waker.wake(slot, id, claim.runAtUtcMs));
      throw new DelayedError();
    }
    let data = env.data;
    let maxRunAtUtcMs = env.maxRunAtUtcMs;
    if (claim.kind === 'claimed') {
      data = JSON.parse(claim.data) as D;
      maxRunAtUtcMs = claim.maxRunAtUtcMs;
      const { maxRunAtUtcMs: _old, ...rest } = env;
      await bull.updateData({ ...rest, data, ...(maxRunAtUtcMs !== undefined ? { maxRunAtUtcMs } : {}) });
    }
    const failedCode = bull.failedReason ? await this.failedCode(id).catch(() => undefined) : undefined;
    const snapshot = snapshotOf<D, R>(bull, { state: 'active', data, ...(failedCode !== undefined ? { failedCode } : {}) });
    this.running.set(bull, { data, startedAt: performance.now() });
    const stopLease = this.renewLease(slot, id);
    this.active.set(id, { bull, token });
    let result: R;
    try {
      result = await this.processor(snapshot, (progress) => bull.updateProgress(progress));
    } catch (error) {
      stopLease();
      this.active.delete(id);
      if (this.handedBack.delete(id)) throw new Error(`job ${id} was handed back to the queue`);
      throw await this.failed(bull, slot, data, maxRunAtUtcMs, error);
    }
    stopLease();
    this.active.delete(id);
    if (this.handedBack.delete(id)) throw new Error(`job ${id} was handed back to the queue`);
    this.wakeNext(slot, await slots.release(client, slot, id));
    return result;
  }

  /** How many jobs this process is running. */
  get activeCount(): number {
    return this.active.size;
  }

  /**
   * Moves every running job back to the wait list (BullMQ `moveToWait` with our lock token), so another
   * worker runs it now rather than after the stalled check. Returns the ids handed back.
   */
  async handBack(): Promise<string[]> {
    const ids: string[] = [];
    for (const [id, { bull, token }] of [...this.active]) {
      this.handedBack.add(id);
      try {
        await bull.moveToWait(token);
        ids.push(id);
      } catch (error) {
        // The lock is gone already (e.g. Redis down): the stalled checker recovers the job instead.
        this.deps.onError(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return ids;
  }

  /** The error to hand BullMQ for a failed attempt (after the slot is updated). */
  private async failed(bull: BullJob<Envelope<D>, R>, slot: string, data: D, maxRunAtUtcMs: number | undefined, error: unknown): Promise<AttemptFailed> {
    const { client, slots, clock } = this.deps;
    const id = String(bull.id);
    const attempt = bull.attemptsMade + 1;
    const code = codeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    if (code !== undefined) await bull.log(failedCodeLogLine(code)).catch((e: Error) => this.deps.onError(e));
    const common = { cause: error, ...(code !== undefined ? { failedCode: code } : {}) };
    if (!isPermanent(error) && attempt < (bull.opts.attempts ?? 1)) {
      const delayMs = backoffDelayMs(bull.data.backoff ?? { type: 'fixed', delayMs: 0 }, attempt, this.deps.random);
      const runAtUtcMs = clock.nowUtcMs() + delayMs;
      const json = JSON.stringify(data);
      const newer = await slots.requeue(client, slot, { jobId: id, data: json, createdAtUtcMs: bull.timestamp, runAtUtcMs, ...(maxRunAtUtcMs !== undefined ? { maxRunAtUtcMs } : {}) });
      if (newer === undefined) return new AttemptFailed(message, { ...common, willRetry: true, bullRetries: true, retryDelayMs: delayMs, runAtUtcMs });
      await this.mergeInto(slot, newer, data);
      this.background(this.deps.waker.wake(slot, newer));
      return new AttemptFailed(`${message} (retried as job ${newer})`, { ...common, willRetry: true, bullRetries: false });
    }
    this.wakeNext(slot, await slots.release(client, slot, id));
    return new AttemptFailed(message, { ...common, willRetry: false, bullRetries: false });
  }

  /** Merges a failed job's data into the newer pending job (older data first), unless it started. */
  private async mergeInto(slot: string, newerId: string, data: D): Promise<void> {
    const { client, slots } = this.deps;
    for (let round = 0; round < 20; round++) {
      const pending = await slots.readPending(client, slot);
      if (!pending || pending.jobId !== newerId) return;
      const merged = this.deps.merge(data, JSON.parse(pending.data) as D);
      const next = { data: JSON.stringify(merged), runAtUtcMs: pending.runAtUtcMs, ...(pending.maxRunAtUtcMs !== undefined ? { maxRunAtUtcMs: pending.maxRunAtUtcMs } : {}) };
      if (await slots.update(client, slot, pending, next)) return;
    }
  }

  private async failedCode(jobId: string): Promise<string | undefined> {
    const { logs } = await this.deps.queue.getJobLogs(jobId, 0, 19, false);
    return failedCodeOf(logs);
  }

  private wakeNext(slot: string, pendingJobId: string | undefined): void {
    if (pendingJobId !== undefined) this.background(this.deps.waker.wake(slot, pendingJobId));
  }

  private renewLease(slot: string, jobId: string): () => void {
    const { client, slots, timers, leaseMs } = this.deps;
    let cancel: (() => void) | undefined;
    let stopped = false;
    const arm = () => {
      cancel = timers.setTimer(Math.max(1, Math.floor(leaseMs / 3)), () => {
        if (stopped) return;
        slots.renew(client, slot, jobId, leaseMs).catch((e: Error) => this.deps.onError(e));
        arm();
      });
    };
    arm();
    return () => {
      stopped = true;
      cancel?.();
    };
  }

  private background(work: Promise<unknown>): void {
    work.catch((e: unknown) => this.deps.onError(e instanceof Error ? e : new Error(String(e))));
  }
}
