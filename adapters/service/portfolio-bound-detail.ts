/**
 * What a portfolio plan says about its certified bound (PortfolioPlanRecord.boundDetail): which bound it reports
 * (the aggregate LP's relaxation or the Lagrangian value of the uncapped round) and, per site, where that
 * Lagrangian value's part came from and why a site solve proved no bound (optimizer/portfolio/lagrangian-bound.ts).
 * Only aggregate-first plans say it today; the other coordinators' bound stays as `bound` and `solvedOn` say.
 */
import type { AggregateFirstPlan } from '../../optimizer/portfolio/aggregate-first.ts';
import type { PortfolioBoundDetail } from '../store/portfolio-runs.ts';

const money = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : String(x));

/** The bound's detail of an aggregate-first plan (undefined without a bound kind). */
export function aggregateBoundDetail(plan: AggregateFirstPlan<unknown>): PortfolioBoundDetail | undefined {
  if (!plan.boundKind) return undefined;
  const lag = plan.lagrangian;
  const which = plan.handover
    ? `${plan.boundKind === 'lagrangian' ? 'the Lagrangian bound of the coordinator handed over to' : 'the aggregate LP\'s relaxation'} (${money(plan.bound)})`
    : plan.boundKind === 'none'
    ? `none certified: the price step gave no finite bound (${plan.aggregate.boundNote ?? 'no note'})${lag ? ` and the uncapped round's Lagrangian value ${money(lag.value)} is not finite` : ''}`
    : plan.boundKind === 'lagrangian'
    ? `the Lagrangian value of the uncapped round at the aggregate LP's feeder prices (${money(plan.bound)}; the relaxation's ${money(plan.aggregate.objective ?? -Infinity)})`
    : `the aggregate LP's relaxation (${money(plan.bound)})${lag ? `: the uncapped round's Lagrangian value ${money(lag.value)} did not beat it` : ': the first round was within the target, no uncapped round'}`;
  const note = `bound: ${which}${lag?.note ? `; ${lag.note}` : ''}`;
  return {
    kind: plan.boundKind,
    note,
    ...(lag ? { lagrangianValue: lag.value, sites: lag.sites.map((s) => ({ siteId: s.siteId, status: s.status, source: s.source, pricedBound: s.pricedBound, pricedObjective: s.pricedObjective, ...(s.reason !== undefined ? { reason: s.reason } : {}) })) } : {}),
  };
}
