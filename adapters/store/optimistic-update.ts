/**
 * Read-modify-write with optimistic concurrency: `attempt` reads what it needs, computes the change and
 * writes it with a WriteCondition (store-conflict.ts); when another writer got there first, the attempt
 * runs again on fresh data. Use it wherever a write is derived from a read (a PATCH, a merge of signals,
 * a cancellation, an OCPP meter value), so concurrent writers in any process never lose a write.
 *
 * Invariants: `attempt` must be safe to run again (no side effects before its write); only a
 * StoreConflictError makes it run again (any other error propagates at once); at most `attempts` runs,
 * with a full-jitter exponential back-off between them (so N writers racing for one record spread out
 * instead of colliding again); when every run lost, ConcurrentUpdateError propagates (HTTP 409
 * `V2G_ERR_CONCURRENT_UPDATE`, retryable: nothing was written, the same request may succeed).
 */
import { StoreConflictError } from './store-conflict.ts';

export interface OptimisticUpdateOptions {
  /** Runs at most; default 12. */
  readonly attempts?: number;
  /** Called before each rerun (metrics, logs). */
  readonly onConflict?: (error: StoreConflictError, attempt: number) => void;
  /** Back-off before run n + 1 is random() x min(maxDelayMs, baseDelayMs x 2^(n-1)). Defaults 2 ms, 250 ms. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Random source in [0, 1) for the jitter (tests); default Math.random. */
  readonly random?: () => number;
  /** Waits (tests); default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * The record written (e.g. `session depot-1/s-7`): updates of one key made by this process run one at
   * a time, so N concurrent requests in one process do not race each other (only other processes can
   * conflict). Without it every update runs at once.
   */
  readonly key?: string;
}

export const defaultOptimisticAttempts = 12;

/** Every run of a read-modify-write lost to another writer; nothing was written. Retrying may succeed. */
export class ConcurrentUpdateError extends Error {
  readonly code = 'V2G_ERR_CONCURRENT_UPDATE' as const;
  readonly statusCode = 409;
  readonly retryable = true as const;
  readonly errors: readonly never[] = [];

  constructor(
    readonly conflict: StoreConflictError,
    readonly attempts: number,
  ) {
    super(`${conflict.kind} "${conflict.id}" kept changing while this request was applied (${attempts} attempts); nothing was changed by it: retry`, { cause: conflict });
    this.name = 'ConcurrentUpdateError';
  }
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Per key: the tail of the updates of this process (see `key`). */
const tails = new Map<string, Promise<unknown>>();

export function withOptimisticRetry<T>(attempt: () => Promise<T>, options: OptimisticUpdateOptions = {}): Promise<T> {
  const key = options.key;
  if (key === undefined) return retrying(attempt, options);
  const run = (tails.get(key) ?? Promise.resolve()).then(() => retrying(attempt, options));
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, settled);
  void settled.then(() => {
    if (tails.get(key) === settled) tails.delete(key);
  });
  return run;
}

async function retrying<T>(attempt: () => Promise<T>, options: OptimisticUpdateOptions): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? defaultOptimisticAttempts);
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? sleepFor;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
      if (n >= attempts) throw new ConcurrentUpdateError(error, attempts);
      options.onConflict?.(error, n);
      await sleep(Math.floor(random() * Math.min(options.maxDelayMs ?? 250, (options.baseDelayMs ?? 2) * 2 ** (n - 1))));
    }
  }
}
