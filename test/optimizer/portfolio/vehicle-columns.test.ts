/**
 * The portfolio planned by one column generation over its vehicles (optimizer/portfolio/vehicle-columns.ts)
 * on random portfolios of generated depots (6 A minimum currents, demand charges, site limits): the sum of
 * the sites' plans never breaks the shared limit, every site's plan passes the validator on its own problem,
 * the certified bound never exceeds the plan's cost nor the cost of the site-by-site coordinator's plan
 * (another feasible plan of the same portfolio), and a warm re-plan of one site keeps the limit.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { optimize } from '../../../optimizer/optimize.ts';
import { coordinatePortfolio, replanSite, type SharedRowLimits } from '../../../optimizer/portfolio/coordinate.ts';
import { problemSubproblem } from '../../../optimizer/portfolio/site-subproblem.ts';
import { planPortfolioByVehicleColumns, vehicleColumnsRefusal } from '../../../optimizer/portfolio/vehicle-columns.ts';
import { validatePlan } from '../../../optimizer/plan-validator.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

const pool = new SolverPool({ size: 1 });
afterAll(() => pool.close());
const solve = (p: Problem): Promise<Plan> => optimize(p, { solver: 'highs', pool, timeLimitMs: 60_000 });
const T = 24;

function sitesOf(seeds: readonly number[], vehicles: number) {
  return seeds.map((seed, i) => ({ siteId: `site-${i}`, problem: generateDepot({ vehicles, slots: T, seed }) }));
}

/** A limit between the sites' inflexible load and their uncoordinated peak (binding, feasible). */
async function feederLimit(sites: readonly { problem: Problem }[], tightness: number): Promise<number[]> {
  const plans = await Promise.all(sites.map((s) => solve(s.problem)));
  const free = Array.from({ length: T }, (_, t) => plans.reduce((a, p) => a + p.site.importKw[t]! - p.site.exportKw[t]!, 0));
  const floors = Array.from({ length: T }, (_, t) => sites.reduce((a, s) => a + Math.max(0, (s.problem.baseLoadKw?.[t] ?? 0) - (s.problem.pvKw?.[t] ?? 0)), 0));
  const peak = Math.max(...free);
  return floors.map((f) => Math.max(f + 1, f + tightness * (peak - f)));
}

describe('portfolio by vehicle column generation', () => {
  it('property: the sum of the sites\' plans never breaks the shared limit; bound <= plan cost and <= the site coordinator\'s cost; every site plan valid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 2, maxLength: 4 }), fc.integer({ min: 3, max: 8 }), fc.double({ min: 0.3, max: 0.9, noNaN: true }), async (seeds, vehicles, tightness) => {
        const sites = sitesOf(seeds, vehicles);
        expect(vehicleColumnsRefusal(sites.map((s) => s.problem))).toBeUndefined();
        const importLimitKw = await feederLimit(sites, tightness);
        const limits: SharedRowLimits = { importLimitKw, exportLimitKw: new Array(T).fill(Infinity) };
        const plan = await planPortfolioByVehicleColumns(sites, limits, { targetGap: 1e-3, maxIterations: 60, threads: 1 });
        expect(plan.method).toBe('vehicle-columns');
        expect(plan.breaches).toEqual([]);
        plan.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(importLimitKw[t]! + 1e-5));
        for (const [k, share] of plan.sites.entries()) expect(validatePlan(sites[k]!.problem, share.solution.plan)).toEqual([]);
        const tol = 1e-6 * Math.max(1, Math.abs(plan.objective));
        expect(plan.bound).toBeLessThanOrEqual(plan.objective + tol);
        const other = await coordinatePortfolio(sites.map((s) => problemSubproblem(s.siteId, s.problem, solve)), limits, { maxIterations: 6 });
        if (other.breaches.length === 0) expect(plan.bound).toBeLessThanOrEqual(other.objective + tol);
      }),
      { numRuns: 5, seed: 17 },
    );
  }, 600_000);

  it('a warm re-plan of one site (the portfolio\'s feeder prices, its share) is one solve and keeps the limit', async () => {
    const sites = sitesOf([21, 22, 23], 6);
    const importLimitKw = await feederLimit(sites, 0.5);
    const limits: SharedRowLimits = { importLimitKw, exportLimitKw: new Array(T).fill(Infinity) };
    const plan = await planPortfolioByVehicleColumns(sites, limits, { threads: 1 });
    const changed = { ...sites[1]!.problem, vehicles: sites[1]!.problem.vehicles.slice(1) };
    const replanned = await replanSite(plan, problemSubproblem('site-1', changed, solve));
    expect(replanned.solves).toBe(1);
    replanned.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(importLimitKw[t]! + 1e-5));
  }, 300_000);
});
