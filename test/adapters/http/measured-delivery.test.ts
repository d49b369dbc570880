/**
 * Measured delivery (M&V) end to end through the API: a dispatch keeps its baseline (the plan in force
 * when it arrived) and the plan made with it; site meter readings posted as the `site-meter` signal and
 * OCPP MeterValues (through the gateway's bridge) are measured against them; a gap is named. Embedded with a
 * manual clock (the window passes); on Redis the same chain up to the pending report plus the meter log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModeHarness, type ModeHarness, type ServiceMode } from '../mode-harness.ts';
import { aSession, aSite, baselineSolver, createHarness, json, priceSeries, t0, type Harness } from '../service-harness.ts';
import { describeWithRedis } from '../store/redis-test-env.ts';

const q = 900_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function siteWithPlan(h: Pick<Harness, 'request' | 'settle'>, nowUtcMs: number) {
  expect((await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() })).statusCode).toBe(201);
  expect((await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: priceSeries(nowUtcMs - 3_600_000, 30) })).statusCode).toBe(200);
  const session = aSession({ departure: iso(nowUtcMs + 10 * 3_600_000) });
  expect((await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: session })).statusCode).toBe(201);
  await h.settle();
}

describe('measured delivery (embedded, the window passes)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ solve: baselineSolver });
    await siteWithPlan(h, t0);
  });
  afterAll(() => h.close());

  it('per slot: requested, baseline, planned, metered; charger registers cover a site meter hole; a gap is named; CSV', async () => {
    const start = t0 + 2 * q;
    const posted = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/dispatches', payload: { kind: 'import-limit', powerKw: 5, start: iso(start), end: iso(start + 4 * q) } });
    expect(posted.statusCode, posted.body).toBe(201);
    const dispatchId = json(posted).id;
    const before = json(await h.request('read', { method: 'GET', url: `/v1/sites/depot-1/dispatches/${dispatchId}/measured-delivery` }));
    expect(before.measurement).toBe('pending');
    expect(before.baselinePlanId).toMatch(/./);
    expect(before.plannedWithPlanId).toMatch(/./);
    expect(before.plannedWithPlanId).not.toBe(before.baselinePlanId);
    // How each plan was made, kept with the dispatch (the harness's solver is the uncontrolled baseline).
    expect(before.plannedWithHowMade).toMatch(/^solver \w+/);
    expect(before.baselineHowMade).toMatch(/^solver \w+/);
    expect(before.slots.map((s: { baselineKw: number }) => s.baselineKw)).toEqual([11, 11, 11, 11]);

    // Site meter: slots 0 and 1 (kWh per interval, so energy becomes average power), nothing for slots 2 and 3.
    const meter = { unit: 'kWh', intervals: [0, 1].map((i) => ({ start: iso(start + i * q), end: iso(start + (i + 1) * q), value: i === 0 ? 1 : 2.5 })) };
    expect((await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/site-meter', payload: meter })).statusCode).toBe(200);
    // OCPP MeterValues from cp-1 for slot 2 (5 min apart, out of order, one repeated), and a charge point no site has.
    const bridge = h.service.gateway!.bridge;
    const readings = [0, 3, 1, 2, 3].map((k) => ({ chargerId: 'cp-1', evseId: 1, atUtcMs: start + 2 * q + k * 5 * 60_000, energyRegisterWh: 10_000 + k * 400 }));
    for (const r of readings) await bridge.sessionUpdated(r);
    await bridge.sessionUpdated({ chargerId: 'cp-404', evseId: 1, atUtcMs: start, energyRegisterWh: 1 });
    await h.clock.advanceBy(6 * q);

    const res = await h.request('read', { method: 'GET', url: `/v1/sites/depot-1/dispatches/${dispatchId}/measured-delivery` });
    expect(res.statusCode, res.body).toBe(200);
    const report = json(res);
    expect(report.slots.map((s: { deliveredKw: number | null }) => s.deliveredKw)).toEqual([4, 10, 4.8, null]);
    expect(report.slots.map((s: { outcome: string }) => s.outcome)).toEqual(['met', 'short', 'met', 'gap']);
    expect(report.slots[1]).toMatchObject({ requestedKw: 5, shortfallKw: 5, source: 'site-meter' });
    expect(report.slots[2]).toMatchObject({ source: 'charger-meters+planned-site-load', reason: expect.stringContaining('base load minus PV as planned') });
    expect(report.slots[3].reason).toMatch(/^meter gap: the site meter misses 15 min of the slot; no bracketing register samples from charger\(s\) cp-1/);
    expect(report.measurement).toBe('partial');
    expect(report.meterIssues).toEqual([expect.objectContaining({ kind: 'duplicate', meterId: 'cp-1', count: 1 })]);

    const csv = await h.request('read', { method: 'GET', url: `/v1/sites/depot-1/dispatches/${dispatchId}/measured-delivery?format=csv` });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/,reason,baseline_plan_id,planned_plan_id,planned_how_made$/);
    expect(lines[4]).toMatch(/,,,,gap,none,"?meter gap/);
    for (const line of lines.slice(1)) expect(line).toContain(`,${report.baselinePlanId},${report.plannedWithPlanId},`);
  });

  it('a meter series with an out-of-range value is refused naming it; unknown dispatch is 404', async () => {
    const bad = { unit: 'kW', intervals: [{ start: iso(t0), end: iso(t0 + q), value: -2e9 }] };
    expect((await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/site-meter', payload: bad })).statusCode).toBe(400);
    const res = await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/dispatches/nope/measured-delivery' });
    expect(res.statusCode).toBe(404);
    expect(json(res).errors[0].pointer).toBe('/params/dispatchId');
  });
});

function pendingSuite(mode: ServiceMode) {
  let h: ModeHarness;
  beforeAll(async () => {
    h = await createModeHarness(mode, baselineSolver);
    await siteWithPlan(h, h.nowUtcMs());
  });
  afterAll(() => h?.close());

  it('keeps the baseline and the plan with the dispatch, and OCPP meter readings in the meter log', async () => {
    const now = h.nowUtcMs();
    const start = Math.ceil(now / q) * q + 4 * q;
    const posted = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/dispatches', payload: { kind: 'import-limit', powerKw: 5, start: iso(start), end: iso(start + 2 * q) } });
    expect(posted.statusCode, posted.body).toBe(201);
    const report = json(await h.request('read', { method: 'GET', url: `/v1/sites/depot-1/dispatches/${json(posted).id}/measured-delivery` }));
    expect(report).toMatchObject({ measurement: 'pending', baselinePlanId: expect.any(String), plannedWithPlanId: expect.any(String) });
    expect(report.slots.map((s: { plannedKw: number }) => s.plannedKw <= 5 + 1e-6)).toEqual([true, true]);
    await h.service.gateway!.bridge.sessionUpdated({ chargerId: 'cp-1', evseId: 1, atUtcMs: start, energyRegisterWh: 5, energyExportRegisterWh: 2 });
    expect(await h.service.ctx.meterLog.list('depot-1', start, start + 1)).toEqual([{ meterId: 'cp-1', atUtcMs: start, importWh: 5, exportWh: 2 }]);
  });
}

describe('measured delivery chain (embedded)', () => pendingSuite('embedded'));
describeWithRedis('measured delivery chain (Redis)', () => pendingSuite('redis'));
