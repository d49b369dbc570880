/**
 * Optimistic concurrency at the HTTP edge (adapters/http/revision-headers.ts): ETags on sites and
 * sessions, If-Match on PUT and PATCH (412 on a stale revision, nothing changed), and concurrent PATCHes
 * without If-Match that all land (no lost write).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../adapters/store/store.ts';
import { aSession, aSite, baselineSolver, createHarness, json, priceSeries, t0, type Harness } from '../service-harness.ts';

/**
 * Makes every read of the store slow, so concurrent requests all read before any of them writes. The delay
 * simulates slow I/O (it waits for nothing); a gate cannot replace it, since a store that serialises writers
 * would then never let the gate open. It does not assume a fast machine: where a loaded machine keeps the
 * requests from overlapping, the writes only come in sequence and the assertions still hold.
 */
function slowReads(store: Store, delayMs: number): () => void {
  const s = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const originals = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  for (const name of ['getSite', 'getSession', 'getSignals', 'getDispatch']) {
    const original = s[name]!;
    originals.set(name, original);
    s[name] = async (...args: unknown[]) => {
      const value = await original.apply(store, args);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return value;
    };
  }
  return () => {
    for (const [name, original] of originals) s[name] = original;
  };
}

describe('revisions: ETag and If-Match', () => {
  let h: Harness;
  const url = '/v1/sites/depot-1/sessions/ev-1';
  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver });
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
    await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: priceSeries(t0, 24) });
    expect((await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ id: 'ev-1' }) })).statusCode).toBe(201);
  });
  afterAll(() => h.close());

  it('GET answers the revision as ETag and in the body; every change bumps it', async () => {
    const got = await h.request('read', { method: 'GET', url });
    expect(got.headers.etag).toBe('"1"');
    expect(json(got).revision).toBe(1);
    const patched = await h.request('admin', { method: 'PATCH', url, payload: { socPercent: 45 } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.headers.etag).toBe('"2"');
    expect(json(patched).revision).toBe(2);
    const site = await h.request('read', { method: 'GET', url: '/v1/sites/depot-1' });
    expect(site.headers.etag).toBe(`"${json(site).revision}"`);
  });

  it('PATCH with a stale If-Match answers 412 naming the header and changes nothing; the current one goes through', async () => {
    const before = json(await h.request('read', { method: 'GET', url }));
    const stale = await h.request('admin', { method: 'PATCH', url, headers: { 'if-match': '"1"' }, payload: { socPercent: 70 } });
    expect(stale.statusCode).toBe(412);
    expect(stale.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(json(stale)).toMatchObject({ code: 'V2G_ERR_PRECONDITION_FAILED', errors: [{ pointer: '/headers/if-match', detail: `current ETag is "${before.revision}"` }] });
    expect(json(await h.request('read', { method: 'GET', url }))).toMatchObject({ socPercent: before.socPercent, revision: before.revision });
    const fresh = await h.request('admin', { method: 'PATCH', url, headers: { 'if-match': `"${before.revision}"` }, payload: { socPercent: 70 } });
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(json(fresh)).toMatchObject({ socPercent: 70, revision: before.revision + 1 });
    const weakList = await h.request('admin', { method: 'PATCH', url, headers: { 'if-match': `"9", W/"${before.revision + 1}"` }, payload: { socPercent: 71 } });
    expect(weakList.statusCode, weakList.body).toBe(200);
    expect((await h.request('admin', { method: 'PATCH', url, headers: { 'if-match': '*' }, payload: { socPercent: 72 } })).statusCode).toBe(200);
  });

  it('a malformed If-Match is a 400 naming the header', async () => {
    for (const header of ['3', '"abc"', '"1", nope']) {
      const res = await h.request('admin', { method: 'PATCH', url, headers: { 'if-match': header }, payload: { socPercent: 50 } });
      expect(res.statusCode, header).toBe(400);
      expect(json(res).errors[0].pointer).toBe('/headers/if-match');
    }
  });

  it('PUT of a site with a stale If-Match answers 412; with the current one it replaces the site', async () => {
    const current = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1' }));
    const { id: _id, ...body } = aSite();
    const stale = await h.request('admin', { method: 'PUT', url: '/v1/sites/depot-1', headers: { 'if-match': `"${current.revision - 1}"` }, payload: { ...body, name: 'stale' } });
    expect(stale.statusCode).toBe(412);
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1' })).name).toBe(current.name);
    const ok = await h.request('admin', { method: 'PUT', url: '/v1/sites/depot-1', headers: { 'if-match': `"${current.revision}"` }, payload: { ...body, name: 'renamed' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers.etag).toBe(`"${current.revision + 1}"`);
    expect(json(ok)).toMatchObject({ name: 'renamed', revision: current.revision + 1 });
  });

  it('concurrent PATCHes of different fields, all reading before any writes, all land (no lost write)', async () => {
    const restore = slowReads(h.service.ctx.store, 20);
    try {
      const patches = [{ minSocPercent: 15 }, { v2gConsent: false }, { departure: '2025-06-02T21:00:00+02:00' }, { targetSocPercent: 85 }, { degradationCostPerKwh: 0.03 }];
      const before = json(await h.request('read', { method: 'GET', url })).revision;
      const results = await Promise.all(patches.map((payload) => h.request('admin', { method: 'PATCH', url, payload })));
      for (const r of results) expect(r.statusCode, r.body).toBe(200);
      const after = json(await h.request('read', { method: 'GET', url }));
      expect(after).toMatchObject({ minSocPercent: 15, v2gConsent: false, departure: '2025-06-02T21:00:00+02:00', targetSocPercent: 85, degradationCostPerKwh: 0.03 });
      expect(after.revision).toBe(before + patches.length);
    } finally {
      restore();
    }
  });

  it('concurrent If-Match PATCHes on one revision: exactly one wins, the others get 412', async () => {
    const restore = slowReads(h.service.ctx.store, 20);
    try {
      const rev = json(await h.request('read', { method: 'GET', url })).revision;
      const results = await Promise.all([55, 56, 57].map((socPercent) => h.request('admin', { method: 'PATCH', url, headers: { 'if-match': `"${rev}"` }, payload: { socPercent } })));
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 412, 412]);
      const winner = json(results.find((r) => r.statusCode === 200)!);
      expect(json(await h.request('read', { method: 'GET', url }))).toMatchObject({ socPercent: winner.socPercent, revision: rev + 1 });
    } finally {
      restore();
    }
  });

  it('concurrent signal uploads of different kinds all land', async () => {
    const restore = slowReads(h.service.ctx.store, 20);
    try {
      const kinds = ['export-price', 'base-load', 'pv'] as const;
      const bodies = { 'export-price': priceSeries(t0, 24), 'base-load': { unit: 'kW', ...loadIntervals() }, pv: { unit: 'kW', ...loadIntervals() } };
      const results = await Promise.all(kinds.map((k) => h.request('dispatch', { method: 'POST', url: `/v1/sites/depot-1/signals/${k}`, payload: bodies[k] })));
      for (const r of results) expect(r.statusCode, r.body).toBeLessThan(300);
      const signals = await h.service.ctx.store.getSignals('depot-1');
      expect(Object.keys(signals.series).sort()).toEqual(['base-load', 'export-price', 'import-price', 'pv']);
    } finally {
      restore();
    }
  });
});

function loadIntervals() {
  const hour = 3_600_000;
  return { intervals: Array.from({ length: 24 }, (_, i) => ({ start: new Date(t0 + i * hour).toISOString(), end: new Date(t0 + (i + 1) * hour).toISOString(), value: 5 })) };
}
