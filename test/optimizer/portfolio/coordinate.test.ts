/**
 * The portfolio coordinator on random portfolios of generated depots solved by HiGHS: the sum of the
 * sites' plans never breaks a shared limit (when the sites' inflexible load leaves room), the bound never
 * exceeds the plan's cost, re-planning one site is one solve and keeps the limits, and a limit below the
 * inflexible load is answered with the unavoidable excess named.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { optimize } from '../../../optimizer/optimize.ts';
import { coordinatePortfolio, replanSite, type SharedRowLimits } from '../../../optimizer/portfolio/coordinate.ts';
import { problemSubproblem, type SiteSubproblem } from '../../../optimizer/portfolio/site-subproblem.ts';
import { bindingLimits, floorSum as sumFloors, portfolio as buildPortfolio, uncoordinatedSum as sumUncoordinated } from './portfolio-fixture.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

const pool = new SolverPool({ size: 1 });
afterAll(() => pool.close());
const solve = (p: Problem): Promise<Plan> => optimize(p, { solver: 'highs', pool, timeLimitMs: 60_000 });
const T = 24;

const portfolio = (seeds: readonly number[], vehicles: number): SiteSubproblem[] => buildPortfolio(solve, seeds, vehicles, T);
const uncoordinatedSum = (sites: readonly SiteSubproblem[]): Promise<number[]> => sumUncoordinated(sites, T);
const floorSum = (sites: readonly SiteSubproblem[]): number[] => sumFloors(sites, T);

describe('portfolio coordination under a shared feeder limit', () => {
  it('property: the sum of the sites\' plans never breaks the shared limit; bound <= cost', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 2, maxLength: 3 }), fc.double({ min: 0.3, max: 0.9, noNaN: true }), async (seeds, tightness) => {
        const sites = portfolio(seeds, 4);
        const limits = await bindingLimits(sites, T, tightness);
        const { importLimitKw } = limits;
        const plan = await coordinatePortfolio(sites, limits, { maxIterations: 8 });
        expect(plan.breaches).toEqual([]);
        plan.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(importLimitKw[t]! + 1e-5));
        expect(plan.bound).toBeLessThanOrEqual(plan.objective + 1e-6 * Math.max(1, Math.abs(plan.objective)));
        expect(plan.status).not.toBe('limit-breached');
        expect(plan.sites.every((s) => ['optimal', 'feasible'].includes(s.solution.plan.status))).toBe(true);
      }),
      { numRuns: 4, seed: 17 },
    );
  }, 300_000);

  it('re-planning one site is one solve at the portfolio\'s prices and keeps the limit', async () => {
    const sites = portfolio([11, 12, 13], 5);
    const free = await uncoordinatedSum(sites);
    const floors = floorSum(sites);
    const peak = Math.max(...free);
    const importLimitKw = floors.map((f) => f + 0.5 * (peak - f));
    const limits: SharedRowLimits = { importLimitKw, exportLimitKw: new Array(T).fill(Infinity) };
    const plan = await coordinatePortfolio(sites, limits, { maxIterations: 10 });
    expect(plan.solves).toBeGreaterThan(3);
    // Site 1's inputs change: a new vehicle mix (another seed, same slots).
    const changed = problemSubproblem('site-1', generateDepot({ vehicles: 7, slots: T, seed: 99 }), solve);
    const replanned = await replanSite(plan, changed);
    expect(replanned.solves).toBe(1);
    replanned.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(importLimitKw[t]! + 1e-5));
    // Warm prices: coordinating again from the stored prices starts where the last run ended.
    const warm = await coordinatePortfolio(sites, limits, { maxIterations: 10, warmStart: plan.prices });
    expect(warm.bound).toBeGreaterThanOrEqual(plan.bound - 1e-6 * Math.abs(plan.bound));
  }, 300_000);

  it('a feeder limit below the sites\' inflexible load: the unavoidable excess is named per slot', async () => {
    const sites = portfolio([21, 22], 3);
    const floors = floorSum(sites);
    const importLimitKw = floors.map((f) => f * 0.5);
    const plan = await coordinatePortfolio(sites, { importLimitKw, exportLimitKw: new Array(T).fill(Infinity) }, { maxIterations: 3 });
    expect(plan.status).toBe('limit-breached');
    const slot = floors.findIndex((f) => f > 1);
    expect(plan.breaches.find((b) => b.slot === slot)).toMatchObject({ direction: 'import', reason: expect.stringContaining('unavoidable') });
  }, 300_000);

  it('no shared limit: one round of site solves, the sum of the sites\' optima', async () => {
    const sites = portfolio([31, 32], 3);
    const plan = await coordinatePortfolio(sites, { importLimitKw: new Array(T).fill(Infinity), exportLimitKw: new Array(T).fill(Infinity) });
    expect(plan).toMatchObject({ stopReason: 'no-shared-limit', solves: 2, status: 'optimal' });
    // The bound is the same sum of site optima, added in another order: equal up to rounding.
    expect(Math.abs(plan.gap)).toBeLessThan(1e-12);
  }, 300_000);
});
