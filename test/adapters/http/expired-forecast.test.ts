/** An expired forecast (PV, base load) never stops a site's planning: the plan names the assumption instead. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, aSite, closeSharedPool, createHarness, json, priceSeries, t0, type Harness } from '../service-harness.ts';

const hour = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('expired forecasts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
    await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: priceSeries(t0, 48) });
    const pv = { unit: 'kW', intervals: [{ start: iso(t0), end: iso(t0 + 3 * hour), value: 20 }] };
    expect((await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/pv', payload: pv })).statusCode).toBe(200);
    const load = { unit: 'kW', intervals: Array.from({ length: 24 }, (_, i) => ({ start: iso(t0 + i * hour), end: iso(t0 + (i + 1) * hour), value: 10 + i })) };
    expect((await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/base-load', payload: load })).statusCode).toBe(200);
    await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ id: 'ev-1' }) });
    await h.settle();
  });
  afterAll(async () => {
    await h.close();
    await closeSharedPool();
  });

  it('a forecast shorter than the horizon no longer shortens it: the rest is filled and named', async () => {
    const plan = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plan' }));
    expect(plan.horizon).toMatchObject({ slotCount: 96, limitedBy: 'configured-horizon' });
    expect(plan.forecastFills).toEqual([{ signal: 'pv', start: '2025-06-02T13:00:00+02:00', end: '2025-06-03T10:00:00+02:00', rule: 'zero' }]);
    expect(plan.site.slots[0].pvKw).toBe(20);
    expect(plan.site.slots[12].pvKw).toBe(0);
  });

  it('after both forecasts expire a re-plan still succeeds: PV 0, base load the same hour a day earlier', async () => {
    await h.clock.advanceBy(26 * hour);
    const res = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/optimize' });
    expect(res.statusCode, res.body).toBe(200);
    const plan = json(res);
    expect(plan.status).toMatchObject({ freshness: 'current', inForce: true });
    expect(plan.horizon.slotCount).toBe(22 * 4); // the 48 h price now reaches 22 h ahead
    expect(plan.forecastFills).toEqual([
      { signal: 'base-load', start: '2025-06-03T12:00:00+02:00', end: '2025-06-04T10:00:00+02:00', rule: 'same-time-nearest-day' },
      { signal: 'pv', start: '2025-06-03T12:00:00+02:00', end: '2025-06-04T10:00:00+02:00', rule: 'zero' },
    ]);
    // now = t0 + 26 h: yesterday's hour 2 had base load 12
    expect(plan.site.slots[0]).toMatchObject({ baseLoadKw: 12, pvKw: 0 });
    expect(plan.site.slots[4].baseLoadKw).toBe(13);
  });
});
