/**
 * The plan in force per site, cached in the gateway process: plan records are large (each holds its
 * problem), and the gateway needs the current one on every plan announcement, every charger connect and
 * every meter value it checks for drift.
 *
 * Invariant: `current(siteId)` always asks the store which plan is current (a small read) and reuses the
 * cached record only when it is that plan; so the answer is never older than the store's.
 */
import type { PlanRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';

export class SitePlanCache {
  private readonly plans = new Map<string, PlanRecord>();

  constructor(private readonly store: Store) {}

  /** The site's current plan, or undefined when it has none (or the site is gone). */
  async current(siteId: string): Promise<PlanRecord | undefined> {
    const { currentPlanId } = await this.store.getPlanState(siteId);
    if (currentPlanId === undefined) {
      this.plans.delete(siteId);
      return undefined;
    }
    const cached = this.plans.get(siteId);
    if (cached?.id === currentPlanId) return cached;
    const record = await this.store.getPlan(siteId, currentPlanId);
    if (record) this.plans.set(siteId, record);
    else this.plans.delete(siteId);
    return record;
  }

  forget(siteId: string): void {
    this.plans.delete(siteId);
  }
}
