/**
 * The LP repair's choice of direction where the LP relaxation imports and exports in the same slot (it
 * pays when the export price is above the import price, e.g. a fixed feed-in tariff during negative
 * wholesale prices). The relaxation's import and export are artificial there - it buys and sells the same
 * kW, and curtails PV for free to buy more - so their sizes say nothing about what the site really does.
 * The repair keeps the direction of the site's own net power before curtailment (base load - PV +
 * vehicles): PV that exceeds the load is exported, never curtailed to avoid a tie.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { lpSolverBackend } from '../../optimizer/backends/lp-solver-backend.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { solveWithBackend, type IntegerStrategy } from '../../optimizer/solve-problem.ts';
import { aProblem, aVehicle } from './problem-builders.ts';
import { expectGoodPlan } from './solve-helpers.ts';

let highs: LpBackend;

beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

const runs: [string, () => LpBackend, IntegerStrategy][] = [
  ['highs repair', () => highs, 'repair'],
  ['highs milp', () => highs, 'milp'],
  ['lp-solver repair', () => lpSolverBackend, 'repair'],
  ['lp-solver milp', () => lpSolverBackend, 'milp'],
];

/**
 * The LP repair's own candidate, before the incumbents compare it with the baselines: a baseline can export the PV
 * just as well, so the returned plan alone would hide a repair that closes the wrong site direction.
 */
function repairObjective(plan: ReturnType<typeof solveWithBackend>): number | undefined {
  return plan.origin?.candidates.find((c) => c.source === 'lp-repair')?.objective;
}

describe('PV above the load, import price -0.01, export price 0.20 per kWh: export it', () => {
  // One hour, no vehicles, 12 kW of PV, export limit 30 kW. The only real choice is how much PV to curtail;
  // exporting all 12 kW earns 0.20 x 12 = 2.40. The relaxation buys 30 kW and sells 30 kW (curtailing all
  // 12 kW of PV to buy more at -0.01): -0.01 x 30 - 0.20 x 30 = -6.30. Closing its export (the larger side
  // by a tie) would curtail all PV and earn nothing.
  const problem: Problem = aProblem({
    slotCount: 1,
    importPricePerKwh: [-0.01],
    exportPricePerKwh: [0.2],
    exportLimitKw: [30],
    pvKw: [12],
    vehicles: [],
  });

  it.each(runs)('%s', (_label, backend, integerStrategy) => {
    const plan = solveWithBackend(problem, backend(), { integerStrategy });
    expectGoodPlan(problem, plan);
    expect(plan.stats.relaxationObjective).toBeCloseTo(-6.3, 6);
    expect(plan.site.exportKw[0]).toBeCloseTo(12, 6);
    expect(plan.site.pvCurtailedKw[0]).toBeCloseTo(0, 6);
    expect(plan.cost.objective).toBeCloseTo(-2.4, 6);
    // The repair itself kept the export (closing it curtails all PV: objective 0).
    expect(repairObjective(plan)).toBeCloseTo(-2.4, 6);
  });
});

describe('the same prices with a vehicle that takes part of the PV', () => {
  // Two 1-hour slots; 20 kW of PV in slot 0 only, export limit 30 kW. The vehicle (no V2G, efficiency 1)
  // needs 5 kWh and may charge 5 kW in slot 0 or slot 1. In slot 0 its charge costs nothing but the 0.20 of
  // export it displaces: 5 x 0.20 = 1.00; in slot 1 it is imported at -0.01: it earns 0.05. So it charges in
  // slot 1 and all 20 kW of PV are exported in slot 0: -0.20 x 20 - 0.01 x 5 = -4.05.
  const problem: Problem = aProblem({
    slotCount: 2,
    importPricePerKwh: [-0.01, -0.01],
    exportPricePerKwh: [0.2, 0.2],
    exportLimitKw: [30, 30],
    pvKw: [20, 0],
    vehicles: [aVehicle({ departureSlot: 2, energyKwh: 0, targetEnergyKwh: 5, maxChargeKw: 5, chargeEfficiency: 1 })],
  });

  it.each(runs)('%s', (_label, backend, integerStrategy) => {
    const plan = solveWithBackend(problem, backend(), { integerStrategy });
    expectGoodPlan(problem, plan);
    expect(plan.site.exportKw[0]).toBeCloseTo(20, 6);
    expect(plan.vehicles[0]!.powerKw).toEqual([0, 5].map((kw) => expect.closeTo(kw, 6)));
    expect(plan.cost.objective).toBeCloseTo(-4.05, 6);
    // The repair itself kept the slot-0 export (closing it charges the vehicle from curtailed PV: -0.05).
    expect(repairObjective(plan)).toBeCloseTo(-4.05, 6);
  });
});
