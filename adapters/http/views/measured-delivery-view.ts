/** M&V reports to the wire: instants RFC 3339 in the site's zone. */
import type { DeliveryReport } from '../../../grid/delivery/measured-delivery.ts';
import { howMadeNotRecorded, type DeliveryPlanRef } from '../../../grid/delivery/delivery-csv.ts';
import type { DispatchRecord, PlanSnapshot } from '../../store/records.ts';
import { wireInstant } from '../wire-time.ts';

/** How a kept plan was made; null without the plan; said so for snapshots stored before it was recorded. */
export const snapshotHowMade = (snapshot: PlanSnapshot | undefined): string | null => (snapshot ? (snapshot.howMade ?? howMadeNotRecorded) : null);

/** The plans a site report's numbers come from, for its CSV. */
export function deliveryPlanRefs(dispatch: Pick<DispatchRecord, 'baseline' | 'plannedWith'>): { baseline?: DeliveryPlanRef; planned?: DeliveryPlanRef } {
  const ref = (s: PlanSnapshot): DeliveryPlanRef => ({ planId: s.planId, ...(s.howMade !== undefined ? { howMade: s.howMade } : {}) });
  return { ...(dispatch.baseline ? { baseline: ref(dispatch.baseline) } : {}), ...(dispatch.plannedWith ? { planned: ref(dispatch.plannedWith) } : {}) };
}

export function siteDeliveryView(siteId: string, dispatch: DispatchRecord, report: DeliveryReport, zone: string) {
  return {
    siteId,
    dispatchId: dispatch.id,
    kind: report.request.kind,
    measurement: report.measurement,
    baselinePlanId: dispatch.baseline?.planId ?? null,
    plannedWithPlanId: dispatch.plannedWith?.planId ?? null,
    baselineHowMade: snapshotHowMade(dispatch.baseline),
    plannedWithHowMade: snapshotHowMade(dispatch.plannedWith),
    totals: report.totals,
    slots: report.slots.map((s) => ({
      start: wireInstant(s.startUtcMs, zone),
      end: wireInstant(s.endUtcMs, zone),
      requestedKw: s.requestedKw,
      baselineKw: s.baselineKw,
      plannedKw: s.plannedKw,
      deliveredKw: s.deliveredKw,
      shortfallKw: s.shortfallKw,
      meteredNetImportKw: s.meteredNetKw,
      outcome: s.outcome,
      source: s.source,
      ...(s.reason !== undefined ? { reason: s.reason } : {}),
    })),
    meterIssues: report.meterIssues.map((i) => ({ kind: i.kind, meterId: i.meterId, at: wireInstant(i.atUtcMs, zone), count: i.count, detail: i.detail })),
  };
}
