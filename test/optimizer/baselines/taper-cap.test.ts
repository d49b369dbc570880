/**
 * Baselines keep the charge taper (optimizer/baselines/taper-cap.ts; scenarios/MPC.md, "Taper-aware baselines"): on a
 * taper-aware problem every baseline plan passes the validator, so the solve keeps it as a candidate and never returns
 * a plan costing more than it. Before, a baseline that charged at the charger limit in a tapered slot was refused, and
 * the MPC's congested decisions on the Caltech week returned the LP repair's plan although LLF's delivered more.
 */
import fc from 'fast-check';
import type { Highs } from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import { baselineNames, runBaseline } from '../../../optimizer/baselines/index.ts';
import { taperCapKw } from '../../../optimizer/baselines/taper-cap.ts';
import { validatePlan } from '../../../optimizer/plan-validator.ts';
import { taperLimitAtKw } from '../../../optimizer/plan-validator-taper.ts';
import type { ChargeTaper, Problem } from '../../../optimizer/problem.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import { solveWithBackend } from '../../../optimizer/solve-problem.ts';
import { aProblem, aVehicle, arbProblem } from '../problem-builders.ts';
import { fcParams } from '../solve-helpers.ts';

const arbTaper: fc.Arbitrary<ChargeTaper> = fc
  .record({
    startSoc: fc.integer({ min: 0, max: 95 }).map((x) => x / 100),
    endPowerFraction: fc.integer({ min: 0, max: 100 }).map((x) => x / 100),
    fullPowerKw: fc.integer({ min: 1, max: 50 }),
    checkAtSlotFraction: fc.constantFrom(undefined, 0, 0.5, 1),
    stepsPerSlot: fc.constantFrom(undefined, undefined, 1, 3),
  })
  .map(({ checkAtSlotFraction, stepsPerSlot, ...rest }) => ({
    ...rest,
    ...(checkAtSlotFraction !== undefined ? { checkAtSlotFraction } : {}),
    ...(stepsPerSlot !== undefined ? { stepsPerSlot } : {}),
  }));

/** `problem` with vehicle i given `tapers[i]` (none where undefined). */
function withTapers(problem: Problem, tapers: readonly (ChargeTaper | undefined)[]): Problem {
  return { ...problem, vehicles: problem.vehicles.map((v, i) => (tapers[i] === undefined ? v : { ...v, chargeTaper: tapers[i] })) };
}

const taperRefusals = (problem: Problem, plan: ReturnType<typeof runBaseline>) => validatePlan(problem, plan).filter((v) => v.code === 'V2G_PLAN_TAPER_LIMIT');

describe('taper cap of the baselines', () => {
  it('property: the cap is the largest power the validator\'s taper rule accepts from the slot start energy', () => {
    fc.assert(
      fc.property(arbTaper, fc.integer({ min: 10, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0.25, 0.5, 1), (taper, capacityKwh, share, slotHours) => {
        const kwhPerKw = slotHours * 0.95;
        const startKwh = share * capacityKwh;
        const capKw = taperCapKw(taper, startKwh, capacityKwh, kwhPerKw);
        const v = aVehicle({ capacityKwh, chargeTaper: taper });
        const limit = (p: number) => taperLimitAtKw(v, startKwh, p * kwhPerKw, kwhPerKw)!;
        expect(capKw).toBeGreaterThanOrEqual(0);
        if (capKw > 0) expect(capKw).toBeLessThanOrEqual(limit(capKw) + 1e-9);
        // Tight: a little more is refused.
        expect(capKw + 1e-3).toBeGreaterThan(limit(capKw + 1e-3));
        // Decreasing in the start energy.
        expect(taperCapKw(taper, Math.min(capacityKwh, startKwh + 1), capacityKwh, kwhPerKw)).toBeLessThanOrEqual(capKw + 1e-12);
      }),
      fcParams(131, 500),
    );
  });

  it('no taper: no cap', () => {
    expect(taperCapKw(undefined, 50, 60, 0.25)).toBe(Infinity);
  });

  it('a car filling into its taper: LLF slows down slot by slot and is valid; at the charger limit it would be refused', () => {
    const taper: ChargeTaper = { startSoc: 0.8, endPowerFraction: 0.2, fullPowerKw: 11, stepsPerSlot: 3 };
    const problem = aProblem({ slotCount: 8, slotHours: 0.25, importPricePerKwh: new Array<number>(8).fill(0.2), vehicles: [aVehicle({ departureSlot: 8, energyKwh: 44, capacityKwh: 60, targetEnergyKwh: 60, maxChargeKw: 11, chargeEfficiency: 0.95, chargeTaper: taper })] });
    const plan = runBaseline('llf', resolveProblem(problem));
    expect(validatePlan(problem, plan)).toEqual([]);
    const kw = plan.vehicles[0]!.powerKw;
    expect(kw[0]).toBeCloseTo(11, 9);
    for (let t = 1; t < 8; t++) expect(kw[t]!).toBeLessThan(kw[t - 1]! + 1e-12);
    expect(kw[7]!).toBeLessThan(11 * 0.6);
    // The same powers without the cap (the charger limit throughout) break the taper.
    const { chargeTaper: _t, ...plain } = problem.vehicles[0]!;
    const uncapped = runBaseline('llf', resolveProblem({ ...problem, vehicles: [plain] }));
    expect(taperRefusals(problem, uncapped).length).toBeGreaterThan(0);
  });

  it('property: on random problems with random tapers every baseline plan passes the validator', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 5, maxSlots: 12 }), fc.array(fc.option(arbTaper, { nil: undefined }), { minLength: 5, maxLength: 5 }), (problem, tapers) => {
        const tapered = withTapers(problem, tapers);
        const rp = resolveProblem(tapered);
        for (const name of baselineNames) expect(validatePlan(tapered, runBaseline(name, rp)), name).toEqual([]);
      }),
      fcParams(132, 300),
    );
  });

  it('property (metamorphic): a baseline whose plan without the taper already keeps it plans the same with it', () => {
    let kept = 0;
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 5, maxSlots: 12 }), fc.array(fc.option(arbTaper, { nil: undefined }), { minLength: 5, maxLength: 5 }), (problem, tapers) => {
        const tapered = withTapers(problem, tapers);
        const plainRp = resolveProblem(problem);
        const taperedRp = resolveProblem(tapered);
        for (const name of baselineNames) {
          const plain = runBaseline(name, plainRp);
          if (taperRefusals(tapered, plain).length > 0) continue;
          kept++;
          expect(runBaseline(name, taperedRp).vehicles.map((v) => v.powerKw), name).toEqual(plain.vehicles.map((v) => v.powerKw));
        }
      }),
      fcParams(134, 200),
    );
    expect(kept).toBeGreaterThan(100);
  });
});

describe('the solve with taper-aware baselines', () => {
  let highs: Highs;
  beforeAll(async () => {
    highs = await loadHighs();
  });

  it('property: on random tapered problems the returned plan never costs more than any baseline (each is a valid candidate)', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 3, maxSlots: 8 }), fc.array(fc.option(arbTaper, { nil: undefined }), { minLength: 3, maxLength: 3 }), (problem, tapers) => {
        const tapered = withTapers(problem, tapers);
        const plan = solveWithBackend(tapered, createHighsBackend(highs), { exactPolish: { maxVehicles: 0 } });
        const rp = resolveProblem(tapered);
        for (const name of baselineNames) {
          const objective = runBaseline(name, rp).cost.objective;
          expect(plan.cost.objective, name).toBeLessThanOrEqual(objective + 1e-9 * Math.max(1, Math.abs(objective)));
        }
      }),
      fcParams(133, 60),
    );
  });
});
