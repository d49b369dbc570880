/**
 * The one coded error of the Redis store and the BullMQ queue: Redis cannot serve the request right now
 * (not connected, reconnecting, timed out, loading, read-only replica, out of memory under `noeviction`).
 *
 * Invariants:
 * - A write that cannot be made rejects with this error (never a silent drop, never a hang past the
 *   connection's `commandTimeout`): producers run with `enableOfflineQueue: false`.
 * - `code` is stable (`V2G_ERR_STORE_UNAVAILABLE`), `retryable` is true and `statusCode` is 503: the HTTP
 *   edge answers 503 problem+json with `Retry-After`, and the job queue retries a processor that threw it.
 * - Errors that retrying cannot fix (a wrong key type, a script bug) are NOT wrapped: they stay 500s.
 */

export const storeUnavailableCode = 'V2G_ERR_STORE_UNAVAILABLE' as const;

/** What the HTTP layer needs to know about the code (mirror of adapters/errors.ts entries). */
export const storeUnavailableInfo = { status: 503, title: 'The store or the job queue is unavailable', retryable: true } as const;

/** Redis (store or queue) cannot serve the request now; retry later. */
export class StoreUnavailableError extends Error {
  readonly code = storeUnavailableCode;
  readonly statusCode = storeUnavailableInfo.status;
  readonly retryable = true as const;
  /** Field issues, for the problem document (always none). */
  readonly errors: readonly never[] = [];

  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Reply errors Redis sends when it is up but cannot serve now (a retry may succeed). */
const transientReply = /^(OOM|LOADING|READONLY|MASTERDOWN|BUSY|CLUSTERDOWN|TRYAGAIN|NOREPLICAS|MISCONF)\b/;

/** Connection-level failures as ioredis and BullMQ word them. */
const connectionFailure =
  /enableOfflineQueue|Connection is closed|Command timed out|connect E[A-Z]+|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Reached the max retries per request limit|Stream isn't writeable|Redis is unavailable/;

/** Whether `error` means "Redis cannot serve now" (and a retry later may succeed). */
export function isRedisUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND)$/.test(code)) return true;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return transientReply.test(error.message) || connectionFailure.test(error.message);
}

/**
 * `error` as a StoreUnavailableError when Redis could not serve `operation`, or unchanged otherwise.
 *
 * @example throw asStoreError(e, 'putSession') // "putSession: Redis is unavailable (Connection is closed.)"
 */
export function asStoreError(error: unknown, operation: string): unknown {
  if (error instanceof StoreUnavailableError || !isRedisUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`${operation}: Redis is unavailable (${reason})`, { cause: error });
}

/** Runs `fn`, turning "Redis cannot serve" failures into StoreUnavailableError. */
export async function guarded<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw asStoreError(error, operation);
  }
}
