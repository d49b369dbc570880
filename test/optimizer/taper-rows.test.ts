/**
 * The charge taper as LP rows (optimizer/taper-rows.ts) and its validator rule (plan-validator-taper.ts): a
 * taper-aware plan keeps to the taper in every slot, is a restriction of the plain LP (never cheaper), gets
 * rows only where a vehicle can reach the taper, and a plan breaking the rule is refused.
 */
import fc from 'fast-check';
import type { Highs } from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import { chooseEngine } from '../../optimizer/engine.ts';
import { buildFormulation } from '../../optimizer/formulation.ts';
import { validatePlan } from '../../optimizer/plan-validator.ts';
import type { ChargeTaper, Problem } from '../../optimizer/problem.ts';
import { validateProblem } from '../../optimizer/problem-validation.ts';
import { resolveProblem } from '../../optimizer/resolved-problem.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { taperLimitKw, taperPrefixNonzeros } from '../../optimizer/taper-rows.ts';
import { chooseEnergyForm, maxPrefixNonzeros, prefixNonzeros } from '../../optimizer/energy-rows.ts';
import { aProblem, aVehicle, arbProblem } from './problem-builders.ts';
import { lpObjectiveInForm } from './lp-form-objective.ts';
import { atMost, expectGoodPlan, fcParams, relativelyEqual } from './solve-helpers.ts';

let highs: Highs;
beforeAll(async () => {
  highs = await loadHighs();
});

const taper: ChargeTaper = { startSoc: 0.8, endPowerFraction: 0.2, fullPowerKw: 11 };

/** One vehicle from 40 of 60 kWh to a full battery over 8 one-hour slots, prices falling: the plain LP charges late, into the taper. */
function lateCharger(withTaper: ChargeTaper | undefined): Problem {
  return aProblem({
    slotCount: 8,
    importPricePerKwh: [0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1],
    vehicles: [aVehicle({ departureSlot: 8, energyKwh: 40, targetEnergyKwh: 58, chargeEfficiency: 1, ...(withTaper ? { chargeTaper: withTaper } : {}) })],
  });
}

const arbTaperRecord = fc.record({
  startSoc: fc.integer({ min: 0, max: 95 }).map((x) => x / 100),
  endPowerFraction: fc.integer({ min: 0, max: 100 }).map((x) => x / 100),
  fullPowerKw: fc.integer({ min: 1, max: 50 }),
  checkAtSlotFraction: fc.constantFrom(undefined, 0, 0.5, 1),
  stepsPerSlot: fc.constantFrom(undefined, undefined, 1, 3),
});

/** `problem` with vehicle i given `tapers[i]` (none where undefined). */
function withTapers(
  problem: Problem,
  tapers: readonly ({ startSoc: number; endPowerFraction: number; fullPowerKw: number; checkAtSlotFraction: number | undefined; stepsPerSlot?: number | undefined } | undefined)[],
): Problem {
  return {
    ...problem,
    vehicles: problem.vehicles.map((v, i) => {
      const t = tapers[i];
      if (t === undefined) return v;
      const { checkAtSlotFraction, stepsPerSlot, ...rest } = t;
      return { ...v, chargeTaper: { ...rest, ...(checkAtSlotFraction !== undefined ? { checkAtSlotFraction } : {}), ...(stepsPerSlot !== undefined ? { stepsPerSlot } : {}) } };
    }),
  };
}

/** The largest stored energy after a slot of `dt` h from `e` kWh when each of `n` steps takes min(L, the taper at its start) (re-derived here). */
function steppedMaxKwh(t: ChargeTaper, capacityKwh: number, efficiency: number, dt: number, n: number, e: number): number {
  for (let i = 0; i < n; i++) {
    const kw = Math.min(t.fullPowerKw, t.fullPowerKw * (1 - ((1 - t.endPowerFraction) / (1 - t.startSoc)) * (e / capacityKwh - t.startSoc)));
    e += (efficiency * Math.max(0, kw) * dt) / n;
  }
  return e;
}

function lpObjective(problem: Problem, form: 'chain' | 'prefix'): number | undefined {
  return lpObjectiveInForm(highs, problem, form);
}

function solve(problem: Problem) {
  return solveWithBackend(problem, createHighsBackend(highs), { exactPolish: { maxVehicles: 0 } });
}

describe('charge taper rows', () => {
  it('the taper-aware plan keeps to the taper at the end of every slot; the plain plan does not (the validator says so)', () => {
    const plain = solve(lateCharger(undefined));
    expectGoodPlan(lateCharger(undefined), plain);
    const refused = validatePlan(lateCharger(taper), plain).filter((v) => v.code === 'V2G_PLAN_TAPER_LIMIT');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.vehicleId).toBe('ev-1');

    const aware = solve(lateCharger(taper));
    expectGoodPlan(lateCharger(taper), aware);
    expect(aware.stats.taperRows).toBeGreaterThan(0);
    expect(plain.stats.taperRows).toBeUndefined();
    const v = aware.vehicles[0]!;
    for (let t = 0; t < 8; t++) {
      const p = v.powerKw[t]!;
      if (p > 0) expect(p).toBeLessThanOrEqual(taperLimitKw(taper, v.energyKwh[t + 1]! / 60) + 1e-6);
    }
    expect(v.shortfallKwh).toBeLessThan(1e-6);
    expect(aware.cost.objective).toBeGreaterThan(plain.cost.objective);
  });

  it('checkAtSlotFraction 0 holds the limit at the slot start: looser than at its end', () => {
    const start = solve(lateCharger({ ...taper, checkAtSlotFraction: 0 }));
    const end = solve(lateCharger(taper));
    expectGoodPlan(lateCharger({ ...taper, checkAtSlotFraction: 0 }), start);
    expect(atMost(start.cost.objective, end.cost.objective)).toBe(true);
    const v = start.vehicles[0]!;
    for (let t = 0; t < 8; t++) {
      if (v.powerKw[t]! > 0) expect(v.powerKw[t]!).toBeLessThanOrEqual(taperLimitKw(taper, v.energyKwh[t]! / 60) + 1e-6);
    }
  });

  it('the stepped form charges exactly the largest slot averages of the steps (a car that cannot reach its target); the constant form less', () => {
    for (const [n, startKwh] of [[3, 40], [3, 47], [2, 50], [5, 44]] as const) {
      const stepped: ChargeTaper = { ...taper, stepsPerSlot: n };
      const problem = (t: ChargeTaper) =>
        aProblem({ slotCount: 6, slotHours: 0.25, importPricePerKwh: new Array<number>(6).fill(0.2), vehicles: [aVehicle({ departureSlot: 6, energyKwh: startKwh, capacityKwh: 60, targetEnergyKwh: 60, maxChargeKw: 11, chargeEfficiency: 0.95, chargeTaper: t })] });
      const plan = solve(problem(stepped));
      expectGoodPlan(problem(stepped), plan);
      let e: number = startKwh;
      for (let s = 0; s < 6; s++) {
        e = steppedMaxKwh(stepped, 60, 0.95, 0.25, n, e);
        expect(plan.vehicles[0]!.energyKwh[s + 1]).toBeCloseTo(e, 6);
      }
      const constant = solve(problem({ ...taper, checkAtSlotFraction: (n - 1) / n }));
      expect(constant.vehicles[0]!.energyKwh[6]!).toBeLessThan(e - 0.01);
      // A plan above the stepped limit is refused by the validator.
      const over = { ...plan, vehicles: plan.vehicles.map((v) => ({ ...v, powerKw: v.powerKw.map((p) => p * 1.01), energyKwh: v.energyKwh })) };
      expect(validatePlan(problem(stepped), over).some((issue) => issue.code === 'V2G_PLAN_TAPER_LIMIT')).toBe(true);
    }
  });

  it('adds no row for a vehicle that cannot reach the taper within its stay', () => {
    const low = aProblem({ vehicles: [aVehicle({ energyKwh: 0, targetEnergyKwh: 30, departureSlot: 4, maxChargeKw: 7, chargeTaper: { ...taper, fullPowerKw: 7 } })] });
    // 4 h x 7 kW x 0.95 = 26.6 kWh < 0.8 x 60: never in the taper.
    expect(buildFormulation(resolveProblem(low)).taperRows.rows).toBe(0);
    const high = aProblem({ vehicles: [aVehicle({ energyKwh: 40, targetEnergyKwh: 60, departureSlot: 4, maxChargeKw: 7, chargeTaper: { ...taper, fullPowerKw: 7 } })] });
    // 40 kWh + 6.65 kWh per slot passes 48 kWh in the second slot: rows from there on.
    expect(buildFormulation(resolveProblem(high)).taperRows.rows).toBe(3);
    // The chain form reads the start energy from one column: 2 nonzeros a row but the first slot's (1).
    expect(buildFormulation(resolveProblem(high), undefined, 'chain').taperRows.nonzeros).toBe(6);
    expect(buildFormulation(resolveProblem(high), undefined, 'prefix').taperRows.nonzeros).toBe(2 + 3 + 4);
  });

  it('a problem with a taper stays on the monolithic engine and says why', () => {
    const choice = chooseEngine(lateCharger(taper), 'decomposition');
    expect(choice.engine).toBe('monolithic');
    expect(choice.reason).toMatch(/charge-taper/);
  });

  it('a taper outside its ranges is refused with the field named', () => {
    const bad = lateCharger({ ...taper, startSoc: 1 });
    const result = validateProblem(bad);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toMatch(/vehicles\/0\/chargeTaper\/startSoc/);
  });

  it('property: on random problems with random tapers the plan is valid (taper rule included), never cheaper than without, and both energy forms agree', () => {
    const arbTaper = arbTaperRecord;
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 3, maxSlots: 8 }), fc.array(fc.option(arbTaper, { nil: undefined }), { minLength: 3, maxLength: 3 }), (problem, tapers) => {
        const tapered = withTapers(problem, tapers);
        const plain = solve(problem);
        const aware = solve(tapered);
        expectGoodPlan(tapered, aware);
        // The chain form's rows (one energy column) and the prefix form's (the prefix sum) are the same LP.
        const chain = lpObjective(tapered, 'chain');
        const prefix = lpObjective(tapered, 'prefix');
        expect(chain !== undefined && prefix !== undefined && relativelyEqual(chain, prefix, 1e-7, 1e-6), `chain ${chain} prefix ${prefix}`).toBe(true);
        // A restriction: never cheaper than the plain LP's bound.
        if (plain.stats.relaxationObjective !== undefined && aware.stats.relaxationObjective !== undefined) {
          expect(atMost(plain.stats.relaxationObjective, aware.stats.relaxationObjective, 1e-6)).toBe(true);
        }
      }),
      fcParams(16, 60),
    );
  });
  it('property: the taper rows\' prefix-form nonzeros are counted exactly as the model writes them', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 3, maxSlots: 10 }), fc.array(fc.option(arbTaperRecord, { nil: undefined }), { minLength: 3, maxLength: 3 }), (problem, tapers) => {
        const rp = resolveProblem(withTapers(problem, tapers));
        expect(taperPrefixNonzeros(rp)).toBe(buildFormulation(rp, undefined, 'prefix').taperRows.nonzeros);
      }),
      fcParams(17, 200),
    );
  });

  it('the energy form counts the taper rows: long tapered stays whose energy rows alone fit the prefix cap get the chain', () => {
    // 20 vehicles without V2G for 600 one-hour slots, full from slot 5 on: the prefix form's energy rows are one
    // target row each (~12 k nonzeros), but a taper row in every later slot sums all earlier powers (~3.6 M).
    const vehicles = Array.from({ length: 20 }, (_, i) => aVehicle({ id: `ev-${i}`, chargerId: `cp-${i}`, departureSlot: 600, targetEnergyKwh: 60 }));
    const plain = resolveProblem(aProblem({ slotCount: 600, vehicles }));
    const tapered = resolveProblem(aProblem({ slotCount: 600, vehicles: vehicles.map((v) => ({ ...v, chargeTaper: taper })) }));
    expect(prefixNonzeros(tapered)).toBeLessThan(maxPrefixNonzeros);
    expect(chooseEnergyForm(plain)).toBe('prefix');
    expect(prefixNonzeros(tapered) + taperPrefixNonzeros(tapered)).toBeGreaterThan(maxPrefixNonzeros);
    expect(chooseEnergyForm(tapered)).toBe('chain');
  });
});
