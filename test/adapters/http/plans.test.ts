/** Plans, on-demand optimize (sync and 202 + job), jobs, flexibility and dispatch edge cases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, aSite, closeSharedPool, createHarness, json, priceSeries, t0, type Harness } from '../service-harness.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('plans, optimize, jobs, flexibility', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ config: { syncOptimizeMaxVehicles: 1 } });
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
  });
  afterAll(async () => {
    await h.close();
    await closeSharedPool();
  });

  it('a site without prices has no plan: 404 V2G_ERR_PLAN_NOT_FOUND saying why; optimize is 422', async () => {
    await h.settle();
    const res = await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plan' });
    expect(res.statusCode).toBe(404);
    expect(json(res)).toMatchObject({ code: 'V2G_ERR_PLAN_NOT_FOUND', retryable: true, errors: [{ pointer: '/params/siteId' }] });
    expect(json(res).detail).toMatch(/V2G_ERR_SIGNALS_MISSING/);
    const opt = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/optimize' });
    expect(opt.statusCode).toBe(422);
    expect(json(opt).code).toBe('V2G_ERR_SIGNALS_MISSING');
    expect((await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/flexibility' })).statusCode).toBe(404);
  });

  it('optimize answers with the plan for a small site (200)', async () => {
    await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: priceSeries(t0, 30) });
    await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ id: 'ev-1' }) });
    const res = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/optimize' });
    expect(res.statusCode, res.body).toBe(200);
    const plan = json(res);
    expect(plan).toMatchObject({ siteId: 'depot-1', currency: 'EUR', status: { solver: 'optimal', freshness: 'current', inForce: true }, horizon: { slotMinutes: 15, slotCount: 96, limitedBy: 'configured-horizon' } });
    expect(plan.trigger).toContain('optimize requested by ops');
    expect(plan.vehicles[0]).toMatchObject({ sessionId: 'ev-1', chargerId: 'cp-1', energyAtStartKwh: 24, shortfallKwh: 0 });
    expect(plan.vehicles[0].powerKw).toHaveLength(96);
    expect(plan.site.slots[0]).toMatchObject({ start: '2025-06-02T10:00:00+02:00', importLimitSource: 'connection', exportLimitKw: 50 });
    // price 140 EUR/MWh + 0.05 network fee
    expect(plan.site.slots[0].importPricePerKwh).toBeCloseTo(0.19, 6);
  });

  it('a larger site gets 202 with a job to poll; the job shows the plan made', async () => {
    await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ id: 'ev-2', chargerId: 'cp-2' }) });
    const res = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/optimize' });
    expect(res.statusCode, res.body).toBe(202);
    const { job } = json(res);
    expect(res.headers.location).toBe(`/v1/jobs/${job.id}`);
    await h.settle();
    const done = json(await h.request('read', { method: 'GET', url: job.href }));
    expect(done).toMatchObject({ id: job.id, state: 'completed', siteId: 'depot-1', attemptsMade: 1, planHref: `/v1/sites/depot-1/plans/${done.planId}` });
    expect((await h.request('read', { method: 'GET', url: '/v1/jobs/replan-nope-1' })).statusCode).toBe(404);
  });

  it('history, one plan with its problem, and an unknown plan', async () => {
    const history = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plans?limit=2' })).plans;
    expect(history).toHaveLength(2);
    expect(history[0].inForce).toBe(true);
    expect(history[1].inForce).toBe(false);
    const old = json(await h.request('read', { method: 'GET', url: `/v1/sites/depot-1/plans/${history[1].id}?include=problem` }));
    expect(old.status.freshness).toBe('superseded');
    expect(old.problem).toMatchObject({ slotCount: 96, slotHours: 0.25, currency: 'EUR' });
    expect(old.problem.vehicles[0].id).toBe('ev-1');
    expect((await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plans/plan-nope' })).statusCode).toBe(404);
    expect((await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plans?limit=0' })).statusCode).toBe(400);
  });

  it('flexibility of the plan in force, or of a given plan', async () => {
    const flex = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/flexibility' }));
    expect(flex.slots).toHaveLength(96);
    expect(flex.explanation).toMatch(/departure/);
    for (const s of flex.slots) {
      expect(s.upKw).toBeGreaterThanOrEqual(0);
      expect(s.downKw).toBeGreaterThanOrEqual(0);
      expect(s.plannedNetKw + s.upKw).toBeLessThanOrEqual(100 + 1e-6);
    }
    // two 11 kW vehicles, the first bidirectional: at most 22 kW up in any slot
    expect(Math.max(...flex.slots.map((s: { upKw: number }) => s.upKw))).toBeLessThanOrEqual(22 + 1e-6);
    const unknown = await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/flexibility?planId=plan-x' });
    expect(json(unknown).errors[0].pointer).toBe('/params/planId');
  });

  it('dispatch: wait=false answers 202 pending, then the acknowledgement is readable', async () => {
    const res = await h.request('dispatch', {
      method: 'POST',
      url: '/v1/sites/depot-1/dispatches?wait=false',
      payload: { kind: 'import-limit', powerKw: 5, start: iso(t0 - 3_600_000), end: iso(t0 + 2 * 3_600_000) },
    });
    expect(res.statusCode, res.body).toBe(202);
    const d = json(res);
    expect(d).toMatchObject({ status: 'active', requestedBy: 'utility', acknowledgement: { state: 'pending' }, job: { id: expect.any(String) } });
    await h.settle();
    const acked = json(await h.request('read', { method: 'GET', url: res.headers.location as string }));
    expect(acked.acknowledgement).toMatchObject({ state: 'acknowledged', fulfilment: 'full' });
    expect(acked.acknowledgement.slots).toHaveLength(8);
  });

  it('dispatch: refuses a reversed or past window (422) and an unknown site (404), changing nothing', async () => {
    const before = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/dispatches' })).dispatches.length;
    const reversed = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/dispatches', payload: { kind: 'import-limit', powerKw: 5, start: iso(t0 + 7_200_000), end: iso(t0 + 3_600_000) } });
    expect(json(reversed)).toMatchObject({ status: 422, errors: [{ pointer: '/body/end' }] });
    const past = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/dispatches', payload: { kind: 'export-delivery', powerKw: 5, start: '2025-06-01T08:00:00Z', end: '2025-06-01T09:00:00Z' } });
    expect(past.statusCode).toBe(422);
    expect((await h.request('dispatch', { method: 'POST', url: '/v1/sites/nope/dispatches', payload: { kind: 'import-limit', powerKw: 5, start: iso(t0), end: iso(t0 + 3_600_000) } })).statusCode).toBe(404);
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/dispatches' })).dispatches).toHaveLength(before);
    expect((await h.request('dispatch', { method: 'DELETE', url: '/v1/sites/depot-1/dispatches/dispatch-nope' })).statusCode).toBe(404);
    expect((await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/dispatches/dispatch-nope' })).statusCode).toBe(404);
  });
});
