/**
 * How port jobs (queue.ts) sit in BullMQ and back: the envelope stored as BullMQ job data, the error a
 * failed attempt hands to BullMQ, and the snapshot a caller sees.
 *
 * Invariants:
 * - `attemptsMade` counts attempts started, as the memory queue does (BullMQ counts finished ones, so an
 *   active job shows BullMQ's count + 1).
 * - A job whose slot holds it as pending is `delayed` (due later) or `waiting` (due), with the slot's data
 *   and run time, whatever BullMQ's own state (a job parked by the worker is delayed in BullMQ).
 */
import type { Job as BullJob, JobState as BullState } from 'bullmq';
import type { BackoffOptions, Job, JobProgress, JobState } from './queue.ts';

/** BullMQ job data: the port job's data plus what its worker needs. */
export interface Envelope<D> {
  readonly data: D;
  readonly deduplicationId?: string;
  readonly backoff?: BackoffOptions;
  /** Debounce cap of the job (kept for a retry that becomes pending again). */
  readonly maxRunAtUtcMs?: number;
}

/** The backoff type name under which the queue's worker computes retry delays (backoff.ts). */
export const portBackoffType = 'v2g-port';

/**
 * A failed attempt as BullMQ sees it. Named `UnrecoverableError` when it must not be retried by BullMQ
 * (permanent error, attempts used up, or a newer job of the slot takes over as the retry).
 */
export class AttemptFailed extends Error {
  readonly willRetry: boolean;
  /** BullMQ's retry delay (ms) when BullMQ itself retries this job. */
  readonly retryDelayMs: number | undefined;
  /** When BullMQ's retry is due (UTC ms). */
  readonly runAtUtcMs: number | undefined;
  readonly failedCode: string | undefined;

  constructor(
    message: string,
    options: { cause: unknown; willRetry: boolean; bullRetries: boolean; retryDelayMs?: number; runAtUtcMs?: number; failedCode?: string },
  ) {
    super(message, { cause: options.cause });
    this.name = options.bullRetries ? 'AttemptFailed' : 'UnrecoverableError';
    this.willRetry = options.willRetry;
    this.retryDelayMs = options.retryDelayMs;
    this.runAtUtcMs = options.runAtUtcMs;
    this.failedCode = options.failedCode;
    const stack = options.cause instanceof Error ? options.cause.stack : undefined;
    if (stack) this.stack = stack;
  }
}

/** BullMQ's state as a port state (undefined: the job is gone). */
export function portState(state: BullState | 'unknown'): JobState | undefined {
  switch (state) {
    case 'completed':
    case 'failed':
    case 'delayed':
    case 'active':
      return state;
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
      return 'waiting';
    default:
      return undefined;
  }
}

export interface SnapshotView<D> {
  readonly state: JobState;
  readonly data?: D;
  readonly runAtUtcMs?: number;
  readonly failedCode?: string;
  /** BullMQ's finished-attempt count is used unless given. */
  readonly attemptsMade?: number;
  readonly returnValue?: unknown;
}

/** The port snapshot of a BullMQ job. */
export function snapshotOf<D, R>(bull: BullJob<Envelope<D>>, view: SnapshotView<D>): Job<D, R> {
  const env = bull.data;
  const attemptsMade = view.attemptsMade ?? (view.state === 'active' ? bull.attemptsMade + 1 : bull.attemptsMade);
  const finished = view.state === 'completed' || view.state === 'failed';
  const returned = view.returnValue !== undefined ? view.returnValue : bull.returnvalue;
  return {
    id: String(bull.id),
    name: bull.name,
    data: view.data !== undefined ? view.data : env.data,
    state: view.state,
    ...(env.deduplicationId !== undefined ? { deduplicationId: env.deduplicationId } : {}),
    attemptsMade,
    attempts: bull.opts.attempts ?? 1,
    createdAtUtcMs: bull.timestamp,
    ...(view.state === 'delayed' && view.runAtUtcMs !== undefined ? { runAtUtcMs: view.runAtUtcMs } : {}),
    ...(bull.processedOn && attemptsMade > 0 ? { processedAtUtcMs: bull.processedOn } : {}),
    ...(finished && bull.finishedOn ? { finishedAtUtcMs: bull.finishedOn } : {}),
    ...(bull.failedReason ? { failedReason: bull.failedReason } : {}),
    ...(view.failedCode !== undefined ? { failedCode: view.failedCode } : {}),
    ...(view.state === 'completed' && returned !== null && returned !== undefined ? { returnValue: returned as R } : {}),
    // BullMQ's progress is 0 until the processor reports an object.
    ...(typeof bull.progress === 'object' && bull.progress !== null ? { progress: bull.progress as JobProgress } : {}),
  };
}

/** The log line that records a failed attempt's error code (BullMQ keeps no code of its own). */
export function failedCodeLogLine(code: string): string {
  return `failedCode=${code}`;
}

/** The newest failed code in `logs` (newest first), if any. */
export function failedCodeOf(logs: readonly string[]): string | undefined {
  for (const line of logs) if (line.startsWith('failedCode=')) return line.slice('failedCode='.length);
  return undefined;
}
