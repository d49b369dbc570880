/**
 * The flexibility envelope of a plan (optimizer/flexibility.ts) on the wire, computed once per plan
 * from the problem stored with it.
 */
import { flexibilityEnvelope } from '../../../optimizer/flexibility.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import type { PlanRecord } from '../../store/records.ts';
import { wireInstant } from '../wire-time.ts';

const r3 = (x: number) => Math.round(x * 1000) / 1000;

const explanation =
  'For each slot on its own: how many kW the site could import more (upKw) or less (downKw) than planned while every vehicle can still ' +
  'reach its planned departure energy and every charger and site limit holds. Slots are independent: asking for several at once ' +
  'can need more than shown; a dispatch is re-optimised against the real constraints and acknowledged with what the site can do.';

function build(record: PlanRecord) {
  const env = flexibilityEnvelope(resolveProblem(record.problem), record.plan);
  const g = record.grid;
  return {
    siteId: record.siteId,
    planId: record.id,
    planCreatedAt: wireInstant(record.createdAtUtcMs, g.zone),
    explanation,
    slots: env.upKw.map((up, t) => ({
      start: wireInstant(g.startUtcMs + t * g.slotMs, g.zone),
      end: wireInstant(g.startUtcMs + (t + 1) * g.slotMs, g.zone),
      plannedNetKw: r3(env.plannedNetKw[t]!),
      upKw: r3(up),
      downKw: r3(env.downKw[t]!),
    })),
  };
}

const cache = new WeakMap<PlanRecord, ReturnType<typeof build>>();

export function flexibilityView(record: PlanRecord) {
  let view = cache.get(record);
  if (!view) {
    view = build(record);
    cache.set(record, view);
  }
  return view;
}
