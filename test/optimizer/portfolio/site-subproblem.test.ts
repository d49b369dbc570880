/**
 * A site's problem capped at its share of a shared limit (optimizer/portfolio/site-subproblem.ts,
 * `withImportCap`): the limit is the smaller of the site's own and the cap, never below 0, and always a
 * finite number the schema accepts (a share of an unlimited feeder is Infinity; HiGHS refused it once as
 * `colUpper[0] must be a number` in the vehicle-columns path's re-solve of a refused site).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { optimize } from '../../../optimizer/optimize.ts';
import { withImportCap } from '../../../optimizer/portfolio/site-subproblem.ts';
import { limits } from '../../../optimizer/problem.ts';
import { validateProblem } from '../../../optimizer/problem-validation.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

const T = 12;
const pool = new SolverPool({ size: 1 });
afterAll(() => pool.close());

const capKw = fc.oneof(fc.constant(Infinity), fc.constant(-5), fc.double({ min: 0, max: 2_000, noNaN: true }));

describe('withImportCap', () => {
  it('property: the capped limit is min(own, cap) clipped to [0, max power], finite, and the problem stays valid', () => {
    fc.assert(
      fc.property(fc.array(capKw, { minLength: T, maxLength: T }), fc.boolean(), fc.integer({ min: 1, max: 1000 }), (caps, ownLimit, seed) => {
        const base = generateDepot({ vehicles: 3, slots: T, seed });
        const problem = ownLimit ? base : { ...base, importLimitKw: undefined };
        const capped = withImportCap(problem, caps);
        capped.importLimitKw!.forEach((x, t) => {
          expect(Number.isFinite(x)).toBe(true);
          const own = problem.importLimitKw?.[t] ?? Infinity;
          expect(x).toBe(Math.min(limits.maxPowerKw, Math.max(0, Math.min(own, caps[t]!))));
        });
        expect(validateProblem(JSON.parse(JSON.stringify(capped))).ok).toBe(true);
      }),
      { numRuns: 50, seed: 17 },
    );
  });

  it('a cap that is not a number is a coded error, not a solver crash', () => {
    const base = generateDepot({ vehicles: 3, slots: T, seed: 5 });
    expect(() => withImportCap(base, [NaN, ...new Array<number>(T - 1).fill(10)])).toThrow(/V2G_ERR_PORTFOLIO_SHARE: the import cap of slot 0/);
  });

  it('a site without its own limit capped by an unlimited share solves with HiGHS (no colUpper error)', async () => {
    const base = generateDepot({ vehicles: 3, slots: T, seed: 5 });
    const capped = withImportCap({ ...base, importLimitKw: undefined }, new Array<number>(T).fill(Infinity));
    const plan = await optimize(capped, { solver: 'highs', pool, timeLimitMs: 60_000 });
    expect(plan.status === 'optimal' || plan.status === 'feasible').toBe(true);
  }, 120_000);
});
