/** What every route shares: auth, problem+json, idempotency, rate limits, body limits, docs, health, metrics. */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAuth } from '../../../adapters/http/auth.ts';
import type { PlanSolver } from '../../../adapters/service/replan-worker.ts';
import { aSite, baselineSolver, createHarness, json, priceSeries, t0, tokens, type Harness } from '../service-harness.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const dispatchBody = (powerKw = 20) => ({ kind: 'import-limit', powerKw, start: iso(t0), end: iso(t0 + 3_600_000) });

describe('platform', () => {
  let h: Harness;
  /** While set, a solve says it started and waits until released (a request held in flight, no sleeps). */
  let hold: { started: () => void; released: Promise<void> } | undefined;
  const slowable: PlanSolver = async (p) => {
    if (hold) {
      hold.started();
      await hold.released;
    }
    return baselineSolver(p);
  };
  beforeAll(async () => {
    h = await createHarness({ solve: slowable, config: { dispatchRateLimitMax: 5, bodyLimitBytes: 64 * 1024 } });
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
    await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: priceSeries(t0, 24) });
    await h.settle();
  });
  afterAll(() => h.close());

  describe('authentication and scopes', () => {
    it('no token or an unknown token is 401 with WWW-Authenticate, before any validation', async () => {
      const none = await h.request('anonymous', { method: 'POST', url: '/v1/sites', payload: { nonsense: true } });
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="v2g"');
      expect(json(none)).toMatchObject({ code: 'V2G_ERR_UNAUTHENTICATED', errors: [{ pointer: '/headers/authorization', detail: 'is missing' }] });
      const bad = await h.service.app.inject({ method: 'GET', url: '/v1/sites', headers: { authorization: 'Bearer not-a-token' } });
      expect(json(bad).errors[0].detail).toBe('is not a known bearer token');
    });

    it('a token without the scope is 403 naming it; admin holds every scope', async () => {
      expect((await h.request('read', { method: 'DELETE', url: '/v1/sites/depot-1' })).statusCode).toBe(403);
      expect((await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: {} })).statusCode).toBe(403);
      expect((await h.request('admin', { method: 'GET', url: '/v1/sites' })).statusCode).toBe(200);
    });

    it('an app refuses to start with a write route that declares no scope', async () => {
      const app = Fastify();
      installAuth(app, []);
      expect(() => app.post('/open', async () => 'x')).toThrow(/unauthenticated writes/);
    });
  });

  describe('problem+json for every kind of bad request', () => {
    it('malformed JSON is 400 V2G_ERR_MALFORMED_BODY', async () => {
      const res = await h.request('admin', { method: 'POST', url: '/v1/sites', payload: '{"id": ', headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(json(res)).toMatchObject({ code: 'V2G_ERR_MALFORMED_BODY', errors: [{ pointer: '/body' }] });
    });

    it('an oversized body is refused with 413', async () => {
      const res = await h.request('admin', { method: 'POST', url: '/v1/sites', payload: { ...aSite(), name: 'x'.repeat(70_000) } });
      expect(res.statusCode).toBe(413);
      expect(json(res).code).toBe('V2G_ERR_BODY_TOO_LARGE');
    });

    it('an unknown route is 404 V2G_ERR_ROUTE_NOT_FOUND; a bad query is 400 naming it', async () => {
      const res = await h.request('read', { method: 'GET', url: '/v1/nowhere' });
      expect(json(res)).toMatchObject({ status: 404, code: 'V2G_ERR_ROUTE_NOT_FOUND', type: '/problems/V2G_ERR_ROUTE_NOT_FOUND', instance: '/v1/nowhere' });
      const q = await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plans?limit=abc&extra=1' });
      expect(json(q).errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/query/extra', '/query/limit']);
      const p = await h.request('read', { method: 'GET', url: '/v1/sites/bad%20id' });
      expect(json(p).errors[0].pointer).toBe('/params/siteId');
    });

    it('echoes a well-formed x-request-id and makes one otherwise; problems carry it', async () => {
      const given = await h.request('read', { method: 'GET', url: '/v1/sites/nope', headers: { 'x-request-id': 'trace-123' } });
      expect(given.headers['x-request-id']).toBe('trace-123');
      expect(json(given).requestId).toBe('trace-123');
      const made = await h.request('read', { method: 'GET', url: '/v1/sites', headers: { 'x-request-id': 'bad id\n' } });
      expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first response for the same key and body, and refuses the key for another body', async () => {
      const headers = { 'idempotency-key': 'sess-create-1' };
      const body = { id: 'ev-idem', chargerId: 'cp-3', departure: iso(t0 + 5 * 3_600_000), capacityKwh: 50, socPercent: 20, targetSocPercent: 60 };
      const first = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: body, headers });
      expect(first.statusCode, first.body).toBe(201);
      const again = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: body, headers });
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers.location).toBe(first.headers.location);
      expect(again.body).toBe(first.body);
      const other = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: { ...body, socPercent: 30 }, headers });
      expect(other.statusCode).toBe(422);
      expect(json(other)).toMatchObject({ code: 'V2G_ERR_IDEMPOTENCY_KEY_REUSED', errors: [{ pointer: '/headers/idempotency-key' }] });
      // without the key the same body is a conflict (the session exists): the replay did not run it twice
      expect((await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: body })).statusCode).toBe(409);
    });

    it('a second request while the first is in flight is 409 (retryable)', async () => {
      const headers = { 'idempotency-key': 'dispatch-1' };
      let release!: () => void;
      const solving = new Promise<void>((started) => {
        hold = { started, released: new Promise<void>((r) => (release = r)) };
      });
      // the first request waits for its re-plan, which waits for `release`
      const first = h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/dispatches', payload: dispatchBody(), headers });
      await solving;
      const second = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/dispatches', payload: dispatchBody(), headers });
      hold = undefined;
      release();
      expect(second.statusCode).toBe(409);
      expect(json(second)).toMatchObject({ code: 'V2G_ERR_IDEMPOTENCY_IN_FLIGHT', retryable: true });
      expect((await first).statusCode).toBe(201);
    });
  });

  describe('rate limits on dispatch', () => {
    it('answers 429 problem+json past the limit, per token', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/dispatches?wait=false', payload: dispatchBody(30 + i) })).statusCode);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      const limited = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/dispatches?wait=false', payload: dispatchBody() });
      expect(limited.statusCode).toBe(429);
      expect(json(limited)).toMatchObject({ code: 'V2G_ERR_RATE_LIMITED', retryable: true });
      expect(limited.headers['retry-after']).toBeDefined();
      // reads are not limited
      expect((await h.request('dispatch', { method: 'GET', url: '/v1/sites/depot-1/dispatches' })).statusCode).toBe(200);
    });
  });

  describe('docs, health, metrics, problem types', () => {
    it('serves the OpenAPI document with every route, bearer security, and the UI', async () => {
      const doc = json(await h.request('anonymous', { method: 'GET', url: '/docs/json' }));
      expect(doc.openapi).toBe('3.0.3');
      expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
      expect(doc.components.schemas.ProblemDetails).toBeDefined();
      for (const path of [
        '/v1/sites', '/v1/sites/{siteId}', '/v1/sites/{siteId}/sessions', '/v1/sites/{siteId}/sessions/{sessionId}', '/v1/sites/{siteId}/signals',
        '/v1/sites/{siteId}/signals/{kind}', '/v1/sites/{siteId}/signals/openadr3-events', '/v1/sites/{siteId}/dispatches', '/v1/sites/{siteId}/dispatches/{dispatchId}',
        '/v1/sites/{siteId}/flexibility', '/v1/sites/{siteId}/plan', '/v1/sites/{siteId}/plans', '/v1/sites/{siteId}/plans/{planId}', '/v1/sites/{siteId}/optimize',
        '/v1/jobs/{jobId}', '/health/live', '/health/ready', '/metrics',
      ]) {
        expect(doc.paths[path], path).toBeDefined();
      }
      expect(doc.paths['/v1/sites'].post.security).toEqual([{ bearerAuth: [] }]);
      expect(doc.paths['/v1/sites/{siteId}/signals/{kind}'].post.requestBody.content['text/csv']).toBeDefined();
      expect(doc.paths['/v1/sites'].post.responses['422'].content['application/problem+json']).toBeDefined();
      expect(doc.paths['/health/live'].get.security).toBeUndefined();
      const ui = await h.request('anonymous', { method: 'GET', url: '/docs/' });
      expect(ui.statusCode).toBe(200);
      expect(ui.headers['content-type']).toMatch(/text\/html/);
    });

    it('health: live always, ready once started and until shutdown begins', async () => {
      expect(json(await h.request('anonymous', { method: 'GET', url: '/health/live' }))).toEqual({ status: 'ok' });
      expect(json(await h.request('anonymous', { method: 'GET', url: '/health/ready' })).status).toBe('ready');
      h.service.ctx.readiness.closing = true;
      const closing = await h.request('anonymous', { method: 'GET', url: '/health/ready' });
      h.service.ctx.readiness.closing = false;
      expect(closing.statusCode).toBe(503);
      expect(json(closing)).toMatchObject({ code: 'V2G_ERR_NOT_READY', retryable: true });
    });

    it('metrics: solve duration, plans, dispatches, queue, HTTP latency', async () => {
      const res = await h.request('anonymous', { method: 'GET', url: '/metrics' });
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      for (const name of ['v2g_solve_duration_seconds_bucket', 'v2g_plans_total{result="saved"}', 'v2g_dispatches_total{kind="import-limit"', 'v2g_queue_jobs{state="completed"}', 'v2g_http_request_duration_seconds_bucket', 'v2g_replan_jobs_total']) {
        expect(res.body).toContain(name);
      }
    });

    it('problem types are documented at /problems', async () => {
      const all = json(await h.request('anonymous', { method: 'GET', url: '/problems' })).problems.map((p: { code: string }) => p.code);
      expect(all).toEqual(expect.arrayContaining(['V2G_ERR_VALIDATION', 'V2G_ERR_RATE_LIMITED', 'V2G_ERR_CSV_FORMAT']));
      expect(json(await h.request('anonymous', { method: 'GET', url: '/problems/V2G_ERR_SOLVE_FAILED' }))).toEqual({ code: 'V2G_ERR_SOLVE_FAILED', status: 503, title: expect.any(String), retryable: true });
      expect((await h.request('anonymous', { method: 'GET', url: '/problems/NOPE' })).statusCode).toBe(404);
    });
  });

  it('tokens are never echoed back', async () => {
    const res = await h.request('read', { method: 'GET', url: '/v1/sites' });
    expect(res.body).not.toContain(tokens.read);
  });
});
