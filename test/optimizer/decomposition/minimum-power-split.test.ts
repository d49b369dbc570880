/**
 * Minimum powers on the column-generation plan (optimizer/decomposition/minimum-power-split.ts): on random fleets
 * with minimum charge and discharge powers, V2G, import and export limits and demand charges, the master's
 * split is rounded without breaking a shared row, so the validator accepts it and the solve never falls back
 * because of it; the bound still certifies the plan.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solveWithDecomposition } from '../../../optimizer/decomposition/decompose.ts';
import { arbProblem } from '../problem-builders.ts';
import { atMost, expectGoodPlan, fcParams } from '../solve-helpers.ts';

const fleets = arbProblem({ maxVehicles: 10, maxSlots: 16, minPower: true, v2g: true, importLimit: true });

describe('minimum powers on the column-generation plan', () => {
  it('the master plan passes the validator on random fleets with minimum powers (no fallback), bound <= cost', async () => {
    await fc.assert(
      fc.asyncProperty(fleets, async (problem) => {
        const plan = await solveWithDecomposition(problem, { maxIterations: 25 });
        expectGoodPlan(problem, plan);
        const context = `${plan.message}: ${JSON.stringify(problem)}`;
        // The validator refused no master plan (a refused one is listed as `master plan: <violation>`) and the
        // solve did not fall back to the cutting-plane coordinator.
        expect(plan.message, context).not.toContain('master plan: ');
        expect(plan.message, context).not.toContain('cutting planes');
        expect(atMost(plan.stats.relaxationObjective!, plan.cost.objective, 1e-7), context).toBe(true);
      }),
      fcParams(1515, 120),
    );
  });
});
