/**
 * Optimistic concurrency for the store: every site, session, dispatch and signals record carries a
 * `revision` the store owns (1 on the first put, +1 on every put; 0 = no record). A put may name the
 * revision its caller read; when the record has moved on since, the put writes nothing and rejects with
 * StoreConflictError, so a read-modify-write never overwrites a change it did not see (no lost write,
 * across processes too: Redis checks and writes in one script).
 */

/** The condition of a conditional put: the revision the caller based its change on. */
export interface WriteCondition {
  /** 0: the record must not exist yet (a create). Otherwise the stored revision must equal it. */
  readonly expectedRevision: number;
}

/** A record as given to a put: its `revision` is ignored (the store assigns the next one). */
export type Unrevised<T extends { readonly revision: number }> = Omit<T, 'revision'> & { readonly revision?: number };

export type RevisedRecordKind = 'site' | 'session' | 'dispatch' | 'signals' | 'portfolio';

export const storeConflictCode = 'V2G_ERR_CONFLICT' as const;

/** A conditional put found another revision than expected; nothing was written. Re-read and retry. */
export class StoreConflictError extends Error {
  readonly code = storeConflictCode;
  readonly statusCode = 409;
  /** The same request may succeed (it re-reads the record first). */
  readonly retryable = true as const;
  /** Field issues, for the problem document (always none: the record as a whole moved on). */
  readonly errors: readonly never[] = [];

  constructor(
    readonly kind: RevisedRecordKind,
    readonly id: string,
    readonly expectedRevision: number,
    /** 0 when the record does not exist. */
    readonly actualRevision: number,
  ) {
    super(
      expectedRevision === 0
        ? `${kind} "${id}" already exists (revision ${actualRevision})`
        : actualRevision === 0
          ? `${kind} "${id}" no longer exists (expected revision ${expectedRevision})`
          : `${kind} "${id}" changed meanwhile: revision ${actualRevision}, expected ${expectedRevision}`,
    );
    this.name = 'StoreConflictError';
  }
}

/** Throws StoreConflictError when `condition` does not hold for a record at `actualRevision`. */
export function checkCondition(kind: RevisedRecordKind, id: string, actualRevision: number, condition: WriteCondition | undefined): void {
  if (condition !== undefined && condition.expectedRevision !== actualRevision) throw new StoreConflictError(kind, id, condition.expectedRevision, actualRevision);
}
