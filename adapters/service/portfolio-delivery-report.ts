/**
 * Measured delivery of a portfolio dispatch (grid/delivery/portfolio-delivery.ts) fed by the store: each
 * site that carries a share is measured over the whole window (dispatch-delivery.ts) with the baseline and
 * plan kept with its share dispatches, and the portfolio's slots are their sums; a meter gap at any site is
 * a gap of the portfolio's slot, the sites missing named.
 */
import { measurePortfolioDelivery, type PortfolioDeliveryReport } from '../../grid/delivery/portfolio-delivery.ts';
import type { DeliveryRequestKind } from '../../grid/delivery/measured-delivery.ts';
import type { MeterLog } from '../store/meter-log.ts';
import type { PortfolioDispatchRecord } from '../store/portfolio-runs.ts';
import type { DispatchRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { dispatchDeliveryReport } from './dispatch-delivery.ts';

export const deliveryKindOf: Record<PortfolioDispatchRecord['kind'], DeliveryRequestKind> = { 'import-limit': 'import-limit', export: 'export-delivery', reduce: 'import-reduction' };

/** A site's plan made with its share: id and how it was made (records.ts PlanSnapshot). */
export interface SitePlanRef {
  readonly planId: string;
  readonly howMade?: string;
}

export async function portfolioDeliveryReport(deps: { store: Store; meterLog: MeterLog }, d: PortfolioDispatchRecord, nowUtcMs: number): Promise<{ report: PortfolioDeliveryReport; missingSites: string[]; sitePlans: Map<string, SitePlanRef> }> {
  const kind = deliveryKindOf[d.kind];
  const bySite = new Map<string, DispatchRecord[]>();
  for (const share of d.outcome?.siteDispatches ?? []) {
    const sd = await deps.store.getDispatch(share.siteId, share.dispatchId);
    if (sd) bySite.set(share.siteId, [...(bySite.get(share.siteId) ?? []), sd]);
  }
  const missingSites: string[] = [];
  const sitePlans = new Map<string, SitePlanRef>();
  const reports = [];
  let slotMs = 900_000;
  for (const [siteId, shares] of bySite) {
    const site = await deps.store.getSite(siteId);
    if (!site) {
      missingSites.push(siteId);
      continue;
    }
    slotMs = site.slotMinutes * 60_000;
    const planned = shares[0]!.plannedWith;
    if (planned) sitePlans.set(siteId, { planId: planned.planId, ...(planned.howMade !== undefined ? { howMade: planned.howMade } : {}) });
    const whole: DispatchRecord = {
      ...shares[0]!,
      powerKw: d.powerKw,
      startUtcMs: d.startUtcMs,
      endUtcMs: d.endUtcMs,
      baseline: { planId: shares[0]!.baseline?.planId ?? '', createdAtUtcMs: shares[0]!.baseline?.createdAtUtcMs ?? 0, slots: shares.flatMap((s) => s.baseline?.slots ?? []) },
      plannedWith: { planId: shares[0]!.plannedWith?.planId ?? '', createdAtUtcMs: shares[0]!.plannedWith?.createdAtUtcMs ?? 0, slots: shares.flatMap((s) => s.plannedWith?.slots ?? []) },
    };
    reports.push({ siteId, report: await dispatchDeliveryReport(deps, site, whole, nowUtcMs, kind) });
  }
  const slots: { startUtcMs: number; endUtcMs: number }[] = [];
  for (let t = Math.floor(d.startUtcMs / slotMs) * slotMs; t < d.endUtcMs; t += slotMs) slots.push({ startUtcMs: t, endUtcMs: t + slotMs });
  const report = measurePortfolioDelivery({ kind, powerKw: d.powerKw, startUtcMs: d.startUtcMs, endUtcMs: d.endUtcMs }, slots, reports, nowUtcMs);
  return { report, missingSites, sitePlans };
}
