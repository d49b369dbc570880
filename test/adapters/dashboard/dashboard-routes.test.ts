/**
 * The dashboard's server side on the service (ManualClock, HiGHS): the views need the read scope and show what
 * the plan says (import now against the limit, plugged vehicles, cost against uncontrolled charging, vehicle
 * rows with SoC rising to the target, the last re-plan's triggers and differences); the event stream sends a
 * batched `changes` event when a session changes and filters by site; `/` serves the built page, or says how to
 * build it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerStaticAssets } from '../../../adapters/dashboard/static-assets.ts';
import { aSession, aSite, closeSharedPool, createHarness, priceSeries, t0, tokens, type Harness } from '../service-harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  expect((await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() })).statusCode).toBe(201);
  expect((await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: priceSeries(t0, 24) })).statusCode).toBe(200);
  for (const [i, id] of ['v1', 'v2'].entries()) {
    const r = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ id, chargerId: `cp-${i + 1}` }) });
    expect(r.statusCode).toBe(201);
  }
  await h.settle();
});

afterAll(async () => {
  await h.close();
  await closeSharedPool();
});

describe('dashboard views', () => {
  it('need a token with the read scope', async () => {
    expect((await h.request('anonymous', { method: 'GET', url: '/v1/dashboard/overview' })).statusCode).toBe(401);
    const me = await h.request('read', { method: 'GET', url: '/v1/dashboard/me' });
    expect(me.json()).toEqual({ name: 'viewer', scopes: ['read'] });
  });

  it('overview: every site now, with cost against uncontrolled charging', async () => {
    const r = await h.request('read', { method: 'GET', url: '/v1/dashboard/overview' });
    expect(r.statusCode).toBe(200);
    const [site] = r.json().sites;
    expect(site.id).toBe('depot-1');
    expect(site.now.importLimitKw).toBe(100);
    expect(site.now.importKw).toBeGreaterThanOrEqual(0);
    expect(site.vehicles).toEqual({ plugged: 2, sessions: 2 });
    expect(site.chargers.chargers).toBe(4);
    expect(site.activeDispatches).toBe(0);
    expect(site.plan.freshness).toBe('current');
    // The optimizer never costs more than charging flat out at arrival on the same problem.
    expect(site.cost.planNetCost).toBeLessThanOrEqual(site.cost.uncontrolledNetCost + 1e-6);
    expect(site.cost.horizonStart).toMatch(/\+0[12]:00$/);
  });

  it('overview: a portfolio with its sites, their import now summed against the shared limit in force now, announced when written', async () => {
    const announced = new Promise<void>((resolve) => {
      const off = h.service.ctx.changes.subscribe((c) => {
        if (c.kind === 'portfolio' && c.id === 'feeder-a') {
          off();
          resolve();
        }
      });
    });
    const payload = {
      id: 'feeder-a',
      name: 'Feeder A',
      kind: 'feeder',
      timeZone: 'Europe/Berlin',
      siteIds: ['depot-1'],
      sharedLimits: { importLimitKw: 500, windows: [{ start: new Date(h.clock.nowUtcMs() - 3_600_000).toISOString(), end: new Date(h.clock.nowUtcMs() + 3_600_000).toISOString(), importLimitKw: 1, reason: 'dso-notice-7' }] },
    };
    expect((await h.request('admin', { method: 'POST', url: '/v1/portfolios', payload })).statusCode).toBe(201);
    await announced;
    const overview = (await h.request('read', { method: 'GET', url: '/v1/dashboard/overview' })).json();
    const site = overview.sites.find((s: { id: string }) => s.id === 'depot-1');
    const [p] = overview.portfolios;
    expect(p).toMatchObject({ id: 'feeder-a', name: 'Feeder A', kind: 'feeder', sitesWithoutPlanNow: 0 });
    expect(p.sites).toEqual([{ id: 'depot-1', name: site.name, importKw: site.now.importKw, exportKw: site.now.exportKw, missing: false }]);
    expect(p.importKw).toBe(site.now.importKw);
    // The window covering now is tighter than the feeder's constant limit: it is the one in force.
    expect(p.sharedImportLimit).toEqual({ limitKw: 1, source: 'dso-notice-7' });
    expect(p.sharedExportLimit).toBeNull();
    expect(p.importHeadroomKw).toBeCloseTo(1 - site.now.importKw, 6);
    expect((await h.request('admin', { method: 'DELETE', url: '/v1/portfolios/feeder-a' })).statusCode).toBe(204);
    expect((await h.request('read', { method: 'GET', url: '/v1/dashboard/overview' })).json().portfolios).toEqual([]);
  });

  it('site page: vehicle rows whose SoC rises to the target at departure, and the plan without duplicate vehicle arrays', async () => {
    const r = await h.request('read', { method: 'GET', url: '/v1/dashboard/sites/depot-1' });
    expect(r.statusCode).toBe(200);
    const page = r.json();
    expect(page.plan.vehicles).toBeUndefined();
    expect(page.vehicles).toHaveLength(2);
    for (const v of page.vehicles) {
      expect(v.planned).toBe('planned');
      // Compact rows: power and SoC over the plug window only.
      expect(v.powerKw).toHaveLength(v.plugSlots.to - v.plugSlots.from);
      expect(v.socPct).toHaveLength(v.plugSlots.to - v.plugSlots.from + 1);
      expect(v.socPct[0]).toBeCloseTo(40, 0);
      expect(v.socPct.at(-1)).toBe(v.departureSocPct);
      expect(v.departureSocPct).toBeCloseTo(80, 0);
      expect(v.targetSocPct).toBe(80);
      expect(v.shortfallKwh).toBe(0);
    }
    expect(page.fleet.chargeKw).toHaveLength(page.plan.horizon.slotCount);
    // The page's site is what it shows, not the API's full site view (every charger, the tariff).
    expect(page.site).toEqual({ id: 'depot-1', name: expect.any(String), timeZone: expect.any(String), currency: expect.any(String), slotMinutes: 15, connection: { importLimitKw: 100, exportLimitKw: 50 } });
    // Unchanged plan and sessions: the same rows (cached), whatever re-reads them.
    const again = (await h.request('read', { method: 'GET', url: '/v1/dashboard/sites/depot-1' })).json();
    expect(again.vehicles).toEqual(page.vehicles);
    expect(page.delivery.chargers).toHaveLength(4);
    expect(page.flexibility.slots).toHaveLength(page.plan.horizon.slotCount);
    expect(page.billingPeak.peakImportKw).toBeGreaterThan(0);
    expect(page.lastReplan.triggers.join(' ')).toMatch(/session/);
    expect((await h.request('read', { method: 'GET', url: '/v1/dashboard/sites/nope' })).statusCode).toBe(404);
  });

  it('a vehicle that cannot reach its target says why', async () => {
    const r = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ id: 'v3', chargerId: 'cp-3', departure: new Date(t0 + 1_800_000).toISOString(), socPercent: 10, targetSocPercent: 100 }) });
    expect(r.statusCode).toBe(201);
    await h.settle();
    const page = (await h.request('read', { method: 'GET', url: '/v1/dashboard/sites/depot-1' })).json();
    const v3 = page.vehicles.find((v: { sessionId: string }) => v.sessionId === 'v3');
    expect(v3.shortfallKwh).toBeGreaterThan(0);
    expect(v3.reason).toMatch(/cannot be reached: full charger power over the stay gives at most/);
    expect(page.lastReplan.vehiclesAdded).toEqual(['v3']);
    expect(page.lastReplan.shortfallKwhChange).toBeGreaterThan(0);
  });
  it('site page: a dispatch shows its fulfilment and message, not the per-slot rows the API keeps for it', async () => {
    const payload = { kind: 'import-limit', powerKw: 20, start: new Date(t0).toISOString(), end: new Date(t0 + 3_600_000).toISOString() };
    const posted = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/dispatches', payload });
    expect(posted.statusCode).toBe(201);
    await h.settle();
    const id = posted.json().id;
    const api = (await h.request('read', { method: 'GET', url: `/v1/sites/depot-1/dispatches/${id}` })).json();
    expect(api.acknowledgement.state).toBe('acknowledged');
    expect(api.acknowledgement.slots.length).toBeGreaterThan(0);
    const page = (await h.request('read', { method: 'GET', url: '/v1/dashboard/sites/depot-1' })).json();
    const row = page.dispatches.find((d: { id: string }) => d.id === id);
    const { slots: _slots, ...withoutSlots } = api.acknowledgement;
    expect(row.acknowledgement).toEqual(withoutSlots);
    expect(row.acknowledgement.slots).toBeUndefined();
    expect((await h.request('admin', { method: 'DELETE', url: `/v1/sites/depot-1/dispatches/${id}` })).statusCode).toBeLessThan(300);
    await h.settle();
  });
});

describe('event stream', () => {
  it('sends one batched changes event for a session change, only to streams of that site', async () => {
    const base = await h.service.app.listen({ host: '127.0.0.1', port: 0 });
    const open = async (query: string) => {
      const response = await fetch(`${base}/v1/events${query}`, { headers: { authorization: `Bearer ${tokens.read}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      return {
        async until(pattern: RegExp): Promise<string> {
          while (!pattern.test(text)) {
            const { value, done } = await reader.read();
            if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
            text += value;
          }
          return text;
        },
        cancel: () => reader.cancel(),
      };
    };
    const mine = await open('?siteId=depot-1');
    const all = await open('');
    await mine.until(/event: hello/);
    await all.until(/event: hello/);
    // Subscribed after the streams, so called after them: once it has the change, both streams have it batched.
    const delivered = new Promise<void>((resolve) => {
      const off = h.service.ctx.changes.subscribe((c) => {
        if (c.kind === 'session' && c.id === 'v1') {
          off();
          resolve();
        }
      });
    });
    expect((await h.request('admin', { method: 'PATCH', url: '/v1/sites/depot-1/sessions/v1', payload: { socPercent: 45 } })).statusCode).toBe(200);
    await delivered;
    await h.clock.advanceBy(100);
    const text = await mine.until(/event: changes\ndata: .*\n\n/);
    const data = JSON.parse(/event: changes\ndata: (.*)\n/.exec(text)![1]!);
    expect(data.changes).toContainEqual(expect.objectContaining({ kind: 'session', siteId: 'depot-1', id: 'v1' }));
    await all.until(/event: changes/);

    expect((await fetch(`${base}/v1/events`)).status).toBe(401);
    expect((await fetch(`${base}/v1/events?siteId=nope`, { headers: { authorization: `Bearer ${tokens.read}` } })).status).toBe(404);
    await mine.cancel();
    await all.cancel();
  });
});

describe('the page at /', () => {
  it('serves the built page with a content security policy, and says how to build it when it is missing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'v2g-dash-'));
    const app = Fastify();
    registerStaticAssets(app, dir);
    const missing = await app.inject({ method: 'GET', url: '/' });
    expect(missing.statusCode).toBe(503);
    expect(missing.body).toContain('npm run build:dashboard');
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script src="/dashboard/app-ABCDEFGH.js"></script>');
    writeFileSync(path.join(dir, 'app-ABCDEFGH.js'), 'console.log(1)');
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const script = await app.inject({ method: 'GET', url: '/dashboard/app-ABCDEFGH.js' });
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/dashboard/nothing.js' })).statusCode).toBe(404);
    await app.close();
  });
});
