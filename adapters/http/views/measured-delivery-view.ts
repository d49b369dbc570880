/** M&V reports to the wire: instants RFC 3339 in the site's zone. */
import type { DeliveryReport } from '../../../grid/delivery/measured-delivery.ts';
import type { DispatchRecord } from '../../store/records.ts';
import { wireInstant } from '../wire-time.ts';

export function siteDeliveryView(siteId: string, dispatch: DispatchRecord, report: DeliveryReport, zone: string) {
  return {
    siteId,
    dispatchId: dispatch.id,
    kind: report.request.kind,
    measurement: report.measurement,
    baselinePlanId: dispatch.baseline?.planId ?? null,
    plannedWithPlanId: dispatch.plannedWith?.planId ?? null,
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
