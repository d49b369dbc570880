/**
 * Read-modify-write with optimistic concurrency: `attempt` reads what it needs, computes the change and
 * writes it with a WriteCondition (store-conflict.ts); when another writer got there first, the attempt
 * runs again on fresh data. Use it wherever a write is derived from a read (a PATCH, a merge of signals,
 * a cancellation, an OCPP meter value), so concurrent writers in any process never lose a write.
 *
 * Invariants: `attempt` must be safe to run again (no side effects before its write); at most `attempts`
 * runs, then the last StoreConflictError propagates (HTTP 409, retryable); other errors propagate at once.
 */
import { StoreConflictError } from './store-conflict.ts';

export interface OptimisticUpdateOptions {
  /** Runs at most; default 8. */
  readonly attempts?: number;
  /** Called before each rerun (metrics, logs). */
  readonly onConflict?: (error: StoreConflictError, attempt: number) => void;
}

export async function withOptimisticRetry<T>(attempt: () => Promise<T>, options: OptimisticUpdateOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 8);
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StoreConflictError) || n >= attempts) throw error;
      options.onConflict?.(error, n);
      // Let the other writer finish; a little jitter keeps two losers from colliding again.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 2 * n)));
    }
  }
}
