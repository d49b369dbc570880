import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, aSite, baselineSolver, createHarness, json, type Harness } from '../service-harness.ts';

describe('sites routes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver });
  });
  afterAll(() => h.close());

  it('POST creates a site (201, Location), with defaults and its schedules', async () => {
    const res = await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite({ replanSchedules: [{ cron: '5 13 * * *', description: 'day-ahead' }] }) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers.location).toBe('/v1/sites/depot-1');
    const site = json(res);
    expect(site).toMatchObject({ id: 'depot-1', slotMinutes: 15, revision: 1, tariff: { energyPrice: 'market' }, createdAt: '2025-06-02T10:00:00+02:00' });
    // 13:05 Berlin (CEST) = 11:05Z
    expect(site.replanSchedules[0]).toEqual({ cron: '5 13 * * *', description: 'day-ahead', nextRunAt: '2025-06-02T13:05:00+02:00' });
    expect(site.chargers[3]).toEqual({ id: 'cp-4', maxPowerKw: 11, canDischarge: false });
  });

  it('generates an id when none is given, and refuses an id twice (409)', async () => {
    const { id: _id, ...noId } = aSite();
    const created = json(await h.request('admin', { method: 'POST', url: '/v1/sites', payload: noId }));
    expect(created.id).toMatch(/^site-[0-9a-f]{12}$/);
    const again = await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
    expect(again.statusCode).toBe(409);
    expect(json(again)).toMatchObject({ code: 'V2G_ERR_CONFLICT', errors: [{ pointer: '/body/id' }] });
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites' })).sites).toHaveLength(2);
  });

  it('GET reads one site; an unknown id is 404 naming the parameter', async () => {
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1' })).name).toBe('Test depot');
    const res = await h.request('read', { method: 'GET', url: '/v1/sites/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(json(res)).toMatchObject({ type: '/problems/V2G_ERR_NOT_FOUND', code: 'V2G_ERR_NOT_FOUND', status: 404, errors: [{ pointer: '/params/siteId' }] });
  });

  it('rule violations are 422 naming each field, and change nothing', async () => {
    const res = await h.request('admin', {
      method: 'POST',
      url: '/v1/sites',
      payload: aSite({ id: 'bad', timeZone: 'Europe/Atlantis', replanSchedules: [{ cron: '0 25 * * *' }], tariff: { energyPrice: 'time-of-use' } }),
    });
    expect(res.statusCode).toBe(422);
    expect(json(res).errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/body/timeZone', '/body/tariff/timeOfUse']);
    expect((await h.request('read', { method: 'GET', url: '/v1/sites/bad' })).statusCode).toBe(404);
  });

  it('schema violations are 400 naming each field (unknown fields are refused, not dropped)', async () => {
    const res = await h.request('admin', { method: 'POST', url: '/v1/sites', payload: { ...aSite({ id: 'x' }), colour: 'red', connection: { importLimitKw: -5 }, currency: 'euro' } });
    expect(res.statusCode).toBe(400);
    const pointers = json(res).errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/body/colour', '/body/connection/importLimitKw', '/body/currency']));
    expect(json(res).code).toBe('V2G_ERR_VALIDATION');
  });

  it('PUT replaces a site (revision + 1) but keeps chargers with sessions (409)', async () => {
    const { id: _id, ...body } = aSite();
    const put = await h.request('admin', { method: 'PUT', url: '/v1/sites/depot-1', payload: { ...body, name: 'Renamed' } });
    expect(put.statusCode, put.body).toBe(200);
    expect(json(put)).toMatchObject({ name: 'Renamed', revision: 2 });
    expect((await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession() })).statusCode).toBe(201);
    const drop = await h.request('admin', { method: 'PUT', url: '/v1/sites/depot-1', payload: { ...body, chargers: body.chargers.slice(1) } });
    expect(drop.statusCode).toBe(409);
    expect(json(drop).detail).toMatch(/cp-1/);
    expect((await h.request('admin', { method: 'PUT', url: '/v1/sites/nope', payload: body })).statusCode).toBe(404);
  });

  it('DELETE removes the site and everything of it', async () => {
    expect((await h.request('admin', { method: 'DELETE', url: '/v1/sites/depot-1' })).statusCode).toBe(204);
    expect((await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/sessions' })).statusCode).toBe(404);
    expect((await h.request('admin', { method: 'DELETE', url: '/v1/sites/depot-1' })).statusCode).toBe(404);
    expect(await h.service.ctx.queue.listJobSchedulers()).toEqual([]);
  });
});
