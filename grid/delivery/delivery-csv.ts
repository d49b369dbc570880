/**
 * M&V reports as CSV (RFC 4180, one row per slot, instants RFC 3339 in the given zone). Empty cells are
 * gaps or pending slots, never zeros; the `outcome` and `reason` columns say which and why.
 */
import { formatInstant } from '../instant.ts';
import type { DeliveryReport } from './measured-delivery.ts';
import type { PortfolioDeliveryReport } from './portfolio-delivery.ts';

const cell = (v: string | number | null | undefined): string => {
  if (v === null || v === undefined) return '';
  const text = String(v);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

const row = (values: readonly (string | number | null | undefined)[]) => values.map(cell).join(',');

export const siteDeliveryCsvHeader = ['slot_start', 'slot_end', 'requested_kw', 'baseline_kw', 'planned_kw', 'delivered_kw', 'shortfall_kw', 'metered_net_import_kw', 'outcome', 'source', 'reason'];

export function siteDeliveryCsv(report: DeliveryReport, zone: string): string {
  const lines = [siteDeliveryCsvHeader.join(',')];
  for (const s of report.slots) {
    lines.push(row([formatInstant(s.startUtcMs, zone), formatInstant(s.endUtcMs, zone), s.requestedKw, s.baselineKw, s.plannedKw, s.deliveredKw, s.shortfallKw, s.meteredNetKw, s.outcome, s.source, s.reason]));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export const portfolioDeliveryCsvHeader = ['slot_start', 'slot_end', 'site', 'requested_kw', 'baseline_kw', 'planned_kw', 'delivered_kw', 'shortfall_kw', 'outcome', 'reason'];

/** One row per slot for the portfolio (`site` empty), then one per site and slot. */
export function portfolioDeliveryCsv(report: PortfolioDeliveryReport, zone: string): string {
  const lines = [portfolioDeliveryCsvHeader.join(',')];
  for (const s of report.slots) {
    const [a, b] = [formatInstant(s.startUtcMs, zone), formatInstant(s.endUtcMs, zone)];
    lines.push(row([a, b, '', s.requestedKw, s.baselineKw, s.plannedKw, s.deliveredKw, s.shortfallKw, s.outcome, s.reason]));
    for (const site of s.sites) lines.push(row([a, b, site.siteId, null, null, site.plannedKw, site.deliveredKw, site.shortfallKw, site.outcome, null]));
  }
  return `${lines.join('\r\n')}\r\n`;
}
