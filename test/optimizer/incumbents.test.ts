/**
 * The incumbents (optimizer/incumbents.ts): whatever the strategy, a plan from an LP backend never
 * costs more than any baseline on the same problem - including problems with minimum powers and negative
 * prices, where the LP repair is a heuristic.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { baselineNames } from '../../optimizer/baselines/index.ts';
import { Incumbents, preferenceCost, type CandidateObjective } from '../../optimizer/incumbents.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { resolveProblem } from '../../optimizer/resolved-problem.ts';
import { solveWithBackend, solveWithBaseline } from '../../optimizer/solve-problem.ts';
import { aProblem, aVehicle, arbProblem } from './problem-builders.ts';
import { atMost, expectGoodPlan, fcParams } from './solve-helpers.ts';

let highs: LpBackend;

beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

describe('a repaired plan that costs more than idling', () => {
  // One hour: base load 2 kW, PV 5.5 kW, export limit 3 kW at 0.001 per kWh: 0.5 kW of PV must go somewhere.
  // The relaxation lets the vehicle (nothing wanted, minimum power 0.6 kW) absorb 0.5 kW for free and
  // exports 3 kW: -0.003. The repair rounds the 0.5 kW up to 0.6 kW, which cuts the export to 2.9 kW:
  // -0.0029. Idling (every baseline: nothing is wanted) curtails 0.5 kW of PV and exports 3 kW: -0.003.
  const problem: Problem = aProblem({
    slotCount: 1,
    importPricePerKwh: [0.005],
    exportPricePerKwh: [0.001],
    importLimitKw: [2.25],
    exportLimitKw: [3],
    baseLoadKw: [2],
    pvKw: [5.5],
    vehicles: [aVehicle({ departureSlot: 2, energyKwh: 0, capacityKwh: 6, targetEnergyKwh: 0, maxChargeKw: 11, minChargeKw: 0.6 })],
  });

  // The LP has two optimal vertices (absorb 0.5 kW in the vehicle, or curtail it); the energy chain's simplex
  // path ends at the first, the one with the conflict these tests need (the prefix rows end at the second).
  const energyForm = 'chain';

  it('the repair (without its exact polish) returns the idle baseline plan instead, and says so', () => {
    const plan = solveWithBackend(problem, highs, { integerStrategy: 'repair', exactPolish: { maxVehicles: 0 }, energyForm });
    expectGoodPlan(problem, plan, ['feasible']);
    expect(plan.stats.relaxationObjective).toBeCloseTo(-0.003, 9);
    expect(plan.cost.objective).toBeCloseTo(-0.003, 9);
    expect(plan.vehicles[0]!.powerKw).toEqual([0]);
    expect(plan.stats.backend).toBe('highs');
    expect(plan.message).toMatch(/objective -0\.0029.*baseline is cheaper/);
  });

  it('with its exact polish (a 1-vehicle fleet), the repair finds that optimum itself: optimal, no baseline', () => {
    const plan = solveWithBackend(problem, highs, { integerStrategy: 'repair', energyForm });
    expectGoodPlan(problem, plan, ['optimal']);
    expect(plan.cost.objective).toBeCloseTo(-0.003, 9);
    expect(plan.origin?.source).toBe('milp');
    expect(plan.message).toMatch(/polished by the exact MILP/);
  });

  it('the exact MILP finds the same optimum and needs no guard', () => {
    const plan = solveWithBackend(problem, highs, { integerStrategy: 'milp' });
    expectGoodPlan(problem, plan, ['optimal']);
    expect(plan.cost.objective).toBeCloseTo(-0.003, 9);
    expect(plan.message ?? '').not.toMatch(/baseline/);
  });
});

describe('no LP-backend plan costs more than a baseline (minimum powers, negative prices, V2G)', () => {
  it.each(['repair', 'milp'] as const)('HiGHS, %s', (integerStrategy) => {
    const maxVehicles = integerStrategy === 'milp' ? 3 : 4;
    const maxSlots = integerStrategy === 'milp' ? 8 : 12;
    fc.assert(
      fc.property(arbProblem({ maxVehicles, maxSlots }), (p) => {
        const plan = solveWithBackend(p, highs, { integerStrategy });
        expectGoodPlan(p, plan);
        for (const name of baselineNames) {
          const baseline = solveWithBaseline(p, name).cost.objective;
          // An 'optimal' MILP is optimal within its relative gap (default 1e-4).
          expect(atMost(plan.cost.objective, baseline, 2e-4), `${plan.cost.objective} > ${name} ${baseline}: ${JSON.stringify(p)}`).toBe(true);
        }
      }),
      fcParams(integerStrategy === 'milp' ? 7002 : 7001, integerStrategy === 'milp' ? 100 : 300),
    );
  });
});

describe("candidates ranked with the regularisers (candidateObjective 'regularised', the MPC's choice)", () => {
  /** `p` with a rising quick-charge-like preference on every vehicle: w (t + 1) per kWh, w one of a tie-breaker or a dominant weight. */
  const arbRegularised = fc
    .tuple(arbProblem({ maxVehicles: 4, maxSlots: 12, v2g: false }), fc.constantFrom(0.001, 0.05, 1))
    .map(([p, w]): Problem => ({ ...p, vehicles: p.vehicles.map((v) => ({ ...v, chargePreferencePerKwh: Array.from({ length: p.slotCount }, (_, t) => w * (t + 1)) })) }));
  /** Whether the plan of `p` solved with `rank` is, counting the preferences, at most every baseline's. */
  const noBaselineBetter = (p: Problem, rank: CandidateObjective): boolean => {
    const plan = solveWithBackend(p, highs, { candidateObjective: rank });
    expectGoodPlan(p, plan);
    const regularised = plan.cost.objective + preferenceCost(p, plan);
    return baselineNames.every((name) => {
      const b = solveWithBaseline(p, name);
      return atMost(regularised, b.cost.objective + preferenceCost(p, b), 1e-6);
    });
  };

  it('property: no baseline is cheaper counting the preferences (min powers, congested limits)', () => {
    fc.assert(fc.property(arbRegularised, (p) => noBaselineBetter(p, 'regularised')), fcParams(7003, 300));
  });

  it("ranked by the bill (the default, and mpc's before issue 13 session 10) some baseline is: it won by dropping the regularisers", () => {
    expect(() => fc.assert(fc.property(arbRegularised, (p) => noBaselineBetter(p, 'billed')), fcParams(7003, 300))).toThrow(/Property failed/);
  });
});

describe('candidates kept for later (offerLater)', () => {
  it('are made only by offerPending, once, and then compete like any other', () => {
    const problem = aProblem({ vehicles: [aVehicle({ targetEnergyKwh: 10 })] });
    const incumbents = new Incumbents(problem, resolveProblem(problem));
    let made = 0;
    incumbents.offerLater(() => {
      made++;
      incumbents.offer(solveWithBaseline(problem, 'edf'), 'baseline', 'edf');
    });
    expect(made).toBe(0);
    expect(incumbents.bestObjective()).toBeUndefined();
    incumbents.offerPending();
    incumbents.offerPending();
    expect(made).toBe(1);
    expect(incumbents.choose().candidate).toMatchObject({ source: 'baseline', baseline: 'edf' });
  });
});
