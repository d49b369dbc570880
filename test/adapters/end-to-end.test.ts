/**
 * End to end through the HTTP API (fastify.inject) with the real optimizer (HiGHS on a worker thread):
 * create a site, add sessions and prices, post a dispatch import limit, and check that the new plan
 * respects it in every slot it covers; then an export delivery; then a failing solve.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSession, aSite, closeSharedPool, createHarness, failingSolver, json, sharedSolver, t0, type Harness } from './service-harness.ts';
import type { PlanSolver } from '../../adapters/service/replan-worker.ts';
import { hangGuard } from '../hang-guard.ts';

const hour = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Quarter-hour prices: cheap 09:00-11:00 UTC (so vehicles want to charge then), dear 17:00-20:00. */
function prices(fromUtcMs: number, hours: number) {
  return {
    unit: 'EUR/MWh',
    intervals: Array.from({ length: hours * 4 }, (_, i) => {
      const start = fromUtcMs + i * 900_000;
      const h = new Date(start).getUTCHours();
      return { start: iso(start), end: iso(start + 900_000), value: h >= 9 && h < 11 ? 40 : h >= 17 && h < 20 ? 320 : 140 };
    }),
  };
}

const overlaps = (slot: { start: string; end: string }, from: number, to: number) => Date.parse(slot.start) < to && Date.parse(slot.end) > from;

describe('end to end: site, sessions, prices, dispatch', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
    await closeSharedPool();
  });

  it('plans a site, then a dispatch import limit holds in every slot it covers', async () => {
    // 1. the site, four sessions and a day of prices
    expect((await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() })).statusCode).toBe(201);
    for (const [i, soc] of [30, 40, 50, 20].entries()) {
      const res = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession({ id: `s-${i + 1}`, chargerId: `cp-${i + 1}`, socPercent: soc }) });
      expect(res.statusCode, res.body).toBe(201);
    }
    const sig = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: prices(t0 - hour, 26) });
    expect(sig.statusCode, sig.body).toBe(200);
    await h.settle();

    // 2. the first plan charges hard in the cheap window
    const first = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plan' }));
    expect(first.status).toMatchObject({ freshness: 'current', inForce: true });
    expect(first.vehicles).toHaveLength(4);
    const from = t0 + hour; // 09:00Z
    const to = t0 + 3 * hour; // 11:00Z
    const before = first.site.slots.filter((s: { start: string; end: string }) => overlaps(s, from, to));
    expect(Math.max(...before.map((s: { importKw: number }) => s.importKw))).toBeGreaterThan(15);

    // 3. the utility limits import to 15 kW over 09:00-11:00 and gets an acknowledgement
    const res = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/dispatches', payload: { kind: 'import-limit', powerKw: 15, start: iso(from), end: iso(to), reference: 'dso-42' } });
    expect(res.statusCode, res.body).toBe(201);
    const dispatch = json(res);
    expect(res.headers.location).toBe(`/v1/sites/depot-1/dispatches/${dispatch.id}`);
    expect(dispatch.acknowledgement).toMatchObject({ state: 'acknowledged', fulfilment: 'full' });
    expect(dispatch.acknowledgement.slots).toHaveLength(8);
    for (const s of dispatch.acknowledgement.slots) expect(s).toMatchObject({ requestedKw: 15, met: true });

    // 4. the new plan respects the limit in every slot of the window, and says where it comes from
    const plan = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plan' }));
    expect(plan.id).not.toBe(first.id);
    expect(plan.id).toBe(dispatch.acknowledgement.planId);
    const covered = plan.site.slots.filter((s: { start: string; end: string }) => overlaps(s, from, to));
    expect(covered).toHaveLength(8);
    for (const s of covered) {
      expect(s.importKw).toBeLessThanOrEqual(15 + 1e-6);
      expect(s.importLimitKw).toBe(15);
      expect(s.importLimitSource).toBe(`dispatch:${dispatch.id}`);
    }
    for (const v of plan.vehicles) {
      const total = plan.site.slots.reduce((sum: number, s: { start: string; end: string }, t: number) => sum + (overlaps(s, from, to) ? v.powerKw[t] : 0), 0);
      expect(total).toBeLessThanOrEqual(15 * 8 + 1e-6);
    }
    expect(plan.status.freshness).toBe('current');
    expect(plan.dispatches).toContainEqual({ id: dispatch.id });

    // 5. the history keeps both plans; the flexibility of the new plan is readable
    const history = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plans' }));
    expect(history.plans.map((p: { id: string }) => p.id).slice(0, 2)).toEqual([plan.id, first.id]);
    const flex = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/flexibility' }));
    expect(flex.planId).toBe(plan.id);
    expect(flex.slots).toHaveLength(plan.horizon.slotCount);
    for (const s of flex.slots.filter((x: { start: string; end: string }) => overlaps(x, from, to))) expect(s.plannedNetKw + s.upKw).toBeLessThanOrEqual(15 + 1e-6);
  });

  it('answers an export delivery with what the new plan delivers per slot', async () => {
    const from = t0 + 4 * hour; // 12:00Z
    const to = t0 + 5 * hour;
    const res = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/dispatches', payload: { kind: 'export-delivery', powerKw: 10, start: iso(from), end: iso(to) } });
    expect(res.statusCode, res.body).toBe(201);
    const ack = json(res).acknowledgement;
    expect(ack.fulfilment).toBe('full');
    const plan = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plan' }));
    const covered = plan.site.slots.filter((s: { start: string; end: string }) => overlaps(s, from, to));
    for (const s of covered) {
      expect(s.exportKw).toBeGreaterThanOrEqual(10 - 1e-3);
      expect(s.exportKw).toBeLessThanOrEqual(10 + 1e-3);
      expect(s.exportLimitSource).toBe(`dispatch:${json(res).id}`);
    }
    // the reward that steers the delivery is not reported as money
    expect(plan.dispatches.find((d: { id: string }) => d.id === json(res).id).rewardPerKwh).toBe(5);
    expect(plan.cost.exportRevenue).toBeLessThan(1);
    // departures are still met: the delivery is recharged before 18:00
    expect(plan.cost.shortfallKwh).toBe(0);
    // an overlapping second delivery is a conflict, and changes nothing
    const clash = await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/dispatches', payload: { kind: 'export-delivery', powerKw: 5, start: iso(from + 900_000), end: iso(to + hour) } });
    expect(clash.statusCode).toBe(409);
    expect(clash.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(json(clash).errors[0].pointer).toBe('/body/start');
    expect(json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/dispatches' })).dispatches).toHaveLength(2);
  });

  it('cancelling a dispatch re-plans without it', async () => {
    const list = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/dispatches' })).dispatches;
    const limit = list.find((d: { kind: string }) => d.kind === 'import-limit');
    const res = await h.request('dispatch', { method: 'DELETE', url: `/v1/sites/depot-1/dispatches/${limit.id}` });
    expect(res.statusCode).toBe(200);
    expect(json(res).status).toBe('cancelled');
    await h.settle();
    const plan = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plan' }));
    expect(plan.site.slots.some((s: { importLimitSource: string }) => s.importLimitSource === `dispatch:${limit.id}`)).toBe(false);
  });
});

describe('a failing solve', () => {
  let h: Harness;
  let failing = false;
  const switchable: PlanSolver = (p) => (failing ? failingSolver(p) : sharedSolver()(p));
  beforeAll(async () => {
    h = await createHarness({ solve: switchable, config: { replanAttempts: 2 } });
  });
  afterAll(async () => {
    await h.close();
    await closeSharedPool();
  });

  it('leaves the last good plan in force and says so in its status', async () => {
    await h.request('admin', { method: 'POST', url: '/v1/sites', payload: aSite() });
    await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/sessions', payload: aSession() });
    await h.request('dispatch', { method: 'POST', url: '/v1/sites/depot-1/signals/import-price', payload: prices(t0, 24) });
    await h.settle();
    const good = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plan' }));
    expect(good.status.freshness).toBe('current');

    failing = true;
    // 1. optimize on demand: the first attempt fails, a retry is scheduled after a backoff
    const pending = h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/optimize' });
    // Polled (the store's plan state emits no event); the bound only turns a hang into a failure.
    const deadline = Date.now() + hangGuard(20_000);
    while ((await h.service.ctx.store.getPlanState('depot-1')).lastAttempt?.ok !== false) {
      if (Date.now() > deadline) throw new Error('no failed attempt recorded');
      await new Promise((r) => setTimeout(r, 5));
    }
    // 2. meanwhile the last good plan stays in force and says so
    const stale = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plan' }));
    expect(stale.id).toBe(good.id);
    expect(stale.status).toMatchObject({ freshness: 'stale', inForce: true, lastAttempt: { ok: false, code: 'V2G_ERR_SOLVE_FAILED', willRetry: true } });
    expect(stale.status.message).toMatch(/stays in force/);

    // 3. the retry fails too: attempts used up, the caller gets a retryable 503
    await h.settle();
    const opt = await pending;
    expect(opt.statusCode).toBe(503);
    expect(json(opt)).toMatchObject({ code: 'V2G_ERR_SOLVE_FAILED', retryable: true });
    const after = json(await h.request('read', { method: 'GET', url: '/v1/sites/depot-1/plan' }));
    expect(after.id).toBe(good.id);
    expect(after.status.lastAttempt).toMatchObject({ ok: false, willRetry: false });

    failing = false;
    const ok = await h.request('admin', { method: 'POST', url: '/v1/sites/depot-1/optimize' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json(ok).status.freshness).toBe('current');
    expect(json(ok).id).not.toBe(good.id);
  });
});
