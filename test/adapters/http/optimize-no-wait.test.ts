/** POST /optimize?wait=false: 202 with the job at once, saying why (the caller asked), not "too many sessions". */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, aSite, baselineSolver, createHarness, json, priceSeries, t0, type Harness } from '../service-harness.ts';

describe('optimize without waiting', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver });
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
    await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession() });
    await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: priceSeries(t0, 24) });
    await h.settle();
  });
  afterAll(() => h.close());

  it('answers 202 with the job and the reason, and the job makes the plan', async () => {
    const res = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/optimize?wait=false' });
    expect(res.statusCode, res.body).toBe(202);
    const body = json(res);
    expect(body.message).toMatch(/wait=false/);
    expect(body.message).not.toMatch(/synchronous up to/);
    expect(res.headers.location).toBe(body.job.href);
    await h.settle();
    const job = json(await h.request('read', { method: 'GET', url: body.job.href }));
    expect(job.state).toBe('completed');
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plan' })).id).toBe(job.planId);
  });
});
