/**
 * aggregate-first's price step (optimizer/portfolio/price-step.ts, issue 17 session 14): `auto`'s size rule, and
 * on random small portfolios of generated depots (HiGHS) the aggregate LP's certified bound is the same optimum
 * whichever monolithic step solves it (the dual simplex, the interior point with crossover: 1e-7 relative; without
 * crossover: the Lagrangian value at its duals, never above the optimum and within the IPM's tolerance of it) and
 * the decomposed step's bound never exceeds it; aggregate-first says which step ran and why.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { highsMaster } from '../../../optimizer/decomposition/decompose.ts';
import { optimize } from '../../../optimizer/optimize.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import { coordinateAggregateFirst } from '../../../optimizer/portfolio/aggregate-first.ts';
import { solveAggregateByDecomposition } from '../../../optimizer/portfolio/aggregate-decomposed.ts';
import { solveAggregateLp } from '../../../optimizer/portfolio/aggregate-lp.ts';
import { autoPriceStepRule, choosePriceStep, priceStepLpOptions } from '../../../optimizer/portfolio/price-step.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';
import { aggregateInstance, aggregatePortfolioArbitraries, bindingLimits, portfolio as buildPortfolio } from './portfolio-fixture.ts';

const pool = new SolverPool({ size: 1 });
afterAll(() => pool.close());
const solve = (p: Problem): Promise<Plan> => optimize(p, { solver: 'highs', pool, timeLimitMs: 60_000 });
const T = 24;
const options = { excessPricePerKwh: 50, timeLimitMs: 300_000 };
const rel = (x: number) => Math.max(1, Math.abs(x));

describe('choosePriceStep', () => {
  it('auto: the dual simplex up to the rule\'s sites, the decomposition above, the rule said', () => {
    const n = autoPriceStepRule.monolithicUpToSites;
    expect(choosePriceStep('auto', n)).toEqual({ step: 'monolithic', asked: 'auto', why: `auto: ${n} sites <= ${n}: one LP by the dual simplex` });
    expect(choosePriceStep(undefined, n + 1)).toEqual({ step: 'decomposed', asked: 'auto', why: `auto: ${n + 1} sites > ${n}: Dantzig-Wolfe over the sites' relaxations` });
    expect(choosePriceStep('auto', 200).step).toBe('decomposed');
    expect(choosePriceStep('auto', 5, { monolithicUpToSites: 4 }).step).toBe('decomposed');
  });

  it('property: an asked step is taken as asked, whatever the size', () => {
    fc.assert(
      fc.property(fc.constantFrom('monolithic', 'monolithic-ipm', 'monolithic-ipm-crossover', 'decomposed') as fc.Arbitrary<'monolithic'>, fc.integer({ min: 0, max: 10_000 }), (step, sites) => {
        expect(choosePriceStep(step, sites)).toEqual({ step, asked: step, why: 'asked' });
      }),
      { seed: 17 },
    );
  });

  it('maps each monolithic step to its LP algorithm', () => {
    expect(priceStepLpOptions('monolithic')).toEqual({});
    expect(priceStepLpOptions('monolithic-ipm')).toEqual({ lpSolver: 'ipm', crossover: false });
    expect(priceStepLpOptions('monolithic-ipm-crossover')).toEqual({ lpSolver: 'ipm', crossover: true });
    expect(priceStepLpOptions('decomposed')).toEqual({});
  });
});

describe('the price steps on one aggregate LP', () => {
  it('property: the same certified optimum by every monolithic step; the decomposed bound never above it', async () => {
    const backend = await highsMaster();
    await fc.assert(
      fc.asyncProperty(...aggregatePortfolioArbitraries, async (seeds, tightness) => {
        const { limits, problems } = await aggregateInstance(solve, seeds, tightness, T);
        const dual = solveAggregateLp(problems, limits, T, backend, options);
        const crossed = solveAggregateLp(problems, limits, T, backend, { ...options, ...priceStepLpOptions('monolithic-ipm-crossover') });
        const interior = solveAggregateLp(problems, limits, T, backend, { ...options, ...priceStepLpOptions('monolithic-ipm') });
        const decomposed = await solveAggregateByDecomposition(problems, limits, T, backend, options);
        expect(dual).toMatchObject({ status: 'optimal', lpSolver: { solver: 'simplex' } });
        expect(crossed).toMatchObject({ status: 'optimal', lpSolver: { solver: 'ipm', crossover: true } });
        expect(interior).toMatchObject({ status: 'optimal', lpSolver: { solver: 'ipm', crossover: false } });
        const optimum = dual.objective!;
        expect(Math.abs(crossed.objective! - optimum)).toBeLessThanOrEqual(1e-7 * rel(optimum));
        // Without crossover: the Lagrangian value at its duals, certified (never above), and close (IPM tolerance 1e-8).
        expect(interior.boundNote).toMatch(/Lagrangian value at its row duals/);
        expect(interior.objective!).toBeLessThanOrEqual(optimum + 1e-9 * rel(optimum));
        expect(interior.objective!).toBeGreaterThanOrEqual(optimum - 1e-6 * rel(optimum));
        expect(interior.primalObjective!).toBeGreaterThanOrEqual(interior.objective! - 1e-9 * rel(optimum));
        expect(decomposed.objective!).toBeLessThanOrEqual(optimum + 1e-6 * rel(optimum));
        // The interior point's profiles keep the feeder limit as the vertex's do (no excess was needed).
        for (let t = 0; t < T; t++) expect(interior.sites!.reduce((a, p) => a + p.importKw[t]! - p.exportKw[t]!, 0)).toBeLessThanOrEqual(limits.importLimitKw[t]! + 1e-4);
      }),
      { numRuns: 6, seed: 1414 },
    );
  }, 300_000);

  it('aggregate-first says which price step ran and why; auto by its rule; the bound never above the plan\'s cost', async () => {
    const sites = buildPortfolio(solve, [51, 52, 53], 5, T);
    const limits = await bindingLimits(sites, T, 0.5);
    const decomposed = await coordinateAggregateFirst(sites, limits, { priceStep: 'auto', priceStepRule: { monolithicUpToSites: 2 }, targetGap: 0, then: 'none' });
    expect(decomposed.priceStep).toEqual({ step: 'decomposed', asked: 'auto', why: 'auto: 3 sites > 2: Dantzig-Wolfe over the sites\' relaxations' });
    expect(decomposed.aggregate.method).toBe('decomposed');
    const interior = await coordinateAggregateFirst(sites, limits, { priceStep: 'monolithic-ipm', targetGap: 0 });
    expect(interior.priceStep).toEqual({ step: 'monolithic-ipm', asked: 'monolithic-ipm', why: 'asked' });
    expect(interior.aggregate).toMatchObject({ method: 'monolithic', status: 'optimal', lpSolver: { solver: 'ipm', crossover: false } });
    expect(interior.bound).toBeLessThanOrEqual(interior.objective + 1e-6 * rel(interior.objective));
    expect(interior.breaches).toEqual([]);
    const simplex = await coordinateAggregateFirst(sites, limits, { priceStep: 'auto', targetGap: 0 });
    expect(simplex.priceStep.step).toBe('monolithic');
    expect(simplex.aggregate.lpSolver).toEqual({ solver: 'simplex' });
    expect(Math.abs(interior.aggregate.objective! - simplex.aggregate.objective!)).toBeLessThanOrEqual(1e-6 * rel(simplex.aggregate.objective!));
    expect((await coordinateAggregateFirst(sites, limits, { targetGap: 0, then: 'none' })).priceStep).toEqual({ step: 'monolithic', asked: 'monolithic', why: 'asked' });
  }, 300_000);
});
