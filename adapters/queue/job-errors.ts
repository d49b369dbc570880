/**
 * Errors a job processor throws to steer retries (BullMQ's control-flow errors).
 */

/** Fails the job without retry: the same input would fail the same way (BullMQ: UnrecoverableError). */
export class PermanentJobError extends Error {
  readonly retryable = false as const;
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'PermanentJobError';
    this.code = code;
  }
}

/** Whether a processor error must not be retried: a PermanentJobError or any error with `retryable: false`. */
export function isPermanent(error: unknown): boolean {
  return error instanceof PermanentJobError || (error !== null && typeof error === 'object' && (error as { retryable?: unknown }).retryable === false);
}
