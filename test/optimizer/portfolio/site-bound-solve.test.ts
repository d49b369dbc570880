/**
 * A site's capped plan and its uncapped LP on the same model (optimizer/portfolio/site-bound-solve.ts): the uncapped
 * LP re-solved warm from the capped basis has the LP optimum of a cold solve of the uncapped priced problem (1e-6
 * relative), at most the capped plan's priced objective; the capped plan passes the validator against its priced
 * problem. Caps below the inflexible load are taken (the model is built with the caps). Also through a solver thread.
 * Issue 17 session 16: the starts of the two LPs (slack or crash basis for the capped LP, the capped LP's basis or the
 * crash basis for the uncapped LP) change neither LP optimum (1e-9 relative) nor the plans' validity.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import { validatePlan } from '../../../optimizer/plan-validator.ts';
import { solveWithUncappedLp } from '../../../optimizer/portfolio/site-bound-solve.ts';
import { pricedProblem, type SiteRequest } from '../../../optimizer/portfolio/site-subproblem.ts';
import { solveWithBackend } from '../../../optimizer/solve-problem.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

const T = 24;
const highs = await loadHighs();
const backend = createHighsBackend(highs);
const cold = (p: Problem): Promise<Plan> => Promise.resolve(solveWithBackend(p, backend));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
const pool = new SolverPool({ size: 1 });
afterAll(() => pool.close());

/** Caps from fractions of the site's import room: a fraction below 0 caps under the inflexible load. */
function requestOf(problem: Problem, adder: readonly number[], capFraction: number | undefined, exportCapKw: number | undefined): SiteRequest {
  const netBase = problem.baseLoadKw!.map((b, t) => b - (problem.pvKw?.[t] ?? 0));
  const importCapKw = capFraction === undefined ? undefined : netBase.map((n, t) => Math.max(0, n + capFraction * (t % 3 === 0 ? 10 : 20)));
  return { adderPerKwh: adder, ...(importCapKw ? { importCapKw } : {}), ...(exportCapKw !== undefined ? { exportCapKw: new Array<number>(T).fill(exportCapKw) } : {}) };
}

describe('site bound solve', () => {
  it('property: the warm uncapped LP equals a cold solve\'s LP of the uncapped priced problem (1e-6) and is at most the capped plan\'s priced objective', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.double({ min: -0.2, max: 0.5, noNaN: true }), { minLength: T, maxLength: T }),
        fc.option(fc.double({ min: -0.5, max: 1.5, noNaN: true }), { nil: undefined }),
        fc.option(fc.double({ min: 0, max: 20, noNaN: true }), { nil: undefined }),
        async (seed, vehicles, adder, capFraction, exportCap) => {
          const problem = generateDepot({ vehicles, slots: T, seed });
          const request = requestOf(problem, adder, capFraction, exportCap);
          const both = await solveWithUncappedLp(problem, request, backend, cold, { timeLimitMs: 60_000 });
          const cappedPriced = pricedProblem(problem, request).problem;
          expect(validatePlan(cappedPriced, both.plan)).toEqual([]);
          const reference = solveWithBackend(pricedProblem(problem, { adderPerKwh: adder }).problem, backend);
          // Both LPs from the greedy crash basis of their priced problem (the default since session 16; prefix form here).
          expect(both.uncapped.how).toBe('crash');
          expect(Number.isFinite(both.uncapped.pricedBound)).toBe(true);
          expect(rel(both.uncapped.pricedBound, reference.stats.relaxationObjective!)).toBeLessThanOrEqual(1e-6);
          expect(both.uncapped.pricedBound).toBeLessThanOrEqual(both.plan.cost.objective + 1e-6 * Math.max(1, Math.abs(both.plan.cost.objective)));
          // Within the cap, but for the unavoidable excess where the cap is below the inflexible load.
          both.plan.site.importKw.forEach((x, t) => expect(x - both.plan.site.importExcessKw[t]!).toBeLessThanOrEqual(Math.max(0, request.importCapKw?.[t] ?? Infinity) + 1e-6));
        },
      ),
      { numRuns: 25, seed: 1714 },
    );
  });

  it('property: every start of the two LPs (capped: slack | crash; uncapped: last | crash) gives the old path\'s LP optima (1e-9) and valid capped plans within the caps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 2, max: 8 }),
        fc.array(fc.double({ min: -0.2, max: 0.5, noNaN: true }), { minLength: T, maxLength: T }),
        fc.constantFrom(0, 0.5, 1),
        fc.option(fc.double({ min: -0.5, max: 1.5, noNaN: true }), { nil: undefined }),
        async (seed, vehicles, adder, cappedFactor, capFraction) => {
          const problem = generateDepot({ vehicles, slots: T, seed });
          // As aggregate-first asks: the capped plan at a share of the adder, the uncapped LP at the adder itself.
          const request = { ...requestOf(problem, adder.map((a) => cappedFactor * a), capFraction, undefined), uncappedAdderPerKwh: adder };
          const cappedPriced = pricedProblem(problem, request).problem;
          const old = await solveWithUncappedLp(problem, request, backend, cold, { timeLimitMs: 60_000, firstStart: 'slack', uncappedStart: 'last' });
          for (const firstStart of ['slack', 'crash'] as const) {
            for (const uncappedStart of ['last', 'crash'] as const) {
              const now = await solveWithUncappedLp(problem, request, backend, cold, { timeLimitMs: 60_000, firstStart, uncappedStart });
              expect(now.how).toBe(old.how);
              if (now.how !== 'cold') expect(rel(now.plan.origin!.bound!, old.plan.origin!.bound!)).toBeLessThanOrEqual(1e-9);
              expect(validatePlan(cappedPriced, now.plan)).toEqual([]);
              now.plan.site.importKw.forEach((x, t) => expect(x - now.plan.site.importExcessKw[t]!).toBeLessThanOrEqual(Math.max(0, request.importCapKw?.[t] ?? Infinity) + 1e-6));
              expect(now.uncapped.how).toBe(uncappedStart === 'crash' ? 'crash' : old.uncapped.how);
              expect(rel(now.uncapped.pricedBound, old.uncapped.pricedBound)).toBeLessThanOrEqual(1e-9);
              if (now.how !== 'cold' && firstStart === 'crash') expect(now.plan.message).toMatch(/first solve from the greedy crash basis/);
            }
          }
        },
      ),
      { numRuns: 20, seed: 1716 },
    );
  });

  it('on a solver thread (SolverPool.solveWithBound): the same plan cost and uncapped LP as in this thread', async () => {
    const problem = generateDepot({ vehicles: 5, slots: T, seed: 17 });
    const request = requestOf(problem, Array.from({ length: T }, (_, t) => (t % 4) * 0.05), 0.3, undefined);
    const here = await solveWithUncappedLp(problem, request, backend, cold);
    const there = await pool.solveWithBound(problem, request);
    expect(there.how).toBe('first');
    expect(there.uncapped.how).toBe('crash');
    expect(rel(there.uncapped.pricedBound, here.uncapped.pricedBound)).toBeLessThanOrEqual(1e-9);
    expect(rel(there.plan.cost.objective, here.plan.cost.objective)).toBeLessThanOrEqual(1e-9);
  });
});
