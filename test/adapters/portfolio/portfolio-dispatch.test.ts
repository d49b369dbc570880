/**
 * Portfolio dispatch end to end through the API: split over the sites at least total cost by the
 * coordination (a job), each site's share as its own dispatch and a new plan, the answer per slot with the
 * sites that carry it; partial with the reason when it cannot be met (a limit below the inflexible load
 * names the unavoidable excess); field-named validation; overlapping and contradictory dispatches; a site
 * removed during a dispatch (split again); measured delivery summed over the sites with a
 * meter gap named. Embedded (manual clock) and the main chain on Redis.
 * The main chain runs the service's default coordination (PORTFOLIO_COORDINATION=aggregate-first since session 16)
 * with the solver pool's site bound solve, as the service wires it: ONE round of site solves (one flow on Redis),
 * each answering its capped plan and its uncapped LP. Its price step at 3 sites is one LP (auto: monolithic), which
 * takes no start: the plan names the plan in force whose prices it did not use. Where warm prices ARE used is
 * tested beside each: site-columns' rounds (portfolio-site-columns.test.ts), the decomposed price step
 * (portfolio-aggregate-first.test.ts), a one-site re-plan at the portfolio's prices (portfolio-plan.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModeHarness, type ModeHarness, type ServiceMode } from '../mode-harness.ts';
import { closeSharedPool, json, sharedBoundSolver, sharedSolver } from '../service-harness.ts';
import { describeWithRedis } from '../store/redis-test-env.ts';
import { feederOfThree, iso, ok, q, siteIds, sumOfPlansInForce } from './portfolio-kit.ts';

type Slot = { start: string; met: boolean; plannedNetImportKw: number; netImportLimitKw: number; reason?: string; sites: { siteId: string }[] };

function mainChain(mode: ServiceMode) {
  let h: ModeHarness;
  let windowStart: number;
  let planInForceId: string;
  beforeAll(async () => {
    // The default configuration; the site bound solve on the shared pool, as the service has it on its own pool.
    h = await createModeHarness(mode, sharedSolver(), undefined, {}, { siteBoundSolve: sharedBoundSolver() });
    await feederOfThree(h, 40);
    const first = ok(await h.request('admin', { method: 'POST', url: '/v1/portfolios/feeder-1/plan' }), 201);
    planInForceId = first.plan.id;
    expect(first.plan.solvedOn).toMatch(/feeder prices started from zero \(no plan in force\)/);
    windowStart = Math.ceil(h.nowUtcMs() / q) * q + 4 * q;
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await closeSharedPool();
  });

  it('import <= 20 kW for 2 h: split over the three sites, each with its own dispatch and a new plan; the sum keeps it', async () => {
    const body = { kind: 'import-limit', powerKw: 20, start: iso(windowStart), end: iso(windowStart + 8 * q), reference: 'DSO 4711' };
    const d = ok(await h.request('dispatch', { method: 'POST', url: '/v1/portfolios/feeder-1/dispatches', payload: body }), 201);
    expect(d.status).toBe('planned');
    expect(d.slots).toHaveLength(8);
    expect(['full', 'partial']).toContain(d.fulfilment);
    for (const s of d.slots as Slot[]) {
      expect(s.netImportLimitKw).toBe(20);
      expect(s.sites.map((x) => x.siteId).sort()).toEqual(siteIds);
      if (s.met) expect(s.plannedNetImportKw).toBeLessThanOrEqual(20 + 0.01);
      else expect(s.reason).toMatch(/./);
    }
    if (d.slots.every((s: Slot) => s.met)) expect(d.fulfilment).toBe('full');
    else expect(d.fulfilment).not.toBe('full');
    expect(new Set(d.siteDispatches.map((s: { siteId: string }) => s.siteId))).toEqual(new Set(siteIds));
    for (const share of d.siteDispatches) {
      const sd = ok(await h.request('read', { method: 'GET', url: share.href }), 200);
      expect(sd.reference).toBe(`portfolio feeder-1 dispatch ${d.id}`);
      expect(sd.acknowledgement.planId).toMatch(/^plan-/);
    }
    const plan = ok(await h.request('read', { method: 'GET', url: '/v1/portfolios/feeder-1/plan' }), 200);
    expect(plan.id).toBe(d.portfolioPlanId);
    expect(plan.dispatchIds).toEqual([d.id]);
    // The default coordination, said; its one-LP price step took no start, and the plan names the plan in force
    // whose feeder prices it did not use (never a silent cold start).
    expect(plan.solvedOn).toContain('aggregate LP first, then one round within its caps (PORTFOLIO_COORDINATION=aggregate-first)');
    expect(plan.priceStep).toMatchObject({ step: 'monolithic', asked: 'auto' });
    expect(plan.solvedOn).toContain(`the feeder prices of portfolio plan ${planInForceId} (the plan in force) not used: the monolithic price step starts from none`);
    expect(plan.solvedOn).not.toContain('feeder prices started from');
    // ONE round: each site's solve answered its capped plan and its uncapped LP (from the uncapped problem's crash basis, session 16) ...
    expect(plan.iterations).toBe(1);
    expect(plan.solves).toBe(2 * siteIds.length);
    expect(plan.solvedOn).toContain(`0 from the capped LP basis, ${siteIds.length} from the greedy crash basis of the uncapped problem, 0 on a model without a basis, 0 cold uncapped site solves`);
    // Exact: every chosen site plan is stored as its solve made it (no site solved again to be stored) ...
    expect(plan.siteSolves).toMatchObject({ mode: mode === 'redis' ? 'bullmq-flow' : 'in-process', plansCarried: siteIds.length, plansResolved: 0 });
    // ... on Redis as ONE flow of one child job per site.
    if (mode === 'redis') expect(plan.siteSolves).toMatchObject({ flows: 1, childJobs: siteIds.length });
    // ... and the plan in force of every site is the coordinated answer: its id, and its net import slot by slot.
    for (const share of plan.sites as { siteId: string; planId: string; planHref: string; netImportKw: number[] }[]) {
      const inForce = ok(await h.request('read', { method: 'GET', url: `/v1/sites/${share.siteId}/plan` }), 200);
      expect(inForce.id).toBe(share.planId);
      const stored = ok(await h.request('read', { method: 'GET', url: share.planHref }), 200);
      const net = (stored.site.slots as { importKw: number; exportKw: number }[]).map((x) => x.importKw - x.exportKw);
      share.netImportKw.forEach((n, t) => expect(net[t]!).toBeCloseTo(n, 2));
    }
    const sum = await sumOfPlansInForce(h);
    for (const s of d.slots as Slot[]) if (s.met) expect(sum.get(iso(Date.parse(s.start)))!).toBeLessThanOrEqual(20 + 0.01);
    // Listed and readable.
    const list = ok(await h.request('read', { method: 'GET', url: '/v1/portfolios/feeder-1/dispatches' }), 200);
    expect(list.dispatches.map((x: { id: string }) => x.id)).toContain(d.id);
  }, 180_000);

  it('bad input is refused naming the field; overlapping and contradictory dispatches are 409', async () => {
    const post = (payload: object) => h.request('dispatch', { method: 'POST', url: '/v1/portfolios/feeder-1/dispatches', payload });
    const backwards = await post({ kind: 'export', powerKw: 5, start: iso(windowStart + 4 * q), end: iso(windowStart) });
    expect(backwards.statusCode).toBe(422);
    expect(json(backwards).errors[0].pointer).toBe('/body/end');
    const zero = await post({ kind: 'export', powerKw: 0, start: iso(windowStart), end: iso(windowStart + q) });
    expect(zero.statusCode).toBe(400);
    expect(json(zero).errors[0].pointer).toMatch(/powerKw/);
    const kind = await post({ kind: 'shed', powerKw: 5, start: iso(windowStart), end: iso(windowStart + q) });
    expect(kind.statusCode).toBe(400);
    const overlap = await post({ kind: 'export', powerKw: 5, start: iso(windowStart + 2 * q), end: iso(windowStart + 10 * q) });
    expect(overlap.statusCode).toBe(409);
    expect(json(overlap).errors[0]).toMatchObject({ pointer: '/body/start', detail: expect.stringContaining('do not add up') });
    const tooMuch = await post({ kind: 'export', powerKw: 100, start: iso(windowStart + 12 * q), end: iso(windowStart + 13 * q) });
    expect(tooMuch.statusCode).toBe(409);
    expect(json(tooMuch).errors[0]).toMatchObject({ pointer: '/body/powerKw', detail: expect.stringContaining('contradictory') });
    const unknown = await h.request('read', { method: 'GET', url: '/v1/portfolios/feeder-1/dispatches/pdispatch-nope' });
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown).errors[0].pointer).toBe('/params/dispatchId');
  });

  it('a limit below the sites\' inflexible load (all vehicles gone): partial or none, the unavoidable excess named, never full', async () => {
    const late = Math.ceil(h.nowUtcMs() / q) * q + 13 * 4 * q;
    const d = ok(await h.request('dispatch', { method: 'POST', url: '/v1/portfolios/feeder-1/dispatches', payload: { kind: 'import-limit', powerKw: 1, start: iso(late), end: iso(late + 2 * q) } }), 201);
    expect(d.fulfilment).not.toBe('full');
    const missed = (d.slots as Slot[]).filter((s) => !s.met);
    expect(missed.length).toBeGreaterThan(0);
    expect(missed[0]!.reason).toMatch(/exceeds the shared limit by 14(\.\d+)? kW .*unavoidable/);
  }, 180_000);
}

describe('portfolio dispatch (embedded)', () => mainChain('embedded'));
describeWithRedis('portfolio dispatch (Redis)', () => mainChain('redis'));

describe('portfolio dispatch: export, a site removed, measured delivery (embedded)', () => {
  let h: ModeHarness;
  let start: number;
  let dispatchId: string;
  beforeAll(async () => {
    h = await createModeHarness('embedded', sharedSolver());
    await feederOfThree(h, 60);
    start = Math.ceil(h.nowUtcMs() / q) * q + 2 * q;
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await closeSharedPool();
  });

  it('export 10 kW for 1 h: shares are site export deliveries where a site must export; answered per slot', async () => {
    const d = ok(await h.request('dispatch', { method: 'POST', url: '/v1/portfolios/feeder-1/dispatches', payload: { kind: 'export', powerKw: 10, start: iso(start), end: iso(start + 4 * q) } }), 201);
    dispatchId = d.id;
    expect(d.slots.every((s: { netImportLimitKw: number }) => s.netImportLimitKw === -10)).toBe(true);
    for (const s of d.slots as (Slot & { plannedKw: number })[]) {
      expect(s.plannedKw).toBeCloseTo(-s.plannedNetImportKw, 3);
      if (!s.met) expect(s.reason).toMatch(/./);
    }
    expect(d.siteDispatches.some((s: { kind: string }) => s.kind === 'export-delivery')).toBe(true);
    expect(d.fulfilment === 'full').toBe(d.slots.every((s: Slot) => s.met));
  }, 180_000);

  it('a site removed during the dispatch: the next coordination splits it again over the members left, named', async () => {
    ok(await h.request('admin', { method: 'PUT', url: '/v1/portfolios/feeder-1', payload: { name: 'Feeder 1', kind: 'feeder', timeZone: 'Europe/Berlin', siteIds: ['depot-1', 'depot-2'], sharedLimits: { importLimitKw: 60, exportLimitKw: 60 } } }), 200);
    expect((await h.request('admin', { method: 'DELETE', url: '/v1/sites/depot-3' })).statusCode).toBe(204);
    ok(await h.request('admin', { method: 'POST', url: '/v1/portfolios/feeder-1/plan' }), 201);
    const d = ok(await h.request('read', { method: 'GET', url: `/v1/portfolios/feeder-1/dispatches/${dispatchId}` }), 200);
    expect(d.status).toBe('planned');
    expect(d.resplits[0]).toMatch(/depot-3 no longer in the portfolio/);
    expect(new Set(d.siteDispatches.map((s: { siteId: string }) => s.siteId))).not.toContain('depot-3');
    for (const s of d.slots as Slot[]) expect(s.sites.map((x) => x.siteId).sort()).toEqual(['depot-1', 'depot-2']);
  }, 180_000);

  it('measured delivery: the sites\' meters summed per slot; a site without meter data is a named gap; CSV', async () => {
    await (h.service.ctx.clock as unknown as { advanceBy(ms: number): Promise<void> }).advanceBy(7 * q);
    // depot-1 meters the window; depot-2 only the first two slots.
    for (const [id, slots] of [['depot-1', 4], ['depot-2', 2]] as const) {
      const meter = { unit: 'kW', intervals: Array.from({ length: slots }, (_, i) => ({ start: iso(start + i * q), end: iso(start + (i + 1) * q), value: -6 })) };
      ok(await h.request('dispatch', { method: 'POST', url: `/v1/sites/${id}/signals/site-meter`, payload: meter }), 200);
    }
    const report = ok(await h.request('read', { method: 'GET', url: `/v1/portfolios/feeder-1/dispatches/${dispatchId}/measured-delivery` }), 200);
    expect(report.kind).toBe('export-delivery');
    expect(report.slots.map((s: { deliveredKw: number | null }) => s.deliveredKw)).toEqual([12, 12, null, null]);
    expect(report.slots.map((s: { outcome: string }) => s.outcome)).toEqual(['met', 'met', 'gap', 'gap']);
    expect(report.slots[2].reason).toMatch(/meter gap at site\(s\) depot-2/);
    expect(report.measurement).toBe('partial');
    const csv = await h.request('read', { method: 'GET', url: `/v1/portfolios/feeder-1/dispatches/${dispatchId}/measured-delivery?format=csv` });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    // A header, then per slot the portfolio's row and one row per site carrying a share (2).
    expect(csv.body.trim().split('\r\n')).toHaveLength(1 + 4 * 3);
  }, 180_000);
});
