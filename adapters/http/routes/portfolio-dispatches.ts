/**
 * Portfolio dispatch: "import <= X kW from A to B", "reduce by X kW against the baseline", "export X kW",
 * asked of a whole portfolio. Validated and stored (pending), then split over the sites at least total cost
 * by the portfolio's coordination (a job on the portfolio queue, with the dispatch as a shared limit):
 * each site gets its share as its own site dispatch and a new plan. The answer (201 once split, 202 while
 * the job runs, or `?wait=false`) says per slot what the portfolio will deliver and which sites carry it;
 * what cannot be met is `partial` (or `none`) with the reason, never `full`. DELETE cancels it (its site
 * shares too; the sites are re-planned). Measured delivery sums the sites' M&V (JSON or CSV).
 *
 * POST/GET /v1/portfolios/{portfolioId}/dispatches (dispatch/read) | GET/DELETE .../{dispatchId} (read/dispatch)
 * GET .../{dispatchId}/measured-delivery[?format=csv] (read)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { howMadeNotRecorded, portfolioDeliveryCsv } from '../../../grid/delivery/delivery-csv.ts';
import { notFound, serviceError, type FieldIssue } from '../../errors.ts';
import type { ServiceContext } from '../../service/context.ts';
import { portfolioDeliveryReport } from '../../service/portfolio-delivery-report.ts';
import { portfolioBaseline, portfolioDispatchConflicts, portfolioDispatchIssues } from '../../service/portfolio-dispatch-validation.ts';
import { requestPortfolioPlan } from '../../service/portfolio-job.ts';
import type { PortfolioDispatchRecord } from '../../store/portfolio-runs.ts';
import { conflictIfIssues, currentPlan, newId, rejectIfIssues } from '../route-helpers.ts';
import { PostHeaders, errorResponses, readErrors } from '../schemas/common.ts';
import { DispatchQuerySchema } from '../schemas/dispatch.ts';
import { DeliveryQuerySchema, PortfolioDeliveryReportSchema } from '../schemas/measured-delivery.ts';
import { PortfolioParams } from '../schemas/portfolio.ts';
import { PortfolioDispatchCreateSchema, PortfolioDispatchListSchema, PortfolioDispatchParams, PortfolioDispatchSchema } from '../schemas/portfolio-dispatch.ts';
import { portfolioDispatchView } from '../views/portfolio-dispatch-view.ts';
import { readInstant, wireInstant } from '../wire-time.ts';
import { requirePortfolio } from './portfolios.ts';

export const portfolioDispatchRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const tags = ['portfolios'];
  const { runs, queue } = ctx.portfolioPlanning;
  const rateLimit = { max: ctx.config.dispatchRateLimitMax, timeWindow: ctx.config.dispatchRateLimitWindowMs };
  const requireDispatch = async (portfolioId: string, dispatchId: string) => {
    const d = await runs.getDispatch(portfolioId, dispatchId);
    if (!d) throw notFound('portfolio dispatch', dispatchId, 'dispatchId');
    return d;
  };

  app.post(
    '/v1/portfolios/:portfolioId/dispatches',
    {
      config: { scope: 'dispatch', rateLimit },
      schema: {
        tags,
        summary: 'Dispatch a portfolio: split over its sites at least total cost; answered per slot with what it will deliver and which sites carry it',
        params: PortfolioParams,
        querystring: DispatchQuerySchema,
        headers: PostHeaders,
        body: PortfolioDispatchCreateSchema,
        response: { 201: PortfolioDispatchSchema, 202: PortfolioDispatchSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const portfolio = await requirePortfolio(ctx, request.params.portfolioId);
      const now = ctx.clock.nowUtcMs();
      const b = request.body;
      const issues: FieldIssue[] = [];
      const startUtcMs = readInstant(b.start, '/body/start', issues);
      const endUtcMs = readInstant(b.end, '/body/end', issues);
      rejectIfIssues(issues, 'the dispatch is not usable');
      const sites = (await Promise.all(portfolio.siteIds.map((id) => ctx.store.getSite(id)))).filter((s) => s !== undefined);
      if (sites.length === 0) throw serviceError('V2G_ERR_CONFLICT', `portfolio "${portfolio.id}" has no existing sites to carry a dispatch`, [{ pointer: '/params/portfolioId', detail: 'has no existing sites' }]);
      const slotMs = sites[0]!.slotMinutes * 60_000;
      let d: PortfolioDispatchRecord = {
        id: newId('pdispatch'),
        portfolioId: portfolio.id,
        kind: b.kind,
        powerKw: b.powerKw,
        startUtcMs,
        endUtcMs,
        ...(b.reference !== undefined ? { reference: b.reference } : {}),
        status: 'pending',
        requestedBy: request.principal?.name ?? '-',
        createdAtUtcMs: now,
        siteIds: sites.map((s) => s.id),
        baseline: [],
      };
      rejectIfIssues(portfolioDispatchIssues(d, now), 'the dispatch is not usable');
      const plans = await Promise.all(sites.map((s) => currentPlan(ctx, s.id)));
      d = { ...d, baseline: portfolioBaseline(plans, startUtcMs, endUtcMs, slotMs) };
      if (d.kind === 'reduce' && d.baseline.every((x) => x.netImportKw === null)) {
        rejectIfIssues([{ pointer: '/body/kind', detail: 'a reduction needs a baseline: no slot of the window has a plan in force at every member site (plan the portfolio first)' }], 'the dispatch is not usable');
      }
      conflictIfIssues(portfolioDispatchConflicts(d, await runs.listDispatches(portfolio.id), portfolio, slotMs, now), 'the dispatch conflicts');
      await runs.putDispatch(d);
      request.log.info({ portfolioId: portfolio.id, dispatchId: d.id, kind: d.kind, powerKw: d.powerKw, by: d.requestedBy }, 'portfolio dispatch received');
      let job;
      try {
        job = await requestPortfolioPlan(queue, ctx.config, portfolio.id, `dispatch ${d.id}`);
        if (request.query.wait !== false) job = (await queue.waitUntilFinished(job.id, ctx.config.dispatchAckTimeoutMs)) ?? job;
      } catch (error) {
        request.log.warn({ err: error, dispatchId: d.id }, 'portfolio dispatch stored; queueing its split failed');
      }
      const stored = (await runs.getDispatch(portfolio.id, d.id)) ?? d;
      reply.code(stored.status === 'pending' ? 202 : 201).header('location', `/v1/portfolios/${portfolio.id}/dispatches/${d.id}`);
      return portfolioDispatchView(stored, portfolio.timeZone, job);
    },
  );

  app.get(
    '/v1/portfolios/:portfolioId/dispatches',
    { config: { scope: 'read' }, schema: { tags, summary: 'Dispatches of a portfolio', params: PortfolioParams, response: { 200: PortfolioDispatchListSchema, ...readErrors() } } },
    async (request) => {
      const portfolio = await requirePortfolio(ctx, request.params.portfolioId);
      return { dispatches: (await runs.listDispatches(portfolio.id)).map((d) => portfolioDispatchView(d, portfolio.timeZone)) };
    },
  );

  app.get(
    '/v1/portfolios/:portfolioId/dispatches/:dispatchId',
    { config: { scope: 'read' }, schema: { tags, summary: 'A portfolio dispatch: per slot what the portfolio will deliver and which sites carry it', params: PortfolioDispatchParams, response: { 200: PortfolioDispatchSchema, ...readErrors() } } },
    async (request) => {
      const portfolio = await requirePortfolio(ctx, request.params.portfolioId);
      return portfolioDispatchView(await requireDispatch(portfolio.id, request.params.dispatchId), portfolio.timeZone);
    },
  );

  app.delete(
    '/v1/portfolios/:portfolioId/dispatches/:dispatchId',
    { config: { scope: 'dispatch', rateLimit }, schema: { tags, summary: 'Cancel a portfolio dispatch (its site shares too; the sites are re-planned)', params: PortfolioDispatchParams, response: { 200: PortfolioDispatchSchema, ...errorResponses(400, 401, 403, 404, 429) } } },
    async (request) => {
      const portfolio = await requirePortfolio(ctx, request.params.portfolioId);
      const d = await requireDispatch(portfolio.id, request.params.dispatchId);
      if (d.status === 'cancelled') return portfolioDispatchView(d, portfolio.timeZone);
      const now = ctx.clock.nowUtcMs();
      const cancelled = await runs.putDispatch({ ...d, status: 'cancelled', cancelledAtUtcMs: now });
      for (const share of d.outcome?.siteDispatches ?? []) {
        const sd = await ctx.store.getDispatch(share.siteId, share.dispatchId);
        if (sd && sd.status === 'active') await ctx.store.putDispatch({ ...sd, status: 'cancelled', cancelledAtUtcMs: now }, { expectedRevision: sd.revision });
      }
      for (const siteId of new Set((d.outcome?.siteDispatches ?? []).map((s) => s.siteId))) await ctx.replans.request(siteId, `portfolio dispatch ${d.id} cancelled`, { immediate: true });
      return portfolioDispatchView(cancelled, portfolio.timeZone);
    },
  );

  app.get(
    '/v1/portfolios/:portfolioId/dispatches/:dispatchId/measured-delivery',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Measured delivery (M&V) of a portfolio dispatch: the sites\' reports summed per slot; meter gaps name the sites',
        params: PortfolioDispatchParams,
        querystring: DeliveryQuerySchema,
        response: { 200: { content: { 'application/json': { schema: PortfolioDeliveryReportSchema }, 'text/csv': { schema: Type.String() } } }, ...readErrors() },
      },
    },
    async (request, reply) => {
      const portfolio = await requirePortfolio(ctx, request.params.portfolioId);
      const d = await requireDispatch(portfolio.id, request.params.dispatchId);
      const { report, missingSites, sitePlans } = await portfolioDeliveryReport(ctx, d, ctx.clock.nowUtcMs());
      const portfolioPlan = d.outcome ? { planId: d.outcome.portfolioPlanId, ...(d.outcome.planHowMade !== undefined ? { howMade: d.outcome.planHowMade } : {}) } : undefined;
      if (request.query.format === 'csv') return reply.type('text/csv; charset=utf-8').send(portfolioDeliveryCsv(report, portfolio.timeZone, { ...(portfolioPlan ? { portfolio: portfolioPlan } : {}), sites: sitePlans }));
      const zone = portfolio.timeZone;
      return reply.type('application/json; charset=utf-8').send({
        portfolioId: portfolio.id,
        dispatchId: d.id,
        kind: report.request.kind,
        measurement: report.measurement,
        totals: report.totals,
        missingSiteIds: missingSites,
        portfolioPlanId: portfolioPlan?.planId ?? null,
        planHowMade: portfolioPlan ? (portfolioPlan.howMade ?? howMadeNotRecorded) : null,
        sitePlans: [...sitePlans].map(([siteId, p]) => ({ siteId, planId: p.planId, howMade: p.howMade ?? howMadeNotRecorded })),
        slots: report.slots.map((s) => ({
          start: wireInstant(s.startUtcMs, zone),
          end: wireInstant(s.endUtcMs, zone),
          requestedKw: s.requestedKw,
          baselineKw: s.baselineKw,
          plannedKw: s.plannedKw,
          deliveredKw: s.deliveredKw,
          shortfallKw: s.shortfallKw,
          outcome: s.outcome,
          ...(s.reason !== undefined ? { reason: s.reason } : {}),
          sites: s.sites.map((x) => ({ ...x })),
        })),
      });
    },
  );
};
