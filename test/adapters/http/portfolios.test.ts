/** Portfolios through the API, in embedded and Redis modes: validation by field, revisions, ETags, scopes, missing members. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModeHarness, type ModeHarness, type ServiceMode } from '../mode-harness.ts';
import { aSite, baselineSolver, json } from '../service-harness.ts';
import { describeWithRedis } from '../store/redis-test-env.ts';

const aPortfolio = (override: Record<string, unknown> = {}) => ({
  id: 'feeder-north',
  name: 'Feeder North',
  kind: 'feeder',
  timeZone: 'Europe/Berlin',
  siteIds: ['depot-1', 'depot-2'],
  sharedLimits: { importLimitKw: 150, windows: [{ start: '2025-06-02T17:00:00+02:00', end: '2025-06-02T19:00:00+02:00', importLimitKw: 80, reason: 'dso congestion notice' }] },
  ...override,
});

function portfolioSuite(mode: ServiceMode) {
  let h: ModeHarness;
  beforeAll(async () => {
    h = await createModeHarness(mode, baselineSolver);
    for (const id of ['depot-1', 'depot-2', 'depot-3']) expect((await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite({ id }) })).statusCode).toBe(201);
  });
  afterAll(() => h?.close());

  it('POST creates (201, Location, ETag) and GET reads it back with instants in its zone', async () => {
    const res = await h.request('admin', { method: 'POST', url: '/v1/portfolios', payload: aPortfolio() });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers.location).toBe('/v1/portfolios/feeder-north');
    expect(res.headers.etag).toBe('"1"');
    const got = await h.request('read', { method: 'GET', url: '/v1/portfolios/feeder-north' });
    expect(json(got)).toMatchObject({ ...aPortfolio(), missingSiteIds: [], revision: 1 });
    expect(json(got).sharedLimits.windows[0].start).toBe('2025-06-02T17:00:00+02:00');
    expect(json(await h.request('read', { method: 'GET', url: '/v1/portfolios' })).portfolios.map((p: { id: string }) => p.id)).toEqual(['feeder-north']);
  });

  it('rule violations are 422 naming each field and change nothing', async () => {
    const res = await h.request('admin', {
      method: 'POST',
      url: '/v1/portfolios',
      payload: aPortfolio({ id: 'bad', timeZone: 'Mars/Olympus', siteIds: ['depot-1', 'nope', 'depot-1'], sharedLimits: { windows: [{ start: '2025-06-02T19:00:00Z', end: '2025-06-02T17:00:00Z' }] } }),
    });
    expect(res.statusCode).toBe(422);
    expect(json(res).errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/body/timeZone', '/body/siteIds/1', '/body/siteIds/2', '/body/sharedLimits/windows/0/end', '/body/sharedLimits/windows/0']);
    expect((await h.request('read', { method: 'GET', url: '/v1/portfolios/bad' })).statusCode).toBe(404);
  });

  it('schema violations are 400 naming the field', async () => {
    const res = await h.request('admin', { method: 'POST', url: '/v1/portfolios', payload: { ...aPortfolio({ id: 'x', kind: 'club' }), colour: 'red' } });
    expect(res.statusCode).toBe(400);
    expect(json(res).errors.map((e: { pointer: string }) => e.pointer)).toEqual(expect.arrayContaining(['/body/colour', '/body/kind']));
  });

  it('a site is behind one feeder (409 naming it) but may also be in market portfolios', async () => {
    const second = await h.request('admin', { method: 'POST', url: '/v1/portfolios', payload: aPortfolio({ id: 'feeder-south', siteIds: ['depot-3', 'depot-2'] }) });
    expect(second.statusCode).toBe(409);
    expect(json(second).errors).toEqual([{ pointer: '/body/siteIds/1', detail: expect.stringContaining('feeder-north') }]);
    const market = await h.request('admin', { method: 'POST', url: '/v1/portfolios', payload: aPortfolio({ id: 'market-1', kind: 'market', siteIds: ['depot-1', 'depot-2', 'depot-3'] }) });
    expect(market.statusCode, market.body).toBe(201);
    expect((await h.request('admin', { method: 'POST', url: '/v1/portfolios', payload: aPortfolio() })).statusCode).toBe(409);
  });

  it('PUT with If-Match: the current ETag replaces (revision + 1), a stale one is 412 and changes nothing', async () => {
    const { id: _id, ...body } = aPortfolio({ name: 'Feeder North (renamed)' });
    const ok = await h.request('admin', { method: 'PUT', url: '/v1/portfolios/feeder-north', headers: { 'if-match': '"1"' }, payload: body });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    const stale = await h.request('admin', { method: 'PUT', url: '/v1/portfolios/feeder-north', headers: { 'if-match': '"1"' }, payload: { ...body, name: 'lost' } });
    expect(stale.statusCode).toBe(412);
    expect(json(await h.request('read', { method: 'GET', url: '/v1/portfolios/feeder-north' })).name).toBe('Feeder North (renamed)');
    expect((await h.request('admin', { method: 'PUT', url: '/v1/portfolios/nope', payload: body })).statusCode).toBe(404);
  });

  it('scopes: read cannot write, dispatch cannot administer', async () => {
    expect((await h.request('read', { method: 'POST', url: '/v1/portfolios', payload: aPortfolio({ id: 'r' }) })).statusCode).toBe(403);
    expect((await h.request('dispatch', { method: 'DELETE', url: '/v1/portfolios/feeder-north' })).statusCode).toBe(403);
    expect((await h.request('anonymous', { method: 'GET', url: '/v1/portfolios' })).statusCode).toBe(401);
  });

  it('a deleted member site is shown as missing; DELETE removes the portfolio, not its sites', async () => {
    expect((await h.request('admin', { method: 'DELETE', url: '/v1/sites/depot-3' })).statusCode).toBe(204);
    expect(json(await h.request('read', { method: 'GET', url: '/v1/portfolios/market-1' })).missingSiteIds).toEqual(['depot-3']);
    expect((await h.request('admin', { method: 'DELETE', url: '/v1/portfolios/market-1' })).statusCode).toBe(204);
    expect((await h.request('read', { method: 'GET', url: '/v1/portfolios/market-1' })).statusCode).toBe(404);
    expect((await h.request('read', { method: 'GET', url: '/v1/sites/depot-1' })).statusCode).toBe(200);
  });

  it('is in the OpenAPI document', async () => {
    const doc = json(await h.request('anonymous', { method: 'GET', url: '/docs/json' }));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/portfolios', '/v1/portfolios/{portfolioId}']));
  });
}

describe('portfolios API (embedded)', () => portfolioSuite('embedded'));
describeWithRedis('portfolios API (Redis)', () => portfolioSuite('redis'));
