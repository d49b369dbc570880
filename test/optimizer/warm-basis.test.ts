/**
 * Warm bases across solves (optimizer/warm-basis.ts, `SolveOptions.warmStart`): the structure key, the
 * store, and what a warm start may and may not change: the same problem solved warm gives the same objective
 * (1e-9 relative), a re-plan after a price update keeps the LP bound of its cold solve and a clean plan, and
 * every warm plan says it was warm.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { buildFormulation } from '../../optimizer/formulation.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { resolveProblem } from '../../optimizer/resolved-problem.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { lpStructureKey, WarmBasisStore } from '../../optimizer/warm-basis.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { expectGoodPlan, fcParams, relativelyEqual } from './solve-helpers.ts';

let highs: LpBackend;
beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

/** Every import price moved by up to +-5 %: new costs, the same model structure. */
const priceUpdate = (problem: Problem, phase: number): Problem => ({
  ...problem,
  importPricePerKwh: (problem.importPricePerKwh as number[]).map((p, t) => p * (1 + 0.05 * Math.sin(t + phase))),
});

const keyOf = (problem: Problem) => {
  const rp = resolveProblem(problem);
  return lpStructureKey(buildFormulation(rp, undefined, 'prefix').lp);
};

describe('lpStructureKey', () => {
  it('is the same for a price update and differs for another fleet', () => {
    const depot = generateDepot({ vehicles: 8, slots: 24, seed: 4 });
    expect(keyOf(priceUpdate(depot, 1))).toBe(keyOf(depot));
    expect(keyOf(generateDepot({ vehicles: 9, slots: 24, seed: 4 }))).not.toBe(keyOf(depot));
  });
});

describe('WarmBasisStore', () => {
  it('drops the least recently used basis beyond its capacity', () => {
    const store = new WarmBasisStore(2);
    const basis = (n: number) => ({ colStatus: [n], rowStatus: [] });
    store.set('a', basis(1));
    store.set('b', basis(2));
    expect(store.get('a')?.colStatus[0]).toBe(1); // a is now the most recently used
    store.set('c', basis(3));
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')?.colStatus[0]).toBe(1);
    expect(store.get('c')?.colStatus[0]).toBe(3);
    expect(store.size).toBe(2);
  });
});

describe('solveWithBackend with warmStart', () => {
  it('the same depot solved again starts warm and ends at the same objective (1e-9 relative)', () => {
    const depot = generateDepot({ vehicles: 12, slots: 48, seed: 2, minimumCurrent: true });
    const cold = solveWithBackend(depot, highs, {});
    const warmBases = new WarmBasisStore();
    const first = solveWithBackend(depot, highs, { warmStart: true }, { warmBases });
    const second = solveWithBackend(depot, highs, { warmStart: true }, { warmBases });
    expect(cold.stats.warmStart).toBeUndefined();
    expect(first.stats.warmStart).toBeUndefined(); // nothing stored yet
    expect(second.stats.warmStart).toBe('basis');
    expect(second.stats.iterations).toBeLessThan(first.stats.iterations);
    for (const plan of [cold, first, second]) {
      expectGoodPlan(depot, plan);
      expect(relativelyEqual(plan.cost.objective, cold.cost.objective, 1e-9, 0)).toBe(true);
      expect(relativelyEqual(plan.stats.relaxationObjective!, cold.stats.relaxationObjective!, 1e-9, 0)).toBe(true);
    }
  });

  it('without warmStart the store is neither read nor written', () => {
    const depot = generateDepot({ vehicles: 6, slots: 24, seed: 5 });
    const warmBases = new WarmBasisStore();
    solveWithBackend(depot, highs, {}, { warmBases });
    expect(warmBases.size).toBe(0);
    const plan = solveWithBackend(depot, highs, {}, { warmBases });
    expect(plan.stats.warmStart).toBeUndefined();
  });

  it('property: a re-plan after a price update, warm from the solve before, keeps the cold LP bound and a clean plan', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 14 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: 0, max: 6, noNaN: true }),
        fc.boolean(),
        (vehicles, seed, phase, minimumCurrent) => {
          const depot = generateDepot({ vehicles, slots: 32, seed, minimumCurrent });
          const updated = priceUpdate(depot, phase);
          const warmBases = new WarmBasisStore();
          solveWithBackend(depot, highs, { warmStart: true }, { warmBases });
          const warm = solveWithBackend(updated, highs, { warmStart: true }, { warmBases });
          const cold = solveWithBackend(updated, highs, {});
          expectGoodPlan(updated, warm);
          expect(warm.stats.warmStart).toBe('basis');
          expect(relativelyEqual(warm.stats.relaxationObjective!, cold.stats.relaxationObjective!, 1e-9, 1e-9)).toBe(true);
          // The LP answer is the same where the LP optimum is unique; elsewhere the repair may differ, never below the bound.
          expect(warm.cost.objective).toBeGreaterThanOrEqual(cold.stats.relaxationObjective! - 1e-9 * Math.max(1, Math.abs(cold.cost.objective)));
        },
      ),
      fcParams(12_005, 25),
    );
  });
});
