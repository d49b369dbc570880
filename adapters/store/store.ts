/**
 * The store: where the service keeps site state. Embedded mode uses `MemoryStore`; distributed mode
 * (a later issue) drops in a Redis implementation of the same interfaces. Every method is async so that
 * a networked store fits; records are immutable values (a change replaces the record).
 *
 * Contract for implementations:
 * - `get*` returns undefined for an unknown id, never throws for it; `delete*` returns whether it existed.
 * - `deleteSite` removes everything of the site (sessions, signals, dispatches, plans, plan state).
 * - `putPlan` makes the plan the site's current plan and keeps at most `historyLimit` plans, newest first.
 * - Records returned must not be mutated by callers (the memory store returns frozen objects).
 * - Sites, sessions, dispatches and signals carry a store-assigned `revision` (store-conflict.ts): a put
 *   ignores the revision it is given, stores the next one and returns the stored record. With a
 *   `WriteCondition` the put first checks the stored revision (0 = none) and rejects with
 *   StoreConflictError, writing nothing, when it differs: read-modify-writes never lose a write
 *   (optimistic-update.ts retries them on fresh data).
 */
import type {
  DispatchRecord,
  PlanAttempt,
  PlanRecord,
  SessionRecord,
  SitePlanState,
  SiteRecord,
  SiteSignalsRecord,
} from './records.ts';
import type { Unrevised, WriteCondition } from './store-conflict.ts';

export interface Store {
  getSite(siteId: string): Promise<SiteRecord | undefined>;
  listSites(): Promise<SiteRecord[]>;
  putSite(site: Unrevised<SiteRecord>, condition?: WriteCondition): Promise<SiteRecord>;
  deleteSite(siteId: string): Promise<boolean>;

  getSession(siteId: string, sessionId: string): Promise<SessionRecord | undefined>;
  listSessions(siteId: string): Promise<SessionRecord[]>;
  /** The site must exist. */
  putSession(session: Unrevised<SessionRecord>, condition?: WriteCondition): Promise<SessionRecord>;
  deleteSession(siteId: string, sessionId: string): Promise<boolean>;

  /** The site's signals (empty, revision 0, when none were posted). */
  getSignals(siteId: string): Promise<SiteSignalsRecord>;
  /** The site must exist. */
  putSignals(siteId: string, signals: Unrevised<SiteSignalsRecord>, condition?: WriteCondition): Promise<SiteSignalsRecord>;

  getDispatch(siteId: string, dispatchId: string): Promise<DispatchRecord | undefined>;
  /** Oldest first. */
  listDispatches(siteId: string): Promise<DispatchRecord[]>;
  /** The site must exist. */
  putDispatch(dispatch: Unrevised<DispatchRecord>, condition?: WriteCondition): Promise<DispatchRecord>;

  /** Stores a plan as the site's current plan and records a successful attempt; a plan id already stored is replaced and becomes the newest (one entry per id). */
  putPlan(plan: PlanRecord, historyLimit: number): Promise<void>;
  getPlan(siteId: string, planId: string): Promise<PlanRecord | undefined>;
  /** Newest first, at most `limit`. */
  listPlans(siteId: string, limit: number): Promise<PlanRecord[]>;
  getPlanState(siteId: string): Promise<SitePlanState>;
  /** Records an attempt (a failed one leaves the current plan in force). */
  putPlanAttempt(siteId: string, attempt: PlanAttempt): Promise<void>;

  /** Resolves when the store can serve requests (readiness). */
  ping(): Promise<void>;
}

/** A response remembered for an Idempotency-Key. */
export interface StoredResponse {
  readonly statusCode: number;
  readonly contentType: string;
  readonly location?: string;
  readonly body: string;
}

/** The outcome of claiming an Idempotency-Key. */
export type IdempotencyClaim =
  /** First use: the caller processes the request, then `complete`s or `abandon`s the key. */
  | { readonly state: 'claimed' }
  /** The same key is being processed by another request. */
  | { readonly state: 'in-flight' }
  /** Already processed with the same fingerprint: replay this response. */
  | { readonly state: 'completed'; readonly response: StoredResponse }
  /** Already used for a request with a different fingerprint. */
  | { readonly state: 'mismatch' };

/**
 * Idempotency keys (IETF draft-ietf-httpapi-idempotency-key-header): a key claimed with the request's
 * fingerprint, then completed with the response, expires `ttlMs` after the claim. In Redis: `SET NX PX`.
 */
export interface IdempotencyStore {
  claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyClaim>;
  complete(key: string, response: StoredResponse): Promise<void>;
  /** Forgets a claimed key (the request failed in a way a retry may fix). */
  abandon(key: string): Promise<void>;
}
