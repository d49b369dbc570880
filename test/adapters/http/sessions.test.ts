import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, aSite, baselineSolver, createHarness, json, priceSeries, t0, type Harness } from '../service-harness.ts';

describe('sessions routes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver });
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
    await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: priceSeries(t0, 24) });
  });
  afterAll(() => h.close());
  const post = (payload: object) => h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload });

  it('POST adds a session (201) with instants in the site zone and the energy estimate', async () => {
    const res = await post(aSession({ id: 'ev-1', vehicleId: 'VAN 12', degradationCostPerKwh: 0.02 }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers.location).toBe('/v1/sites/depot-1/sessions/ev-1');
    expect(json(res)).toMatchObject({
      id: 'ev-1',
      chargerId: 'cp-1',
      arrival: '2025-06-02T10:00:00+02:00',
      departure: '2025-06-02T20:00:00+02:00',
      measuredAt: '2025-06-02T10:00:00+02:00',
      socPercent: 40,
      estimatedEnergyKwh: 24,
      v2gConsent: true,
      degradationCostPerKwh: 0.02,
    });
  });

  it('the energy estimate follows the plan in force as time passes', async () => {
    await h.settle();
    await h.clock.advanceBy(3_600_000);
    const s = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/sessions/ev-1' }));
    expect(s.estimatedEnergyKwh).toBeGreaterThan(24); // uncontrolled charging: 11 kW from the start
  });

  it('PATCH takes a new state of charge (measured now) and a changed departure', async () => {
    const res = await h.request('admin', { method: 'PATCH', url: '/v1/sites/depot-1/sessions/ev-1', payload: { energyKwh: 35, departure: '2025-06-02T21:30:00+02:00' } });
    expect(res.statusCode, res.body).toBe(200);
    const s = json(res);
    expect(s).toMatchObject({ energyKwh: 35, departure: '2025-06-02T21:30:00+02:00', estimatedEnergyKwh: 35 });
    expect(Date.parse(s.measuredAt)).toBe(h.clock.nowUtcMs());
    expect(s.socPercent).toBeUndefined();
    const bad = await h.request('admin', { method: 'PATCH', url: '/v1/sites/depot-1/sessions/ev-1', payload: { energyKwh: 80 } });
    expect(bad.statusCode).toBe(422);
    expect(json(bad).errors[0].pointer).toBe('/body/energyKwh');
    expect((await h.request('admin', { method: 'PATCH', url: '/v1/sites/depot-1/sessions/ev-1', payload: {} })).statusCode).toBe(400);
    expect((await h.request('admin', { method: 'PATCH', url: '/v1/sites/depot-1/sessions/ev-1', payload: { measuredAt: '2025-06-02T11:00:00Z' } })).statusCode).toBe(422);
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/sessions/ev-1' })).energyKwh).toBe(35);
  });

  it('refuses an unknown charger, a departure in the past, two energies, and a taken charger', async () => {
    const cases: [object, number, string][] = [
      [aSession({ chargerId: 'cp-9' }), 422, '/body/chargerId'],
      [aSession({ chargerId: 'cp-2', departure: '2025-06-02T07:00:00Z' }), 422, '/body/departure'],
      [aSession({ chargerId: 'cp-2', energyKwh: 10 }), 422, '/body/socPercent'],
      [aSession({ chargerId: 'cp-2', departure: '2025-06-02T10:00:00' }), 400, '/body/departure'],
      [aSession({ chargerId: 'cp-1' }), 409, '/body/chargerId'],
    ];
    for (const [body, status, pointer] of cases) {
      const res = await post(body);
      expect(res.statusCode, res.body).toBe(status);
      expect(json(res).errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/sessions' })).sessions).toHaveLength(1);
  });

  it('announced arrivals are accepted; GET lists; DELETE ends a session; unknown ids are 404', async () => {
    const res = await post(aSession({ id: 'ev-2', chargerId: 'cp-2', arrival: '2025-06-02T16:00:00Z', departure: '2025-06-03T06:00:00Z' }));
    expect(res.statusCode, res.body).toBe(201);
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/sessions' })).sessions.map((s: { id: string }) => s.id)).toEqual(['ev-1', 'ev-2']);
    expect((await h.request('admin', { method: 'DELETE', url: '/v1/sites/depot-1/sessions/ev-2' })).statusCode).toBe(204);
    const missing = await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/sessions/ev-2' });
    expect(missing.statusCode).toBe(404);
    expect(json(missing).errors[0].pointer).toBe('/params/sessionId');
    expect((await h.request('admin', { method: 'POST', url: '/v1/sites/nope/sessions', payload: aSession() })).statusCode).toBe(404);
  });
});
