/**
 * The LP repair's pattern freeze (solve-problem.ts): its first round freezes the LP's on/off pattern of every
 * vehicle not in conflict, its second every vehicle, so no new low-power slot can appear and the cascade of
 * rounds ends. Seeded depots with a dispatch-like import limit (the service's hardest case) needed up to 18
 * rounds before any freeze, up to 14 when only vehicles in conflict froze after 3 rounds.
 */
import type { Highs } from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { expectGoodPlan } from './solve-helpers.ts';

let highs: Highs;
beforeAll(async () => {
  highs = await loadHighs();
});

describe('LP repair with the pattern freeze', () => {
  it('ends within a few rounds on 50-vehicle depots with a dispatch limit, and stays within 0.05 % of the LP bound', () => {
    const backend = createHighsBackend(highs);
    const rounds: number[] = [];
    for (const seed of [3, 6, 11, 14, 17, 21, 25, 28, 32, 36]) {
      const p = generateDepot({ vehicles: 50, seed });
      const from = (seed * 7) % 80;
      const share = 0.35 + ((seed * 13) % 45) / 100;
      const problem = { ...p, importLimitKw: p.importLimitKw!.map((x, t) => (t >= from && t < from + 8 ? x * share : x)) };
      const plan = solveWithBackend(problem, backend);
      expectGoodPlan(problem, plan);
      const bound = plan.stats.relaxationObjective!;
      expect((plan.cost.objective - bound) / Math.abs(bound)).toBeLessThan(5e-4);
      rounds.push(plan.stats.rounds);
    }
    // 1 LP + at most 2 repair rounds: once every pattern is frozen, only a site import/export overlap or an
    // infeasible raise could need another (none on these depots).
    expect(Math.max(...rounds)).toBeLessThanOrEqual(3);
  });
});
