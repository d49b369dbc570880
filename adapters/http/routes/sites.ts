/**
 * Sites: time zone, connection and transformer limits, chargers, tariff and demand charge, re-plan
 * schedules. Every change re-plans the site through the queue (debounced) and updates its schedules.
 *
 * GET /v1/sites (read) | POST /v1/sites (admin, 201) | GET/PUT/DELETE /v1/sites/{siteId} (read/admin/admin)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { serviceError } from '../../errors.ts';
import type { ServiceContext } from '../../service/context.ts';
import { portfoliosOfSite, replanPortfoliosInUse } from '../../service/portfolio-member-change.ts';
import { syncSiteSchedules } from '../../service/site-schedules.ts';
import { chargersInUseIssues, siteSpecIssues } from '../../service/site-validation.ts';
import type { SiteRecord } from '../../store/records.ts';
import { StoreConflictError } from '../../store/store-conflict.ts';
import { conditionalUpdate, readIfMatch, requireIfMatch, setEtag } from '../revision-headers.ts';
import { conflictIfIssues, newId, rejectIfIssues, replanAfterWrite, requireSite } from '../route-helpers.ts';
import { ConditionalHeaders, PostHeaders, SiteParams, conditionalWriteErrors, readErrors, writeErrors } from '../schemas/common.ts';
import { SiteCreateSchema, SiteListSchema, SiteReplaceSchema, SiteSchema } from '../schemas/site.ts';
import { siteSpecOf, siteView } from '../views/site-view.ts';
import { siteCreateExample, siteReplaceExample, withExample } from '../schemas/request-examples.ts';

export const siteRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const tags = ['sites'];
  const view = async (site: SiteRecord) => siteView(site, await ctx.queue.listJobSchedulers());

  app.get('/v1/sites', { config: { scope: 'read' }, schema: { tags, summary: 'List sites', response: { 200: SiteListSchema, ...readErrors() } } }, async () => {
    const sites = await ctx.store.listSites();
    const schedulers = await ctx.queue.listJobSchedulers();
    return { sites: sites.map((s) => siteView(s, schedulers)) };
  });

  app.post(
    '/v1/sites',
    {
      config: { scope: 'admin' },
      schema: { tags, summary: 'Create a site', headers: PostHeaders, body: withExample(SiteCreateSchema, siteCreateExample), response: { 201: SiteSchema, ...writeErrors() } },
    },
    async (request, reply) => {
      const now = ctx.clock.nowUtcMs();
      const { id: given, ...rest } = request.body;
      const id = given ?? newId('site');
      const spec = siteSpecOf(id, rest);
      rejectIfIssues(siteSpecIssues(spec), 'the site is not usable');
      const exists = () => serviceError('V2G_ERR_CONFLICT', `site "${id}" already exists; PUT /v1/sites/${id} replaces it`, [{ pointer: '/body/id', detail: 'already exists' }]);
      if (await ctx.store.getSite(id)) throw exists();
      let site: SiteRecord;
      try {
        site = await ctx.store.putSite({ ...spec, createdAtUtcMs: now, updatedAtUtcMs: now }, { expectedRevision: 0 });
      } catch (error) {
        throw error instanceof StoreConflictError ? exists() : error;
      }
      reply.header('schedule-status', await ctx.replans.syncSchedules(id, site));
      await replanAfterWrite(ctx, reply, id, 'site created');
      reply.code(201).header('location', `/v1/sites/${id}`);
      setEtag(reply, site.revision);
      return view(site);
    },
  );

  app.get('/v1/sites/:siteId', { config: { scope: 'read' }, schema: { tags, summary: 'A site', params: SiteParams, response: { 200: SiteSchema, ...readErrors() } } }, async (request, reply) => {
    const site = await requireSite(ctx, request.params.siteId);
    setEtag(reply, site.revision);
    return view(site);
  });

  app.put(
    '/v1/sites/:siteId',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Replace a site (chargers with sessions must stay); If-Match makes it conditional',
        params: SiteParams,
        headers: ConditionalHeaders,
        body: withExample(SiteReplaceSchema, siteReplaceExample),
        response: { 200: SiteSchema, ...conditionalWriteErrors() },
      },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request.headers['if-match']);
      const site = await conditionalUpdate(ifMatch, `site "${request.params.siteId}"`, async () => {
        const now = ctx.clock.nowUtcMs();
        const old = await requireSite(ctx, request.params.siteId);
        requireIfMatch(ifMatch, `site "${old.id}"`, old.revision);
        const spec = siteSpecOf(old.id, request.body);
        rejectIfIssues(siteSpecIssues(spec), 'the site is not usable');
        conflictIfIssues(chargersInUseIssues(spec, await ctx.store.listSessions(old.id), now), 'the site cannot drop these chargers');
        return ctx.store.putSite({ ...spec, createdAtUtcMs: old.createdAtUtcMs, updatedAtUtcMs: now }, { expectedRevision: old.revision });
      });
      reply.header('schedule-status', await ctx.replans.syncSchedules(site.id, site));
      await replanAfterWrite(ctx, reply, site.id, `site changed (revision ${site.revision})`);
      setEtag(reply, site.revision);
      return view(site);
    },
  );

  app.delete(
    '/v1/sites/:siteId',
    { config: { scope: 'admin' }, schema: { tags, summary: 'Delete a site with its sessions, signals, dispatches and plans', params: SiteParams, response: { 204: Type.Null(), ...readErrors() } } },
    async (request, reply) => {
      const site = await requireSite(ctx, request.params.siteId);
      await syncSiteSchedules(ctx.queue, ctx.config, site.id, undefined);
      const portfolios = await portfoliosOfSite(ctx, site.id);
      await ctx.store.deleteSite(site.id);
      // Its portfolios in use are coordinated again without it (their dispatch shares split again).
      try {
        const queued = await replanPortfoliosInUse(ctx, portfolios, `site ${site.id} deleted`);
        if (queued.length > 0) reply.header('portfolio-replans', queued.join(', '));
      } catch (error) {
        request.log.warn({ err: error, siteId: site.id, portfolios }, 'site deleted; queueing its portfolios\' coordination failed (the next portfolio request does it)');
      }
      return reply.code(204).send(null);
    },
  );
};
