/**
 * M&V reports as CSV (RFC 4180, one row per slot, instants RFC 3339 in the given zone). Empty cells are
 * gaps or pending slots, never zeros; the `outcome` and `reason` columns say which and why. The last columns say
 * which plans the baseline and planned columns come from and how the plan made with the dispatch was made (its
 * solver status and message, its coordination), on every row, so a row read alone still says it.
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

/** What a report says of a plan kept before session 15, whose snapshot did not record how it was made. */
export const howMadeNotRecorded = 'not recorded (a plan stored before session 15)';

/** A plan a report's numbers come from: its id and, where known, how it was made (one line). */
export interface DeliveryPlanRef {
  readonly planId: string;
  readonly howMade?: string;
}

export const siteDeliveryCsvHeader = ['slot_start', 'slot_end', 'requested_kw', 'baseline_kw', 'planned_kw', 'delivered_kw', 'shortfall_kw', 'metered_net_import_kw', 'outcome', 'source', 'reason', 'baseline_plan_id', 'planned_plan_id', 'planned_how_made'];

export function siteDeliveryCsv(report: DeliveryReport, zone: string, plans: { readonly baseline?: DeliveryPlanRef; readonly planned?: DeliveryPlanRef } = {}): string {
  const lines = [siteDeliveryCsvHeader.join(',')];
  const provenance = [plans.baseline?.planId, plans.planned?.planId, plans.planned ? (plans.planned.howMade ?? howMadeNotRecorded) : undefined];
  for (const s of report.slots) {
    lines.push(row([formatInstant(s.startUtcMs, zone), formatInstant(s.endUtcMs, zone), s.requestedKw, s.baselineKw, s.plannedKw, s.deliveredKw, s.shortfallKw, s.meteredNetKw, s.outcome, s.source, s.reason, ...provenance]));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export const portfolioDeliveryCsvHeader = ['slot_start', 'slot_end', 'site', 'requested_kw', 'baseline_kw', 'planned_kw', 'delivered_kw', 'shortfall_kw', 'outcome', 'reason', 'plan_id', 'how_made'];

const refCells = (ref: DeliveryPlanRef | undefined) => (ref ? [ref.planId, ref.howMade ?? howMadeNotRecorded] : [null, null]);

/**
 * One row per slot for the portfolio (`site` empty; its plan: the portfolio plan), then one per site and slot
 * (its plan: the site's plan made with its share).
 */
export function portfolioDeliveryCsv(report: PortfolioDeliveryReport, zone: string, plans: { readonly portfolio?: DeliveryPlanRef; readonly sites?: ReadonlyMap<string, DeliveryPlanRef> } = {}): string {
  const lines = [portfolioDeliveryCsvHeader.join(',')];
  for (const s of report.slots) {
    const [a, b] = [formatInstant(s.startUtcMs, zone), formatInstant(s.endUtcMs, zone)];
    lines.push(row([a, b, '', s.requestedKw, s.baselineKw, s.plannedKw, s.deliveredKw, s.shortfallKw, s.outcome, s.reason, ...refCells(plans.portfolio)]));
    for (const site of s.sites) lines.push(row([a, b, site.siteId, null, null, site.plannedKw, site.deliveredKw, site.shortfallKw, site.outcome, null, ...refCells(plans.sites?.get(site.siteId))]));
  }
  return `${lines.join('\r\n')}\r\n`;
}
