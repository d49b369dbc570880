/**
 * Measured delivery of a site dispatch (grid/delivery/measured-delivery.ts) fed by the store: the
 * baseline and the plan kept with the dispatch (plan-snapshot.ts), the `site-meter` signal, and the
 * chargers' energy registers from the meter log (OCPP MeterValues), read from an hour before the window
 * (register samples must bracket its first slot) to an hour after it.
 */
import { measureDelivery, type DeliveryReport, type DeliveryRequestKind, type PlannedSlot } from '../../grid/delivery/measured-delivery.ts';
import type { MeterLog } from '../store/meter-log.ts';
import type { DispatchRecord, SiteRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';

const marginMs = 3_600_000;

/** The slots of the window: those of the plan made with the dispatch, else of its baseline, else the site's slot grid. */
export function plannedSlots(dispatch: DispatchRecord, slotMinutes: number): PlannedSlot[] {
  const planned = new Map((dispatch.plannedWith?.slots ?? []).map((s) => [s.startUtcMs, s]));
  const baseline = new Map((dispatch.baseline?.slots ?? []).map((s) => [s.startUtcMs, s]));
  const slotMs = slotMinutes * 60_000;
  const slots: PlannedSlot[] = [];
  for (let t = Math.floor(dispatch.startUtcMs / slotMs) * slotMs; t < dispatch.endUtcMs; t += slotMs) {
    const p = planned.get(t);
    const b = baseline.get(t);
    slots.push({
      startUtcMs: t,
      endUtcMs: t + slotMs,
      ...(b ? { baselineNetKw: b.netKw } : {}),
      ...(p ? { plannedNetKw: p.netKw, plannedChargerKw: p.chargerKw, plannedSiteLoadKw: p.siteLoadKw } : {}),
    });
  }
  return slots;
}

export async function dispatchDeliveryReport(deps: { store: Store; meterLog: MeterLog }, site: SiteRecord, dispatch: DispatchRecord, nowUtcMs: number, kind: DeliveryRequestKind = dispatch.kind): Promise<DeliveryReport> {
  const [signals, samples] = await Promise.all([deps.store.getSignals(site.id), deps.meterLog.list(site.id, dispatch.startUtcMs - marginMs, dispatch.endUtcMs + marginMs)]);
  const siteMeter = signals.series['site-meter'];
  return measureDelivery({
    request: { kind, powerKw: dispatch.powerKw, startUtcMs: dispatch.startUtcMs, endUtcMs: dispatch.endUtcMs },
    slots: plannedSlots(dispatch, site.slotMinutes),
    ...(siteMeter ? { siteMeter } : {}),
    chargerSamples: samples,
    chargerIds: site.chargers.map((c) => c.id),
    nowUtcMs,
  });
}
