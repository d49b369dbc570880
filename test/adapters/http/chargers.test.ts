/**
 * Charge points and their OCPP credentials over HTTP: PUT sets a password (only its hash is stored, no
 * answer holds either), GET lists charge points from sites and from the credentials store, DELETE forgets
 * credentials; validation errors name the field, scopes are enforced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSite, baselineSolver, createHarness, json, t0, type Harness } from '../service-harness.ts';

const password = 'depot-cp-password-01';

describe('chargers routes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver });
    const site = aSite({ chargers: [{ id: 'cp-1', maxPowerKw: 11 }, { id: 'cp-1-evse2', maxPowerKw: 11 }, { id: 'cp-2', maxPowerKw: 22 }] });
    expect((await h.request('admin', { method: 'POST', url: '/v1/sites', payload: site })).statusCode).toBe(201);
  });
  afterAll(() => h.close());

  it('GET /v1/chargers lists the charge points the sites list, without credentials, connected or not', async () => {
    const res = await h.request('read', { method: 'GET', url: '/v1/chargers' });
    expect(res.statusCode, res.body).toBe(200);
    expect(json(res).chargers).toEqual([
      { chargePointId: 'cp-1', siteId: 'depot-1', siteChargerIds: ['cp-1', 'cp-1-evse2'], hasCredentials: false, source: 'site' },
      { chargePointId: 'cp-2', siteId: 'depot-1', siteChargerIds: ['cp-2'], hasCredentials: false, source: 'site' },
    ]);
  });

  it('PUT credentials: 201 for a new record, 200 when replaced; the answer and the store hold no password or hash', async () => {
    const created = await h.request('admin', { method: 'PUT', url: '/v1/chargers/cp-1/credentials', payload: { password } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBe('/v1/chargers/cp-1');
    const at = new Date(t0).toISOString().replace('.000Z', 'Z');
    expect(json(created)).toEqual({ chargePointId: 'cp-1', siteId: 'depot-1', siteChargerIds: ['cp-1', 'cp-1-evse2'], hasCredentials: true, source: 'api', createdAt: at, updatedAt: at });
    expect(created.body).not.toContain(password);
    expect(created.body).not.toContain('scrypt');
    expect(await h.service.ctx.chargerCredentials.verifyPassword('cp-1', password)).toBe(true);

    await h.clock.advanceBy(60_000);
    const replaced = await h.request('admin', { method: 'PUT', url: '/v1/chargers/cp-1/credentials', payload: { password: 'another-password-0002' } });
    expect(replaced.statusCode).toBe(200);
    expect(json(replaced)).toMatchObject({ createdAt: at, updatedAt: new Date(t0 + 60_000).toISOString().replace('.000Z', 'Z') });
    expect(await h.service.ctx.chargerCredentials.verifyPassword('cp-1', password)).toBe(false);
    expect(await h.service.ctx.chargerCredentials.verifyPassword('cp-1', 'another-password-0002')).toBe(true);
  });

  it('a charge point no site lists can get credentials first (then it is listed without a site); OCPP identity characters work', async () => {
    const id = 'CP:9|x@y.z';
    const res = await h.request('admin', { method: 'PUT', url: `/v1/chargers/${encodeURIComponent(id)}/credentials`, payload: { password } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers.location).toBe(`/v1/chargers/${encodeURIComponent(id)}`);
    const one = json(await h.request('read', { method: 'GET', url: `/v1/chargers/${encodeURIComponent(id)}` }));
    expect(one).toMatchObject({ chargePointId: id, siteChargerIds: [], hasCredentials: true, source: 'api' });
    expect(one.siteId).toBeUndefined();
    const list = json(await h.request('read', { method: 'GET', url: '/v1/chargers' })).chargers;
    expect(list.map((c: { chargePointId: string }) => c.chargePointId)).toEqual([id, 'cp-1', 'cp-2']);
  });

  it('auto-registered charge points (recorded by the gateway) are listed with their source', async () => {
    await h.service.ctx.chargerCredentials.register('NEW-1', 'first-password-00001', t0);
    const res = json(await h.request('read', { method: 'GET', url: '/v1/chargers/NEW-1' }));
    expect(res).toMatchObject({ chargePointId: 'NEW-1', hasCredentials: true, source: 'auto-registered' });
    expect(res.connected).toBeUndefined(); // no gateway reported on it
  });

  it('validation: the password must be 16-40 printable characters, the identity an OCPP identifierString; each problem names its field', async () => {
    const cases: [string, unknown, string][] = [
      ['/v1/chargers/cp-1/credentials', { password: 'short' }, '/body/password'],
      ['/v1/chargers/cp-1/credentials', { password: 'x'.repeat(41) }, '/body/password'],
      ['/v1/chargers/cp-1/credentials', { password: 'tab\there-is-not-allowed' }, '/body/password'],
      ['/v1/chargers/cp-1/credentials', {}, '/body/password'],
      ['/v1/chargers/cp-1/credentials', { password, colour: 'red' }, '/body/colour'],
      [`/v1/chargers/${'X'.repeat(49)}/credentials`, { password }, '/params/chargePointId'],
      ['/v1/chargers/cp%201/credentials', { password }, '/params/chargePointId'],
      ['/v1/chargers/cp%23hash/credentials', { password }, '/params/chargePointId'],
    ];
    for (const [url, payload, pointer] of cases) {
      const res = await h.request('admin', { method: 'PUT', url, payload: payload as Record<string, unknown> });
      expect(res.statusCode, `${url} ${JSON.stringify(payload)}: ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(json(res)).toMatchObject({ code: 'V2G_ERR_VALIDATION', errors: [expect.objectContaining({ pointer })] });
    }
    const bad = await h.request('read', { method: 'GET', url: '/v1/chargers/cp%201' });
    expect(json(bad)).toMatchObject({ status: 400, errors: [{ pointer: '/params/chargePointId' }] });
    expect(await h.service.ctx.chargerCredentials.get('cp 1')).toBeUndefined();
  });

  it('scopes: reading needs read, writing needs admin; no token is 401', async () => {
    expect((await h.request('anonymous', { method: 'GET', url: '/v1/chargers' })).statusCode).toBe(401);
    expect((await h.request('read', { method: 'GET', url: '/v1/chargers/cp-1' })).statusCode).toBe(200);
    for (const role of ['read', 'dispatch'] as const) {
      const put = await h.request(role, { method: 'PUT', url: '/v1/chargers/cp-2/credentials', payload: { password } });
      expect(put.statusCode).toBe(403);
      expect(json(put)).toMatchObject({ code: 'V2G_ERR_FORBIDDEN', errors: [{ pointer: '/headers/authorization' }] });
      expect((await h.request(role, { method: 'DELETE', url: '/v1/chargers/cp-1/credentials' })).statusCode).toBe(403);
    }
    const anonymous = await h.request('anonymous', { method: 'PUT', url: '/v1/chargers/cp-2/credentials', payload: { password: 'short' } });
    expect(anonymous.statusCode).toBe(401); // authentication comes before body validation
    expect(await h.service.ctx.chargerCredentials.get('cp-2')).toBeUndefined();
    expect(await h.service.ctx.chargerCredentials.verifyPassword('cp-1', 'another-password-0002')).toBe(true);
  });

  it('DELETE forgets the credentials (204), then 404 naming the parameter; unknown charge points are 404', async () => {
    expect((await h.request('admin', { method: 'DELETE', url: '/v1/chargers/cp-1/credentials' })).statusCode).toBe(204);
    expect(await h.service.ctx.chargerCredentials.verifyPassword('cp-1', 'another-password-0002')).toBe(false);
    expect(json(await h.request('read', { method: 'GET', url: '/v1/chargers/cp-1' }))).toMatchObject({ hasCredentials: false, source: 'site' });
    const again = await h.request('admin', { method: 'DELETE', url: '/v1/chargers/cp-1/credentials' });
    expect(again.statusCode).toBe(404);
    expect(json(again)).toMatchObject({ code: 'V2G_ERR_NOT_FOUND', errors: [{ pointer: '/params/chargePointId' }] });
    const unknown = await h.request('read', { method: 'GET', url: '/v1/chargers/nobody' });
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown)).toMatchObject({ errors: [{ pointer: '/params/chargePointId' }] });
  });

  it('is in the OpenAPI document with its scopes and never a password in a response schema', async () => {
    const doc = json(await h.request('anonymous', { method: 'GET', url: '/docs/json' }));
    const put = doc.paths['/v1/chargers/{chargePointId}/credentials'].put;
    expect(put.security).toEqual([{ bearerAuth: [] }]);
    expect(put.requestBody.content['application/json'].schema.properties.password).toMatchObject({ minLength: 16, maxLength: 40 });
    expect(Object.keys(doc.paths['/v1/chargers/{chargePointId}/credentials'])).toEqual(expect.arrayContaining(['put', 'delete']));
    const fields = Object.keys(doc.paths['/v1/chargers'].get.responses['200'].content['application/json'].schema.properties.chargers.items.properties);
    expect(fields).toEqual(['chargePointId', 'siteId', 'siteChargerIds', 'hasCredentials', 'source', 'createdAt', 'updatedAt', 'connected', 'linkSince']);
  });
});
