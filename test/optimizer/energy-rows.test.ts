/**
 * The two energy forms of the LP (optimizer/energy-rows.ts): the per-slot energy chain and the prefix-sum
 * rows are the same LP, so they must agree on the optimum for any problem, and a solve says which it used.
 */
import fc from 'fast-check';
import type { Highs } from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import { chooseEnergyForm, maxPrefixNonzeros, prefixNonzeros } from '../../optimizer/energy-rows.ts';
import { resolveProblem } from '../../optimizer/resolved-problem.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { arbProblem } from './problem-builders.ts';
import { lpObjectiveInForm } from './lp-form-objective.ts';
import { expectGoodPlan, relativelyEqual } from './solve-helpers.ts';
import type { Problem } from '../../optimizer/problem.ts';

let highs: Highs;
beforeAll(async () => {
  highs = await loadHighs();
});

function lpObjective(problem: Problem, form: 'chain' | 'prefix'): number | undefined {
  return lpObjectiveInForm(highs, problem, form);
}

describe('energy forms of the LP', () => {
  it('the chain and the prefix rows have the same optimum (any problem)', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 4, maxSlots: 10 }), (problem) => {
        const chain = lpObjective(problem, 'chain');
        const prefix = lpObjective(problem, 'prefix');
        expect(chain).toBeDefined();
        expect(prefix).toBeDefined();
        expect(relativelyEqual(chain!, prefix!, 1e-7, 1e-6), `chain ${chain} prefix ${prefix}`).toBe(true);
      }),
      { numRuns: 150, seed: 12 },
    );
  });

  it('a solve with either form gives a valid plan of the same objective, and says which form it used', () => {
    const problem = generateDepot({ vehicles: 30, seed: 4 });
    const backend = createHighsBackend(highs);
    const prefix = solveWithBackend(problem, backend, { energyForm: 'prefix', exactPolish: { maxVehicles: 0 } });
    const chain = solveWithBackend(problem, backend, { energyForm: 'chain', exactPolish: { maxVehicles: 0 } });
    expectGoodPlan(problem, prefix);
    expectGoodPlan(problem, chain);
    expect(prefix.stats.energyForm).toBe('prefix');
    expect(chain.stats.energyForm).toBe('chain');
    expect(relativelyEqual(prefix.stats.relaxationObjective!, chain.stats.relaxationObjective!, 1e-8)).toBe(true);
    for (const plan of [prefix, chain]) {
      const bound = plan.stats.relaxationObjective!;
      expect((plan.cost.objective - bound) / Math.abs(bound)).toBeLessThan(5e-4);
    }
  });

  it('auto picks the prefix rows for small models and the chain once they would pass the nonzero cap', () => {
    const small = resolveProblem(generateDepot({ vehicles: 50, seed: 1 }));
    expect(chooseEnergyForm(small)).toBe('prefix');
    expect(solveWithBackend(generateDepot({ vehicles: 5, seed: 1 }), createHighsBackend(highs)).stats.energyForm).toBe('prefix');
    // Nonzeros grow with the fleet: 50 vehicles' count scaled to the cap says how many would pass it.
    const perVehicle = prefixNonzeros(small) / 50;
    expect(perVehicle).toBeGreaterThan(0);
    const large = resolveProblem(generateDepot({ vehicles: Math.ceil((1.2 * maxPrefixNonzeros) / perVehicle), seed: 1, slots: 96 }));
    expect(prefixNonzeros(large)).toBeGreaterThan(maxPrefixNonzeros);
    expect(chooseEnergyForm(large)).toBe('chain');
  });
});
