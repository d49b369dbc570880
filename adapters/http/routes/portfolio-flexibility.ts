/**
 * Portfolio flexibility: per slot, price-quantity curves (a few steps) of how many kW the portfolio's net
 * import can move up and down from its members' plans in force and at what price per kWh, aggregated from
 * the sites' flexibility envelopes (optimizer/flexibility.ts) and clipped by the shared limits
 * (optimizer/portfolio/flexibility-curve.ts; prices are opportunity estimates, said in `explanation`).
 * Shaped after OpenADR 3 report payloads where it fits: one interval per slot, `up`/`down` as
 * price-quantity points. Members without a plan in force are named and left out.
 *
 * GET /v1/portfolios/{portfolioId}/flexibility (read)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { flexibilityEnvelope } from '../../../optimizer/flexibility.ts';
import { portfolioFlexibilityCurves, type SiteFlexibilityOffer } from '../../../optimizer/portfolio/flexibility-curve.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import { sharedLimitsPerSlot } from '../../../grid/portfolio-limits.ts';
import type { ServiceContext } from '../../service/context.ts';
import { currentPlan } from '../route-helpers.ts';
import { Instant, readErrors } from '../schemas/common.ts';
import { PortfolioParams } from '../schemas/portfolio.ts';
import { wireInstant } from '../wire-time.ts';
import { requirePortfolio } from './portfolios.ts';

const Step = Type.Object({
  pricePerKwh: Type.Number({ description: 'up to quantityKw is offered at this price per kWh or less' }),
  quantityKw: Type.Number({ description: 'cumulative kW' }),
  siteIds: Type.Array(Type.String(), { description: 'the sites whose offers make up this step' }),
});

const PortfolioFlexibilitySchema = Type.Object({
  portfolioId: Type.String(),
  explanation: Type.String(),
  sitesIncluded: Type.Array(Type.String()),
  sitesLeftOut: Type.Array(Type.Object({ siteId: Type.String(), reason: Type.String() })),
  intervals: Type.Array(
    Type.Object({
      start: Instant('slot start'),
      end: Instant('slot end'),
      plannedNetImportKw: Type.Number(),
      up: Type.Array(Step, { description: 'import more than planned' }),
      down: Type.Array(Step, { description: 'import less (or export more) than planned' }),
      upClippedKw: Type.Number({ description: 'what the shared import limit cuts off the sites\' offers' }),
      downClippedKw: Type.Number({ description: 'what the shared export limit cuts off' }),
    }),
  ),
});

const explanation =
  'Per slot on its own, from each member\'s plan in force: its flexibility envelope (kW up and down while every departure is still met) at an ' +
  'opportunity price: a kWh shed now is bought back later at best at the cheapest later price of its horizon (down costs that minus the price now, ' +
  'at least 0); a kWh taken now instead saves at most the dearest later price (up costs the price now minus that, at least 0). Battery wear and the ' +
  'rebound\'s own limits are not priced. Steps are cumulative over the sites sorted by price, clipped by the shared limits. A dispatch is re-optimised ' +
  'against the real constraints (POST .../dispatches) and answered with what the portfolio can do.';

export const portfolioFlexibilityRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/v1/portfolios/:portfolioId/flexibility',
    { config: { scope: 'read' }, schema: { tags: ['portfolios'], summary: 'Per slot price-quantity curves up and down, aggregated from the sites and clipped by the shared limits', params: PortfolioParams, response: { 200: PortfolioFlexibilitySchema, ...readErrors() } } },
    async (request) => {
      const portfolio = await requirePortfolio(ctx, request.params.portfolioId);
      const now = ctx.clock.nowUtcMs();
      const left: { siteId: string; reason: string }[] = [];
      const offers: (SiteFlexibilityOffer & { startUtcMs: number; slotMs: number })[] = [];
      for (const siteId of portfolio.siteIds) {
        const record = (await ctx.store.getSite(siteId)) ? await currentPlan(ctx, siteId) : undefined;
        if (!record) {
          left.push({ siteId, reason: (await ctx.store.getSite(siteId)) ? 'no plan in force yet' : 'the site no longer exists' });
          continue;
        }
        const env = flexibilityEnvelope(resolveProblem(record.problem), record.plan);
        offers.push({ siteId, upKw: env.upKw, downKw: env.downKw, plannedNetKw: env.plannedNetKw, importPricePerKwh: record.importPricePerKwh, startUtcMs: record.grid.startUtcMs, slotMs: record.grid.slotMs });
      }
      const slotMs = offers[0]?.slotMs ?? 900_000;
      const startUtcMs = Math.max(Math.floor(now / slotMs) * slotMs, ...offers.map((o) => o.startUtcMs));
      const aligned = offers.filter((o) => {
        if (o.slotMs === slotMs) return true;
        left.push({ siteId: o.siteId, reason: `its slots (${o.slotMs / 60_000} min) differ from the first site's (${slotMs / 60_000} min)` });
        return false;
      }).map((o) => {
        const from = Math.round((startUtcMs - o.startUtcMs) / slotMs);
        const cut = (a: readonly number[]) => a.slice(from);
        return { siteId: o.siteId, upKw: cut(o.upKw), downKw: cut(o.downKw), plannedNetKw: cut(o.plannedNetKw), importPricePerKwh: cut(o.importPricePerKwh) };
      });
      const slotCount = aligned.length > 0 ? Math.max(0, Math.min(...aligned.map((o) => o.upKw.length))) : 0;
      const grid = { startUtcMs, slotMs, slotCount, endUtcMs: startUtcMs + slotCount * slotMs, zone: portfolio.timeZone };
      const limits = sharedLimitsPerSlot(grid, portfolio.sharedLimits ?? {});
      const clipped = slotCount > 0 ? portfolioFlexibilityCurves(aligned, limits.importLimits.map((l) => l.limitKw), limits.exportLimits.map((l) => l.limitKw)) : [];
      const zone = portfolio.timeZone;
      return {
        portfolioId: portfolio.id,
        explanation,
        sitesIncluded: aligned.map((o) => o.siteId),
        sitesLeftOut: left,
        intervals: clipped.map((c, t) => ({
          start: wireInstant(startUtcMs + t * slotMs, zone),
          end: wireInstant(startUtcMs + (t + 1) * slotMs, zone),
          plannedNetImportKw: c.plannedNetKw,
          up: c.up.map((s) => ({ ...s, siteIds: [...s.siteIds] })),
          down: c.down.map((s) => ({ ...s, siteIds: [...s.siteIds] })),
          upClippedKw: c.upClippedKw,
          downClippedKw: c.downClippedKw,
        })),
      };
    },
  );
};
