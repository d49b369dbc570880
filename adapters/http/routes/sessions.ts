/**
 * Sessions: vehicles plugged in (or announced) at a site's chargers, and their updates while charging
 * (a new state of charge, a changed departure or target). Every change re-plans the site (debounced).
 *
 * GET/POST /v1/sites/{siteId}/sessions (read/admin) | GET/PATCH/DELETE .../sessions/{sessionId} (read/admin/admin)
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound, serviceError, type FieldIssue } from '../../errors.ts';
import type { ServiceContext } from '../../service/context.ts';
import { chargerConflict, sessionIssues } from '../../service/session-validation.ts';
import type { SessionRecord, SiteRecord } from '../../store/records.ts';
import { StoreConflictError, type WriteCondition } from '../../store/store-conflict.ts';
import { conditionalUpdate, readIfMatch, requireIfMatch, setEtag } from '../revision-headers.ts';
import { conflictIfIssues, newId, rejectIfIssues, replanAfterWrite, requireSite } from '../route-helpers.ts';
import { ConditionalHeaders, PostHeaders, SiteParams, conditionalWriteErrors, readErrors, writeErrors } from '../schemas/common.ts';
import { SessionCreateSchema, SessionListSchema, SessionParams, SessionPatchSchema, SessionSchema, type SessionPatch } from '../schemas/session.ts';
import { sessionView } from '../views/session-view.ts';
import { readInstant } from '../wire-time.ts';
import { sessionCreateExample, sessionPatchExample, withExample } from '../schemas/request-examples.ts';

/** The energy and target fields of a patch applied to a session (a new reading replaces the old one). */
function patched(s: SessionRecord, p: SessionPatch, nowUtcMs: number, issues: FieldIssue[]): SessionRecord {
  const out: { -readonly [K in keyof SessionRecord]: SessionRecord[K] } = { ...s, updatedAtUtcMs: nowUtcMs };
  if (p.departure !== undefined) out.departureUtcMs = readInstant(p.departure, '/body/departure', issues);
  if (p.energyKwh !== undefined || p.socPercent !== undefined) {
    out.energyKwh = p.energyKwh;
    out.socPercent = p.socPercent;
    out.measuredAtUtcMs = p.measuredAt !== undefined ? readInstant(p.measuredAt, '/body/measuredAt', issues) : nowUtcMs;
  } else if (p.measuredAt !== undefined) {
    issues.push({ pointer: '/body/measuredAt', detail: 'only together with a new energyKwh or socPercent' });
  }
  if (p.targetEnergyKwh !== undefined || p.targetSocPercent !== undefined) {
    out.targetEnergyKwh = p.targetEnergyKwh;
    out.targetSocPercent = p.targetSocPercent;
  }
  if (p.minSocPercent !== undefined) out.minSocPercent = p.minSocPercent;
  if (p.v2gConsent !== undefined) out.v2gConsent = p.v2gConsent;
  if (p.degradationCostPerKwh !== undefined) out.degradationCostPerKwh = p.degradationCostPerKwh;
  for (const k of Object.keys(out) as (keyof SessionRecord)[]) if (out[k] === undefined) delete out[k];
  return out;
}

export const sessionRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  const tags = ['sessions'];
  const view = async (site: SiteRecord, s: SessionRecord) => {
    const state = await ctx.store.getPlanState(site.id);
    const plan = state.currentPlanId ? await ctx.store.getPlan(site.id, state.currentPlanId) : undefined;
    return sessionView(site, s, plan, ctx.clock.nowUtcMs());
  };
  const requireSession = async (siteId: string, sessionId: string) => {
    const s = await ctx.store.getSession(siteId, sessionId);
    if (!s) throw notFound('session', sessionId, 'sessionId');
    return s;
  };
  /** Validates a complete session against the site and the other sessions, then stores it (if still at the revision the change is based on). */
  const save = async (site: SiteRecord, s: SessionRecord, condition: WriteCondition) => {
    const now = ctx.clock.nowUtcMs();
    rejectIfIssues(sessionIssues(site, s, now), 'the session is not usable');
    conflictIfIssues(chargerConflict(s, await ctx.store.listSessions(site.id), now), 'the charger is taken');
    return ctx.store.putSession(s, condition);
  };

  app.get(
    '/v1/sites/:siteId/sessions',
    { config: { scope: 'read' }, schema: { tags, summary: 'Sessions of a site', params: SiteParams, response: { 200: SessionListSchema, ...readErrors() } } },
    async (request) => {
      const site = await requireSite(ctx, request.params.siteId);
      const sessions = await ctx.store.listSessions(site.id);
      return { sessions: await Promise.all(sessions.map((s) => view(site, s))) };
    },
  );

  app.post(
    '/v1/sites/:siteId/sessions',
    {
      config: { scope: 'admin' },
      schema: { tags, summary: 'A vehicle plugged in (or announced)', params: SiteParams, headers: PostHeaders, body: withExample(SessionCreateSchema, sessionCreateExample), response: { 201: SessionSchema, ...writeErrors() } },
    },
    async (request, reply) => {
      const site = await requireSite(ctx, request.params.siteId);
      const now = ctx.clock.nowUtcMs();
      const b = request.body;
      const issues: FieldIssue[] = [];
      const id = b.id ?? newId('session');
      const session: SessionRecord = {
        id,
        siteId: site.id,
        chargerId: b.chargerId,
        ...(b.vehicleId !== undefined ? { vehicleId: b.vehicleId } : {}),
        arrivalUtcMs: b.arrival !== undefined ? readInstant(b.arrival, '/body/arrival', issues) : now,
        departureUtcMs: readInstant(b.departure, '/body/departure', issues),
        capacityKwh: b.capacityKwh,
        ...(b.energyKwh !== undefined ? { energyKwh: b.energyKwh } : {}),
        ...(b.socPercent !== undefined ? { socPercent: b.socPercent } : {}),
        measuredAtUtcMs: b.measuredAt !== undefined ? readInstant(b.measuredAt, '/body/measuredAt', issues) : now,
        ...(b.targetEnergyKwh !== undefined ? { targetEnergyKwh: b.targetEnergyKwh } : {}),
        ...(b.targetSocPercent !== undefined ? { targetSocPercent: b.targetSocPercent } : {}),
        ...(b.minSocPercent !== undefined ? { minSocPercent: b.minSocPercent } : {}),
        v2gConsent: b.v2gConsent ?? false,
        ...(b.degradationCostPerKwh !== undefined ? { degradationCostPerKwh: b.degradationCostPerKwh } : {}),
        createdAtUtcMs: now,
        updatedAtUtcMs: now,
        revision: 0,
      };
      rejectIfIssues(issues, 'the session is not usable');
      const exists = () => serviceError('V2G_ERR_CONFLICT', `session "${id}" already exists`, [{ pointer: '/body/id', detail: 'already exists' }]);
      if (await ctx.store.getSession(site.id, id)) throw exists();
      let stored: SessionRecord;
      try {
        stored = await save(site, session, { expectedRevision: 0 });
      } catch (error) {
        throw error instanceof StoreConflictError ? exists() : error;
      }
      await replanAfterWrite(ctx, reply, site.id, `session ${id} created`);
      reply.code(201).header('location', `/v1/sites/${site.id}/sessions/${id}`);
      setEtag(reply, stored.revision);
      return view(site, stored);
    },
  );

  app.get(
    '/v1/sites/:siteId/sessions/:sessionId',
    { config: { scope: 'read' }, schema: { tags, summary: 'A session', params: SessionParams, response: { 200: SessionSchema, ...readErrors() } } },
    async (request, reply) => {
      const site = await requireSite(ctx, request.params.siteId);
      const session = await requireSession(site.id, request.params.sessionId);
      setEtag(reply, session.revision);
      return view(site, session);
    },
  );

  app.patch(
    '/v1/sites/:siteId/sessions/:sessionId',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Update while charging: new state of charge, departure, target, consent; If-Match makes it conditional',
        params: SessionParams,
        headers: ConditionalHeaders,
        body: withExample(SessionPatchSchema, sessionPatchExample),
        response: { 200: SessionSchema, ...conditionalWriteErrors() },
      },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request.headers['if-match']);
      const { site, session } = await conditionalUpdate(ifMatch, `session "${request.params.sessionId}"`, async () => {
        const site = await requireSite(ctx, request.params.siteId);
        const old = await requireSession(site.id, request.params.sessionId);
        requireIfMatch(ifMatch, `session "${old.id}"`, old.revision);
        const issues: FieldIssue[] = [];
        const next = patched(old, request.body, ctx.clock.nowUtcMs(), issues);
        rejectIfIssues(issues, 'the update is not usable');
        return { site, session: await save(site, next, { expectedRevision: old.revision }) };
      });
      await replanAfterWrite(ctx, reply, site.id, `session ${session.id} updated`);
      setEtag(reply, session.revision);
      return view(site, session);
    },
  );

  app.delete(
    '/v1/sites/:siteId/sessions/:sessionId',
    { config: { scope: 'admin' }, schema: { tags, summary: 'The vehicle left', params: SessionParams, response: { 204: Type.Null(), ...readErrors() } } },
    async (request, reply) => {
      const site = await requireSite(ctx, request.params.siteId);
      const s = await requireSession(site.id, request.params.sessionId);
      await ctx.store.deleteSession(site.id, s.id);
      await replanAfterWrite(ctx, reply, site.id, `session ${s.id} ended`);
      return reply.code(204).send(null);
    },
  );
};
