/**
 * Flexibility: per slot of the horizon, how many kW the site could move up and down from its plan while
 * still meeting every departure (optimizer/flexibility.ts on the stored problem), so the utility knows
 * what it may ask for.
 *
 * GET /v1/sites/{siteId}/flexibility[?planId=] (read)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound, serviceError } from '../../errors.ts';
import type { ServiceContext } from '../../service/context.ts';
import { requireSite } from '../route-helpers.ts';
import { readErrors } from '../schemas/common.ts';
import { FlexibilityParams, FlexibilityQuerySchema, FlexibilitySchema } from '../schemas/flexibility.ts';
import { flexibilityView } from '../views/flexibility-view.ts';

export const flexibilityRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/v1/sites/:siteId/flexibility',
    {
      config: { scope: 'read' },
      schema: { tags: ['flexibility'], summary: 'Flexibility envelope of the plan in force (or of planId)', params: FlexibilityParams, querystring: FlexibilityQuerySchema, response: { 200: FlexibilitySchema, ...readErrors() } },
    },
    async (request) => {
      const site = await requireSite(ctx, request.params.siteId);
      const planId = request.query.planId ?? (await ctx.store.getPlanState(site.id)).currentPlanId;
      if (planId === undefined) throw serviceError('V2G_ERR_PLAN_NOT_FOUND', `site "${site.id}" has no plan yet`, [{ pointer: '/params/siteId', detail: 'no plan yet' }]);
      const record = await ctx.store.getPlan(site.id, planId);
      if (!record) throw notFound('plan', planId, 'planId');
      return flexibilityView(record);
    },
  );
};
