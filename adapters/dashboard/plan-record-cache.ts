/**
 * The plan records a dashboard page reads, kept per site between requests: a plan record never changes once
 * saved (a new plan has a new id), so while the plan state names the same plan in force, the page reuses the
 * record it read before instead of reading (with Redis: fetching and decoding megabytes of problem and plan)
 * again. Reusing the same object also lets every per-plan view cache (WeakMap keyed by the record: plan view,
 * flexibility, cost comparison, vehicle rows) hit. Holds one current and one previous record per site.
 */
import type { PlanRecord, SitePlanState } from '../store/records.ts';
import type { Store } from '../store/store.ts';

/** The plan in force, the one before it (for the re-plan diff) and the plan state they were read under. */
export interface PlanInForce {
  readonly state: SitePlanState;
  readonly record: PlanRecord | undefined;
  readonly previous: PlanRecord | undefined;
}

export class PlanRecordCache {
  private readonly bySite = new Map<string, { readonly record: PlanRecord; readonly previous: PlanRecord | undefined }>();

  constructor(private readonly store: Store) {}

  async inForce(siteId: string): Promise<PlanInForce> {
    const state = await this.store.getPlanState(siteId);
    const id = state.currentPlanId;
    if (id === undefined) {
      this.bySite.delete(siteId);
      return { state, record: undefined, previous: undefined };
    }
    const cached = this.bySite.get(siteId);
    if (cached?.record.id === id) return { state, ...cached };
    const [record, recent] = await Promise.all([this.store.getPlan(siteId, id), this.store.listPlans(siteId, 2)]);
    if (!record) return { state, record: undefined, previous: undefined };
    const previous = recent.find((p) => p.id !== record.id && p.createdAtUtcMs <= record.createdAtUtcMs);
    this.bySite.set(siteId, { record, previous });
    return { state, record, previous };
  }
}
