/**
 * Dantzig-Wolfe over whole-site plans (optimizer/portfolio/site-columns.ts) on random portfolios of generated
 * depots solved by HiGHS: the sum of the sites' plans never breaks the shared limit, the certified bound never
 * exceeds the plan's cost, and the gap the plan states is (cost - bound) / max(1, |cost|); the master
 * (site-column-master.ts) prices a feeder row at its marginal value; a first round that keeps the limit is
 * the plan without any re-solve.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import { optimize } from '../../../optimizer/optimize.ts';
import { SiteColumnMaster } from '../../../optimizer/portfolio/site-column-master.ts';
import { coordinateBySiteColumns } from '../../../optimizer/portfolio/site-columns.ts';
import type { SiteSubproblem } from '../../../optimizer/portfolio/site-subproblem.ts';
import { bindingLimits, portfolio as buildPortfolio, uncoordinatedSum as sumUncoordinated } from './portfolio-fixture.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';

const pool = new SolverPool({ size: 1 });
afterAll(() => pool.close());
const solve = (p: Problem): Promise<Plan> => optimize(p, { solver: 'highs', pool, timeLimitMs: 60_000 });
const T = 24;

const portfolio = (seeds: readonly number[], vehicles: number): SiteSubproblem[] => buildPortfolio(solve, seeds, vehicles, T);
const uncoordinatedSum = (sites: readonly SiteSubproblem[]): Promise<number[]> => sumUncoordinated(sites, T);

describe('site-column master', () => {
  it('prices a binding feeder row at the cheapest way to relieve it, and picks that site\'s other plan', async () => {
    const master = new SiteColumnMaster(createHighsBackend(await loadHighs()), 1, 2, [15], [Infinity], 1000);
    // Each site: a free plan importing 10 kW, or a dearer one importing nothing (site 0 at 5, site 1 at 8).
    master.addColumns([
      { site: 0, cost: 0, netKw: [10] },
      { site: 0, cost: 5, netKw: [0] },
      { site: 1, cost: 0, netKw: [10] },
      { site: 1, cost: 8, netKw: [0] },
    ]);
    const m = master.solve(10_000)!;
    master.dispose();
    // 5 kW to relieve: site 0 (the cheaper) goes half way to its other plan.
    expect(m.objective).toBeCloseTo(2.5, 9);
    expect(m.excessKw).toBeCloseTo(0, 9);
    expect([...m.weights].map((w) => Math.abs(Math.round(w * 1e9) / 1e9))).toEqual([0.5, 0.5, 1, 0]);
    // One kW more of limit saves site 0 half a unit: 5 per 10 kW (unique: site 0's weight is strictly inside).
    expect(m.priceKw[0]).toBeCloseTo(0.5, 9);
  });

  it('keeps the master feasible with excess at its cost when no mix keeps the limit', async () => {
    const master = new SiteColumnMaster(createHighsBackend(await loadHighs()), 1, 1, [4], [Infinity], 100);
    master.addColumns([{ site: 0, cost: 1, netKw: [10] }]);
    const m = master.solve(10_000)!;
    master.dispose();
    expect(m.excessKw).toBeCloseTo(6, 9);
    expect(m.objective).toBeCloseTo(1 + 600, 9);
    expect(m.priceKw[0]).toBeCloseTo(100, 9);
  });
});

describe('portfolio by site columns under a shared feeder limit', () => {
  it('property: the sum of the sites\' plans never breaks the limit; bound <= cost; the stated gap is (cost - bound) / max(1, |cost|)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 2, maxLength: 3 }), fc.double({ min: 0.3, max: 0.9, noNaN: true }), async (seeds, tightness) => {
        const sites = portfolio(seeds, 4);
        const limits = await bindingLimits(sites, T, tightness);
        const { importLimitKw } = limits;
        const plan = await coordinateBySiteColumns(sites, limits, { maxIterations: 6 });
        expect(plan.breaches).toEqual([]);
        plan.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(importLimitKw[t]! + 1e-5));
        // The sum is the sites' own plans, and the caps stated sum to the limit (a re-plan within them keeps it).
        plan.netImportKw.forEach((n, t) => expect(n).toBeCloseTo(plan.sites.reduce((a, s) => a + s.solution.netImportKw[t]!, 0), 9));
        plan.sites.forEach((s) => s.solution.importKw.forEach((x, t) => expect(x).toBeLessThanOrEqual(s.importCapKw[t]! + 1e-6)));
        expect(Number.isFinite(plan.bound)).toBe(true);
        expect(plan.bound).toBeLessThanOrEqual(plan.objective + 1e-6 * Math.max(1, Math.abs(plan.objective)));
        expect(plan.objective).toBeCloseTo(plan.sites.reduce((a, s) => a + s.solution.objective, 0), 9);
        expect(plan.gap).toBeCloseTo((plan.objective - plan.bound) / Math.max(1, Math.abs(plan.objective)), 12);
        expect(['site-columns', 'price-iterate']).toContain(plan.method);
        expect(plan.status).not.toBe('limit-breached');
      }),
      { numRuns: 4, seed: 17 },
    );
  }, 300_000);

  it('a first round that keeps the limit is the plan: one solve per site, no re-solve', async () => {
    const sites = portfolio([31, 32], 4);
    const free = await uncoordinatedSum(sites);
    const importLimitKw = free.map((n) => n + 50);
    const plan = await coordinateBySiteColumns(sites, { importLimitKw, exportLimitKw: new Array(T).fill(Infinity) }, { maxIterations: 5 });
    expect(plan.method).toBe('price-iterate');
    expect(plan.stopReason).toBe('gap');
    expect(plan.solves).toBe(2);
    expect(plan.iterations).toBe(1);
  }, 120_000);

  it('sites that prove no bound (solves stopped by their time limit): stopped as no-bound, no gap claimed, the limit still kept', async () => {
    const sites = portfolio([41, 42], 4).map((site): SiteSubproblem => ({ ...site, solve: async (r) => ({ ...(await site.solve(r)), pricedBound: -Infinity }) }));
    const limits = await bindingLimits(sites, T, 0.5);
    const { importLimitKw } = limits;
    const plan = await coordinateBySiteColumns(sites, limits, { maxIterations: 5 });
    expect(plan.stopReason).toBe('no-bound');
    expect(plan.bound).toBe(-Infinity);
    expect(plan.gap).toBe(Infinity);
    plan.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(importLimitKw[t]! + 1e-5));
  }, 120_000);
});
