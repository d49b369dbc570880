/**
 * M&V of a portfolio dispatch: the sites' reports (measured-delivery.ts, each against its own share)
 * summed per slot into the portfolio's, against the portfolio's request. Sums are of net import (kW), so
 * an export at one site offsets an import at another, as at the feeder.
 *
 * A slot is a gap for the portfolio when any site's slot is a gap (the sum is unknown); the sites
 * missing are named. Sites are matched by slot start; a site without that slot counts as a gap.
 */
import { baselineInTerms, inRequestTerms, measurementOf, shortfallOf, totalsOf, type DeliveryReport, type DeliveryTotals, type DeliveryRequest, type SlotOutcome } from './measured-delivery.ts';

export interface SiteDeliveryReport {
  readonly siteId: string;
  readonly report: DeliveryReport;
}

export interface PortfolioSiteShare {
  readonly siteId: string;
  readonly plannedKw: number | null;
  readonly deliveredKw: number | null;
  readonly shortfallKw: number | null;
  readonly outcome: SlotOutcome;
}

export interface PortfolioDeliverySlot {
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  readonly requestedKw: number;
  readonly baselineKw: number | null;
  readonly plannedKw: number | null;
  readonly deliveredKw: number | null;
  readonly shortfallKw: number | null;
  readonly outcome: SlotOutcome;
  readonly reason?: string;
  /** Each site's part, in its own share's terms. */
  readonly sites: readonly PortfolioSiteShare[];
}

export interface PortfolioDeliveryReport {
  readonly request: DeliveryRequest;
  readonly slots: readonly PortfolioDeliverySlot[];
  readonly totals: DeliveryTotals;
  readonly measurement: DeliveryReport['measurement'];
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

function sumOrNull(values: readonly (number | null)[]): number | null {
  let sum = 0;
  for (const v of values) {
    if (v === null) return null;
    sum += v;
  }
  return sum;
}

export function measurePortfolioDelivery(request: DeliveryRequest, slotStartsUtcMs: readonly { startUtcMs: number; endUtcMs: number }[], sites: readonly SiteDeliveryReport[], nowUtcMs: number, toleranceKw = 0.1): PortfolioDeliveryReport {
  const index = sites.map((s) => new Map(s.report.slots.map((slot) => [slot.startUtcMs, slot])));
  const slots = slotStartsUtcMs.map(({ startUtcMs, endUtcMs }): PortfolioDeliverySlot => {
    const siteSlots = sites.map((s, i) => ({ siteId: s.siteId, slot: index[i]!.get(startUtcMs) }));
    const shares: PortfolioSiteShare[] = siteSlots.map(({ siteId, slot }) =>
      slot
        ? { siteId, plannedKw: slot.plannedKw, deliveredKw: slot.deliveredKw, shortfallKw: slot.shortfallKw, outcome: slot.outcome }
        : { siteId, plannedKw: null, deliveredKw: null, shortfallKw: null, outcome: endUtcMs > nowUtcMs ? 'pending' : 'gap' },
    );
    const baselineNet = sumOrNull(siteSlots.map((x) => x.slot?.baselineNetKw ?? null));
    const plannedNet = sumOrNull(siteSlots.map((x) => x.slot?.plannedNetKw ?? null));
    const meteredNet = sumOrNull(siteSlots.map((x) => x.slot?.meteredNetKw ?? null));
    const baselineKw = baselineNet === null ? null : baselineInTerms(request.kind, baselineNet);
    const plannedKw = plannedNet === null ? null : inRequestTerms(request.kind, plannedNet, baselineNet ?? undefined);
    const base = { startUtcMs, endUtcMs, requestedKw: request.powerKw, baselineKw: baselineKw === null ? null : r3(baselineKw), plannedKw: plannedKw === null ? null : r3(plannedKw), sites: shares };
    if (endUtcMs > nowUtcMs) return { ...base, deliveredKw: null, shortfallKw: null, outcome: 'pending', reason: 'the slot has not ended' };
    const gapSites = siteSlots.filter((x) => x.slot?.meteredNetKw === null || x.slot === undefined).map((x) => x.siteId);
    const deliveredKw = meteredNet === null ? null : inRequestTerms(request.kind, meteredNet, baselineNet ?? undefined);
    if (deliveredKw === null) {
      const why = gapSites.length > 0 ? `meter gap at site(s) ${gapSites.join(', ')}` : 'no baseline for this slot: a reduction cannot be measured';
      return { ...base, deliveredKw: null, shortfallKw: null, outcome: 'gap', reason: why };
    }
    const shortfall = shortfallOf(request.kind, request.powerKw, deliveredKw);
    const short = shortfall > toleranceKw;
    const carriers = shares.filter((s) => (s.shortfallKw ?? 0) > 0).map((s) => `${s.siteId} short by ${s.shortfallKw} kW`);
    return {
      ...base,
      deliveredKw: r3(deliveredKw),
      shortfallKw: r3(short ? shortfall : 0),
      outcome: short ? 'short' : 'met',
      ...(short ? { reason: carriers.length > 0 ? carriers.join('; ') : `the sites together delivered ${r3(deliveredKw)} kW` } : {}),
    };
  });
  return { request, slots, totals: totalsOf(slots), measurement: measurementOf(slots) };
}
