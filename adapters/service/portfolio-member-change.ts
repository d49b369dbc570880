/**
 * A portfolio whose members changed (a member site deleted, the portfolio's sites or limits replaced) is
 * coordinated again at once when it is in use (it has a plan, or a dispatch pending or planned): its plans in
 * force and its dispatch shares then follow the new membership without waiting for the next request. A
 * portfolio never planned is left alone (coordinating it is the caller's decision: POST .../plan).
 */
import type { ServiceContext } from './context.ts';
import { requestPortfolioPlan } from './portfolio-job.ts';

type Ctx = Pick<ServiceContext, 'portfolios' | 'portfolioPlanning' | 'config' | 'clock'>;

/** Queues a coordination of each portfolio in use among `portfolioIds`; returns those queued. */
export async function replanPortfoliosInUse(ctx: Ctx, portfolioIds: readonly string[], reason: string): Promise<string[]> {
  const { runs, queue } = ctx.portfolioPlanning;
  const now = ctx.clock.nowUtcMs();
  const queued: string[] = [];
  for (const id of portfolioIds) {
    const inUse = (await runs.getLatestPlan(id)) !== undefined || (await runs.listDispatches(id)).some((d) => (d.status === 'pending' || d.status === 'planned') && d.endUtcMs > now);
    if (!inUse) continue;
    await requestPortfolioPlan(queue, ctx.config, id, reason);
    queued.push(id);
  }
  return queued;
}

/** The portfolios `siteId` belongs to. */
export async function portfoliosOfSite(ctx: Pick<ServiceContext, 'portfolios'>, siteId: string): Promise<string[]> {
  return (await ctx.portfolios.list()).filter((p) => p.siteIds.includes(siteId)).map((p) => p.id);
}
