/**
 * The distributed store: the `Store` port on Redis (ioredis), shared by the API, worker and OCPP
 * processes. Behaves as MemoryStore does (proven by test/adapters/store/store-conformance.ts), with
 * these guarantees on top:
 *
 * - Concurrent writers never lose a write: each write is one atomic Lua script (redis-store-scripts.ts);
 *   writes to different records of a site never overwrite each other, and a child record (session,
 *   dispatch, plan, plan attempt, signals) is written only while its site exists, so a concurrent
 *   `deleteSite` leaves no orphan behind.
 * - A write that cannot be made rejects with StoreUnavailableError (`V2G_ERR_STORE_UNAVAILABLE`,
 *   retryable, HTTP 503) at once: give it a `producer` client (redis-connection.ts).
 * - Records come back deep-frozen; lists are consistent snapshots (one script each), except `listSites`,
 *   which skips a site deleted while it is read.
 *
 * - Revisions (store-conflict.ts) are checked and bumped inside the put's script: a conditional put
 *   whose record moved on writes nothing and rejects with StoreConflictError, as in memory.
 */
import type { Redis } from 'ioredis';
import { deepFreeze } from './deep-freeze.ts';
import { guarded, StoreUnavailableError } from './redis-errors.ts';
import { decodeRecord, decodeRevised, encodeRecord, encodeUnrevised } from './redis-json.ts';
import { RedisKeys } from './redis-keys.ts';
import {
  deleteChildScript,
  deleteSiteScript,
  listChildrenScript,
  listPlansScript,
  putChildScript,
  putPlanScript,
  putSignalsScript,
  putSiteScript,
  setSiteFieldScript,
} from './redis-store-scripts.ts';
import type { RedisReply } from './redis-lua.ts';
import type {
  DispatchRecord,
  PlanAttempt,
  PlanRecord,
  SessionRecord,
  SitePlanState,
  SiteRecord,
  SiteSignalsRecord,
} from './records.ts';
import type { Store } from './store.ts';
import { StoreConflictError, type RevisedRecordKind, type Unrevised, type WriteCondition } from './store-conflict.ts';

export interface RedisStoreOptions {
  /** A `producer` client (fail fast); owned by the caller, who closes it. */
  readonly client: Redis;
  /** `V2G_REDIS_PREFIX`; default `v2g`. */
  readonly prefix?: string;
}

const emptySignals: SiteSignalsRecord = deepFreeze({ series: {}, capacityLimits: [], revision: 0 });

function expected(condition: WriteCondition | undefined): string | number {
  return condition === undefined ? '' : condition.expectedRevision;
}

/** ioredis' `commandTimeout` fired: the reply did not come in time (the command may still run). */
function isCommandTimeout(error: unknown): boolean {
  return error instanceof Error && /Command timed out/.test(error.message);
}

function texts(reply: RedisReply): string[] {
  return Array.isArray(reply) ? reply.filter((t): t is string => typeof t === 'string') : [];
}

export class RedisStore implements Store {
  private readonly client: Redis;
  readonly keys: RedisKeys;

  constructor(options: RedisStoreOptions) {
    this.client = options.client;
    this.keys = new RedisKeys(options.prefix);
  }

  getSite(siteId: string) {
    return guarded('getSite', async () => {
      const text = await this.client.hget(this.keys.site(siteId), 'record');
      return text === null ? undefined : decodeRevised<SiteRecord>(text);
    });
  }

  listSites() {
    return guarded('listSites', async () => {
      const ids = await this.client.zrange(this.keys.sites, 0, -1);
      if (ids.length === 0) return [];
      const pipeline = this.client.pipeline();
      for (const id of ids) pipeline.hget(this.keys.site(id), 'record');
      const replies = (await pipeline.exec()) ?? [];
      const sites: SiteRecord[] = [];
      for (const [error, text] of replies) {
        if (error) throw error;
        if (typeof text === 'string') sites.push(decodeRevised<SiteRecord>(text));
      }
      return sites;
    });
  }

  putSite(site: Unrevised<SiteRecord>, condition?: WriteCondition) {
    return guarded('putSite', async () => {
      const json = encodeUnrevised(site);
      const write = () => putSiteScript.run(this.client, [this.keys.sites, this.keys.site(site.id), this.keys.seq], [site.id, json, expected(condition)]);
      return this.put<SiteRecord>('site', site.id, site.id, json, condition, write, () => this.client.hget(this.keys.site(site.id), 'record'));
    });
  }

  deleteSite(siteId: string) {
    return guarded('deleteSite', async () => {
      const existed = await deleteSiteScript.run(this.client, [this.keys.sites, ...this.keys.siteKeys(siteId)], [siteId]);
      return existed === 1;
    });
  }

  getSession(siteId: string, sessionId: string) {
    return guarded('getSession', async () => {
      const text = await this.client.hget(this.keys.sessions(siteId), sessionId);
      return text === null ? undefined : decodeRevised<SessionRecord>(text);
    });
  }

  listSessions(siteId: string) {
    return guarded('listSessions', async () => {
      const reply = await listChildrenScript.run(this.client, [this.keys.sessions(siteId), this.keys.sessionOrder(siteId)], []);
      return texts(reply).map((t) => decodeRevised<SessionRecord>(t));
    });
  }

  putSession(session: Unrevised<SessionRecord>, condition?: WriteCondition) {
    return guarded('putSession', async () => {
      const { siteId } = session;
      const keys = [this.keys.site(siteId), this.keys.sessions(siteId), this.keys.sessionOrder(siteId), this.keys.seq];
      const json = encodeUnrevised(session);
      const write = () => putChildScript.run(this.client, keys, [session.id, json, expected(condition)]);
      return this.put<SessionRecord>('session', session.id, siteId, json, condition, write, () => this.client.hget(this.keys.sessions(siteId), session.id));
    });
  }

  deleteSession(siteId: string, sessionId: string) {
    return guarded('deleteSession', async () => {
      const n = await deleteChildScript.run(this.client, [this.keys.sessions(siteId), this.keys.sessionOrder(siteId)], [sessionId]);
      return n === 1;
    });
  }

  getSignals(siteId: string) {
    return guarded('getSignals', async () => {
      const text = await this.client.hget(this.keys.site(siteId), 'signals');
      return text === null ? emptySignals : decodeRevised<SiteSignalsRecord>(text);
    });
  }

  putSignals(siteId: string, signals: Unrevised<SiteSignalsRecord>, condition?: WriteCondition) {
    return guarded('putSignals', async () => {
      const json = encodeUnrevised(signals);
      const write = () => putSignalsScript.run(this.client, [this.keys.site(siteId)], [json, expected(condition)]);
      return this.put<SiteSignalsRecord>('signals', siteId, siteId, json, condition, write, () => this.client.hget(this.keys.site(siteId), 'signals'));
    });
  }

  getDispatch(siteId: string, dispatchId: string) {
    return guarded('getDispatch', async () => {
      const text = await this.client.hget(this.keys.dispatches(siteId), dispatchId);
      return text === null ? undefined : decodeRevised<DispatchRecord>(text);
    });
  }

  listDispatches(siteId: string) {
    return guarded('listDispatches', async () => {
      const reply = await listChildrenScript.run(this.client, [this.keys.dispatches(siteId), this.keys.dispatchOrder(siteId)], []);
      return texts(reply).map((t) => decodeRevised<DispatchRecord>(t));
    });
  }

  putDispatch(dispatch: Unrevised<DispatchRecord>, condition?: WriteCondition) {
    return guarded('putDispatch', async () => {
      const { siteId } = dispatch;
      const keys = [this.keys.site(siteId), this.keys.dispatches(siteId), this.keys.dispatchOrder(siteId), this.keys.seq];
      const json = encodeUnrevised(dispatch);
      const write = () => putChildScript.run(this.client, keys, [dispatch.id, json, expected(condition)]);
      return this.put<DispatchRecord>('dispatch', dispatch.id, siteId, json, condition, write, () => this.client.hget(this.keys.dispatches(siteId), dispatch.id));
    });
  }

  putPlan(plan: PlanRecord, historyLimit: number) {
    return guarded('putPlan', async () => {
      const { siteId } = plan;
      const attempt: PlanAttempt = { atUtcMs: plan.createdAtUtcMs, jobId: plan.jobId, ok: true, planId: plan.id };
      const keys = [this.keys.site(siteId), this.keys.plans(siteId), this.keys.planOrder(siteId)];
      const limit = Number.isFinite(historyLimit) ? Math.floor(historyLimit) : Number.MAX_SAFE_INTEGER;
      const args = [plan.id, encodeRecord(plan), limit, encodeRecord(attempt), plan.createdAtUtcMs];
      this.mustExist(siteId, await putPlanScript.run(this.client, keys, args));
    });
  }

  getPlan(siteId: string, planId: string) {
    return guarded('getPlan', async () => {
      const text = await this.client.hget(this.keys.plans(siteId), planId);
      return text === null ? undefined : decodeRecord<PlanRecord>(text);
    });
  }

  listPlans(siteId: string, limit: number) {
    return guarded('listPlans', async () => {
      // Array.prototype.slice(0, limit) semantics: 0 -> none, negative -> all but the last -limit.
      const n = Math.trunc(limit);
      if (n === 0 || Number.isNaN(n)) return [];
      const stop = Number.isFinite(n) ? n - 1 : -1;
      const reply = await listPlansScript.run(this.client, [this.keys.plans(siteId), this.keys.planOrder(siteId)], [stop]);
      return texts(reply).map((t) => decodeRecord<PlanRecord>(t));
    });
  }

  getPlanState(siteId: string) {
    return guarded('getPlanState', async () => {
      const [currentPlanId, lastAttempt, lastSuccess] = await this.client.hmget(this.keys.site(siteId), 'currentPlanId', 'lastAttempt', 'lastSuccessUtcMs');
      const state: SitePlanState = {
        ...(currentPlanId ? { currentPlanId } : {}),
        ...(lastAttempt ? { lastAttempt: decodeRecord<PlanAttempt>(lastAttempt) } : {}),
        ...(lastSuccess ? { lastSuccessUtcMs: Number(lastSuccess) } : {}),
      };
      return deepFreeze(state);
    });
  }

  putPlanAttempt(siteId: string, attempt: PlanAttempt) {
    return guarded('putPlanAttempt', async () => {
      // An attempt for a deleted site is dropped, as MemoryStore does (the site is gone, not unreachable).
      await setSiteFieldScript.run(this.client, [this.keys.site(siteId)], ['lastAttempt', encodeRecord(attempt)]);
    });
  }

  ping() {
    return guarded('ping', async () => {
      await this.client.ping();
    });
  }

  /**
   * Runs a revised put. When its reply does not come within the command timeout the write may or may not
   * have been made (ioredis stops waiting; Redis may still run it), so the answer is not guessed: the
   * record is read back on the same connection, which Redis serves after the write. The put resolves
   * when the record holds exactly what was written, and rejects with StoreUnavailableError "not made"
   * when it does not (a retry is then safe); if the read fails too, the error says the outcome is unknown.
   */
  private async put<T extends { readonly revision: number }>(
    kind: RevisedRecordKind, id: string, siteId: string, json: string, condition: WriteCondition | undefined,
    write: () => Promise<RedisReply>, readBack: () => Promise<string | null>,
  ): Promise<T> {
    let reply: RedisReply;
    try {
      reply = await write();
    } catch (error) {
      if (!isCommandTimeout(error)) throw error;
      let text: string | null;
      try {
        text = await readBack();
      } catch (readError) {
        throw new StoreUnavailableError(`put ${kind} "${id}": Redis did not answer in time and the outcome could not be checked (${(readError as Error).message}); read the ${kind} before retrying`, { cause: error });
      }
      const at = text === null ? -1 : text.indexOf(':');
      if (text !== null && text.slice(at + 1) === json) return decodeRevised<T>(text);
      throw new StoreUnavailableError(`put ${kind} "${id}": Redis did not answer in time; checked: the write was not made, a retry is safe`, { cause: error });
    }
    return this.stored<T>(kind, id, siteId, reply, json, condition);
  }

  /** The record as stored by a revised put's `{status, revision}` reply, or the error it means. */
  private stored<T extends { readonly revision: number }>(kind: RevisedRecordKind, id: string, siteId: string, reply: RedisReply, json: string, condition: WriteCondition | undefined): T {
    const [status, revision] = Array.isArray(reply) ? reply.map(Number) : [NaN, NaN];
    if (status === 0) throw new Error(`RedisStore: site "${siteId}" does not exist`);
    if (status === -1) throw new StoreConflictError(kind, id, condition?.expectedRevision ?? -1, revision!);
    if (status !== 1 || !Number.isInteger(revision)) throw new Error(`RedisStore: unexpected reply ${JSON.stringify(reply)} to a put of ${kind} "${id}"`);
    // The stored form, exactly as a read returns it (JSON drops undefined properties).
    return decodeRevised<T>(`${revision}:${json}`);
  }

  private mustExist(siteId: string, reply: RedisReply): void {
    if (reply !== 1) throw new Error(`RedisStore: site "${siteId}" does not exist`);
  }
}
