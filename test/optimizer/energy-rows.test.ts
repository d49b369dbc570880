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
import { buildFormulation } from '../../optimizer/formulation.ts';
import type { LpRows } from '../../optimizer/backends/lp-backend.ts';
import type { ResolvedProblem } from '../../optimizer/resolved-problem.ts';
import type { ColumnMap } from '../../optimizer/formulation.ts';

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

  it('a vehicle that cannot discharge keeps one capacity row: its target row', () => {
    // 8 slots of 1 h, one vehicle at 11 kW that could pass its 40 kWh capacity from slot 2 on: the chain has a row
    // per slot; the prefix form needs only the target row (target and capacity at the end), later capacity rows
    // imply the earlier ones since the energy only rises.
    const problem: Problem = {
      slotCount: 8,
      slotHours: 1,
      currency: 'EUR',
      importPricePerKwh: [0.3, 0.1, 0.2, 0.1, 0.4, 0.1, 0.2, 0.3],
      vehicles: [{ id: 'ev-0', chargerId: 'cp-0', arrivalSlot: 0, departureSlot: 8, energyKwh: 10, capacityKwh: 40, targetEnergyKwh: 35, maxChargeKw: 11 }],
    };
    const rp = resolveProblem(problem);
    const prefix = buildFormulation(rp, undefined, 'prefix').lp;
    const chain = buildFormulation(rp, undefined, 'chain').lp;
    expect(prefix.numRows - rp.slotCount).toBe(1); // the slots' balance rows, then the one energy row
    expect(chain.numRows - rp.slotCount).toBe(rp.slotCount + 1);
    expect(relativelyEqual(lpObjective(problem, 'prefix')!, lpObjective(problem, 'chain')!, 1e-9)).toBe(true);
  });

  it('adding back every capacity row the prefix form leaves out changes neither the optimum (1e-9) nor breaks a row (any problem, seeded depots)', () => {
    const check = (problem: Problem) => {
      const rp = resolveProblem(problem);
      const formulation = buildFormulation(rp, undefined, 'prefix');
      const session = createHighsBackend(highs).open(formulation.lp);
      try {
        const reduced = session.solve({ timeLimitMs: 60_000, mipRelGap: 1e-4, presolve: false });
        expect(reduced.status).toBe('optimal');
        const rows = everyCapacityRow(rp, formulation.columns);
        // The reduced model's answer already keeps every vehicle at or below its capacity at every slot end.
        for (let r = 0; r < rows.lower.length; r++) {
          let energy = 0;
          for (let k = rows.starts[r]!; k < rows.starts[r + 1]!; k++) energy += rows.values[k]! * reduced.x![rows.cols[k]!]!;
          expect(energy).toBeLessThanOrEqual(rows.upper[r]! + 1e-6);
        }
        session.addRows(rows);
        const full = session.solve({ timeLimitMs: 60_000, mipRelGap: 1e-4, presolve: false });
        expect(full.status).toBe('optimal');
        expect(relativelyEqual(full.objective!, reduced.objective!, 1e-9, 1e-9), `reduced ${reduced.objective} full ${full.objective}`).toBe(true);
      } finally {
        session.dispose();
      }
    };
    fc.assert(fc.property(arbProblem({ maxVehicles: 4, maxSlots: 10 }), check), { numRuns: 100, seed: 7 });
    for (const seed of [1, 2, 3]) check(generateDepot({ vehicles: 20, seed }));
  });

  it('seeded depots solved with the prefix rows give valid plans within 0.05 % of the LP bound, which the chain confirms', () => {
    const backend = createHighsBackend(highs);
    for (const seed of [1, 2, 3, 4, 5]) {
      const problem = generateDepot({ vehicles: 25, seed });
      const plan = solveWithBackend(problem, backend, { exactPolish: { maxVehicles: 0 } });
      expectGoodPlan(problem, plan);
      expect(plan.stats.energyForm).toBe('prefix');
      const bound = plan.stats.relaxationObjective!;
      expect(relativelyEqual(bound, lpObjective(problem, 'chain')!, 1e-9, 1e-9)).toBe(true);
      expect((plan.cost.objective - bound) / Math.abs(bound)).toBeLessThan(5e-4);
    }
  });
});

/** Rows "energy at the end of slot t <= capacity" for every vehicle and every slot of its stay, over the model's columns. */
function everyCapacityRow(rp: ResolvedProblem, columns: ColumnMap): LpRows {
  const lower: number[] = [];
  const upper: number[] = [];
  const starts = [0];
  const cols: number[] = [];
  const values: number[] = [];
  rp.vehicles.forEach((v, i) => {
    const rowCols: number[] = [];
    const rowValues: number[] = [];
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      const c = columns.charge[i]![t]!;
      const x = columns.discharge[i]![t]!;
      if (c >= 0) {
        rowCols.push(c);
        rowValues.push(rp.slotHours * v.chargeEfficiency);
      }
      if (x >= 0) {
        rowCols.push(x);
        rowValues.push(-rp.slotHours / v.dischargeEfficiency);
      }
      if (rowCols.length === 0) continue;
      cols.push(...rowCols);
      values.push(...rowValues);
      starts.push(cols.length);
      lower.push(-Infinity);
      upper.push(v.capacityKwh - v.initialEnergyKwh);
    }
  });
  return { lower: Float64Array.from(lower), upper: Float64Array.from(upper), starts: Int32Array.from(starts), cols: Int32Array.from(cols), values: Float64Array.from(values) };
}

