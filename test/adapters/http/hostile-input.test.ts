/**
 * Hostile input at the HTTP edge: XML price uploads with an external entity, an entity bomb, deep
 * nesting or prototype keys are 422 V2G_ERR_XML_UNSAFE naming the problem (not 500, not retryable); a URL
 * that is not valid percent-encoding (`/v1/sites/%ff`) is 400 problem+json V2G_ERR_BAD_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileXml } from '../../grid/hostile-xml.ts';
import { aSite, baselineSolver, createHarness, json, type Harness } from '../service-harness.ts';

describe('hostile input', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver });
    expect((await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() })).statusCode).toBe(201);
  });

  afterAll(async () => h.close());

  it.each(Object.entries(hostileXml))('an XML price upload with %s is 422 V2G_ERR_XML_UNSAFE', async (_name, xml) => {
    const res = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', headers: { 'content-type': 'application/xml' }, payload: xml });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = json(res);
    expect(problem).toMatchObject({ code: 'V2G_ERR_XML_UNSAFE', retryable: false, status: 422 });
    expect(problem.errors.length).toBeGreaterThan(0);
    expect(problem.errors[0].pointer).toMatch(/^\/body/);
    expect((await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/signals/import-price' })).statusCode).toBe(404);
  });

  it.each(['/v1/sites/%ff', '/v1/sites/%ff/plan', '/v1/%c3%28', '/health/%ff'])('%s is 400 problem+json V2G_ERR_BAD_URL', async (url) => {
    const res = await h.request('read', { method: 'GET', url });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(json(res)).toMatchObject({ code: 'V2G_ERR_BAD_URL', status: 400, retryable: false, type: '/problems/V2G_ERR_BAD_URL' });
  });
});
