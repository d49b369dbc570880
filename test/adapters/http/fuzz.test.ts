/**
 * Fuzzing every route with fast-check: random JSON, valid bodies with one field broken, dropped or added,
 * random text for CSV/XML, random path parameters and query strings. For every request: never a 5xx; every
 * rejected request is an RFC 9457 problem document with a stable code (and the offending fields for 400,
 * 409 and 422); and a rejected request changes nothing in the store.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, aSite, baselineSolver, createHarness, priceSeries, t0, type Harness, type Role } from '../service-harness.ts';

const runs = Number(process.env.FUZZ_RUNS ?? 100);
const iso = (ms: number) => new Date(ms).toISOString();

/** A valid body with one change: a field replaced by a random value, deleted, or an unknown field added. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), fc.jsonValue()).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.constantFrom(...keys).map((k) => {
      const { [k]: _gone, ...rest } = valid;
      return rest;
    }),
    fc.tuple(fc.string({ maxLength: 12 }), fc.jsonValue()).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.jsonValue(),
    fc.constant(valid),
  );
}

const numbersAndTimes = fc.oneof(
  fc.double({ noNaN: true, min: -1e7, max: 1e7 }),
  fc.integer({ min: -10, max: 10 }),
  fc.date({ min: new Date('1969-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2025-06-02T10:00:00', '2025-13-01T00:00:00Z', '2025-06-02T23:59:60Z', ''),
);

/** A valid body whose numeric and instant fields get edge values. */
function withEdges(valid: Record<string, unknown>, fields: string[]): fc.Arbitrary<unknown> {
  return fc.record(Object.fromEntries(fields.map((f) => [f, numbersAndTimes]))).map((edges) => ({ ...valid, ...edges }));
}

function expectWellBehaved(res: LightMyRequestResponse, what: string): void {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 500)}`).toBeLessThan(500);
  if (res.statusCode < 400) return;
  expect(res.headers['content-type'], what).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(res.body);
  expect(problem.status, what).toBe(res.statusCode);
  expect(problem.code, what).toMatch(/^V2G_ERR_[A-Z_]+$/);
  expect(problem.type, what).toBe(`/problems/${problem.code}`);
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.retryable).toBe('boolean');
  if ([400, 409, 422].includes(res.statusCode)) {
    expect(problem.errors?.length, `${what}: ${res.body.slice(0, 500)}`).toBeGreaterThan(0);
    for (const e of problem.errors) expect(e.pointer, what).toMatch(/^\/(body|query|params|headers)(\/|$)/);
  }
}

describe('fuzzing every route', () => {
  let h: Harness;

  /** Everything a client could change, as JSON. */
  async function snapshot(): Promise<string> {
    const store = h.service.ctx.store;
    const sites = await store.listSites();
    const parts = await Promise.all(
      sites.map(async (s) => [s, await store.listSessions(s.id), await store.getSignals(s.id), (await store.listDispatches(s.id)).map(({ acknowledgement: _a, ...d }) => d)]),
    );
    return JSON.stringify(parts);
  }

  /** Sends the request; a rejected one must leave the store as it was. */
  async function send(role: Role, method: string, url: string, payload?: unknown, contentType?: string): Promise<void> {
    const before = await snapshot();
    const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
    const body = payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'content-type': contentType ?? 'application/json', ...headers } };
    const res = await h.request(role, { method: method as 'GET', url, ...body });
    const what = `${method} ${url} ${JSON.stringify(payload)?.slice(0, 300)}`;
    expectWellBehaved(res, what);
    if (res.statusCode >= 400) expect(await snapshot(), `${what} was rejected but changed the store`).toBe(before);
  }

  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver, config: { dispatchRateLimitMax: 1_000_000, dispatchAckTimeoutMs: 0 } });
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
    await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ id: 'ev-1' }) });
    await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: priceSeries(t0, 24) });
    await h.settle();
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
    await fc.assert(fc.asyncProperty(mutated(put), async (body) => send('admin', 'PUT', '/v1/sites/depot-1', body)), { numRuns: runs });
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
      fc.asyncProperty(fc.oneof(mutated(patch), withEdges(patch, ['energyKwh', 'departure'])), async (body) => send('admin', 'PATCH', '/v1/sites/depot-1/sessions/ev-1', body)),
      { numRuns: runs },
    );
  });

  it('POST signals: JSON series, CSV, XML and OpenADR 3 events', async () => {
    const series = priceSeries(t0, 2) as unknown as Record<string, unknown>;
    const kinds = fc.constantFrom('import-price', 'export-price', 'base-load', 'pv', 'wind', '');
    await fc.assert(fc.asyncProperty(kinds, mutated(series), async (kind, body) => send('dispatch', 'POST', `/v1/sites/depot-1/signals/${kind}`, body)), { numRuns: runs });
    const csvLine = fc.tuple(fc.oneof(fc.constant('2025-06-02T08:00:00Z'), fc.string({ maxLength: 25 })), fc.oneof(fc.double({ noNaN: true }).map(String), fc.string({ maxLength: 8 })));
    const csv = fc.array(csvLine, { maxLength: 6 }).map((rows) => ['interval_start,price_eur_per_mwh', ...rows.map((r) => r.join(','))].join('\n'));
    const query = fc.constantFrom('', '?valueColumn=price_eur_per_mwh&resolution=PT1H', '?valueColumn=price_eur_per_mwh', '?valueColumn=x&endColumn=y', '?resolution=P1Y&valueColumn=price_eur_per_mwh', '?bogus=1');
    await fc.assert(fc.asyncProperty(fc.oneof(csv, fc.string()), query, async (text, q) => send('dispatch', 'POST', `/v1/sites/depot-1/signals/import-price${q}`, text, 'text/csv')), { numRuns: runs });
    const xml = fc.oneof(fc.string(), fc.constantFrom('<Publication_MarketDocument/>', '<a><b>', '<?xml version="1.0"?><Acknowledgement_MarketDocument/>'));
    await fc.assert(fc.asyncProperty(xml, async (text) => send('dispatch', 'POST', '/v1/sites/depot-1/signals/import-price', text, 'application/xml')), { numRuns: runs });
    const event = {
      id: 'fuzz-event',
      programID: 'p',
      payloadDescriptors: [{ payloadType: 'IMPORT_CAPACITY_LIMIT', units: 'KW' }],
      intervalPeriod: { start: iso(t0), duration: 'PT1H' },
      intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [40] }] }],
    };
    await fc.assert(fc.asyncProperty(mutated(event), async (body) => send('dispatch', 'POST', '/v1/sites/depot-1/signals/openadr3-events', body)), { numRuns: runs });
  });

  it('POST and DELETE dispatches', async () => {
    const dispatch = { kind: 'import-limit', powerKw: 30, start: iso(t0), end: iso(t0 + 3_600_000) };
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(dispatch), withEdges(dispatch, ['powerKw', 'start', 'end'])), fc.constantFrom('', '?wait=false', '?wait=maybe'), async (body, q) =>
        send('dispatch', 'POST', `/v1/sites/depot-1/dispatches${q}`, body),
      ),
      { numRuns: runs },
    );
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 70 }), async (id) => send('dispatch', 'DELETE', `/v1/sites/depot-1/dispatches/${encodeURIComponent(id)}`)), { numRuns: runs });
  });

  it('every GET and POST /optimize with random ids and query strings', async () => {
    const id = fc.oneof(fc.constant('depot-1'), fc.string({ maxLength: 70 }).map(encodeURIComponent));
    const q = fc.oneof(fc.constant(''), fc.tuple(fc.constantFrom('limit', 'include', 'planId', 'wait', 'x'), fc.string({ maxLength: 10 })).map(([k, v]) => `?${k}=${encodeURIComponent(v)}`));
    const paths = fc.constantFrom('', '/sessions', '/sessions/ev-1', '/signals', '/signals/pv', '/dispatches', '/flexibility', '/plan', '/plans', '/plans/p1');
    await fc.assert(fc.asyncProperty(id, paths, q, async (site, path, query) => send('read', 'GET', `/v1/sites/${site}${path}${query}`)), { numRuns: runs * 2 });
    await fc.assert(fc.asyncProperty(id, q, async (site, query) => send('admin', 'POST', `/v1/sites/${site}/optimize${query}`, {})), { numRuns: runs });
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 50 }), async (job) => send('read', 'GET', `/v1/jobs/${encodeURIComponent(job)}`)), { numRuns: runs });
  });
});
