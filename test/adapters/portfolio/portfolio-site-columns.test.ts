/**
 * PORTFOLIO_COORDINATION=site-columns end to end through the API (embedded): a portfolio dispatch is split by
 * Dantzig-Wolfe over whole-site plans (optimizer/portfolio/site-columns.ts); the portfolio plan says so, its
 * stated gap is (cost - bound) / max(1, |cost|) with the bound at or below the cost, and the sum of the sites'
 * plans in force keeps the dispatch's limit in every slot it says is met.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSharedPool, createHarness, sharedSolver, type Harness } from '../service-harness.ts';
import { feederOfThree, iso, ok, q, sumOfPlansInForce } from './portfolio-kit.ts';

describe('portfolio dispatch with PORTFOLIO_COORDINATION=site-columns (embedded)', () => {
  let h: Harness & { nowUtcMs(): number };
  beforeAll(async () => {
    const harness = await createHarness({ solve: sharedSolver(), config: { portfolioCoordination: 'site-columns' } });
    h = Object.assign(harness, { nowUtcMs: () => harness.clock.nowUtcMs() });
    await feederOfThree(h, 40);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await closeSharedPool();
  });

  it('import <= 20 kW for 2 h: planned by site columns, the sum keeps it, the gap stated is the certified one', async () => {
    const windowStart = Math.ceil(h.nowUtcMs() / q) * q + 4 * q;
    const body = { kind: 'import-limit', powerKw: 20, start: iso(windowStart), end: iso(windowStart + 8 * q) };
    const d = ok(await h.request('dispatch', { method: 'POST', url: '/v1/portfolios/feeder-1/dispatches', payload: body }), 201);
    expect(d.status).toBe('planned');
    const plan = ok(await h.request('read', { method: 'GET', url: '/v1/portfolios/feeder-1/plan' }), 200);
    expect(plan.id).toBe(d.portfolioPlanId);
    expect(plan.solvedOn).toMatch(/Dantzig-Wolfe over whole-site plans \(PORTFOLIO_COORDINATION=site-columns\)/);
    expect(['site-columns', 'price-iterate']).toContain(plan.method);
    expect(plan.bound).toBeLessThanOrEqual(plan.objective + 1e-6 * Math.max(1, Math.abs(plan.objective)));
    expect(plan.gapPercent).toBeCloseTo((100 * (plan.objective - plan.bound)) / Math.max(1, Math.abs(plan.objective)), 1);
    const sum = await sumOfPlansInForce(h);
    for (const s of d.slots as { start: string; met: boolean }[]) if (s.met) expect(sum.get(iso(Date.parse(s.start)))!).toBeLessThanOrEqual(20 + 0.01);
  }, 180_000);
});
