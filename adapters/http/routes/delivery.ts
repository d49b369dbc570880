/**
 * Plan delivery: for each charger of a site, whether its OCPP link is up and whether the plan in force is
 * applied on it, or not (Rejected, NotSupported, CALLERROR, timeout: with the charger's reason, the
 * attempts and the next retry). Written by the OCPP gateways, wherever they run, through the charger
 * status board (adapters/store/charger-status.ts).
 *
 * GET /v1/sites/{siteId}/delivery (read)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceContext } from '../../service/context.ts';
import { requireSite } from '../route-helpers.ts';
import { SiteParams, readErrors } from '../schemas/common.ts';
import { SiteDeliverySchema } from '../schemas/delivery.ts';
import { chargePointsOf, siteDeliveryView } from '../views/delivery-view.ts';

export const deliveryRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/v1/sites/:siteId/delivery',
    {
      config: { scope: 'read' },
      schema: { tags: ['plans'], summary: "Plan delivery to the site's chargers: link, applied or not (and why)", params: SiteParams, response: { 200: SiteDeliverySchema, ...readErrors() } },
    },
    async (request) => {
      const site = await requireSite(ctx, request.params.siteId);
      const [statuses, state] = await Promise.all([ctx.chargerStatus.getMany(chargePointsOf(site)), ctx.store.getPlanState(site.id)]);
      return siteDeliveryView(site, statuses, state.currentPlanId);
    },
  );
};
