/**
 * Measured delivery (M&V) of a site dispatch: per slot of its window, requested / baseline (the plan in
 * force when it arrived) / planned (the plan made with it) / delivered (site meter, or chargers' OCPP
 * registers) / shortfall and why; gaps in meter data named (grid/delivery/README.md). JSON or CSV.
 *
 * GET /v1/sites/{siteId}/dispatches/{dispatchId}/measured-delivery[?format=csv] (read)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { siteDeliveryCsv } from '../../../grid/delivery/delivery-csv.ts';
import { notFound } from '../../errors.ts';
import type { ServiceContext } from '../../service/context.ts';
import { dispatchDeliveryReport } from '../../service/dispatch-delivery.ts';
import { requireSite } from '../route-helpers.ts';
import { readErrors } from '../schemas/common.ts';
import { DispatchParams } from '../schemas/dispatch.ts';
import { DeliveryQuerySchema, SiteDeliveryReportSchema } from '../schemas/measured-delivery.ts';
import { deliveryPlanRefs, siteDeliveryView } from '../views/measured-delivery-view.ts';

export const measuredDeliveryRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/v1/sites/:siteId/dispatches/:dispatchId/measured-delivery',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['dispatch'],
        summary: 'Measured delivery (M&V) of a dispatch: requested, baseline, planned, delivered, shortfall and reason per slot; meter gaps named',
        params: DispatchParams,
        querystring: DeliveryQuerySchema,
        response: { 200: { content: { 'application/json': { schema: SiteDeliveryReportSchema }, 'text/csv': { schema: Type.String() } } }, ...readErrors() },
      },
    },
    async (request, reply) => {
      const site = await requireSite(ctx, request.params.siteId);
      const dispatch = await ctx.store.getDispatch(site.id, request.params.dispatchId);
      if (!dispatch) throw notFound('dispatch', request.params.dispatchId, 'dispatchId');
      const report = await dispatchDeliveryReport(ctx, site, dispatch, ctx.clock.nowUtcMs());
      if (request.query.format === 'csv') return reply.type('text/csv; charset=utf-8').send(siteDeliveryCsv(report, site.timeZone, deliveryPlanRefs(dispatch)));
      return reply.type('application/json; charset=utf-8').send(siteDeliveryView(site.id, dispatch, report, site.timeZone));
    },
  );
};
