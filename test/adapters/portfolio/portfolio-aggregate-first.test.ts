/**
 * PORTFOLIO_COORDINATION=aggregate-first end to end through the API, embedded and (CI=true) on Redis: a portfolio
 * dispatch is split by the aggregate LP of the sites' relaxations and one round of site solves within its caps
 * (optimizer/portfolio/aggregate-first.ts); the portfolio plan says so (its solvedOn names the coordination and
 * which bound it has), its bound is at or below its cost, its gap is the stated one, and the sum of the sites'
 * plans in force keeps the dispatch's limit in every slot it says is met. At most two rounds of site solves. The
 * plan's `boundDetail` says which bound it reports and, after the uncapped round, each site's part of the Lagrangian value.
 * The price step (PORTFOLIO_PRICE_STEP, issue 17 session 14) is said in solvedOn and in `priceStep`: `auto` by its
 * rule (3 sites: the dual simplex) in one chain, `monolithic-ipm` as asked (the interior point, its bound from its
 * duals) in the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModeHarness, type ModeHarness, type ServiceMode } from '../mode-harness.ts';
import { closeSharedPool, sharedSolver } from '../service-harness.ts';
import { describeWithRedis } from '../store/redis-test-env.ts';
import { feederOfThree, iso, ok, q, sumOfPlansInForce } from './portfolio-kit.ts';

function dispatchChain(mode: ServiceMode, priceStep: 'auto' | 'monolithic-ipm') {
  let h: ModeHarness;
  beforeAll(async () => {
    h = await createModeHarness(mode, sharedSolver(), undefined, { portfolioCoordination: 'aggregate-first', portfolioPriceStep: priceStep });
    await feederOfThree(h, 40);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await closeSharedPool();
  });

  it('import <= 20 kW for 2 h: planned aggregate-first, the sum keeps it, the bound is certified and named', async () => {
    const windowStart = Math.ceil(h.nowUtcMs() / q) * q + 4 * q;
    const body = { kind: 'import-limit', powerKw: 20, start: iso(windowStart), end: iso(windowStart + 8 * q) };
    const d = ok(await h.request('dispatch', { method: 'POST', url: '/v1/portfolios/feeder-1/dispatches', payload: body }), 201);
    expect(d.status).toBe('planned');
    const plan = ok(await h.request('read', { method: 'GET', url: '/v1/portfolios/feeder-1/plan' }), 200);
    expect(plan.id).toBe(d.portfolioPlanId);
    expect(plan.solvedOn).toMatch(/aggregate LP first, then one round within its caps \(PORTFOLIO_COORDINATION=aggregate-first\)/);
    expect(plan.solvedOn).toMatch(/aggregate LP \d+ rows x \d+ columns \(monolithic, on a worker thread of its own\), .*optimal in \d+ ms.*; bound: (relaxation|lagrangian)/);
    if (priceStep === 'auto') {
      expect(plan.solvedOn).toMatch(/price step monolithic \(PORTFOLIO_PRICE_STEP=auto, auto: 3 sites <= \d+: one LP by the dual simplex\)/);
      expect(plan.priceStep).toMatchObject({ step: 'monolithic', asked: 'auto', lpSolver: 'simplex', status: 'optimal' });
    } else {
      expect(plan.solvedOn).toMatch(/price step monolithic-ipm \(PORTFOLIO_PRICE_STEP=monolithic-ipm\); aggregate LP \d+ rows x \d+ columns \(monolithic, on a worker thread of its own\), interior point without crossover \(\d+ iterations\)/);
      expect(plan.priceStep).toMatchObject({ step: 'monolithic-ipm', asked: 'monolithic-ipm', why: 'asked', lpSolver: 'ipm', status: 'optimal', boundNote: expect.stringMatching(/Lagrangian value at its row duals/) });
    }
    expect(plan.priceStep.boundKind).toMatch(/^(relaxation|lagrangian)$/);
    expect(['aggregate-first', 'price-iterate']).toContain(plan.method);
    expect(plan.iterations).toBeLessThanOrEqual(2);
    expect(plan.bound).toBeLessThanOrEqual(plan.objective + 1e-6 * Math.max(1, Math.abs(plan.objective)));
    expect(plan.gapPercent).toBeCloseTo((100 * (plan.objective - plan.bound)) / Math.max(1, Math.abs(plan.objective)), 1);
    if (mode === 'redis') expect(plan.siteSolves).toMatchObject({ mode: 'bullmq-flow', plansResolved: 0 });
    // Which bound and, after an uncapped round, every site's part of the Lagrangian value and where it came from.
    expect(plan.boundDetail).toMatchObject({ kind: plan.solvedOn.match(/bound: (relaxation|lagrangian)/)![1], note: expect.stringMatching(/^bound: /) });
    expect(plan.howMade).toContain(plan.boundDetail.note);
    if (plan.iterations === 2) {
      expect(plan.boundDetail.sites.map((s: { siteId: string }) => s.siteId)).toEqual(plan.sites.map((s: { siteId: string }) => s.siteId));
      for (const s of plan.boundDetail.sites) expect(s).toMatchObject({ source: 'site-solve', status: expect.stringMatching(/^(optimal|feasible)$/), gapPercent: expect.any(Number) });
    }
    const sum = await sumOfPlansInForce(h);
    for (const s of d.slots as { start: string; met: boolean }[]) if (s.met) expect(sum.get(iso(Date.parse(s.start)))!).toBeLessThanOrEqual(20 + 0.01);
  }, 300_000);
}

describe('portfolio dispatch with PORTFOLIO_COORDINATION=aggregate-first (embedded)', () => dispatchChain('embedded', 'auto'));
describe('portfolio dispatch with PORTFOLIO_COORDINATION=aggregate-first, PORTFOLIO_PRICE_STEP=monolithic-ipm (embedded)', () => dispatchChain('embedded', 'monolithic-ipm'));
describeWithRedis('portfolio dispatch with PORTFOLIO_COORDINATION=aggregate-first (Redis)', () => dispatchChain('redis', 'auto'));
