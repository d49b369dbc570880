/**
 * A write that is committed is answered as done even when queueing its re-plan fails: 201/202 with
 * `Replan-Status: deferred` (never a 5xx, which a client would retry into a duplicate), and the re-plan
 * is queued by the background retry once the queue takes it again.
 */
import { afterAll, afterEach, beforeEach, expect, it, describe } from 'vitest';
import { StoreUnavailableError } from '../../../adapters/store/redis-errors.ts';
import { aSession, aSite, closeSharedPool, createHarness, json, priceSeries, t0, type Harness } from '../service-harness.ts';

describe('re-plans after a committed write', () => {
  let h: Harness;
  let refusals = 0;

  beforeEach(async () => {
    h = await createHarness({ config: { replanBackoffMs: 1_000 } });
    const queue = h.service.ctx.queue;
    const add = queue.add.bind(queue);
    refusals = 0;
    queue.add = (...args) => (refusals-- > 0 ? Promise.reject(new StoreUnavailableError('queue add: Redis is unavailable (test)')) : add(...args));
    expect((await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() })).statusCode).toBe(201);
    expect((await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: priceSeries(t0 - 3_600_000, 30) })).statusCode).toBe(200);
    await h.settle();
  });

  afterEach(async () => h.close());
  afterAll(closeSharedPool);

  it('a session whose re-plan cannot be queued is 201 with Replan-Status: deferred, and planned after the retry', async () => {
    refusals = 2;
    const res = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ id: 'late' }) });
    expect(res.statusCode).toBe(201);
    expect(res.headers['replan-status']).toBe('deferred');
    expect(h.service.ctx.replans.deferredSites).toEqual(['depot-1']);
    // the first background retry is refused too, the second queues it
    await h.clock.advanceBy(1_000);
    expect(h.service.ctx.replans.deferredSites).toEqual(['depot-1']);
    await h.clock.advanceBy(2_000);
    expect(h.service.ctx.replans.deferredSites).toEqual([]);
    await h.settle();
    const plan = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plan' }));
    expect(plan.vehicles.map((v: { sessionId: string }) => v.sessionId)).toContain('late');
  });

  it('a dispatch whose re-plan cannot be queued is 202, stored once, with the reason in its acknowledgement', async () => {
    refusals = 1;
    const res = await h.request('dispatch', {
      method: 'POST', url: '/v1/sites/depot-1/dispatches',
      payload: { kind: 'import-limit', powerKw: 30, start: new Date(t0 + 3_600_000).toISOString(), end: new Date(t0 + 7_200_000).toISOString() },
    });
    expect(res.statusCode).toBe(202);
    expect(res.headers['replan-status']).toBe('deferred');
    expect(json(res).acknowledgement).toMatchObject({ state: 'pending', message: expect.stringMatching(/stored; queueing its re-plan failed .* retried in the background/) });
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/dispatches' })).dispatches).toHaveLength(1);
    await h.clock.advanceBy(1_000);
    await h.settle();
    const d = json(await h.request('read', { method: 'GET', url: res.headers.location as string }));
    expect(d.acknowledgement.state).toBe('acknowledged');
  });

  it('a write whose re-plan is queued says Replan-Status: queued', async () => {
    const res = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession() });
    expect(res.statusCode).toBe(201);
    expect(res.headers['replan-status']).toBe('queued');
  });
});
