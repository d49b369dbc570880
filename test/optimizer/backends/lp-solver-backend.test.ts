/**
 * javascript-lp-solver (optimizer/backends/lp-solver-backend.ts): its answers are precise enough to agree
 * with HiGHS within 1e-6 relative, and its time limit - branch-and-cut stops at the limit and still says
 * `feasible`, with the best integer answer so far or only the root relaxation's - never yields `optimal`.
 */
import { describe, expect, it } from 'vitest';
import { lpSolverBackend } from '../../../optimizer/backends/lp-solver-backend.ts';
import { buildFormulation } from '../../../optimizer/formulation.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import { solveWithBackend } from '../../../optimizer/solve-problem.ts';
import { aProblem, aVehicle } from '../problem-builders.ts';
import { expectGoodPlan } from '../solve-helpers.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

/** A depot's MILP with mode binaries on every vehicle-slot and site slot (219 integer columns). */
function fullMilp() {
  const rp = resolveProblem(generateDepot({ vehicles: 8, slots: 32, seed: 11 }));
  const vehicleSlots = new Set<number>();
  rp.vehicles.forEach((v, i) => {
    for (let t = v.arrivalSlot; t < v.endSlot; t++) vehicleSlots.add(i * rp.slotCount + t);
  });
  const siteSlots = new Set(Array.from({ length: rp.slotCount }, (_, t) => t));
  return buildFormulation(rp, { vehicleSlots, siteSlots }).lp;
}

describe('a MILP past its time limit', () => {
  it('is feasible at best, never optimal, and says why', () => {
    const lp = fullMilp();
    expect(lp.integerCount).toBeGreaterThan(100);
    const session = lpSolverBackend.open(lp);
    const answer = session.solve({ timeLimitMs: 1, mipRelGap: 0 });
    session.dispose();
    expect(answer.status).not.toBe('optimal');
    if (answer.status === 'feasible') expect(answer.message).toMatch(/time limit/);
  });

  it('a pure LP is optimal however long it takes (its solve cannot be interrupted)', () => {
    const rp = resolveProblem(generateDepot({ vehicles: 3, slots: 16, seed: 11, minimumCurrent: false }));
    const session = lpSolverBackend.open(buildFormulation(rp).lp);
    expect(session.solve({ timeLimitMs: 1, mipRelGap: 0 }).status).toBe('optimal');
    session.dispose();
  });
});

describe('precision of its answers', () => {
  // Half an hour, 5 kW of PV that cannot be exported. ev-b needs 1.8 kWh at 95 %: 3.789 kW, wear 0.005 per
  // kWh: 0.005 x 0.5 x 1.8 / 0.95 = 0.0094737 (ev-a soaks up PV for free). The solver's default rounding
  // (1e-8 kW) left 1e-8 kW of the PV "exported" above the 0 kW limit, penalised at 1000 per kWh: +5e-6, a
  // relative error of 5e-4 against HiGHS. Found by the agreement property with FC_SCALE=5 FC_SEED=17.
  const problem: Problem = aProblem({
    slotCount: 1,
    slotHours: 0.5,
    importPricePerKwh: [0],
    pvKw: [5],
    vehicles: [
      aVehicle({ id: 'ev-a', departureSlot: 1, energyKwh: 0, capacityKwh: 0.5, targetEnergyKwh: 0, maxChargeKw: 1.1, chargeEfficiency: 0.98 }),
      aVehicle({ id: 'ev-b', chargerId: 'cp-2', departureSlot: 1, energyKwh: 0, capacityKwh: 60, targetEnergyKwh: 1.8, maxChargeKw: 11, degradationCostPerKwh: 0.005 }),
    ],
  });

  it('the plan costs what HiGHS finds, to 1e-9, with no limit excess', () => {
    const plan = solveWithBackend(problem, lpSolverBackend);
    expectGoodPlan(problem, plan, ['optimal']);
    expect(Math.abs(plan.cost.objective - (0.005 * 1.8) / 0.95)).toBeLessThan(1e-9);
    expect(plan.cost.limitExcessKwh).toBeLessThan(1e-12);
  });
});
