/**
 * Fuzzing every route with fast-check: random JSON, valid bodies with one field broken, dropped or added,
 * random text for CSV/XML, random path parameters and query strings. For every request: never a 5xx; every
 * rejected request is an RFC 9457 problem document with a stable code naming the offending fields (all
 * 4xx but an unknown route); and a rejected request changes nothing in the store. The last test checks
 * that every operation of the OpenAPI document was among the requests.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, aSite, baselineSolver, createHarness, priceSeries, t0, type Harness } from '../service-harness.ts';
import { documentedRoutes, fuzzClient, mutated, pathId, servedRoutes, withEdges, type FuzzClient } from './fuzz-kit.ts';

const runs = Number(process.env.FUZZ_RUNS ?? 100);
const iso = (ms: number) => new Date(ms).toISOString();

describe('fuzzing every route', () => {
  let h: Harness;
  let client: FuzzClient;
  const send = (...args: Parameters<FuzzClient['send']>) => client.send(...args);

  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver, config: { dispatchRateLimitMax: 1_000_000, dispatchAckTimeoutMs: 0 } });
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
    await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ id: 'ev-1' }) });
    await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: priceSeries(t0, 24) });
    await h.settle();
    client = fuzzClient(h);
  });
  afterAll(() => h.close());

  it('POST /v1/sites and PUT /v1/sites/{siteId}', async () => {
    const site = aSite({ id: 'fuzz-site' }) as Record<string, unknown>;
    const { id: _id, ...put } = site;
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(site), withEdges(site, ['slotMinutes', 'shortfallPenaltyPerKwh', 'transformerRatingKw'])), async (body) => {
        await send('admin', 'POST', '/v1/sites', body);
        await h.service.ctx.store.deleteSite('fuzz-site');
      }),
      { numRuns: runs },
    );
    await fc.assert(fc.asyncProperty(mutated(put), async (body) => void (await send('admin', 'PUT', '/v1/sites/depot-1', body))), { numRuns: runs });
  });

  it('POST and PATCH sessions', async () => {
    const session = aSession({ id: 'fuzz-ev', chargerId: 'cp-2' }) as Record<string, unknown>;
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(session), withEdges(session, ['departure', 'arrival', 'measuredAt', 'capacityKwh', 'socPercent', 'targetSocPercent'])), async (body) => {
        await send('admin', 'POST', '/v1/sites/depot-1/sessions', body);
        await h.service.ctx.store.deleteSession('depot-1', 'fuzz-ev');
      }),
      { numRuns: runs },
    );
    const patch = { energyKwh: 30, departure: iso(t0 + 9 * 3_600_000), v2gConsent: false };
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(patch), withEdges(patch, ['energyKwh', 'departure'])), async (body) => void (await send('admin', 'PATCH', '/v1/sites/depot-1/sessions/ev-1', body))),
      { numRuns: runs },
    );
  });

  it('POST signals: JSON series, CSV, XML and OpenADR 3 events', async () => {
    const series = priceSeries(t0, 2) as unknown as Record<string, unknown>;
    const kinds = fc.constantFrom('import-price', 'export-price', 'base-load', 'pv', 'wind', '');
    await fc.assert(fc.asyncProperty(kinds, mutated(series), async (kind, body) => void (await send('dispatch', 'POST', `/v1/sites/depot-1/signals/${kind}`, body))), { numRuns: runs });
    const csvLine = fc.tuple(fc.oneof(fc.constant('2025-06-02T08:00:00Z'), fc.string({ maxLength: 25 })), fc.oneof(fc.double({ noNaN: true }).map(String), fc.string({ maxLength: 8 })));
    const csv = fc.array(csvLine, { maxLength: 6 }).map((rows) => ['interval_start,price_eur_per_mwh', ...rows.map((r) => r.join(','))].join('\n'));
    const query = fc.constantFrom('', '?valueColumn=price_eur_per_mwh&resolution=PT1H', '?valueColumn=price_eur_per_mwh', '?valueColumn=x&endColumn=y', '?resolution=P1Y&valueColumn=price_eur_per_mwh', '?bogus=1');
    await fc.assert(fc.asyncProperty(fc.oneof(csv, fc.string()), query, async (text, q) => void (await send('dispatch', 'POST', `/v1/sites/depot-1/signals/import-price${q}`, text, 'text/csv'))), { numRuns: runs });
    const xml = fc.oneof(fc.string(), fc.constantFrom('<Publication_MarketDocument/>', '<a><b>', '<?xml version="1.0"?><Acknowledgement_MarketDocument/>'));
    await fc.assert(fc.asyncProperty(xml, async (text) => void (await send('dispatch', 'POST', '/v1/sites/depot-1/signals/import-price', text, 'application/xml'))), { numRuns: runs });
    const event = {
      id: 'fuzz-event',
      programID: 'p',
      payloadDescriptors: [{ payloadType: 'IMPORT_CAPACITY_LIMIT', units: 'KW' }],
      intervalPeriod: { start: iso(t0), duration: 'PT1H' },
      intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [40] }] }],
    };
    await fc.assert(fc.asyncProperty(mutated(event), async (body) => void (await send('dispatch', 'POST', '/v1/sites/depot-1/signals/openadr3-events', body))), { numRuns: runs });
  });

  it('POST and DELETE dispatches', async () => {
    const dispatch = { kind: 'import-limit', powerKw: 30, start: iso(t0), end: iso(t0 + 3_600_000) };
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(dispatch), withEdges(dispatch, ['powerKw', 'start', 'end'])), fc.constantFrom('', '?wait=false', '?wait=maybe'), async (body, q) =>
        void (await send('dispatch', 'POST', `/v1/sites/depot-1/dispatches${q}`, body)),
      ),
      { numRuns: runs },
    );
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 70 }), async (id) => void (await send('dispatch', 'DELETE', `/v1/sites/depot-1/dispatches/${encodeURIComponent(id)}`))), { numRuns: runs });
  });

  it('every GET and POST /optimize with random ids and query strings', async () => {
    const id = fc.oneof(fc.constant('depot-1'), fc.string({ maxLength: 70 }).map(encodeURIComponent));
    const q = fc.oneof(fc.constant(''), fc.tuple(fc.constantFrom('limit', 'include', 'planId', 'wait', 'x'), fc.string({ maxLength: 10 })).map(([k, v]) => `?${k}=${encodeURIComponent(v)}`));
    const sitePaths = ['', '/sessions', '/sessions/ev-1', '/signals', '/signals/pv', '/dispatches', '/dispatches/d1', '/flexibility', '/plan', '/plans', '/plans/p1', '/delivery'];
    for (const path of sitePaths) await send('read', 'GET', `/v1/sites/depot-1${path}`);
    const paths = fc.constantFrom(...sitePaths);
    await fc.assert(fc.asyncProperty(id, paths, q, async (site, path, query) => void (await send('read', 'GET', `/v1/sites/${site}${path}${query}`))), { numRuns: runs * 2 });
    await fc.assert(fc.asyncProperty(q, async (query) => void (await send('read', 'GET', `/v1/sites${query}`))), { numRuns: runs / 4 });
    await fc.assert(fc.asyncProperty(id, q, async (site, query) => void (await send('admin', 'POST', `/v1/sites/${site}/optimize${query}`, {}))), { numRuns: runs });
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 50 }), async (job) => void (await send('read', 'GET', `/v1/jobs/${encodeURIComponent(job)}`))), { numRuns: runs });
  });

  it('DELETE sites and sessions with random ids', async () => {
    await fc.assert(fc.asyncProperty(pathId('gone-site'), async (site) => void (await send('admin', 'DELETE', `/v1/sites/${site}`))), { numRuns: runs });
    await fc.assert(
      fc.asyncProperty(pathId('depot-1', 'gone-site'), pathId('gone-ev'), async (site, session) => void (await send('admin', 'DELETE', `/v1/sites/${site}/sessions/${session}`))),
      { numRuns: runs },
    );
    // a delete that succeeds: a throwaway site and session
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite({ id: 'fuzz-gone' }) });
    await h.request('admin', { method: 'POST', url: '/v1/sites/fuzz-gone/sessions', payload: aSession({ id: 'ev-gone' }) });
    expect((await send('admin', 'DELETE', '/v1/sites/fuzz-gone/sessions/ev-gone')).statusCode).toBe(204);
    expect((await send('admin', 'DELETE', '/v1/sites/fuzz-gone')).statusCode).toBe(204);
  });

  it('chargers, their credentials, and plan delivery', async () => {
    const chargePoint = pathId('cp-1', 'cp-2', 'NEW-9', 'a%20b', '%3A%3A');
    await fc.assert(fc.asyncProperty(chargePoint, async (id) => void (await send('read', 'GET', `/v1/chargers/${id}`))), { numRuns: runs });
    await fc.assert(fc.asyncProperty(fc.constantFrom('', '?x=1', '?siteId=depot-1'), async (q) => void (await send('read', 'GET', `/v1/chargers${q}`))), { numRuns: runs / 4 });
    const password = { password: 'fuzz-password-0001' };
    const passwords = fc.oneof(mutated(password), fc.string({ maxLength: 60 }).map((p) => ({ password: p })));
    await fc.assert(fc.asyncProperty(chargePoint, passwords, async (id, body) => void (await send('admin', 'PUT', `/v1/chargers/${id}/credentials`, body))), { numRuns: runs });
    await fc.assert(fc.asyncProperty(chargePoint, async (id) => void (await send('admin', 'DELETE', `/v1/chargers/${id}/credentials`))), { numRuns: runs });
    await fc.assert(fc.asyncProperty(pathId('depot-1'), async (site) => void (await send('read', 'GET', `/v1/sites/${site}/delivery`))), { numRuns: runs / 2 });
  });

  it('public routes: health, metrics, problem types, the OpenAPI document', async () => {
    const publicPaths = ['/health/live', '/health/ready', '/metrics', '/problems', '/docs/json', '/problems/V2G_ERR_VALIDATION'];
    for (const path of publicPaths) await send('anonymous', 'GET', path);
    const paths = fc.oneof(
      fc.constantFrom(...publicPaths),
      fc.string({ maxLength: 80 }).map((c) => `/problems/${encodeURIComponent(c)}`),
    );
    await fc.assert(fc.asyncProperty(paths, fc.constantFrom('', '?x=1'), async (path, q) => void (await send('anonymous', 'GET', `${path}${q}`))), { numRuns: runs });
  });

  it('portfolios and measured delivery', async () => {
    const portfolio = { id: 'fuzz-portfolio', name: 'F', kind: 'feeder', timeZone: 'Europe/Berlin', siteIds: ['depot-1'], sharedLimits: { importLimitKw: 50, windows: [{ start: iso(t0), end: iso(t0 + 3_600_000), exportLimitKw: 0 }] } };
    const { id: _id, ...put } = portfolio;
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(portfolio), withEdges(portfolio, ['siteIds', 'timeZone', 'kind'])), async (body) => {
        await send('admin', 'POST', '/v1/portfolios', body);
        await h.service.ctx.portfolios.delete('fuzz-portfolio');
      }),
      { numRuns: runs },
    );
    // A mutation may have changed the id: remove what the property left behind.
    for (const p of await h.service.ctx.portfolios.list()) await h.service.ctx.portfolios.delete(p.id);
    expect((await h.request('admin', { method: 'POST', url: '/v1/portfolios', payload: portfolio })).statusCode).toBe(201);
    await fc.assert(fc.asyncProperty(mutated(put), async (body) => void (await send('admin', 'PUT', '/v1/portfolios/fuzz-portfolio', body))), { numRuns: runs });
    const id = pathId('fuzz-portfolio', 'gone');
    await fc.assert(fc.asyncProperty(id, fc.constantFrom('', '?x=1'), async (p, q) => void (await send('read', 'GET', `/v1/portfolios/${p}${q}`))), { numRuns: runs / 2 });
    await send('read', 'GET', '/v1/portfolios');
    await fc.assert(fc.asyncProperty(pathId('gone'), async (p) => void (await send('admin', 'DELETE', `/v1/portfolios/${p}`))), { numRuns: runs / 2 });
    expect((await send('admin', 'DELETE', '/v1/portfolios/fuzz-portfolio')).statusCode).toBe(204);
    const q = fc.constantFrom('', '?format=csv', '?format=xml', '?x=1');
    await fc.assert(
      fc.asyncProperty(pathId('depot-1', 'gone'), pathId('d1'), q, async (site, d, query) => void (await send('read', 'GET', `/v1/sites/${site}/dispatches/${d}/measured-delivery${query}`))),
      { numRuns: runs / 2 },
    );
  });

  it('portfolio plan, dispatches, flexibility and their measured delivery', async () => {
    const portfolio = { id: 'fuzz-feeder', name: 'F', kind: 'feeder', timeZone: 'Europe/Berlin', siteIds: ['depot-1'], sharedLimits: { importLimitKw: 50, exportLimitKw: 20 } };
    expect((await h.request('admin', { method: 'POST', url: '/v1/portfolios', payload: portfolio })).statusCode).toBe(201);
    const pid = pathId('fuzz-feeder', 'gone');
    const q = fc.constantFrom('', '?wait=false', '?wait=maybe', '?x=1');
    await fc.assert(fc.asyncProperty(pid, q, async (p, query) => void (await send('admin', 'POST', `/v1/portfolios/${p}/plan${query}`))), { numRuns: runs / 4 });
    await fc.assert(fc.asyncProperty(pid, fc.constantFrom('', '?x=1'), async (p, query) => void (await send('read', 'GET', `/v1/portfolios/${p}/plan${query}`))), { numRuns: runs / 4 });
    await fc.assert(fc.asyncProperty(pid, fc.constantFrom('', '?x=1'), async (p, query) => void (await send('read', 'GET', `/v1/portfolios/${p}/flexibility${query}`))), { numRuns: runs / 4 });
    const now = h.clock.nowUtcMs();
    const dispatch = { kind: 'import-limit', powerKw: 20, start: iso(now + 3_600_000), end: iso(now + 7_200_000), reference: 'fuzz' };
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(dispatch), withEdges(dispatch, ['kind', 'powerKw', 'start', 'end'])), async (body) => {
        await send('dispatch', 'POST', '/v1/portfolios/fuzz-feeder/dispatches?wait=false', body);
      }),
      { numRuns: runs / 2 },
    );
    await send('read', 'GET', '/v1/portfolios/fuzz-feeder/dispatches');
    await fc.assert(fc.asyncProperty(pid, pathId('pdispatch-x'), async (p, d) => void (await send('read', 'GET', `/v1/portfolios/${p}/dispatches/${d}`))), { numRuns: runs / 4 });
    await fc.assert(fc.asyncProperty(pid, pathId('pdispatch-x'), async (p, d) => void (await send('dispatch', 'DELETE', `/v1/portfolios/${p}/dispatches/${d}`))), { numRuns: runs / 4 });
    const mq = fc.constantFrom('', '?format=csv', '?format=xml', '?x=1');
    await fc.assert(fc.asyncProperty(pid, pathId('pdispatch-x'), mq, async (p, d, query) => void (await send('read', 'GET', `/v1/portfolios/${p}/dispatches/${d}/measured-delivery${query}`))), { numRuns: runs / 4 });
    await h.service.ctx.portfolios.delete('fuzz-feeder');
  });

  it('dashboard views and the event stream (refusals only: an accepted stream stays open)', async () => {
    await send('read', 'GET', '/v1/dashboard/me');
    const q = fc.constantFrom('', '?x=1');
    await fc.assert(fc.asyncProperty(q, async (query) => void (await send('read', 'GET', `/v1/dashboard/overview${query}`))), { numRuns: runs / 4 });
    await fc.assert(fc.asyncProperty(pathId('depot-1', 'gone'), q, async (site, query) => void (await send('read', 'GET', `/v1/dashboard/sites/${site}${query}`))), { numRuns: runs / 2 });
    const refused = fc.oneof(fc.constantFrom('?x=1', '?siteId='), pathId('gone').map((site) => `?siteId=${site}`));
    await fc.assert(
      fc.asyncProperty(refused, async (query) => {
        const res = await send('read', 'GET', `/v1/events${query}`);
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: runs / 2 },
    );
  });

  it('every operation of the OpenAPI document was fuzzed', async () => {
    const served = await servedRoutes(h);
    const missing = (await documentedRoutes(h)).filter((r) => !served.has(r));
    expect(missing).toEqual([]);
  });
});
