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

describe('sites routes: the id-token policy (authorization)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver });
  });
  afterAll(() => h.close());

  const pointers = (res: Parameters<typeof json>[0]) => json(res).errors.map((e: { pointer: string }) => e.pointer);

  it('round-trips through POST, GET and PUT (tokens as given); omitted = no policy; PUT without it removes it', async () => {
    const tokens = ['04A1B2C3D4E5F6', 'depot-app-7f3c', 'DE*ABC*E1234567*8'];
    const created = await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite({ id: 'fleet', authorization: { idTokens: tokens } }) });
    expect(created.statusCode, created.body).toBe(201);
    expect(json(created).authorization).toEqual({ idTokens: tokens });
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/fleet' })).authorization).toEqual({ idTokens: tokens });
    expect((await h.service.ctx.store.getSite('fleet'))?.authorization).toEqual({ idTokens: tokens });

    const { id: _id, ...body } = aSite();
    const locked = await h.request('admin', { method: 'PUT', url: '/v1/sites/fleet', payload: { ...body, authorization: { idTokens: [] } } });
    expect(locked.statusCode, locked.body).toBe(200);
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/fleet' })).authorization).toEqual({ idTokens: [] });
    const open = await h.request('admin', { method: 'PUT', url: '/v1/sites/fleet', payload: body });
    expect(open.statusCode, open.body).toBe(200);
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/fleet' }))).not.toHaveProperty('authorization');
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites' })).sites.find((s: { id: string }) => s.id === 'fleet')).not.toHaveProperty('authorization');
  });

  it('rule violations (printable ASCII, edge spaces, duplicates ignoring case) are 422 naming each token, and change nothing', async () => {
    const res = await h.request('admin', {
      method: 'POST', url: '/v1/sites',
      payload: aSite({ id: 'bad-tokens', authorization: { idTokens: ['CARD-1', 'CARD-2', 'card-3', 'card-1', 'caf\u00e9', ' lead'] } }),
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(json(res).errors).toEqual([
      { pointer: '/body/authorization/idTokens/3', detail: 'duplicate of /body/authorization/idTokens/0 (id tokens are compared ignoring case)' },
      { pointer: '/body/authorization/idTokens/4', detail: 'character 4 is U+00E9: only printable ASCII (U+0020..U+007E) is allowed' },
      { pointer: '/body/authorization/idTokens/5', detail: 'must not start or end with a space' },
    ]);
    expect((await h.request('read', { method: 'GET', url: '/v1/sites/bad-tokens' })).statusCode).toBe(404);

    const { id: _id, ...body } = aSite();
    const put = await h.request('admin', { method: 'PUT', url: '/v1/sites/fleet', payload: { ...body, authorization: { idTokens: ['A', 'a'] } } });
    expect(put.statusCode).toBe(422);
    expect(pointers(put)).toEqual(['/body/authorization/idTokens/1']);
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/fleet' })).revision).toBe(3);
  });

  it('schema violations (length, type, unknown fields, list size) are 400 naming the field', async () => {
    const post = (authorization: unknown) => h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite({ id: 'schema-bad', authorization }) });
    const tooLong = await post({ idTokens: ['ok', 'x'.repeat(37), ''] });
    expect(tooLong.statusCode).toBe(400);
    expect(pointers(tooLong)).toEqual(expect.arrayContaining(['/body/authorization/idTokens/1', '/body/authorization/idTokens/2']));
    expect(json(tooLong).errors.find((e: { pointer: string }) => e.pointer === '/body/authorization/idTokens/1').detail).toMatch(/36/);
    expect(pointers(await post({ idTokens: ['ok', 7] }))).toEqual(['/body/authorization/idTokens/1']);
    expect(pointers(await post({}))).toEqual(['/body/authorization/idTokens']);
    expect(pointers(await post({ idTokens: [], groups: [] }))).toEqual(['/body/authorization/groups']);
    const many = await post({ idTokens: Array.from({ length: 10_001 }, (_, i) => `c${i}`) });
    expect(many.statusCode).toBe(400);
    expect(pointers(many)).toEqual(['/body/authorization/idTokens']);
    expect((await h.request('read', { method: 'GET', url: '/v1/sites/schema-bad' })).statusCode).toBe(404);
  });

  it('the OpenAPI document describes the field on create, replace and the answer', async () => {
    const doc = json(await h.request('anonymous', { method: 'GET', url: '/docs/json' }));
    const site = doc.paths['/v1/sites/{siteId}'];
    for (const schema of [doc.paths['/v1/sites'].post.requestBody.content['application/json'].schema, site.put.requestBody.content['application/json'].schema, site.get.responses['200'].content['application/json'].schema]) {
      const tokens = schema.properties.authorization.properties.idTokens;
      expect(tokens).toMatchObject({ type: 'array', maxItems: 10_000, items: { type: 'string', minLength: 1, maxLength: 36 } });
      expect(schema.required ?? []).not.toContain('authorization');
    }
  });
});
