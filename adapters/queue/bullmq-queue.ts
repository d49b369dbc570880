/**
 * The distributed job queue: the `JobQueue` port on BullMQ, with the memory queue's semantics (proven
 * by test/adapters/queue/queue-conformance.ts). Producers (API, OCPP gateway) only add and read; a
 * worker process calls `process()`.
 *
 * Where the semantics live:
 * - BullMQ holds the jobs, delays, retries (`attempts` + a backoff strategy computing backoff.ts delays),
 *   stalled-job recovery, job schedulers and retention (`keepFinished` completed and failed jobs).
 * - Slots (bullmq-slots.ts, atomic Lua) hold what BullMQ's own `deduplication` cannot: the data MERGED
 *   from every deduplicated add (the port's `merge`), a debounce capped by `maxDelayMs`, "a newer
 *   pending job is the retry", and the lease that keeps two jobs of one id from running together.
 *   Every job has a slot (its deduplication id, or itself), so `runAtUtcMs` is always known.
 * - Schedulers: bullmq-schedulers.ts (ticks that call `add`).
 *
 * Faults: producers must use a `producer` client (`enableOfflineQueue: false`): while Redis is down,
 * every call rejects at once with StoreUnavailableError (`V2G_ERR_STORE_UNAVAILABLE`, retryable, 503).
 * Workers use clients from `workerConnection` (`maxRetriesPerRequest: null`) and wait Redis out.
 *
 * Time: BullMQ schedules on the wall clock (Date.now in every process, plus Redis), so `clock` must
 * follow wall time (systemClock); it is injected for the slot arithmetic, and `timers` for polling and
 * lease renewal. Job data and results must be JSON values (BullMQ stores JSON).
 */
import { Queue, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { systemClock, type Clock, type Timers } from '../clock.ts';
import { assertRedisReady, closeRedisClient } from '../store/redis-connection.ts';
import { guarded, StoreUnavailableError } from '../store/redis-errors.ts';
import { RedisKeys, slotOf } from '../store/redis-keys.ts';
import { AttemptRunner } from './bullmq-attempt.ts';
import { AttemptFailed, failedCodeOf, portBackoffType, portState, snapshotOf, type Envelope } from './bullmq-job-view.ts';
import { BullmqSchedulers } from './bullmq-schedulers.ts';
import { Slots, type PendingRecord } from './bullmq-slots.ts';
import { SlotWaker } from './bullmq-wake.ts';
import type { AddOptions, CloseOptions, Job, JobQueue, JobState, JobTemplate, Processor, QueueEvent, RepeatOptions, SchedulerInfo } from './queue.ts';

export interface BullmqQueueOptions<D> {
  /** BullMQ queue name (no `:`), e.g. `replan`. */
  readonly name: string;
  /** A `producer` client (redis-connection.ts), shared and owned by the caller. */
  readonly connection: Redis;
  /** Makes a `worker` client; needed by `process()`. The queue closes the clients it made. */
  readonly workerConnection?: () => Redis;
  /** `V2G_REDIS_PREFIX`; default `v2g`. */
  readonly prefix?: string;
  /** Must follow wall time (see above). Default systemClock. */
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** Jobs this process runs at the same time (never two of one deduplication id). Default 1. */
  readonly concurrency?: number;
  /** Merges the data of a deduplicated add into the pending job; default: the newer data replaces it. */
  readonly merge?: (pending: D, incoming: D) => D;
  /** Completed and failed jobs kept each (oldest dropped first). Default 1000. */
  readonly keepFinished?: number;
  /** Random source for backoff jitter. */
  readonly random?: () => number;
  /** Lease of a running job's deduplication id, renewed while it runs (ms). Default 30000. */
  readonly leaseMs?: number;
  /** A job parked because another job of its id runs is retried after at most this long (ms). Default 1000. */
  readonly busyRetryMs?: number;
  /** `waitUntilFinished` polls this often (ms). Default 100. */
  readonly finishedPollMs?: number;
  /** A pending record whose BullMQ job is missing this long after its creation is dropped (ms). Default 10000. */
  readonly orphanGraceMs?: number;
  /** BullMQ connection errors and background failures (log them). */
  readonly onError?: (error: Error) => void;
  /**
   * BullMQ `lockDuration` (ms, default 30000): a running job's lock, renewed at half of it. A worker
   * killed mid-job loses it; the stalled checker of any worker then moves the job back to wait.
   */
  readonly lockDurationMs?: number;
  /** BullMQ `stalledInterval` (ms, default 30000): how often workers look for jobs whose lock expired. */
  readonly stalledIntervalMs?: number;
  /** BullMQ `maxStalledCount` (default 1): recoveries of one job before it fails. */
  readonly maxStalledCount?: number;
  /** Told when `close({ handBackAfterMs })` hands jobs back (their ids). */
  readonly onHandBack?: (jobIds: readonly string[]) => void;
}

const maxAddRounds = 100;

/** Adds of one deduplication id (and the same options) waiting to run as one (see `coalesced`). */
interface AddBatch<D, R> {
  data: D;
  result?: Promise<Job<D, R>>;
}

export class BullmqQueue<D, R> implements JobQueue<D, R> {
  private readonly name: string;
  private readonly producer: Redis;
  private readonly keys: RedisKeys;
  private readonly slots: Slots;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly merge: (pending: D, incoming: D) => D;
  private readonly keepFinished: number;
  private readonly onError: (error: Error) => void;
  private readonly bull: Queue<Envelope<D>, R>;
  private readonly waker: SlotWaker<D>;
  private readonly schedulers: BullmqSchedulers<D>;
  private readonly listeners: ((event: QueueEvent<D, R>) => void)[] = [];
  private runner: AttemptRunner<D, R> | undefined;
  private worker: Worker<Envelope<D>, R> | undefined;
  private workerClient: Redis | undefined;
  private closing: Promise<void> | undefined;
  /** Per coalescing key: the batch not yet started, and the tail of the batches started. */
  private readonly addBatches = new Map<string, AddBatch<D, R>>();
  private readonly addTails = new Map<string, Promise<unknown>>();

  /** The BullMQ queues behind this one (jobs and schedule ticks), for the queue dashboard. */
  get bullQueues(): readonly Queue[] {
    return [this.bull as Queue, this.schedulers.bullQueue];
  }

  constructor(private readonly options: BullmqQueueOptions<D>) {
    if (options.name.includes(':') || options.name === '') throw new Error(`BullMQ queue name "${options.name}" must be non-empty without ":"`);
    this.name = options.name;
    this.producer = options.connection;
    this.keys = new RedisKeys(options.prefix);
    this.slots = new Slots(this.keys, this.name);
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemClock;
    this.merge = options.merge ?? ((_, incoming) => incoming);
    this.keepFinished = options.keepFinished ?? 1000;
    this.onError = options.onError ?? (() => undefined);
    this.bull = new Queue<Envelope<D>, R>(this.name, { connection: this.producer, prefix: this.keys.bullPrefix });
    this.bull.on('error', this.onError);
    this.waker = new SlotWaker(this.producer, this.bull, this.slots, this.clock);
    this.schedulers = new BullmqSchedulers<D>({ name: `${this.name}-schedules`, connection: this.producer, prefix: this.keys.bullPrefix, onError: this.onError });
  }

  async add(name: string, data: D, options: AddOptions = {}): Promise<Job<D, R>> {
    if (this.closing) throw new Error('the queue is closed');
    if (/:/.test(name) || /:/.test(options.deduplicationId ?? '')) throw new Error('job names and deduplication ids must not contain ":"');
    return guarded('queue add', async () => {
      assertRedisReady(this.producer, 'queue add');
      const id = options.deduplicationId;
      return id === undefined ? this.addSingle(name, data, options) : this.coalesced(name, data, options, (merged) => this.addDeduplicated(name, merged, options, id));
    });
  }

  /**
   * Deduplicated adds of one id made by this process run one batch at a time: adds that arrive while a
   * batch runs are merged (the queue's `merge`) into the next batch, which makes one compare-and-set
   * round trip for all of them. Without this, N concurrent adds of one site (a burst of dispatches) race
   * N-fold on the slot record and the losers run out of rounds although Redis is healthy (issue 14:
   * 300 concurrent writes to one site, 73 answered 503). Every add of a batch resolves with its job.
   */
  private coalesced(name: string, data: D, options: AddOptions, run: (data: D) => Promise<Job<D, R>>): Promise<Job<D, R>> {
    const key = `${name}\u0000${JSON.stringify(options)}`;
    const waiting = this.addBatches.get(key);
    if (waiting) {
      waiting.data = this.merge(waiting.data, data);
      return waiting.result!;
    }
    const batch: AddBatch<D, R> = { data };
    const tail = this.addTails.get(key) ?? Promise.resolve();
    const result = tail.then(() => {
      if (this.addBatches.get(key) === batch) this.addBatches.delete(key);
      return guarded('queue add', async () => {
        assertRedisReady(this.producer, 'queue add');
        return run(batch.data);
      });
    });
    batch.result = result;
    this.addBatches.set(key, batch);
    const settled: Promise<unknown> = result.then(
      () => undefined,
      () => undefined,
    );
    this.addTails.set(key, settled);
    void settled.then(() => {
      if (this.addTails.get(key) === settled) this.addTails.delete(key);
    });
    return result;
  }

  getJob(jobId: string): Promise<Job<D, R> | undefined> {
    return guarded('queue getJob', async () => {
      assertRedisReady(this.producer, 'queue getJob');
      const bull = await this.bull.getJob(jobId);
      return bull ? this.view(bull) : undefined;
    });
  }

  async waitUntilFinished(jobId: string, timeoutMs: number): Promise<Job<D, R> | undefined> {
    const deadline = this.clock.nowUtcMs() + timeoutMs;
    const pollMs = this.options.finishedPollMs ?? 100;
    for (;;) {
      const job = await this.getJob(jobId);
      if (!job || job.state === 'completed' || job.state === 'failed') return job;
      const left = deadline - this.clock.nowUtcMs();
      if (left <= 0) return job;
      await new Promise<void>((resolve) => this.timers.setTimer(Math.min(pollMs, left), resolve));
    }
  }

  upsertJobScheduler(schedulerId: string, repeat: RepeatOptions, template: JobTemplate<D>): Promise<SchedulerInfo> {
    return guarded('queue upsertJobScheduler', async () => {
      assertRedisReady(this.producer, 'queue upsertJobScheduler');
      return this.schedulers.upsert(schedulerId, repeat, template);
    });
  }

  removeJobScheduler(schedulerId: string): Promise<boolean> {
    return guarded('queue removeJobScheduler', async () => {
      assertRedisReady(this.producer, 'queue removeJobScheduler');
      return this.schedulers.remove(schedulerId);
    });
  }

  listJobSchedulers(): Promise<SchedulerInfo[]> {
    return guarded('queue listJobSchedulers', async () => {
      assertRedisReady(this.producer, 'queue listJobSchedulers');
      return this.schedulers.list();
    });
  }

  process(processor: Processor<D, R>): void {
    if (this.runner) throw new Error('the queue already has a processor');
    if (!this.options.workerConnection) throw new Error('BullmqQueue.process needs the workerConnection option');
    const client = this.options.workerConnection();
    this.workerClient = client;
    const runner = new AttemptRunner<D, R>(
      {
        client,
        queue: this.bull,
        slots: this.slots,
        waker: this.waker,
        clock: this.clock,
        timers: this.timers,
        merge: this.merge,
        random: this.options.random ?? Math.random,
        leaseMs: this.options.leaseMs ?? 30_000,
        busyRetryMs: this.options.busyRetryMs ?? 1000,
        onError: this.onError,
      },
      processor,
    );
    this.runner = runner;
    if (this.closing) return;
    const worker = new Worker<Envelope<D>, R>(this.name, (job, token) => runner.run(job, token), {
      connection: client,
      prefix: this.keys.bullPrefix,
      concurrency: Math.max(1, this.options.concurrency ?? 1),
      ...(this.options.lockDurationMs !== undefined ? { lockDuration: this.options.lockDurationMs } : {}),
      ...(this.options.stalledIntervalMs !== undefined ? { stalledInterval: this.options.stalledIntervalMs } : {}),
      ...(this.options.maxStalledCount !== undefined ? { maxStalledCount: this.options.maxStalledCount } : {}),
      settings: { backoffStrategy: (_attempts, _type, error) => (error instanceof AttemptFailed ? error.retryDelayMs : undefined) ?? 1000 },
    });
    worker.on('error', this.onError);
    worker.on('completed', (job, result) => this.onCompleted(job, result));
    worker.on('failed', (job, error) => {
      if (job) this.onFailed(job, error);
    });
    this.worker = worker;
    this.schedulers.start(client, (tick) => this.add(tick.name, tick.data, tick.options));
  }

  on(listener: (event: QueueEvent<D, R>) => void): void {
    this.listeners.push(listener);
  }

  counts(): Promise<Record<JobState, number>> {
    return guarded('queue counts', async () => {
      assertRedisReady(this.producer, 'queue counts');
      const c = await this.bull.getJobCounts('delayed', 'waiting', 'prioritized', 'waiting-children', 'active', 'completed', 'failed');
      const n = (k: string) => c[k] ?? 0;
      return {
        delayed: n('delayed'),
        waiting: n('waiting') + n('prioritized') + n('waiting-children'),
        active: n('active'),
        completed: n('completed'),
        failed: n('failed'),
      };
    });
  }

  /**
   * Stops this process's tick and job workers; schedulers stay in Redis. Waits for the active jobs, or
   * with `handBackAfterMs` at most that long: jobs still running then are moved back to the wait list
   * for another worker (their lock token is ours, so no stalled-check delay) and the worker closes.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= (async () => {
      // The bound runs from now; the tick worker closes meanwhile (its blocking read can take seconds).
      const deadline = options.handBackAfterMs !== undefined ? this.clock.nowUtcMs() + options.handBackAfterMs : undefined;
      await Promise.all([this.schedulers.close(), this.worker ? this.closeWorker(this.worker, deadline) : undefined]);
      await this.bull.close();
      if (this.workerClient) await closeRedisClient(this.workerClient);
    })();
    return this.closing;
  }

  private async closeWorker(worker: Worker<Envelope<D>, R>, deadline: number | undefined): Promise<void> {
    const runner = this.runner;
    if (deadline === undefined || !runner) {
      await worker.close();
      return;
    }
    await worker.pause(true);
    while (runner.activeCount > 0 && this.clock.nowUtcMs() < deadline) {
      await new Promise<void>((resolve) => this.timers.setTimer(Math.min(50, Math.max(1, deadline - this.clock.nowUtcMs())), resolve));
    }
    if (runner.activeCount > 0) {
      const ids = await runner.handBack();
      if (ids.length > 0) this.options.onHandBack?.(ids);
      await worker.close(true);
      return;
    }
    await worker.close();
  }

  private bullOptions(jobId: string, options: AddOptions, nowUtcMs: number, delayMs: number) {
    const attempts = Math.max(1, options.attempts ?? 1);
    return {
      jobId,
      delay: Math.max(0, delayMs),
      timestamp: nowUtcMs,
      attempts,
      ...(attempts > 1 ? { backoff: { type: portBackoffType } } : {}),
      removeOnComplete: { count: this.keepFinished },
      removeOnFail: { count: this.keepFinished },
    };
  }

  private envelope(data: D, options: AddOptions, maxRunAtUtcMs: number | undefined): Envelope<D> {
    return {
      data,
      ...(options.deduplicationId !== undefined ? { deduplicationId: options.deduplicationId } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(maxRunAtUtcMs !== undefined ? { maxRunAtUtcMs } : {}),
    };
  }

  private async addSingle(name: string, data: D, options: AddOptions): Promise<Job<D, R>> {
    const now = this.clock.nowUtcMs();
    const delayMs = Math.max(0, options.delayMs ?? 0);
    const jobId = `${name}-${await this.producer.incr(this.keys.queueSeq(this.name))}`;
    const slot = slotOf(jobId, undefined);
    await this.slots.reserve(this.producer, slot, { idBase: name, fixedJobId: jobId, data: JSON.stringify(data), nowUtcMs: now, runAtUtcMs: now + delayMs });
    const bull = await this.addToBull(slot, jobId, name, this.envelope(data, options, undefined), this.bullOptions(jobId, options, now, delayMs));
    return snapshotOf(bull, { state: delayMs > 0 ? 'delayed' : 'waiting', runAtUtcMs: now + delayMs, attemptsMade: 0 });
  }

  /** Adds the BullMQ job of a just-reserved slot record; on failure forgets the record (unless merged into meanwhile). */
  private async addToBull(slot: string, jobId: string, name: string, envelope: Envelope<D>, opts: ReturnType<BullmqQueue<D, R>['bullOptions']>) {
    try {
      return await this.bull.add(name, envelope, opts);
    } catch (error) {
      await this.slots.forget(this.producer, slot, jobId).catch(() => undefined);
      throw error;
    }
  }

  /** Merges into the pending job of the id, or creates it (compare-and-set rounds; see bullmq-slots.ts). */
  private async addDeduplicated(name: string, data: D, options: AddOptions, deduplicationId: string): Promise<Job<D, R>> {
    const slot = slotOf('', deduplicationId);
    const delayMs = Math.max(0, options.delayMs ?? 0);
    for (let round = 0; round < maxAddRounds; round++) {
      const now = this.clock.nowUtcMs();
      const pending = await this.slots.readPending(this.producer, slot);
      if (!pending) {
        const cap = options.maxDelayMs !== undefined ? now + options.maxDelayMs : undefined;
        const runAt = cap === undefined ? now + delayMs : Math.min(now + delayMs, cap);
        const jobId = await this.slots.reserve(this.producer, slot, { idBase: deduplicationId, data: JSON.stringify(data), nowUtcMs: now, runAtUtcMs: runAt, ...(cap !== undefined ? { maxRunAtUtcMs: cap } : {}) });
        if (jobId === undefined) continue;
        const bull = await this.addToBull(slot, jobId, name, this.envelope(data, options, cap), this.bullOptions(jobId, options, now, runAt - now));
        await this.waker.wake(slot, jobId, runAt);
        return snapshotOf(bull, { state: runAt > now ? 'delayed' : 'waiting', runAtUtcMs: runAt, attemptsMade: 0 });
      }
      const merged = await this.mergeInto(slot, pending, name, data, options, now, delayMs);
      if (merged) return merged;
      // Lost a compare-and-set to another process: back off a little (jittered) before the next round.
      await new Promise<void>((resolve) => this.timers.setTimer(Math.floor((this.options.random ?? Math.random)() * Math.min(50, 2 ** Math.min(round, 6))), resolve));
    }
    throw new StoreUnavailableError(`queue add: too many concurrent changes of deduplication id "${deduplicationId}"; retry`);
  }

  /** One merge round into `pending`; undefined when it lost a race (read again). */
  private async mergeInto(slot: string, pending: PendingRecord, name: string, data: D, options: AddOptions, now: number, delayMs: number): Promise<Job<D, R> | undefined> {
    const bull = await this.bull.getJob(pending.jobId);
    if (!bull && now - pending.createdAtUtcMs > (this.options.orphanGraceMs ?? 10_000)) {
      await this.slots.drop(this.producer, slot, pending);
      return undefined;
    }
    const mergedData = this.merge(JSON.parse(pending.data) as D, data);
    let maxRunAt = pending.maxRunAtUtcMs;
    if (options.maxDelayMs !== undefined) maxRunAt = Math.min(maxRunAt ?? Infinity, now + options.maxDelayMs);
    let runAt = pending.runAtUtcMs;
    if (runAt > now) runAt = Math.min(now + delayMs, maxRunAt ?? Infinity);
    const next = { data: JSON.stringify(mergedData), runAtUtcMs: runAt, ...(maxRunAt !== undefined ? { maxRunAtUtcMs: maxRunAt } : {}) };
    if (!(await this.slots.update(this.producer, slot, pending, next))) return undefined;
    if (runAt !== pending.runAtUtcMs) await this.waker.wake(slot, pending.jobId);
    const state: JobState = runAt > now ? 'delayed' : 'waiting';
    if (!bull) {
      // The creator is still adding the BullMQ job (within the grace period).
      return { id: pending.jobId, name, data: mergedData, state, deduplicationId: options.deduplicationId, attemptsMade: 0, attempts: Math.max(1, options.attempts ?? 1), createdAtUtcMs: pending.createdAtUtcMs, ...(state === 'delayed' ? { runAtUtcMs: runAt } : {}) };
    }
    const failedCode = bull.failedReason ? await this.failedCode(pending.jobId) : undefined;
    return snapshotOf(bull, { state, data: mergedData, runAtUtcMs: runAt, attemptsMade: bull.attemptsMade, ...(failedCode !== undefined ? { failedCode } : {}) });
  }

  private async view(bull: BullJob<Envelope<D>, R>): Promise<Job<D, R> | undefined> {
    const id = String(bull.id);
    const slot = slotOf(id, bull.data.deduplicationId);
    const [pending, bullState, failedCode] = await Promise.all([
      this.slots.readPending(this.producer, slot),
      bull.getState(),
      bull.failedReason ? this.failedCode(id) : Promise.resolve(undefined),
    ]);
    const code = failedCode !== undefined ? { failedCode } : {};
    if (pending && pending.jobId === id) {
      const state: JobState = pending.runAtUtcMs > this.clock.nowUtcMs() ? 'delayed' : 'waiting';
      return snapshotOf(bull, { state, data: JSON.parse(pending.data) as D, runAtUtcMs: pending.runAtUtcMs, attemptsMade: bull.attemptsMade, ...code });
    }
    const state = portState(bullState);
    if (!state) return undefined;
    if ((state === 'completed' || state === 'failed') && !bull.finishedOn) {
      // The job finished between reading it and reading its state: its return value and reason are in
      // the newer record (seen under load as a completed job without its return value).
      const fresh = await this.bull.getJob(id);
      if (fresh?.finishedOn) return this.view(fresh);
    }
    return snapshotOf(bull, { state, ...(state === 'delayed' ? { runAtUtcMs: bull.timestamp + bull.delay } : {}), ...code });
  }

  private async failedCode(jobId: string): Promise<string | undefined> {
    const { logs } = await this.bull.getJobLogs(jobId, 0, 19, false);
    return failedCodeOf(logs);
  }

  private onCompleted(bull: BullJob<Envelope<D>, R>, result: R): void {
    const run = this.runner?.running.get(bull);
    const job = snapshotOf<D, R>(bull, { state: 'completed', ...(run ? { data: run.data } : {}), returnValue: result });
    this.emit({ type: 'completed', job, durationMs: run ? performance.now() - run.startedAt : 0 });
  }

  private onFailed(bull: BullJob<Envelope<D>, R>, error: Error): void {
    const id = String(bull.id);
    const run = this.runner?.running.get(bull);
    const data = run ? { data: run.data } : {};
    if (!(error instanceof AttemptFailed)) {
      // The worker's own bookkeeping failed (Redis): BullMQ retries while attempts are left. BullMQ's own
      // UnrecoverableError (e.g. "job stalled more than allowable limit": its lock expired too often) fails it for good.
      const willRetry = error.name !== 'UnrecoverableError' && bull.attemptsMade < (bull.opts.attempts ?? 1);
      this.emit({ type: 'failed', job: snapshotOf<D, R>(bull, { state: willRetry ? 'waiting' : 'failed', ...data }), error, willRetry });
      return;
    }
    const bullRetries = error.name !== 'UnrecoverableError';
    const state: JobState = !bullRetries ? 'failed' : (error.retryDelayMs ?? 0) > 0 ? 'delayed' : 'waiting';
    const view = { state, ...data, ...(error.runAtUtcMs !== undefined ? { runAtUtcMs: error.runAtUtcMs } : {}), ...(error.failedCode !== undefined ? { failedCode: error.failedCode } : {}) };
    this.emit({ type: 'failed', job: snapshotOf<D, R>(bull, view), error: error.cause, willRetry: error.willRetry });
    // An add may have moved the run while BullMQ still held the job as active: re-align the wake-up.
    if (bullRetries) this.waker.wake(slotOf(id, bull.data.deduplicationId), id, error.runAtUtcMs).catch(this.onError);
  }

  private emit(event: QueueEvent<D, R>): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's failure never breaks the queue
      }
    }
  }
}
