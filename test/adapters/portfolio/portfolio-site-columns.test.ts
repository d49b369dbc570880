/**
 * PORTFOLIO_COORDINATION=site-columns (set explicitly: the service's default until session 15) end to end through
 * the API, embedded and (CI=true) on Redis: a portfolio dispatch is split by Dantzig-Wolfe over whole-site plans
 * (optimizer/portfolio/site-columns.ts); the portfolio plan says so, its stated gap is (cost - bound) / max(1, |cost|)
 * with the bound at or below the cost, and the sum of the sites' plans in force keeps the dispatch's limit in every
 * slot it says is met. The next dispatch's rounds start from the feeder prices of the portfolio plan in force
 * (PORTFOLIO_WARM_PRICES=last-plan) and say so; on Redis every site solve of every round is one flow child.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModeHarness, type ModeHarness, type ServiceMode } from '../mode-harness.ts';
import { closeSharedPool, sharedSolver } from '../service-harness.ts';
import { describeWithRedis } from '../store/redis-test-env.ts';
import { feederOfThree, iso, nextDispatch, ok, q, siteIds, sumOfPlansInForce } from './portfolio-kit.ts';

function chain(mode: ServiceMode) {
  let h: ModeHarness;
  beforeAll(async () => {
    h = await createModeHarness(mode, sharedSolver(), undefined, { portfolioCoordination: 'site-columns' });
    await feederOfThree(h, 40);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await closeSharedPool();
  });

  const checkRounds = (plan: { solves: number; siteSolves: object }) => {
    // Every site solve of every round was a BullMQ flow child, none solved again to be stored.
    if (mode === 'redis') expect(plan.siteSolves).toMatchObject({ mode: 'bullmq-flow', childJobs: plan.solves, plansCarried: siteIds.length, plansResolved: 0 });
  };

  it('import <= 20 kW for 2 h: planned by site columns, the sum keeps it, the gap stated is the certified one', async () => {
    const windowStart = Math.ceil(h.nowUtcMs() / q) * q + 4 * q;
    const body = { kind: 'import-limit', powerKw: 20, start: iso(windowStart), end: iso(windowStart + 8 * q) };
    const d = ok(await h.request('dispatch', { method: 'POST', url: '/v1/portfolios/feeder-1/dispatches', payload: body }), 201);
    expect(d.status).toBe('planned');
    const plan = ok(await h.request('read', { method: 'GET', url: '/v1/portfolios/feeder-1/plan' }), 200);
    expect(plan.id).toBe(d.portfolioPlanId);
    expect(plan.solvedOn).toMatch(/Dantzig-Wolfe over whole-site plans \(PORTFOLIO_COORDINATION=site-columns\)/);
    expect(plan.solvedOn).toContain('feeder prices started from zero (no plan in force)');
    expect(['site-columns', 'price-iterate']).toContain(plan.method);
    expect(plan.bound).toBeLessThanOrEqual(plan.objective + 1e-6 * Math.max(1, Math.abs(plan.objective)));
    expect(plan.gapPercent).toBeCloseTo((100 * (plan.objective - plan.bound)) / Math.max(1, Math.abs(plan.objective)), 1);
    checkRounds(plan);
    const sum = await sumOfPlansInForce(h);
    for (const s of d.slots as { start: string; met: boolean }[]) if (s.met) expect(sum.get(iso(Date.parse(s.start)))!).toBeLessThanOrEqual(20 + 0.01);
  }, 180_000);

  it('the next dispatch: its rounds start from the feeder prices of the portfolio plan in force, and say so', async () => {
    const { inForce, d, plan } = await nextDispatch(h, 25, 16, 4);
    expect(plan.solvedOn).toContain(`feeder prices started from those of portfolio plan ${inForce.id} (the plan in force)`);
    expect(plan.bound).toBeLessThanOrEqual(plan.objective + 1e-6 * Math.max(1, Math.abs(plan.objective)));
    checkRounds(plan);
    const sum = await sumOfPlansInForce(h);
    for (const s of d.slots as { start: string; met: boolean }[]) if (s.met) expect(sum.get(iso(Date.parse(s.start)))!).toBeLessThanOrEqual(25 + 0.01);
  }, 180_000);
}

describe('portfolio dispatch with PORTFOLIO_COORDINATION=site-columns (embedded)', () => chain('embedded'));
describeWithRedis('portfolio dispatch with PORTFOLIO_COORDINATION=site-columns (Redis)', () => chain('redis'));
