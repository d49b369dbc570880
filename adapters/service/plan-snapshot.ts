/**
 * A plan's slots over a window as M&V needs them (records.ts `PlanSnapshot`): kept with a dispatch when it
 * arrives (the baseline) and when its plan is made, so the measurement never depends on plan history.
 */
import type { PlanRecord, PlanSnapshot } from '../store/records.ts';
import { slotsTouched } from './dispatch-incentive.ts';

export function planSnapshot(record: PlanRecord, startUtcMs: number, endUtcMs: number): PlanSnapshot {
  const { grid, plan, problem } = record;
  const slots = slotsTouched(grid, startUtcMs, endUtcMs).map((t) => {
    const chargerKw: Record<string, number> = {};
    for (const v of plan.vehicles) {
      const p = v.powerKw[t] ?? 0;
      if (p !== 0) chargerKw[v.chargerId] = (chargerKw[v.chargerId] ?? 0) + p;
    }
    const siteLoadKw = (problem.baseLoadKw?.[t] ?? 0) - (problem.pvKw?.[t] ?? 0) + (plan.site.pvCurtailedKw[t] ?? 0);
    return { startUtcMs: grid.startUtcMs + t * grid.slotMs, endUtcMs: grid.startUtcMs + (t + 1) * grid.slotMs, netKw: plan.site.importKw[t]! - plan.site.exportKw[t]!, siteLoadKw, chargerKw };
  });
  return { planId: record.id, createdAtUtcMs: record.createdAtUtcMs, howMade: planHowMade(record), slots };
}

/** At most this many characters of a solver's message in `howMade` (a CSV cell on every row). */
const messageChars = 300;

/** One line: the plan's solver status and message, and its portfolio coordination when it has one. */
export function planHowMade(record: Pick<PlanRecord, 'plan' | 'coordination'>): string {
  const message = record.plan.message ? `: ${record.plan.message.length > messageChars ? `${record.plan.message.slice(0, messageChars)}...` : record.plan.message}` : '';
  const coordination = record.coordination ? `; ${record.coordination.mode} in portfolio ${record.coordination.portfolioId} (${record.coordination.portfolioPlanId}): ${record.coordination.note}` : '';
  return `solver ${record.plan.status}${message}${coordination}`;
}
