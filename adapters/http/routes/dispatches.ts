/**
 * Dispatch from the utility: "limit site import to X kW from t1 to t2" (`import-limit`) and "deliver
 * Y kW of discharge from t1 to t2" (`export-delivery`). Each is stored, the site is re-planned at once
 * (not debounced), and the answer is the acknowledgement: per slot of the window, what the new plan
 * actually does (201). When the re-plan takes longer than DISPATCH_ACK_TIMEOUT_MS (or `?wait=false`) the
 * answer is 202 with the job, and GET on the dispatch shows the acknowledgement once it is there.
 * Rate-limited per token (DISPATCH_RATE_LIMIT_MAX per DISPATCH_RATE_LIMIT_WINDOW_MS).
 *
 * POST /v1/sites/{siteId}/dispatches (dispatch) | GET .../dispatches, GET .../{dispatchId} (read)
 * DELETE .../{dispatchId} (dispatch): cancel
 */
import type {} from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound, type FieldIssue } from '../../errors.ts';
import type { ServiceContext } from '../../service/context.ts';
import { deliveryConflict, dispatchIssues } from '../../service/dispatch-validation.ts';
import { planSnapshot } from '../../service/plan-snapshot.ts';
import { withOptimisticRetry } from '../../store/optimistic-update.ts';
import type { DispatchRecord } from '../../store/records.ts';
import { conflictIfIssues, currentPlan, newId, rejectIfIssues, replanAfterWrite, requireSite } from '../route-helpers.ts';
import { PostHeaders, SiteParams, errorResponses, readErrors } from '../schemas/common.ts';
import { DispatchCreateSchema, DispatchListSchema, DispatchParams, DispatchQuerySchema, DispatchSchema } from '../schemas/dispatch.ts';
import { dispatchView } from '../views/dispatch-view.ts';
import { readInstant } from '../wire-time.ts';
import { dispatchCreateExample, withExample } from '../schemas/request-examples.ts';

export const dispatchRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const tags = ['dispatch'];
  const rateLimit = { max: ctx.config.dispatchRateLimitMax, timeWindow: ctx.config.dispatchRateLimitWindowMs };
  const errors = errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429);

  app.post(
    '/v1/sites/:siteId/dispatches',
    {
      config: { scope: 'dispatch', rateLimit },
      schema: {
        tags,
        summary: 'Dispatch an import limit or an export delivery; answered with what the site can actually do',
        params: SiteParams,
        querystring: DispatchQuerySchema,
        headers: PostHeaders,
        body: withExample(DispatchCreateSchema, dispatchCreateExample),
        response: { 201: DispatchSchema, 202: DispatchSchema, ...errors },
      },
    },
    async (request, reply) => {
      const site = await requireSite(ctx, request.params.siteId);
      const now = ctx.clock.nowUtcMs();
      const b = request.body;
      const issues: FieldIssue[] = [];
      const startUtcMs = readInstant(b.start, '/body/start', issues);
      const endUtcMs = readInstant(b.end, '/body/end', issues);
      rejectIfIssues(issues, 'the dispatch is not usable');
      let dispatch: DispatchRecord = {
        id: newId('dispatch'),
        siteId: site.id,
        kind: b.kind,
        powerKw: b.powerKw,
        startUtcMs,
        endUtcMs,
        ...(b.reference !== undefined ? { reference: b.reference } : {}),
        status: 'active',
        requestedBy: request.principal?.name ?? '-',
        createdAtUtcMs: now,
        revision: 0,
      };
      rejectIfIssues(dispatchIssues(dispatch, now), 'the dispatch is not usable');
      // The plan in force now is the dispatch's baseline, kept with it for M&V.
      const inForce = await currentPlan(ctx, site.id);
      if (inForce) dispatch = { ...dispatch, baseline: planSnapshot(inForce, startUtcMs, endUtcMs) };
      conflictIfIssues(deliveryConflict(dispatch, await ctx.store.listDispatches(site.id), now), 'the dispatch conflicts');
      const saved = await ctx.store.putDispatch(dispatch, { expectedRevision: 0 });
      // Committed: from here on nothing may turn the answer into an error (a retry would duplicate it).
      request.log.info({ siteId: site.id, dispatchId: dispatch.id, kind: dispatch.kind, powerKw: dispatch.powerKw, by: dispatch.requestedBy }, 'dispatch received');
      const outcome = await replanAfterWrite(ctx, reply, site.id, `dispatch ${dispatch.id}`, { immediate: true });
      let job = outcome.status === 'queued' ? outcome.job : undefined;
      let stored = saved;
      try {
        if (job && request.query.wait !== false) job = (await ctx.queue.waitUntilFinished(job.id, ctx.config.dispatchAckTimeoutMs)) ?? job;
        stored = (await ctx.store.getDispatch(site.id, dispatch.id)) ?? saved;
      } catch (error) {
        request.log.warn({ err: error, dispatchId: dispatch.id }, 'dispatch stored; reading its acknowledgement failed');
      }
      ctx.metrics.dispatches.labels(dispatch.kind, stored.acknowledgement?.fulfilment ?? 'pending').inc();
      reply.code(stored.acknowledgement ? 201 : 202).header('location', `/v1/sites/${site.id}/dispatches/${dispatch.id}`);
      const view = dispatchView(stored, site.timeZone, ctx.clock.nowUtcMs(), job);
      if (!stored.acknowledgement && outcome.status === 'deferred') {
        view.acknowledgement.message = `${outcome.reason}; the dispatch will be acknowledged by the next plan`;
      } else if (!stored.acknowledgement && job?.state === 'failed') {
        view.acknowledgement.message = `the re-plan failed (${job.failedCode ?? 'error'}): ${job.failedReason?.split('\n')[0] ?? ''}; the dispatch is stored and will be acknowledged by the next plan`;
      }
      return view;
    },
  );

  app.get(
    '/v1/sites/:siteId/dispatches',
    { config: { scope: 'read' }, schema: { tags, summary: 'Dispatches of a site', params: SiteParams, response: { 200: DispatchListSchema, ...readErrors() } } },
    async (request) => {
      const site = await requireSite(ctx, request.params.siteId);
      const now = ctx.clock.nowUtcMs();
      return { dispatches: (await ctx.store.listDispatches(site.id)).map((d) => dispatchView(d, site.timeZone, now)) };
    },
  );

  app.get(
    '/v1/sites/:siteId/dispatches/:dispatchId',
    { config: { scope: 'read' }, schema: { tags, summary: 'A dispatch and its acknowledgement', params: DispatchParams, response: { 200: DispatchSchema, ...readErrors() } } },
    async (request) => {
      const site = await requireSite(ctx, request.params.siteId);
      const d = await ctx.store.getDispatch(site.id, request.params.dispatchId);
      if (!d) throw notFound('dispatch', request.params.dispatchId, 'dispatchId');
      return dispatchView(d, site.timeZone, ctx.clock.nowUtcMs());
    },
  );

  app.delete(
    '/v1/sites/:siteId/dispatches/:dispatchId',
    { config: { scope: 'dispatch', rateLimit }, schema: { tags, summary: 'Cancel a dispatch (the site is re-planned without it)', params: DispatchParams, response: { 200: DispatchSchema, ...errors } } },
    async (request, reply) => {
      const site = await requireSite(ctx, request.params.siteId);
      // Re-read and re-applied if the re-plan's acknowledgement lands meanwhile (neither write is lost).
      const { d, cancelled, now } = await withOptimisticRetry(async () => {
        const d = await ctx.store.getDispatch(site.id, request.params.dispatchId);
        if (!d) throw notFound('dispatch', request.params.dispatchId, 'dispatchId');
        const now = ctx.clock.nowUtcMs();
        if (d.status === 'cancelled') return { d, cancelled: undefined, now };
        return { d, cancelled: await ctx.store.putDispatch({ ...d, status: 'cancelled', cancelledAtUtcMs: now }, { expectedRevision: d.revision }), now };
      }, { key: `dispatch ${site.id}/${request.params.dispatchId}` });
      if (!cancelled) return dispatchView(d, site.timeZone, now);
      const outcome = await replanAfterWrite(ctx, reply, site.id, `dispatch ${d.id} cancelled`, { immediate: true });
      return dispatchView(cancelled, site.timeZone, now, outcome.status === 'queued' ? outcome.job : undefined);
    },
  );
};
