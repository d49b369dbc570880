/**
 * The dashboard's server side (registered by adapters/http/app.ts): the page and its assets (static-assets.ts),
 * the views it draws (read scope), who the token is (so the page offers only the actions its scopes allow)
 * and the change stream (event-stream.ts). Actions go to the API's own routes with the API's own scopes.
 *
 * GET /                                  the page (public: it holds no data; it asks for a token)
 * GET /dashboard/<file>                  its script and styles
 * GET /v1/dashboard/me                   read: the token's name and scopes
 * GET /v1/dashboard/overview             read: every site now
 * GET /v1/dashboard/sites/{siteId}       read: one site's page
 * GET /v1/events[?siteId=]               read: Server-Sent Events
 *
 * A plan saved for a site an open page shows is turned into its view at once (warming the per-plan caches);
 * chargers of a gateway that went silent are announced while pages are open (gateway-silence-watch.ts).
 */
import type { FastifyPluginAsync } from 'fastify';

import { requireSite } from '../http/route-helpers.ts';
import { readErrors, SiteParams } from '../http/schemas/common.ts';
import type { ServiceContext } from '../service/context.ts';
import { overviewView, sitePageView } from './dashboard-views.ts';
import { registerEventStream, type EventStreamOptions } from './event-stream.ts';
import { watchGatewaySilence } from './gateway-silence-watch.ts';
import { registerStaticAssets } from './static-assets.ts';

export interface DashboardOptions {
  readonly ctx: ServiceContext;
  /** The built front end (default dist/dashboard). */
  readonly distDir?: string;
  readonly events?: EventStreamOptions;
}

const tags = ['dashboard'];

export const dashboardRoutes: FastifyPluginAsync<DashboardOptions> = async (app, { ctx, distDir, events }) => {
  registerStaticAssets(app, distDir);
  app.get('/v1/dashboard/me', { config: { scope: 'read' }, schema: { tags, summary: "The token's name and scopes (the dashboard offers the actions they allow)", response: readErrors() } }, async (request) => ({
    name: request.principal?.name ?? '',
    scopes: [...(request.principal?.scopes ?? [])],
  }));
  app.get('/v1/dashboard/overview', { config: { scope: 'read' }, schema: { tags, summary: 'Every site now: import against its limit, vehicles, chargers, dispatches, cost against uncontrolled charging', response: readErrors() } }, async () =>
    overviewView(ctx),
  );
  app.get<{ Params: { siteId: string } }>(
    '/v1/dashboard/sites/:siteId',
    { config: { scope: 'read' }, schema: { tags, summary: "One site's dashboard page: plan, vehicles, chargers, dispatches, flexibility, last re-plan", params: SiteParams, response: readErrors() } },
    async (request) => sitePageView(ctx, await requireSite(ctx, request.params.siteId)),
  );
  const streams = registerEventStream(app, ctx, events);
  // A new plan of a site an open page shows: build its view now, while the change waits out the stream's
  // batching and the page's request is on its way, so the page's re-read finds it built (per-plan caches).
  const unsubscribe = ctx.changes.subscribe((change) => {
    if (change.kind !== 'plan' || change.siteId === undefined) return;
    const siteId = change.siteId;
    const site = streams.watchesSite(siteId);
    if (!site && !streams.watchesOverview()) return;
    void (async () => {
      const record = await ctx.store.getSite(siteId);
      if (record) await (site ? sitePageView(ctx, record) : overviewView(ctx));
    })().catch((err: unknown) => app.log.debug({ err, siteId }, 'dashboard: building the view of a new plan ahead of its read failed; the read will say why'));
  });
  // A crashed gateway's chargers turn disconnected without a write: announce them while pages are open.
  const stopWatch = watchGatewaySilence(ctx, streams, ctx.config.ocppGatewayBeatMs, (err) => app.log.warn({ err }, 'dashboard: reading the chargers for silent gateways failed; retried at the next beat'));
  app.addHook('onClose', async () => {
    unsubscribe();
    stopWatch();
  });
};

