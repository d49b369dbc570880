/**
 * The Lagrangian bound site by site (optimizer/portfolio/lagrangian-bound.ts): the stand-in of a site without a
 * proven bound - its relaxation solved alone at the same adder - is at most the site's own proven bound at that
 * adder (property over generated depots and adders, so it is a valid lower bound of the site's priced optimum);
 * the value is the sum of the parts less prices times limits; a site with neither bound makes it -Infinity,
 * said with the reason; the note names the sites and why.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { highsMaster } from '../../../optimizer/decomposition/decompose.ts';
import { optimize } from '../../../optimizer/optimize.ts';
import { lagrangianBound, missingBoundReason, siteRelaxationValue } from '../../../optimizer/portfolio/lagrangian-bound.ts';
import { problemSubproblem } from '../../../optimizer/portfolio/site-subproblem.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

const pool = new SolverPool({ size: 1 });
afterAll(() => pool.close());
const T = 24;

describe('lagrangian-bound', () => {
  it('property: a site\'s relaxation at an adder is at most its own proven bound at that adder', async () => {
    const backend = await highsMaster();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: T, maxLength: T }), async (seed, adderPerKwh) => {
        const problem = generateDepot({ vehicles: 4, slots: T, seed });
        const own = await problemSubproblem('s', problem, (p) => optimize(p, { solver: 'highs', pool, timeLimitMs: 60_000 })).solve({ adderPerKwh });
        expect(Number.isFinite(own.pricedBound)).toBe(true);
        const relaxed = siteRelaxationValue(problem, adderPerKwh, backend, { timeLimitMs: 60_000 });
        expect(relaxed.status).toBe('optimal');
        expect(relaxed.value!).toBeLessThanOrEqual(own.pricedBound + 1e-6 * Math.max(1, Math.abs(own.pricedBound)));
      }),
      { numRuns: 8, seed: 1714 },
    );
  }, 300_000);

  const solution = (pricedBound: number, status = 'feasible', message?: string) => ({ status, pricedBound, objective: 10, netImportKw: [1, 2], ...(message ? { message } : {}) });
  const input = { problems: [generateDepot({ vehicles: 2, slots: 2, seed: 1 }), generateDepot({ vehicles: 2, slots: 2, seed: 2 })], adderPerKwh: [0.5, -0.25], prices: { importPerKwh: [0.5, 0], exportPerKwh: [0, 0.25] }, limits: { importLimitKw: [10, 10], exportLimitKw: [4, 4] }, slotHours: 0.25 };

  it('the value is the parts less prices times limits; the stand-in is taken only where the solve proved no bound', () => {
    const b = lagrangianBound({ ...input, siteIds: ['a', 'b'], solutions: [solution(9), solution(-Infinity, 'timed_out', 'solve overran its 100 ms time limit')], relax: () => ({ value: 7, status: 'optimal' }) });
    // 9 + 7 - 0.25 (0.5 x 10 + 0.25 x 4)
    expect(b.value).toBeCloseTo(9 + 7 - 0.25 * (0.5 * 10 + 0.25 * 4), 12);
    expect(b).toMatchObject({ sitesWithoutBound: 1, standIns: 1 });
    expect(b.sites[0]).toMatchObject({ siteId: 'a', source: 'site-solve', pricedBound: 9, pricedObjective: 10 + 0.25 * (0.5 * 1 - 0.25 * 2) });
    expect(b.sites[1]).toMatchObject({ siteId: 'b', source: 'relaxation', pricedBound: 7, reason: 'time limit (solve overran its 100 ms time limit)' });
    expect(b.note).toBe('1 site(s) without a proven bound of their own: time limit (b); their relaxation at the same prices stood in for 1');
  });

  it('a site with neither bound makes the value -Infinity, said with why', () => {
    const b = lagrangianBound({ ...input, siteIds: ['a', 'b'], solutions: [solution(-Infinity, 'error'), solution(-Infinity, 'timed_out')], relax: () => ({ status: 'timed_out' }) });
    expect(b.value).toBe(-Infinity);
    expect(b.sites.map((s) => s.source)).toEqual(['none', 'none']);
    expect(b.sites[0]!.reason).toBe('solver error; its relaxation ended timed_out');
    expect(b.note).toBe('2 site(s) without a proven bound of their own: solver error (a), time limit (b); no stand-in, 2 with no bound at all (the Lagrangian value is -Infinity)');
  });

  it('names why a solution proves no bound', () => {
    expect(missingBoundReason({ status: 'feasible' })).toBe('time limit before its LP relaxation was solved');
    expect(missingBoundReason({ status: 'infeasible', message: 'x' })).toBe('status infeasible (x)');
  });
});
