/**
 * Properties of the price decomposition (optimizer/decomposition/) on random fleets, against the exact LP
 * from HiGHS: certified bound <= LP optimum <= plan cost, the stated gap is their true distance, every plan
 * passes the validator, and metamorphic relations (scaling every price, permuting vehicles).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../../optimizer/backends/lp-backend.ts';
import { buildFormulation } from '../../../optimizer/formulation.ts';
import { gapOf } from '../../../optimizer/decomposition/coordinator.ts';
import { solveWithDecomposition } from '../../../optimizer/decomposition/decompose.ts';
import type { DualPrices } from '../../../optimizer/decomposition/coordinator.ts';
import { dpVehicles } from '../../../optimizer/decomposition/dp-vehicles.ts';
import { fitsVehicle } from '../../../optimizer/decomposition/vehicle-dp.ts';
import { problemDefaults, type Problem } from '../../../optimizer/problem.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';
import { arbProblem } from '../problem-builders.ts';
import { atMost, expectGoodPlan, fcParams, relativelyEqual, scaleAllPrices } from '../solve-helpers.ts';

let highs: LpBackend;
beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

function lpOptimum(problem: Problem): number {
  const session = highs.open(buildFormulation(resolveProblem(problem)).lp);
  try {
    const answer = session.solve({ timeLimitMs: 60_000, mipRelGap: 1e-4 });
    expect(answer.status).toBe('optimal');
    return answer.objective!;
  } finally {
    session.dispose();
  }
}

const fleets = arbProblem({ maxVehicles: 6, maxSlots: 12 });

describe('price decomposition', () => {
  for (const stepRule of ['columns', 'bundle', 'polyak'] as const) {
    it(`${stepRule}: bound <= LP optimum <= plan cost, the stated gap is their distance, the plan validates`, async () => {
      await fc.assert(
        fc.asyncProperty(fleets, async (problem) => {
          const plan = await solveWithDecomposition(problem, { stepRule, maxIterations: 30 });
          expectGoodPlan(problem, plan);
          expect(plan.stats.backend).toBe('decomposition');
          const bound = plan.stats.relaxationObjective!;
          const lp = lpOptimum(problem);
          const context = `bound ${bound}, LP ${lp}, plan ${plan.cost.objective}: ${JSON.stringify(problem)}`;
          expect(atMost(bound, lp, 1e-7), context).toBe(true);
          expect(atMost(lp, plan.cost.objective, 1e-7), context).toBe(true);
          const gap = gapOf(plan.cost.objective, bound);
          expect(plan.message).toContain(`gap ${(100 * gap).toPrecision(3)} %`);
          expect(plan.message).toContain(`bound ${bound.toFixed(4)}`);
        }),
        fcParams(1510, 40),
      );
    });
  }

  it('scaling every price scales bound and plan cost alike', async () => {
    await fc.assert(
      fc.asyncProperty(
        fleets.filter((p) => (p.shortfallPenaltyPerKwh ?? problemDefaults.shortfallPenaltyPerKwh) >= 10),
        async (problem) => {
          const a = await solveWithDecomposition(problem, { stepRule: 'polyak', maxIterations: 20 });
          const b = await solveWithDecomposition(scaleAllPrices(problem, 2), { stepRule: 'polyak', maxIterations: 20 });
          expect(relativelyEqual(2 * a.stats.relaxationObjective!, b.stats.relaxationObjective!, 1e-6, 1e-6)).toBe(true);
          expect(relativelyEqual(2 * a.cost.objective, b.cost.objective, 1e-6, 1e-6)).toBe(true);
        },
      ),
      fcParams(1511, 30),
    );
  });

  it('column generation: scaling every price keeps bound <= LP optimum <= plan cost, all scaled alike', async () => {
    await fc.assert(
      fc.asyncProperty(
        fleets.filter((p) => (p.shortfallPenaltyPerKwh ?? problemDefaults.shortfallPenaltyPerKwh) >= 10),
        async (problem) => {
          const scaled = scaleAllPrices(problem, 2);
          const b = await solveWithDecomposition(scaled, { maxIterations: 30 });
          expectGoodPlan(scaled, b);
          const lp = lpOptimum(problem);
          // The scaled problem's LP optimum is twice the original's; its bound and plan bracket it.
          expect(atMost(b.stats.relaxationObjective!, 2 * lp, 1e-7)).toBe(true);
          expect(atMost(2 * lp, b.cost.objective, 1e-7)).toBe(true);
        },
      ),
      fcParams(1513, 20),
    );
  });

  it('a run cut short by its time limit says timed_out, and progress reports every iteration and the end', async () => {
    const problem = generateDepot({ vehicles: 40, seed: 5 });
    const events: { phase: string; round: number; gapPct?: number; bound?: number }[] = [];
    const plan = await solveWithDecomposition(problem, { timeLimitMs: 0, onProgress: (p) => events.push(p) });
    expectGoodPlan(problem, plan, ['timed_out']);
    expect(plan.origin?.timedOut).toBe(true);
    expect(plan.message).toContain('time limit');
    expect(events.map((e) => e.phase)).toEqual(['decomposition', 'done']);
    expect(events[1]!.bound).toBe(plan.stats.relaxationObjective);
    const full = await solveWithDecomposition(problem, { targetGap: 1e-3, onProgress: (p) => events.push(p) });
    expectGoodPlan(problem, full);
    expect(full.origin?.timedOut).toBe(false);
    const rounds = events.slice(2).filter((e) => e.phase === 'decomposition').map((e) => e.round);
    expect(rounds).toEqual(rounds.map((_, k) => k + 1));
    expect(rounds.length).toBe(full.stats.iterations);
  });

  it('permuting the vehicles keeps a valid bound on the same LP optimum', async () => {
    await fc.assert(
      fc.asyncProperty(fleets, async (problem) => {
        const reversed = { ...problem, vehicles: [...problem.vehicles].reverse() };
        const plan = await solveWithDecomposition(reversed, { maxIterations: 30 });
        expectGoodPlan(reversed, plan);
        const lp = lpOptimum(problem);
        expect(atMost(plan.stats.relaxationObjective!, lp, 1e-7)).toBe(true);
        expect(atMost(lp, plan.cost.objective, 1e-7)).toBe(true);
      }),
      fcParams(1512, 20),
    );
  });

  it('a generated 60-vehicle depot: validated plan within 10 %, warm start from its prices needs fewer iterations', async () => {
    const problem = generateDepot({ vehicles: 60, seed: 3 });
    let prices;
    const cold = await solveWithDecomposition(problem, { maxIterations: 60, targetGap: 0.01, onPrices: (p) => (prices = p) });
    expectGoodPlan(problem, cold);
    const lp = lpOptimum(problem);
    expect(atMost(cold.stats.relaxationObjective!, lp, 1e-7)).toBe(true);
    expect(atMost(lp, cold.cost.objective, 1e-7)).toBe(true);
    expect(gapOf(cold.cost.objective, cold.stats.relaxationObjective!)).toBeLessThan(0.1);
    const warm = await solveWithDecomposition(problem, { maxIterations: 60, targetGap: 0.01, warmStart: prices! });
    expectGoodPlan(problem, warm);
    expect(warm.stats.iterations).toBeLessThanOrEqual(cold.stats.iterations);
  });

  it('a re-plan warm-started with the previous prices and plan: valid plan, bound <= LP optimum <= plan cost', async () => {
    const problem = generateDepot({ vehicles: 60, seed: 4, minimumCurrent: false });
    let prices: DualPrices | undefined;
    const first = await solveWithDecomposition(problem, { onPrices: (p) => (prices = p) });
    expectGoodPlan(problem, first);
    const v0 = problem.vehicles[0]!;
    const changed: Problem = { ...problem, vehicles: [{ ...v0, targetEnergyKwh: Math.min(v0.capacityKwh, v0.targetEnergyKwh + 5) }, ...problem.vehicles.slice(1)] };
    const rows = first.vehicles.map((v) => v.powerKw);
    const dp = dpVehicles(resolveProblem(changed));
    expect(rows.every((row, i) => fitsVehicle(dp[i]!, changed.slotHours, row, changed.slotCount))).toBe(true);
    const tooMuch = rows[0]!.map((kw, t) => (t === dp[0]!.arrivalSlot ? dp[0]!.maxChargeKw[t]! + 1 : kw));
    expect(fitsVehicle(dp[0]!, changed.slotHours, tooMuch, changed.slotCount)).toBe(false);
    const warm = await solveWithDecomposition(changed, { warmStart: { ...prices!, powerKw: rows } });
    expectGoodPlan(changed, warm);
    const lp = lpOptimum(changed);
    expect(atMost(warm.stats.relaxationObjective!, lp, 1e-7)).toBe(true);
    expect(atMost(lp, warm.cost.objective, 1e-7)).toBe(true);
  });
});
