/**
 * The aggregate LP by decomposition (optimizer/portfolio/aggregate-decomposed.ts) against the monolithic LP
 * (aggregate-lp.ts) on random small portfolios of generated depots (HiGHS): its bound never exceeds the LP's optimum,
 * its prices give a Lagrangian over the sites' relaxations (solved again here, independently) equal to its bound,
 * and at its tolerance the bound is within it of the optimum; aggregate-first with `priceStep: decomposed` says so.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../../optimizer/backends/lp-backend.ts';
import { highsMaster } from '../../../optimizer/decomposition/decompose.ts';
import { LinearProgramBuilder } from '../../../optimizer/linear-program.ts';
import { optimize } from '../../../optimizer/optimize.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import { coordinateAggregateFirst } from '../../../optimizer/portfolio/aggregate-first.ts';
import { solveAggregateByDecomposition } from '../../../optimizer/portfolio/aggregate-decomposed.ts';
import { solveAggregateLp } from '../../../optimizer/portfolio/aggregate-lp.ts';
import type { SharedRowLimits } from '../../../optimizer/portfolio/coordinate.ts';
import { addSiteRelaxation } from '../../../optimizer/portfolio/site-relaxation.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';
import { aggregateInstance, aggregatePortfolioArbitraries, bindingLimits, portfolio as buildPortfolio } from './portfolio-fixture.ts';

const pool = new SolverPool({ size: 1 });
afterAll(() => pool.close());
const solve = (p: Problem): Promise<Plan> => optimize(p, { solver: 'highs', pool, timeLimitMs: 60_000 });
const T = 24;
const options = { excessPricePerKwh: 50, timeLimitMs: 300_000 };
const rel = (x: number) => Math.max(1, Math.abs(x));

/** sum_s relaxationOpt_s(a) - dt sum_t (max(0, a) L + max(0, -a) E): each relaxation solved alone here. */
function lagrangianOverRelaxations(backend: LpBackend, problems: readonly Problem[], limits: SharedRowLimits, adderPerKwh: readonly number[]): number {
  const dt = problems[0]!.slotHours;
  let value = 0;
  for (const p of problems) {
    const b = new LinearProgramBuilder();
    addSiteRelaxation(b, resolveProblem(p), { adderPerKwh });
    const session = backend.open(b.build());
    const answer = session.solve({ timeLimitMs: 60_000, mipRelGap: 1e-4 });
    session.dispose();
    expect(answer.status).toBe('optimal');
    value += answer.objective!;
  }
  adderPerKwh.forEach((a, t) => (value -= dt * (a > 0 ? a * limits.importLimitKw[t]! : a < 0 ? -a * limits.exportLimitKw[t]! : 0)));
  return value;
}

describe('the aggregate LP by decomposition', () => {
  it('property: bound <= the monolithic optimum; its prices\' Lagrangian over the relaxations is its bound; within its tolerance', async () => {
    const backend = await highsMaster();
    await fc.assert(
      fc.asyncProperty(...aggregatePortfolioArbitraries, async (seeds, tightness) => {
        const { limits, problems } = await aggregateInstance(solve, seeds, tightness, T);
        const mono = solveAggregateLp(problems, limits, T, backend, options);
        const tolerance = 1e-6;
        const dec = await solveAggregateByDecomposition(problems, limits, T, backend, { ...options, relTolerance: tolerance, maxRounds: 300 });
        expect(mono).toMatchObject({ method: 'monolithic', status: 'optimal' });
        expect(dec).toMatchObject({ method: 'decomposed', status: 'optimal' });
        expect(dec.objective!).toBeLessThanOrEqual(mono.objective! + 1e-6 * rel(mono.objective!));
        expect(dec.masterObjective!).toBeGreaterThanOrEqual(mono.objective! - 1e-6 * rel(mono.objective!));
        expect(dec.objective!).toBeGreaterThanOrEqual(mono.objective! - 2 * tolerance * rel(dec.masterObjective!));
        expect(lagrangianOverRelaxations(backend, problems, limits, dec.adderPerKwh!)).toBeCloseTo(dec.objective!, 4);
        // The profiles are a point of the aggregate LP: their sum keeps the limit (no excess was needed).
        expect(dec.feederExcessKw).toBeLessThanOrEqual(1e-6);
        for (let t = 0; t < T; t++) expect(dec.sites!.reduce((a, p) => a + p.importKw[t]! - p.exportKw[t]!, 0)).toBeLessThanOrEqual(limits.importLimitKw[t]! + 1e-5);
      }),
      { numRuns: 8, seed: 1717 },
    );
  }, 300_000);

  it('aggregate-first with priceStep decomposed says so; the bound never exceeds the plan\'s cost; the limit holds', async () => {
    const sites = buildPortfolio(solve, [41, 42, 43], 5, T);
    const limits = await bindingLimits(sites, T, 0.5);
    const plan = await coordinateAggregateFirst(sites, limits, { priceStep: 'decomposed', targetGap: 0 });
    expect(plan.aggregate).toMatchObject({ method: 'decomposed', status: expect.stringMatching(/^(optimal|feasible)$/) });
    expect(plan.handover).toBeUndefined();
    expect(plan.bound).toBeLessThanOrEqual(plan.objective + 1e-6 * rel(plan.objective));
    expect(plan.breaches).toEqual([]);
    plan.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(limits.importLimitKw[t]! + 1e-5));
  }, 300_000);
});
