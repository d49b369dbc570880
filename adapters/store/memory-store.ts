/**
 * The embedded store: everything in this process's memory, lost on restart. Records are deep-frozen on
 * the way in, so a caller can never change stored state by mutating what it got back.
 */
import { deepFreeze } from './deep-freeze.ts';
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
import { checkCondition, type RevisedRecordKind, type Unrevised, type WriteCondition } from './store-conflict.ts';

interface SiteData {
  site: SiteRecord;
  sessions: Map<string, SessionRecord>;
  signals: SiteSignalsRecord;
  dispatches: Map<string, DispatchRecord>;
  /** Newest first. */
  plans: PlanRecord[];
  planState: SitePlanState;
}

const emptySignals: SiteSignalsRecord = deepFreeze({ series: {}, capacityLimits: [], revision: 0 });

/** `record` with the revision after `current` (deep-frozen, as stored). */
function revised<T extends { readonly revision: number }>(record: Unrevised<T>, current: { readonly revision: number } | undefined): T {
  return deepFreeze({ ...record, revision: (current?.revision ?? 0) + 1 } as T);
}

/** A conditional put of a session or dispatch into its site's map. */
function putChild<T extends { readonly id: string; readonly revision: number }>(kind: RevisedRecordKind, children: Map<string, T>, record: Unrevised<T>, condition: WriteCondition | undefined): T {
  const current = children.get(record.id);
  checkCondition(kind, record.id, current?.revision ?? 0, condition);
  const stored = revised<T>(record, current);
  children.set(record.id, stored);
  return stored;
}

export class MemoryStore implements Store {
  private readonly sites = new Map<string, SiteData>();

  async getSite(siteId: string) {
    return this.sites.get(siteId)?.site;
  }

  async listSites() {
    return [...this.sites.values()].map((d) => d.site);
  }

  async putSite(site: Unrevised<SiteRecord>, condition?: WriteCondition) {
    const data = this.sites.get(site.id);
    checkCondition('site', site.id, data?.site.revision ?? 0, condition);
    const stored = revised<SiteRecord>(site, data?.site);
    if (data) data.site = stored;
    else this.sites.set(site.id, { site: stored, sessions: new Map(), signals: emptySignals, dispatches: new Map(), plans: [], planState: {} });
    return stored;
  }

  async deleteSite(siteId: string) {
    return this.sites.delete(siteId);
  }

  async getSession(siteId: string, sessionId: string) {
    return this.sites.get(siteId)?.sessions.get(sessionId);
  }

  async listSessions(siteId: string) {
    return [...(this.sites.get(siteId)?.sessions.values() ?? [])];
  }

  async putSession(session: Unrevised<SessionRecord>, condition?: WriteCondition) {
    return putChild('session', this.data(session.siteId).sessions, session, condition);
  }

  async deleteSession(siteId: string, sessionId: string) {
    return this.sites.get(siteId)?.sessions.delete(sessionId) ?? false;
  }

  async getSignals(siteId: string) {
    return this.sites.get(siteId)?.signals ?? emptySignals;
  }

  async putSignals(siteId: string, signals: Unrevised<SiteSignalsRecord>, condition?: WriteCondition) {
    const data = this.data(siteId);
    checkCondition('signals', siteId, data.signals.revision, condition);
    data.signals = revised<SiteSignalsRecord>(signals, data.signals);
    return data.signals;
  }

  async getDispatch(siteId: string, dispatchId: string) {
    return this.sites.get(siteId)?.dispatches.get(dispatchId);
  }

  async listDispatches(siteId: string) {
    return [...(this.sites.get(siteId)?.dispatches.values() ?? [])];
  }

  async putDispatch(dispatch: Unrevised<DispatchRecord>, condition?: WriteCondition) {
    return putChild('dispatch', this.data(dispatch.siteId).dispatches, dispatch, condition);
  }

  async putPlan(plan: PlanRecord, historyLimit: number) {
    const data = this.data(plan.siteId);
    data.plans = data.plans.filter((p) => p.id !== plan.id);
    data.plans.unshift(deepFreeze(plan));
    if (data.plans.length > historyLimit) data.plans.length = Math.max(1, historyLimit);
    data.planState = deepFreeze({
      currentPlanId: plan.id,
      lastAttempt: { atUtcMs: plan.createdAtUtcMs, jobId: plan.jobId, ok: true, planId: plan.id },
      lastSuccessUtcMs: plan.createdAtUtcMs,
    });
  }

  async getPlan(siteId: string, planId: string) {
    return this.sites.get(siteId)?.plans.find((p) => p.id === planId);
  }

  async listPlans(siteId: string, limit: number) {
    return (this.sites.get(siteId)?.plans ?? []).slice(0, limit);
  }

  async getPlanState(siteId: string) {
    return this.sites.get(siteId)?.planState ?? {};
  }

  async putPlanAttempt(siteId: string, attempt: PlanAttempt) {
    const data = this.sites.get(siteId);
    if (data) data.planState = deepFreeze({ ...data.planState, lastAttempt: attempt });
  }

  async ping() {}

  private data(siteId: string): SiteData {
    const data = this.sites.get(siteId);
    if (!data) throw new Error(`MemoryStore: site "${siteId}" does not exist`);
    return data;
  }
}
