/**
 * Portfolio dispatch rules beyond the schema, checked before anything is stored: the window (as for site
 * dispatches), dispatches that do not add up (overlapping windows, except two import limits: the tighter
 * applies), an export above the feeder's shared export limit (contradictory), and a reduction without any
 * baseline to reduce from. A limit below the sites' inflexible load is NOT refused: it is answered
 * partial, with the unavoidable excess named per slot (the coordinator's breaches).
 */
import { sharedLimitsPerSlot } from '../../grid/portfolio-limits.ts';
import type { FieldIssue } from '../errors.ts';
import type { PortfolioRecord } from '../store/portfolio-store.ts';
import type { PortfolioDispatchRecord } from '../store/portfolio-runs.ts';
import type { PlanRecord } from '../store/records.ts';
import { dispatchIssues } from './dispatch-validation.ts';

export function portfolioDispatchIssues(d: PortfolioDispatchRecord, nowUtcMs: number): FieldIssue[] {
  return dispatchIssues(d, nowUtcMs);
}

/** Conflicts (409): overlaps that do not add up, and an export the feeder's export limit forbids. */
export function portfolioDispatchConflicts(d: PortfolioDispatchRecord, existing: readonly PortfolioDispatchRecord[], portfolio: PortfolioRecord, slotMs: number, nowUtcMs: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const clash = existing.find(
    (o) => (o.status === 'pending' || o.status === 'planned') && o.endUtcMs > nowUtcMs && o.startUtcMs < d.endUtcMs && d.startUtcMs < o.endUtcMs && !(o.kind === 'import-limit' && d.kind === 'import-limit'),
  );
  if (clash) issues.push({ pointer: '/body/start', detail: `overlaps portfolio dispatch "${clash.id}" (${clash.kind} ${clash.powerKw} kW); they do not add up: cancel it first (DELETE) or choose another window` });
  if (d.kind === 'export' && portfolio.sharedLimits) {
    const startUtcMs = Math.floor(d.startUtcMs / slotMs) * slotMs;
    const slotCount = Math.ceil((d.endUtcMs - startUtcMs) / slotMs);
    const grid = { startUtcMs, endUtcMs: startUtcMs + slotCount * slotMs, slotMs, slotCount, zone: portfolio.timeZone };
    const tight = sharedLimitsPerSlot(grid, portfolio.sharedLimits).exportLimits.find((l) => l.limitKw < d.powerKw);
    if (tight) issues.push({ pointer: '/body/powerKw', detail: `exceeds the portfolio's shared export limit of ${tight.limitKw} kW (${tight.source}) in the window: contradictory` });
  }
  return issues;
}

/** The sum of the members' plans in force per slot of the window (null where a member has no plan there). */
export function portfolioBaseline(plans: readonly (PlanRecord | undefined)[], startUtcMs: number, endUtcMs: number, slotMs: number): { startUtcMs: number; netImportKw: number | null }[] {
  const out: { startUtcMs: number; netImportKw: number | null }[] = [];
  for (let t = Math.floor(startUtcMs / slotMs) * slotMs; t < endUtcMs; t += slotMs) {
    let sum: number | null = 0;
    for (const p of plans) {
      const i = p ? Math.round((t - p.grid.startUtcMs) / p.grid.slotMs) : -1;
      if (!p || p.grid.slotMs !== slotMs || i < 0 || i >= p.grid.slotCount) {
        sum = null;
        break;
      }
      sum += p.plan.site.importKw[i]! - p.plan.site.exportKw[i]!;
    }
    out.push({ startUtcMs: t, netImportKw: sum === null ? null : Math.round(sum * 1000) / 1000 });
  }
  return out;
}
