/**
 * Baselines in a solve (solve-problem.ts): run and compared unless the solver's plan is within the MIP gap of
 * the LP bound, which no plan can beat by more than that gap; the plan then says the baselines were not run.
 */
import type { Highs } from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import { baselineNames } from '../../optimizer/baselines/index.ts';
import { solveWithBackend, solveWithBaseline } from '../../optimizer/solve-problem.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { expectGoodPlan } from './solve-helpers.ts';

let highs: Highs;
beforeAll(async () => {
  highs = await loadHighs();
});

describe('baselines beside a repaired plan', () => {
  // 6 A minimum: a repaired plan (status feasible), 0.0008 % above its LP bound.
  const depot = generateDepot({ vehicles: 50, seed: 2 });

  it('within the MIP gap of the LP bound: not run, and the plan says so; still cheaper than every baseline', () => {
    const plan = solveWithBackend(depot, createHighsBackend(highs));
    expectGoodPlan(depot, plan, ['feasible']);
    const bound = plan.stats.relaxationObjective!;
    expect(plan.cost.objective - bound).toBeLessThanOrEqual(1e-4 * Math.abs(plan.cost.objective));
    expect(plan.origin?.candidates.some((c) => c.source === 'baseline')).toBe(false);
    expect(plan.message).toMatch(/baselines and the rounded LP not compared: the plan is within the MIP gap \(0\.0001\) of the LP bound/);
    for (const name of baselineNames) expect(plan.cost.objective).toBeLessThanOrEqual(solveWithBaseline(depot, name).cost.objective);
  });

  it('further from the bound than the MIP gap: every baseline is a candidate', () => {
    const plan = solveWithBackend(depot, createHighsBackend(highs), { mipRelGap: 1e-12 });
    expectGoodPlan(depot, plan, ['feasible']);
    const baselines = plan.origin!.candidates.filter((c) => c.source === 'baseline').map((c) => c.baseline);
    expect(new Set(baselines)).toEqual(new Set(baselineNames));
    expect(plan.message ?? '').not.toMatch(/not compared/);
  });
});
