/**
 * Plans on three-phase networks: every plan from every backend and baseline keeps the exact magnitudes
 * (the validator's check, independent of the LP's polygon), the LP's inner approximation loses no more than
 * stated against an exact optimum found by sampling the second-order cone, its bound stays a bound, the
 * minimum-current repair keeps the limits, and the baselines fill to the exact limit.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../../optimizer/backends/lp-backend.ts';
import { lpSolverBackend as lpSolver } from '../../../optimizer/backends/lp-solver-backend.ts';
import { baselineNames } from '../../../optimizer/baselines/index.ts';
import { roundRobinPowerKw } from '../../../optimizer/baselines/round-robin.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { validateProblem } from '../../../optimizer/problem-validation.ts';
import { solveWithBackend, solveWithBaseline } from '../../../optimizer/solve-problem.ts';
import { aProblem, aVehicle } from '../problem-builders.ts';
import { expectGoodPlan, fcParams } from '../solve-helpers.ts';
import { exactCaltechOptimum as exactOptimum } from './exact-socp.ts';
import { arbNetworkProblem, caltechAc, caltechNetwork } from './network-builders.ts';

let highs: LpBackend;

beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

describe('every plan keeps the exact current magnitudes (random networks over random problems)', () => {
  it('the validator accepts every generated problem', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 5 }), (p) => {
        const checked = validateProblem(p);
        expect(checked.ok, checked.ok ? '' : JSON.stringify(checked.issues)).toBe(true);
      }),
      fcParams(8001, 200),
    );
  });

  it('HiGHS with the LP repair', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 5, maxSlots: 8 }), (p) => {
        expectGoodPlan(p, solveWithBackend(p, highs));
      }),
      fcParams(8002, 120),
    );
  });

  it('HiGHS with the lazy MILP', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 3, maxSlots: 5 }), (p) => {
        expectGoodPlan(p, solveWithBackend(p, highs, { integerStrategy: 'milp', timeLimitMs: 20_000 }));
      }),
      fcParams(8003, 30),
    );
  });

  it('javascript-lp-solver', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 2, maxSlots: 5 }), (p) => {
        expectGoodPlan(p, solveWithBackend(p, lpSolver));
      }),
      fcParams(8004, 40),
    );
  });

  it.each(baselineNames)('baseline %s', (name) => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 6, maxSlots: 10, v2g: false }), (p) => {
        expectGoodPlan(p, solveWithBaseline(p, name), ['feasible']);
      }),
      fcParams(8010, 150),
    );
  });

  it('a bound stays a bound: the reported lower bound is at most the plan objective', () => {
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 5, maxSlots: 8 }), (p) => {
        const plan = solveWithBackend(p, highs);
        const bound = plan.stats.relaxationObjective;
        if (bound !== undefined) expect(bound).toBeLessThanOrEqual(plan.cost.objective + 1e-6 * Math.max(1, Math.abs(plan.cost.objective)));
      }),
      fcParams(8005, 80),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// The inner approximation against the exact second-order cone

/** One charger per Caltech line pair, outside the pods: AB (CA-308), BC (CA-304), CA (CA-307). */
const caltechChargers = ['CA-308', 'CA-304', 'CA-307'] as const;

/**
 * One 1-hour slot, one vehicle per line pair with no charger limit of its own: the LP maximises
 * sum_g eta_g x P_g (the energy each battery gains, at efficiency eta_g), bounded only by the Caltech
 * transformer's line currents.
 */
function maxEnergyProblem(ratingKva: number, efficiencies: readonly number[], lossPct: number): Problem {
  const p = aProblem({
    slotCount: 1,
    slotHours: 1,
    importPricePerKwh: [0],
    shortfallPenaltyPerKwh: 10,
    network: caltechNetwork(ratingKva, lossPct),
    vehicles: caltechChargers.map((chargerId, g) =>
      aVehicle({ id: `ev-${g}`, chargerId, arrivalSlot: 0, departureSlot: 1, energyKwh: 0, capacityKwh: 10_000, targetEnergyKwh: 10_000, maxChargeKw: 5_000, chargeEfficiency: efficiencies[g]! }),
    ),
  });
  expect(validateProblem(p).ok).toBe(true);
  return p;
}

/** The energy a plan puts into the batteries (kWh). */
const gained = (plan: Plan, eta: readonly number[]) => plan.vehicles.reduce((sum, v, g) => sum + eta[g]! * v.powerKw[0]!, 0);

describe('the inner approximation loses at most the stated share (against the exact cone)', () => {
  const cases = fc.tuple(
    fc.integer({ min: 10, max: 125 }),
    fc.array(fc.integer({ min: 5, max: 100 }).map((k) => k / 100), { minLength: 3, maxLength: 3 }),
    fc.constantFrom(0.1, 0.5, 2),
  );

  it('LP optimum / exact optimum lies in [1 - loss, 1] for any rating, weights and loss; the bound is below the exact optimum', () => {
    let worst = 0;
    fc.assert(
      fc.property(cases, ([kva, eta, lossPct]) => {
        const problem = maxEnergyProblem(kva, eta, lossPct);
        const plan = solveWithBackend(problem, highs);
        expectGoodPlan(problem, plan);
        const lp = gained(plan, eta);
        const exact = exactOptimum(kva, eta);
        const loss = 1 - lp / exact;
        worst = Math.max(worst, loss / (lossPct / 100));
        expect(lp).toBeLessThanOrEqual(exact * (1 + 1e-7));
        expect(loss).toBeLessThanOrEqual(lossPct / 100 + 1e-7);
        // Objective = 10 x (30 000 - energy gained); the exact problem's is 10 x (30 000 - exact).
        const bound = plan.stats.relaxationObjective;
        expect(bound).toBeDefined();
        expect(bound!).toBeLessThanOrEqual(10 * (30_000 - exact) + 1e-6);
      }),
      fcParams(8101, 40),
    );
    // The worst loss seen is a real share of the stated bound, not a vacuous one (the polygon does cost).
    expect(worst).toBeGreaterThan(0.05);
    expect(worst).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('the plan says it was made on the polygon: feasible, with the worst-case loss and the duality gap', () => {
    const plan = solveWithBackend(maxEnergyProblem(40, [1, 0.5, 0.9], 0.5), highs);
    expect(plan.status).toBe('feasible');
    expect(plan.message).toMatch(/network current magnitudes held by an inner polygon \(at most 0\.5 % of a limit unused\); the exact optimum is at most [\d.e-]+ below the LP's objective/);
  });

  it('a loose network costs nothing: no binding row, the plan stays optimal', () => {
    const p = maxEnergyProblem(40, [1, 1, 1], 0.5);
    const loose = { ...p, vehicles: p.vehicles.map((v) => ({ ...v, maxChargeKw: 1 })) };
    const plan = solveWithBackend(loose, highs);
    expect(plan.status).toBe('optimal');
    expect(plan.message).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------

/** `n` vehicles on Caltech AB chargers outside the pods, plugged in for 4 quarter-hours, wanting 20 kWh each. */
function abFleet(n: number, ratingKva: number, minCurrentA = 6): Problem {
  const ids = ['CA-308', 'CA-508', 'CA-303', 'CA-513', 'CA-310', 'CA-506', 'CA-316', 'CA-500', 'CA-318', 'CA-498'];
  return aProblem({
    slotCount: 4,
    slotHours: 0.25,
    network: caltechNetwork(ratingKva),
    vehicles: ids.slice(0, n).map((chargerId, i) =>
      aVehicle({ id: `ev-${i}`, chargerId, departureSlot: 4 + i, energyKwh: 0, targetEnergyKwh: 20, maxChargeKw: undefined, acLimit: caltechAc(minCurrentA) }),
    ),
  });
}

describe('the minimum-current repair and the baselines keep the limits', () => {
  it('repair: 10 A on the secondary lines leave room for one 6 A charger at a time; the LP splits it, the repair ends valid and charges', () => {
    // 10 A x 3 x 120 V = 3.6 kVA.
    const p = abFleet(3, 3.6);
    expect(validateProblem(p).ok).toBe(true);
    const plan = solveWithBackend(p, highs);
    expectGoodPlan(p, plan);
    for (let t = 0; t < 4; t++) {
      const on = plan.vehicles.filter((v) => v.powerKw[t]! > 0);
      expect(on.length).toBeLessThanOrEqual(1);
      expect(on.reduce((s, v) => s + v.powerKw[t]!, 0)).toBeGreaterThan(0);
    }
  });

  it('baselines fill a congested slot to the exact limit (not the polygon): the busiest line carries its limit', () => {
    // 60 kVA: secondary 166.7 A, primary 72.2 A; 10 AB chargers at 32 A ask 320 A of line a, 80 A of primary a and c.
    const p = abFleet(10, 60);
    for (const name of ['uncontrolled', 'edf', 'llf', 'round-robin'] as const) {
      const plan = solveWithBaseline(p, name);
      expectGoodPlan(p, plan, ['feasible']);
      const amps = plan.vehicles.reduce((s, v) => s + (v.powerKw[0]! * 1000) / 208, 0);
      // AB current I: secondary lines a and b carry I, primary line b carries 2I / 4: the primary binds at 144.3 A.
      expect(amps, name).toBeCloseTo((2 * (60_000 / 3 / 277)), 6);
    }
  });

  it('round robin stopping a prefix at its first final share below the minimum gives the same plans (random and congested networks)', () => {
    const same = (p: Problem) => {
      const rp = resolveProblem(p);
      expect(roundRobinPowerKw(rp, true)).toEqual(roundRobinPowerKw(rp, false));
    };
    for (const kva of [2, 3.6, 5, 8, 12, 20]) for (let n = 2; n <= 10; n += 2) for (const minA of [6, 12]) same(abFleet(n, kva, minA));
    fc.assert(
      fc.property(arbNetworkProblem({ maxVehicles: 8, maxSlots: 6 }), (p) => same(p)),
      fcParams(8021, 150),
    );
  });

  it('round robin shares a congested line pair equally and lets another line pair run on', () => {
    const ab = ['CA-308', 'CA-508', 'CA-303'];
    const p = aProblem({
      slotCount: 1,
      slotHours: 0.25,
      importPricePerKwh: [0.1],
      network: {
        ...caltechNetwork(1000),
        groups: caltechNetwork(1000).groups.map((g) => (g.id === 'AB' ? { ...g, maxCurrentA: 30 } : g)),
      },
      vehicles: [...ab, 'CA-304'].map((chargerId, i) =>
        aVehicle({ id: `ev-${i}`, chargerId, departureSlot: 1, energyKwh: 0, targetEnergyKwh: 20, maxChargeKw: undefined, acLimit: caltechAc(0) }),
      ),
    });
    const plan = solveWithBaseline(p, 'round-robin');
    expectGoodPlan(p, plan, ['feasible']);
    const amps = plan.vehicles.map((v) => (v.powerKw[0]! * 1000) / 208);
    for (const a of amps.slice(0, 3)) expect(a).toBeCloseTo(10, 6);
    expect(amps[3]).toBeCloseTo(32, 6);
  });
});
