/**
 * The job queue: an interface shaped after BullMQ (queue + worker + job schedulers), so that the embedded
 * `MemoryQueue` and a later BullMQ implementation are interchangeable.
 *
 * Semantics every implementation keeps:
 * - **Deduplication**: while a job with a `deduplicationId` is delayed or waiting, adding another with the
 *   same id does not create a job: the data is merged into the pending one (the queue's `merge`) and the
 *   pending job is returned. While one is *active*, a new job is created and runs after it (jobs of one
 *   deduplication id never run at the same time). BullMQ: `deduplication: { id, ttl, extend, replace }`.
 * - **Debounce**: `delayMs` postpones the run; a deduplicated add moves the run to `now + delayMs`, but never
 *   later than `maxDelayMs` after the pending job was created (so a stream of changes cannot starve it) and
 *   never later than an earlier-requested run (an immediate add runs the pending job now).
 * - **Retries**: a failed attempt is retried after `backoff` until `attempts` are used; an error that is a
 *   `PermanentJobError`, or carries `retryable: false`, fails the job at once (BullMQ's UnrecoverableError).
 * - **Job ids** contain no `:` and are never digits only (BullMQ's rule), e.g. `replan-depot-1-17`.
 * - **Schedulers**: `upsertJobScheduler(id, { pattern, tz })` adds the template job at each cron occurrence
 *   in the zone `tz` (BullMQ job schedulers); upserting the same id replaces it.
 */

export type JobState = 'delayed' | 'waiting' | 'active' | 'completed' | 'failed';
export const jobStates: readonly JobState[] = ['delayed', 'waiting', 'active', 'completed', 'failed'];

/** Retry delay: `fixed` = delayMs; `exponential` = delayMs x 2^(attempt - 1); jitter (0..1) removes up to that fraction at random. */
export interface BackoffOptions {
  readonly type: 'fixed' | 'exponential';
  readonly delayMs: number;
  readonly jitter?: number;
}

export interface AddOptions {
  /** Deduplicate (and debounce) jobs with this id while one is pending. No `:` allowed. */
  readonly deduplicationId?: string;
  /** Run no earlier than this long from now (ms); default 0. */
  readonly delayMs?: number;
  /** With deduplication: run no later than this long after the pending job was created (ms). Default: unbounded. */
  readonly maxDelayMs?: number;
  /** Attempts in all (>= 1); default 1. */
  readonly attempts?: number;
  readonly backoff?: BackoffOptions;
}

/** A job as seen from outside (a snapshot). Instants are UTC epoch ms. */
export interface Job<D, R> {
  readonly id: string;
  readonly name: string;
  readonly data: D;
  readonly state: JobState;
  readonly deduplicationId?: string;
  readonly attemptsMade: number;
  readonly attempts: number;
  readonly createdAtUtcMs: number;
  /** When a delayed job becomes due. */
  readonly runAtUtcMs?: number;
  readonly processedAtUtcMs?: number;
  readonly finishedAtUtcMs?: number;
  readonly failedReason?: string;
  /** `code` of the error that failed the job, when it had one. */
  readonly failedCode?: string;
  readonly returnValue?: R;
  /** The latest progress the processor reported while the job ran (BullMQ `job.progress`); kept once it ends. */
  readonly progress?: JobProgress;
}

/** What a running job reports about itself: plain JSON data (e.g. a solve's phase, round, best plan, bound, gap). */
export type JobProgress = Readonly<Record<string, unknown>>;

/** Stores a running job's progress (BullMQ `job.updateProgress`); resolves once stored. */
export type ProgressReporter = (progress: JobProgress) => Promise<void>;

/** Runs one attempt of a job; throw to fail it (see retries above). `reportProgress` updates the job's `progress`. */
export type Processor<D, R> = (job: Job<D, R>, reportProgress: ProgressReporter) => Promise<R>;

/** A cron schedule in an IANA zone (5 or 6 fields; cron-parser syntax). */
export interface RepeatOptions {
  readonly pattern: string;
  readonly tz: string;
}

export interface JobTemplate<D> {
  readonly name: string;
  readonly data: D;
  readonly options?: AddOptions;
}

export interface SchedulerInfo {
  readonly id: string;
  readonly pattern: string;
  readonly tz: string;
  readonly nextRunUtcMs: number;
}

/** Lifecycle events (metrics, logs). */
export type QueueEvent<D, R> =
  | { readonly type: 'completed'; readonly job: Job<D, R>; readonly durationMs: number }
  | { readonly type: 'failed'; readonly job: Job<D, R>; readonly error: unknown; readonly willRetry: boolean };

export interface JobQueue<D, R> {
  /** Adds a job (or merges into a pending one, see deduplication) and returns the job that will carry it. */
  add(name: string, data: D, options?: AddOptions): Promise<Job<D, R>>;
  getJob(jobId: string): Promise<Job<D, R> | undefined>;
  /** Resolves with the job once completed or failed, or with its current state after `timeoutMs`. */
  waitUntilFinished(jobId: string, timeoutMs: number): Promise<Job<D, R> | undefined>;
  upsertJobScheduler(schedulerId: string, repeat: RepeatOptions, template: JobTemplate<D>): Promise<SchedulerInfo>;
  removeJobScheduler(schedulerId: string): Promise<boolean>;
  listJobSchedulers(): Promise<SchedulerInfo[]>;
  /** Starts processing with `processor` (once; the embedded worker). */
  process(processor: Processor<D, R>): void;
  on(listener: (event: QueueEvent<D, R>) => void): void;
  counts(): Promise<Record<JobState, number>>;
  /**
   * Stops schedulers and taking jobs, then waits for the active ones. With `handBackAfterMs`, an
   * implementation that shares its jobs with other processes (BullMQ) hands the jobs still active after
   * that long back to the queue (another worker runs them) instead of waiting on; the in-process queue
   * has nobody to hand them to and ignores it.
   */
  close(options?: CloseOptions): Promise<void>;
}

/** How a queue closes. */
export interface CloseOptions {
  /** Wait this long for active jobs, then hand them back (ms). Default: wait for them. */
  readonly handBackAfterMs?: number;
}
