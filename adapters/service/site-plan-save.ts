/**
 * Saving a site's new plan, wherever it was made (a site re-plan, a portfolio coordination): the record is
 * stored as the plan in force, every active dispatch it was made with gets its acknowledgement and the
 * plan's slots over its window (M&V), and the plan is announced (the plan bus, to the OCPP gateways).
 * A failed announcement rejects (retryable): a saved plan is never left unannounced silently.
 */
import type { ServiceConfig } from '../config.ts';
import { withOptimisticRetry } from '../store/optimistic-update.ts';
import type { PlanRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { acknowledgeDispatch } from './dispatch-ack.ts';
import { planSnapshot } from './plan-snapshot.ts';

export interface SitePlanSaveDeps {
  readonly store: Store;
  readonly config: ServiceConfig;
  readonly onPlanSaved?: (plan: PlanRecord) => Promise<void>;
}

export async function saveSitePlan(deps: SitePlanSaveDeps, record: PlanRecord): Promise<void> {
  const { store } = deps;
  await store.putPlan(record, deps.config.planHistoryLimit);
  for (const id of record.dispatchIds) {
    // Conditional: a cancellation landing meanwhile is re-read, never overwritten back to active.
    await withOptimisticRetry(async () => {
      const fresh = await store.getDispatch(record.siteId, id);
      if (fresh && fresh.status === 'active') {
        await store.putDispatch(
          { ...fresh, acknowledgement: acknowledgeDispatch(fresh, record, record.createdAtUtcMs), plannedWith: planSnapshot(record, fresh.startUtcMs, fresh.endUtcMs) },
          { expectedRevision: fresh.revision },
        );
      }
    });
  }
  await deps.onPlanSaved?.(record);
}
