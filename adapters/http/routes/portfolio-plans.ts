/**
 * One plan across a portfolio: POST queues its coordination (portfolio-job.ts) and, unless `?wait=false`,
 * answers with the plan once made (201) or with the job (202); GET answers the last plan: per slot the sum
 * of the sites' plans against the shared limits, the certified bound and gap, how it was made, and each
 * site's share. Every member's stored plan is the coordinated one (announced like any new plan).
 *
 * POST /v1/portfolios/{portfolioId}/plan (admin) | GET /v1/portfolios/{portfolioId}/plan (read)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { serviceError } from '../../errors.ts';
import type { ServiceContext } from '../../service/context.ts';
import { requestPortfolioPlan } from '../../service/portfolio-job.ts';
import { errorResponses, readErrors } from '../schemas/common.ts';
import { PortfolioParams } from '../schemas/portfolio.ts';
import { PortfolioPlanQueuedSchema, PortfolioPlanQuerySchema, PortfolioPlanSchema } from '../schemas/portfolio-plan.ts';
import { portfolioPlanView } from '../views/portfolio-plan-view.ts';
import { requirePortfolio } from './portfolios.ts';

export const portfolioPlanRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const tags = ['portfolios'];
  const { queue, runs } = ctx.portfolioPlanning;

  app.post(
    '/v1/portfolios/:portfolioId/plan',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Plan the portfolio: coordinate its sites under the shared limits (a job on the queue); each site\'s plan becomes the coordinated one',
        params: PortfolioParams,
        querystring: PortfolioPlanQuerySchema,
        response: { 201: PortfolioPlanQueuedSchema, 202: PortfolioPlanQueuedSchema, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const portfolio = await requirePortfolio(ctx, request.params.portfolioId);
      if (portfolio.siteIds.length === 0) throw serviceError('V2G_ERR_CONFLICT', `portfolio "${portfolio.id}" has no sites to plan`, [{ pointer: '/params/portfolioId', detail: 'has no sites' }]);
      let job = await requestPortfolioPlan(queue, ctx.config, portfolio.id, `POST /v1/portfolios/${portfolio.id}/plan`);
      if (request.query.wait !== false) job = (await queue.waitUntilFinished(job.id, ctx.config.dispatchAckTimeoutMs)) ?? job;
      const link = { id: job.id, state: job.state, href: `/v1/portfolios/${portfolio.id}/plan` };
      const plan = job.state === 'completed' ? await runs.getLatestPlan(portfolio.id) : undefined;
      reply.code(plan ? 201 : 202).header('location', `/v1/portfolios/${portfolio.id}/plan`);
      const message = plan
        ? 'planned: every member site\'s plan in force is the coordinated one'
        : job.state === 'failed'
          ? `the coordination failed (${job.failedCode ?? 'error'}): ${job.failedReason?.split('\n')[0] ?? ''}`
          : 'queued: GET the plan when the job is completed';
      return { portfolioId: portfolio.id, job: link, ...(plan ? { plan: portfolioPlanView(plan, portfolio.timeZone) } : {}), message };
    },
  );

  app.get(
    '/v1/portfolios/:portfolioId/plan',
    { config: { scope: 'read' }, schema: { tags, summary: 'The portfolio\'s last coordinated plan: per slot totals against the shared limits, bound, gap, how it was made, each site\'s share', params: PortfolioParams, response: { 200: PortfolioPlanSchema, ...readErrors() } } },
    async (request) => {
      const portfolio = await requirePortfolio(ctx, request.params.portfolioId);
      const plan = await runs.getLatestPlan(portfolio.id);
      if (!plan) throw serviceError('V2G_ERR_PLAN_NOT_FOUND', `portfolio "${portfolio.id}" has not been planned yet: POST /v1/portfolios/${portfolio.id}/plan`, [{ pointer: '/params/portfolioId', detail: 'no plan yet' }]);
      return portfolioPlanView(plan, portfolio.timeZone);
    },
  );
};
