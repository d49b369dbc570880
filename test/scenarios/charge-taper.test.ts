/**
 * Taper-aware planning (scenarios/charge-taper.ts): a plan made with the physics' taper as rows is what the
 * physics delivers (replayed energy = planned energy, slot by slot), where a plan without them is not; the
 * MPC policies label their runs.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import type { Plan } from '../../optimizer/plan.ts';
import { validatePlan } from '../../optimizer/plan-validator.ts';
import type { Problem, Vehicle } from '../../optimizer/problem.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { chargeTaperOf, physicsHasTaper, withChargeTaper } from '../../scenarios/charge-taper.ts';
import { eventTriggeredController, mpcEventsOptions } from '../../scenarios/event-mpc.ts';
import { mpcController } from '../../scenarios/policies.ts';
import type { PhysicsModel } from '../../scenarios/replay-inputs.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { applySetpoint } from '../../scenarios/vehicle-physics.ts';
import type { RecordedRun } from '../../scenarios/capacity-slack.ts';
import { applySweepValue } from '../../scenarios/sweep-plan.ts';
import { runSweepTask, type RollingRunStore } from '../../scenarios/sweep-task.ts';
import { demoInputs, demoScenario, highsBackend, steppingClock } from './scenario-test-helpers.ts';

let backend: LpBackend;
beforeAll(async () => {
  backend = await highsBackend();
});

const physics = (substepsPerSlot: number): PhysicsModel => ({ chargeEfficiency: 0.95, dischargeEfficiency: 0.95, taperStartSoc: 0.8, taperEndPowerFraction: 0.2, substepsPerSlot });

/** Largest |replayed - planned| energy over every vehicle and slot (kWh): the plan's setpoints through the physics. */
function replayGapKwh(problem: Problem, plan: Plan, model: PhysicsModel): number {
  let worst = 0;
  problem.vehicles.forEach((v, i) => {
    const planned = plan.vehicles[i]!;
    const limitKw = v.maxChargeKw as number;
    let e = v.energyKwh;
    for (let t = v.arrivalSlot; t < Math.min(v.departureSlot, problem.slotCount); t++) {
      e = applySetpoint(e, v.capacityKwh, planned.powerKw[t]!, limitKw, problem.slotHours, model.substepsPerSlot, model).energyKwh;
      worst = Math.max(worst, Math.abs(e - planned.energyKwh[t + 1]!));
    }
  });
  return worst;
}

/** Falling prices over `slots` 5-minute slots: a cost-minimising plan charges late, into the taper. */
function problemOf(vehicles: Vehicle[], slots: number): Problem {
  return { slotCount: slots, slotHours: 5 / 60, importPricePerKwh: Array.from({ length: slots }, (_, t) => 0.5 - (0.4 * t) / slots), vehicles };
}

describe('taper-aware planning', () => {
  it('only when the physics tapers', () => {
    expect(physicsHasTaper(physics(1))).toBe(true);
    expect(physicsHasTaper({ ...physics(1), taperStartSoc: 1 })).toBe(false);
    expect(physicsHasTaper({ ...physics(1), taperEndPowerFraction: 1 })).toBe(false);
    const p = problemOf([{ id: 'a', chargerId: 'c', arrivalSlot: 0, departureSlot: 4, energyKwh: 40, capacityKwh: 50, targetEnergyKwh: 48, maxChargeKw: 6.6 }], 4);
    expect(withChargeTaper(p, { ...physics(1), taperStartSoc: 1 })).toBe(p);
    expect(withChargeTaper(p, physics(3)).vehicles[0]!.chargeTaper).toEqual({ startSoc: 0.8, endPowerFraction: 0.2, fullPowerKw: 6.6, checkAtSlotFraction: 2 / 3 });
  });

  it('a taper-aware plan is what the physics delivers; the plain plan is not (one vehicle charging into the taper)', () => {
    const v: Vehicle = { id: 'a', chargerId: 'c', arrivalSlot: 0, departureSlot: 36, energyKwh: 36, capacityKwh: 50, targetEnergyKwh: 48, maxChargeKw: 6.6, chargeEfficiency: 0.95 };
    const plain = problemOf([v], 36);
    const aware = withChargeTaper(plain, physics(1));
    const plainPlan = solveWithBackend(plain, backend);
    const awarePlan = solveWithBackend(aware, backend);
    expect(validatePlan(aware, awarePlan)).toEqual([]);
    expect(replayGapKwh(plain, plainPlan, physics(1))).toBeGreaterThan(0.05);
    expect(replayGapKwh(aware, awarePlan, physics(1))).toBeLessThan(1e-6);
    expect(awarePlan.vehicles[0]!.shortfallKwh).toBeLessThan(1e-6);
  });

  it('property: random vehicles, 1 or 3 physics steps per slot: replayed energy = planned energy within 1e-6 kWh', () => {
    const arbVehicle = (i: number, slots: number) =>
      fc
        .record({
          arrivalSlot: fc.integer({ min: 0, max: slots - 1 }),
          stay: fc.integer({ min: 1, max: slots }),
          capacityKwh: fc.integer({ min: 10, max: 100 }),
          energyShare: fc.integer({ min: 0, max: 100 }),
          targetShare: fc.integer({ min: 0, max: 100 }),
          maxChargeKw: fc.integer({ min: 13, max: 220 }).map((x) => x / 10),
        })
        .map((r): Vehicle => ({
          id: `v${i}`,
          chargerId: `c${i}`,
          arrivalSlot: r.arrivalSlot,
          departureSlot: r.arrivalSlot + r.stay,
          capacityKwh: r.capacityKwh,
          energyKwh: (r.capacityKwh * r.energyShare) / 100,
          targetEnergyKwh: (r.capacityKwh * r.targetShare) / 100,
          maxChargeKw: r.maxChargeKw,
          chargeEfficiency: 0.95,
        }));
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 30 }).chain((slots) => fc.tuple(fc.constant(slots), fc.tuple(arbVehicle(0, slots), arbVehicle(1, slots), arbVehicle(2, slots)), fc.constantFrom(1, 3), fc.integer({ min: 5, max: 40 }))),
        ([slots, vehicles, steps, limitKw]) => {
          const problem = withChargeTaper({ ...problemOf([...vehicles], slots), importLimitKw: new Array<number>(slots).fill(limitKw) }, physics(steps));
          const plan = solveWithBackend(problem, backend, { exactPolish: { maxVehicles: 0 } });
          expect(validatePlan(problem, plan)).toEqual([]);
          expect(replayGapKwh(problem, plan, physics(steps))).toBeLessThan(1e-6);
        },
      ),
      { seed: 16, numRuns: 60 },
    );
  });

  it('mpc-events (taperAware by default) and mpc with taperAware say so in the run notes; without it they do not', () => {
    const inputs = demoInputs();
    expect(physicsHasTaper(inputs.physics)).toBe(true);
    const solver = { backend };
    expect(eventTriggeredController(inputs, solver).notes?.[0]).toMatch(/taper-aware planning on/);
    // (mpc-events' other notes, the late-charge guard's and margin's, stay: late-charge-guard.test.ts, late-charge-margin.test.ts)
    expect(eventTriggeredController(inputs, solver, { ...mpcEventsOptions, taperAware: false }).notes?.some((n) => /taper-aware planning on/.test(n))).toBe(false);
    expect(eventTriggeredController(inputs, solver, { variant: mpcEventsOptions.variant, demandCharge: mpcEventsOptions.demandCharge }).notes).toBeUndefined();
    expect(mpcController(inputs, solver, { ...mpcEventsOptions, taperAware: true }).notes?.[0]).toMatch(/taper-aware planning on/);
    const result = runReplay(inputs, 'mpc-events', { solver, clock: () => 0 });
    expect(result.notes.some((n) => /taper-aware planning on/.test(n))).toBe(true);
  });

  it('a sweep run of mpc-events says so, and so does a run reused from it at a higher capacity', { timeout: 60_000 }, () => {
    const base = demoScenario({ period: { start: '2023-07-03T00:00:00+02:00', end: '2023-07-04T00:00:00+02:00' } });
    const kept: RecordedRun[] = [];
    const store = (capacity: number): RollingRunStore => ({ lower: () => kept.filter((k) => k.capacity < capacity).at(-1), keep: (r) => kept.push(r) });
    const runAt = (capacity: number) =>
      runSweepTask({ index: 0, scenarioName: base.name, value: capacity, seed: 1, policy: 'mpc-events', scenario: applySweepValue(base, 'capacity', capacity) }, new Map(), { backend }, 'highs', steppingClock(), undefined, store(capacity));
    const fresh = runAt(400);
    const reused = runAt(800);
    expect(reused.provenance.capacity?.reusedFromCapacity).toBe(400);
    for (const run of [fresh, reused]) {
      expect(run.provenance.notes.some((n) => /taper-aware planning on/.test(n))).toBe(true);
      expect(run.provenance.solver).toMatch(/^highs, taper-aware planning \(stepped\), late-charge guard, delivery first under congestion( \(re-solved at \d+ of \d+ decisions\))?, billing-peak estimate(;|$)/);
      expect(run.provenance.notes.some((n) => /^late-charge guard on:/.test(n))).toBe(true);
    }
  });

  it('chargeTaperOf checks a one-step physics at the slot start', () => {
    expect(chargeTaperOf(physics(1), 7).checkAtSlotFraction).toBe(0);
  });
});
