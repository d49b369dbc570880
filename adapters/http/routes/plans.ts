/**
 * Plans: the plan in force per site (per-vehicle setpoints, site profile with limits and their sources,
 * cost, shortfalls, status), its history, one plan with the problem it solves, and on-demand optimize:
 * synchronous for a small site (200 with the plan), otherwise 202 with a job to poll.
 *
 * GET /v1/sites/{siteId}/plan, GET .../plans, GET .../plans/{planId} (read) | POST .../optimize (admin)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound, serviceError } from '../../errors.ts';
import type { ServiceContext } from '../../service/context.ts';
import { requestReplan } from '../../service/replan-job.ts';
import { requireSite } from '../route-helpers.ts';
import { PostHeaders, SiteParams, errorResponses, readErrors } from '../schemas/common.ts';
import { HistoryQuerySchema, OptimizeAcceptedSchema, OptimizeQuerySchema, PlanHistorySchema, PlanParams, PlanQuerySchema, PlanViewSchema } from '../schemas/plan.ts';
import { jobLink } from '../views/job-view.ts';
import { planSummary, planView } from '../views/plan-view.ts';

/**
 * Why an on-demand re-plan failed, as the client should see it: missing signals and inputs grid/ refuses
 * are 422 (retrying cannot help until the inputs change); a failed solve is 503 (retryable).
 */
export function failedReplanError(code: string | undefined, reason: string | undefined) {
  const detail = reason ?? 'the re-plan failed';
  if (code === 'V2G_ERR_SIGNALS_MISSING') return serviceError('V2G_ERR_SIGNALS_MISSING', detail, [{ pointer: '/params/siteId', detail: 'lacks signals' }]);
  if (code === 'V2G_ERR_SOLVE_FAILED' || code === undefined || !code.startsWith('V2G_ERR_')) return serviceError('V2G_ERR_SOLVE_FAILED', `${detail}; the last good plan stays in force`);
  return serviceError('V2G_ERR_SITE_NOT_PLANNABLE', `${code}: ${detail}`, [{ pointer: '/params/siteId', detail: `inputs refused (${code})` }]);
}

export const planRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const tags = ['plans'];

  const current = async (siteId: string) => {
    const state = await ctx.store.getPlanState(siteId);
    const record = state.currentPlanId ? await ctx.store.getPlan(siteId, state.currentPlanId) : undefined;
    if (!record) {
      const last = state.lastAttempt;
      const why = last && !last.ok ? ` The last attempt failed (${last.code ?? 'error'}): ${last.message?.split('\n')[0] ?? ''}` : ' The first re-plan has not finished yet.';
      throw serviceError('V2G_ERR_PLAN_NOT_FOUND', `site "${siteId}" has no plan yet.${why}`, [{ pointer: '/params/siteId', detail: 'no plan yet' }]);
    }
    return { state, record };
  };

  app.get(
    '/v1/sites/:siteId/plan',
    { config: { scope: 'read' }, schema: { tags, summary: 'The plan in force', params: SiteParams, response: { 200: PlanViewSchema, ...readErrors() } } },
    async (request) => {
      await requireSite(ctx, request.params.siteId);
      const { state, record } = await current(request.params.siteId);
      return planView(record, state, ctx.clock.nowUtcMs());
    },
  );

  app.get(
    '/v1/sites/:siteId/plans',
    { config: { scope: 'read' }, schema: { tags, summary: 'Plan history, newest first', params: SiteParams, querystring: HistoryQuerySchema, response: { 200: PlanHistorySchema, ...readErrors() } } },
    async (request) => {
      const site = await requireSite(ctx, request.params.siteId);
      const state = await ctx.store.getPlanState(site.id);
      const plans = await ctx.store.listPlans(site.id, request.query.limit ?? 20);
      return { plans: plans.map((p) => planSummary(p, state.currentPlanId)) };
    },
  );

  app.get(
    '/v1/sites/:siteId/plans/:planId',
    {
      config: { scope: 'read' },
      schema: { tags, summary: 'One plan; include=problem adds the optimizer problem it solves', params: PlanParams, querystring: PlanQuerySchema, response: { 200: PlanViewSchema, ...readErrors() } },
    },
    async (request) => {
      const site = await requireSite(ctx, request.params.siteId);
      const record = await ctx.store.getPlan(site.id, request.params.planId);
      if (!record) throw notFound('plan', request.params.planId, 'planId');
      const state = await ctx.store.getPlanState(site.id);
      return planView(record, state, ctx.clock.nowUtcMs(), { includeProblem: request.query.include === 'problem' });
    },
  );

  app.post(
    '/v1/sites/:siteId/optimize',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Re-plan now: 200 with the plan for a small site, else 202 with a job',
        params: SiteParams,
        querystring: OptimizeQuerySchema,
        headers: PostHeaders,
        response: { 200: PlanViewSchema, 202: OptimizeAcceptedSchema, ...errorResponses(400, 401, 403, 404, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const site = await requireSite(ctx, request.params.siteId);
      const sessions = (await ctx.store.listSessions(site.id)).length;
      let job = await requestReplan(ctx.queue, ctx.config, site.id, `optimize requested by ${request.principal?.name ?? '-'}`, { immediate: true });
      const sync = request.query.wait !== false && sessions <= ctx.config.syncOptimizeMaxVehicles;
      if (sync) job = (await ctx.queue.waitUntilFinished(job.id, ctx.config.solveTimeLimitMs + 5_000)) ?? job;
      if (!sync || (job.state !== 'completed' && job.state !== 'failed')) {
        reply.code(202).header('location', `/v1/jobs/${job.id}`);
        const why = sync
          ? 'the solve is taking longer than expected'
          : request.query.wait === false
            ? 'wait=false asked for an answer at once'
            : `${sessions} sessions (synchronous up to ${ctx.config.syncOptimizeMaxVehicles})`;
        return reply.send({ job: jobLink(job), message: `re-plan queued: ${why}; poll the job, then GET /v1/sites/${site.id}/plan` });
      }
      if (job.state === 'failed') throw failedReplanError(job.failedCode, job.failedReason);
      const { state, record } = await current(site.id);
      return reply.code(200).send(planView(record, state, ctx.clock.nowUtcMs()));
    },
  );
};
