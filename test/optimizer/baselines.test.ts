import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baselineNames, runBaseline, type BaselineName } from '../../optimizer/baselines/index.ts';
import { waterLevelKw } from '../../optimizer/baselines/round-robin.ts';
import type { Plan } from '../../optimizer/plan.ts';
import { validatePlan } from '../../optimizer/plan-validator.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { resolveProblem } from '../../optimizer/resolved-problem.ts';
import { aProblem, aVehicle, arbProblem } from './problem-builders.ts';

const tol = 1e-6;

function run(name: BaselineName, problem: Problem): Plan {
  return runBaseline(name, resolveProblem(problem));
}

function powers(plan: Plan): number[][] {
  return plan.vehicles.map((v) => v.powerKw);
}

function expectPowers(plan: Plan, expected: number[][]): void {
  expect(plan.vehicles.length).toBe(expected.length);
  plan.vehicles.forEach((v, i) => {
    expected[i]!.forEach((kw, t) => expect(v.powerKw[t], `vehicle ${v.id} slot ${t}`).toBeCloseTo(kw, 9));
  });
}

/**
 * The golden problem: four 1-hour slots, 10 kW site limit, no base load, efficiency 1 (1 kW for an hour =
 * 1 kWh), prices 0.30 / 0.10 / 0.20 / 0.05.
 * - ev-a (index 0): plugged in over slots 1..2, needs 6 kWh, 8 kW.
 * - ev-b (index 1): plugged in over slots 0..3, needs 24 kWh, 8 kW.
 */
const golden: Problem = aProblem({
  slotCount: 4,
  slotHours: 1,
  importPricePerKwh: [0.3, 0.1, 0.2, 0.05],
  importLimitKw: [10, 10, 10, 10],
  vehicles: [
    aVehicle({ id: 'ev-a', chargerId: 'cp-a', arrivalSlot: 1, departureSlot: 3, energyKwh: 0, capacityKwh: 50, targetEnergyKwh: 6, maxChargeKw: 8, chargeEfficiency: 1 }),
    aVehicle({ id: 'ev-b', chargerId: 'cp-b', arrivalSlot: 0, departureSlot: 4, energyKwh: 0, capacityKwh: 50, targetEnergyKwh: 24, maxChargeKw: 8, chargeEfficiency: 1 }),
  ],
});

describe('baselines: golden cases on the 2-vehicle, 4-slot problem', () => {
  const expected: Record<BaselineName, { powers: number[][]; why: string }> = {
    // ev-b arrived first: 8 kW from slot 0; ev-a gets the 2 kW left in slots 1 and 2 and falls 2 kWh short.
    uncontrolled: { powers: [[0, 2, 2, 0], [8, 8, 8, 0]], why: 'first come first served' },
    // ev-a leaves first: it takes its 6 kWh in slot 1; ev-b gets 8, 4 (what is left), 8, 4.
    edf: { powers: [[0, 6, 0, 0], [8, 4, 8, 4]], why: 'ev-a has the earlier deadline' },
    // Slot 1: laxity ev-a = 2 - 6/8 = 1.25, ev-b = 3 - 16/8 = 1 -> ev-b first (8), ev-a 2.
    // Slot 2: ev-a = 1 - 4/8 = 0.5, ev-b = 2 - 8/8 = 1 -> ev-a first (4), ev-b 6. Slot 3: ev-b 2.
    llf: { powers: [[0, 2, 4, 0], [8, 8, 6, 2]], why: 'least laxity first' },
    // ev-a (leaves first) takes 6 in its last slot 2; ev-b fills backwards: 8 in slot 3, the 4 left in slot 2,
    // 8 in slot 1, the remaining 4 in slot 0.
    alap: { powers: [[0, 0, 6, 0], [4, 8, 4, 8]], why: 'as late as possible' },
    // Slot 1: 10 kW split 5 / 5. Slot 2: ev-a needs 1, ev-b takes 8 (the water level is above it). Slot 3: 3.
    'round-robin': { powers: [[0, 5, 1, 0], [8, 5, 8, 3]], why: 'equal share' },
    // ev-a picks slot 1 (0.10 < 0.20): 6. ev-b: slot 3 (0.05) 8, slot 1 (0.10) the 4 left, slot 2 (0.20) 8,
    // slot 0 (0.30) the remaining 4.
    'price-greedy': { powers: [[0, 6, 0, 0], [4, 4, 8, 8]], why: 'cheapest slots' },
  };

  it.each(baselineNames)('%s', (name) => {
    const plan = run(name, golden);
    expectPowers(plan, expected[name].powers);
    expect(validatePlan(golden, plan)).toEqual([]);
    expect(plan.status).toBe('feasible');
    expect(plan.stats.backend).toBe(name);
    expect(plan.stats.solveMs).toBeGreaterThanOrEqual(0);
  });

  it('shortfalls and costs follow from the powers', () => {
    expect(run('uncontrolled', golden).vehicles.map((v) => v.shortfallKwh)).toEqual([2, 0]);
    for (const name of ['edf', 'llf', 'alap', 'round-robin', 'price-greedy'] as const) {
      expect(run(name, golden).cost.shortfallKwh, name).toBeCloseTo(0, 9);
    }
    // price-greedy: 0.30 x 4 + 0.10 x 10 + 0.20 x 8 + 0.05 x 8 = 4.2; EDF: 2.4 + 1.0 + 1.6 + 0.2 = 5.2.
    expect(run('price-greedy', golden).cost.energyCost).toBeCloseTo(4.2, 9);
    expect(run('edf', golden).cost.energyCost).toBeCloseTo(5.2, 9);
  });
});

describe('baselines: hand-computed details', () => {
  it('the power that fills a gap accounts for slot length and efficiency', () => {
    // 4.5 kWh missing, 0.5 h slots, 90 % efficiency: 4.5 / (0.5 x 0.9) = 10 kW for one slot.
    const p = aProblem({
      slotHours: 0.5,
      vehicles: [aVehicle({ energyKwh: 20, targetEnergyKwh: 24.5, maxChargeKw: 11, chargeEfficiency: 0.9 })],
    });
    expectPowers(run('uncontrolled', p), [[10, 0, 0, 0]]);
    expectPowers(run('alap', p), [[0, 0, 0, 10]]);
    expectPowers(run('price-greedy', p), [[0, 0, 10, 0]]);
    for (const name of baselineNames) {
      const plan = run(name, p);
      expect(plan.vehicles[0]!.energyKwh[4], name).toBeCloseTo(24.5, 9);
      expect(validatePlan(p, plan)).toEqual([]);
    }
  });

  it('below the minimum power a vehicle charges at the minimum if it fits under the capacity, else not at all', () => {
    // 0.45 kWh missing needs 1 kW, below the 6 A x 3 x 230 V = 4.14 kW minimum: charge 4.14 kW once.
    const ac = { maxCurrentA: 16, minCurrentA: 6, phases: 3 as const, voltageV: 230 };
    const fits = aProblem({
      slotHours: 0.5,
      vehicles: [aVehicle({ energyKwh: 20, targetEnergyKwh: 20.45, maxChargeKw: undefined, acLimit: ac, chargeEfficiency: 0.9 })],
    });
    expectPowers(run('uncontrolled', fits), [[4.14, 0, 0, 0]]);
    expectPowers(run('alap', fits), [[0, 0, 0, 4.14]]);
    // Capacity 20.5 kWh leaves room for 0.5 / 0.45 = 1.11 kW only: no charging, 0.45 kWh short.
    const full = aProblem({
      slotHours: 0.5,
      vehicles: [aVehicle({ energyKwh: 20, capacityKwh: 20.5, targetEnergyKwh: 20.45, maxChargeKw: undefined, acLimit: ac, chargeEfficiency: 0.9 })],
    });
    for (const name of baselineNames) {
      const plan = run(name, full);
      expectPowers(plan, [[0, 0, 0, 0]]);
      expect(plan.vehicles[0]!.shortfallKwh).toBeCloseTo(0.45, 9);
    }
  });

  it('vehicles get nothing while the base load alone breaks the import limit, and the headroom elsewhere', () => {
    const p = aProblem({
      importLimitKw: [10, 10, 10, 10],
      baseLoadKw: [12, 4, 0, 0],
      vehicles: [aVehicle({ energyKwh: 0, targetEnergyKwh: 30, maxChargeKw: 11, chargeEfficiency: 1 })],
    });
    expectPowers(run('uncontrolled', p), [[0, 6, 10, 10]]);
    expectPowers(run('alap', p), [[0, 6, 10, 10]]);
    for (const name of baselineNames) expect(validatePlan(p, run(name, p))).toEqual([]);
  });

  it('PV adds headroom above the import limit', () => {
    const p = aProblem({
      importLimitKw: [2, 2, 2, 2],
      pvKw: [0, 5, 0, 0],
      vehicles: [aVehicle({ energyKwh: 0, targetEnergyKwh: 30, maxChargeKw: 11, chargeEfficiency: 1 })],
    });
    expectPowers(run('uncontrolled', p), [[2, 7, 2, 2]]);
  });

  it('round-robin serves fewer vehicles when an equal share is below the minimum, rotating by slot', () => {
    // 10 kW for three vehicles with a 4 kW minimum: 3.33 kW each is too little, so two get 5 kW each.
    const p = aProblem({
      importLimitKw: [10, 10, 10, 10],
      vehicles: [0, 1, 2].map((i) =>
        aVehicle({ id: `ev-${i}`, chargerId: `cp-${i}`, energyKwh: 0, targetEnergyKwh: 60, maxChargeKw: 11, minChargeKw: 4, chargeEfficiency: 1 }),
      ),
    });
    const plan = run('round-robin', p);
    expectPowers(plan, [
      [5, 0, 5, 5],
      [5, 5, 0, 5],
      [0, 5, 5, 0],
    ]);
    expect(validatePlan(p, plan)).toEqual([]);
  });

  it('round-robin gives headroom that capped vehicles leave to the others', () => {
    const p = aProblem({
      slotCount: 1,
      importLimitKw: [12],
      vehicles: [
        aVehicle({ id: 'ev-0', chargerId: 'cp-0', departureSlot: 1, energyKwh: 0, targetEnergyKwh: 2, maxChargeKw: 11, chargeEfficiency: 1 }),
        aVehicle({ id: 'ev-1', chargerId: 'cp-1', departureSlot: 1, energyKwh: 0, targetEnergyKwh: 60, maxChargeKw: 3, chargeEfficiency: 1 }),
        aVehicle({ id: 'ev-2', chargerId: 'cp-2', departureSlot: 1, energyKwh: 0, targetEnergyKwh: 60, maxChargeKw: 11, chargeEfficiency: 1 }),
      ],
    });
    // Level: ev-0 needs 2, ev-1 is capped at 3, ev-2 takes the 7 left.
    expectPowers(run('round-robin', p), [[2], [3], [7]]);
    expect(waterLevelKw([2, 3, 11], 12)).toBe(7);
    expect(waterLevelKw([2, 3], 12)).toBe(Infinity);
    expect(waterLevelKw([5, 5], 6)).toBe(3);
  });

  it('a departure after the horizon needs only what cannot be charged afterwards', () => {
    // Target 40 kWh from 10, leaves at slot 6 of 4: 2 more slots at 11 kW x 0.95 = 20.9 kWh, so 19.1 by the end.
    const p = aProblem({ vehicles: [aVehicle({ departureSlot: 6, targetEnergyKwh: 40 })] });
    const required = 40 - 11 * 0.95 * 2;
    expectPowers(run('alap', p), [[0, 0, 0, (required - 10) / 0.95]]);
    for (const name of baselineNames) {
      const plan = run(name, p);
      expect(plan.vehicles[0]!.energyKwh[4], name).toBeCloseTo(required, 9);
      expect(plan.vehicles[0]!.shortfallKwh).toBe(0);
    }
  });
});

describe('baselines: properties', () => {
  const everything = arbProblem({ maxVehicles: 6, maxSlots: 16 });
  const noMinPower = arbProblem({ maxVehicles: 5, maxSlots: 12, minPower: false });
  const unlimitedNoMin = arbProblem({ maxVehicles: 5, maxSlots: 12, minPower: false, importLimit: false });

  it('every baseline plan passes the validator, never discharges and keeps energy within its bounds', () => {
    fc.assert(
      fc.property(everything, (p) => {
        const rp = resolveProblem(p);
        for (const name of baselineNames) {
          const plan = runBaseline(name, rp);
          expect(validatePlan(p, plan), name).toEqual([]);
          for (const v of plan.vehicles) for (const kw of v.powerKw) expect(kw).toBeGreaterThanOrEqual(0);
          // Charging stops at the requirement: at most one minimum-power slot's worth above it.
          rp.vehicles.forEach((v, i) => {
            const end = plan.vehicles[i]!.energyKwh[rp.slotCount]!;
            const topUp = rp.slotHours * v.chargeEfficiency * v.minChargeKw;
            expect(end).toBeLessThanOrEqual(Math.max(v.requiredEnergyKwh, v.initialEnergyKwh) + topUp + tol);
          });
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('every baseline is deterministic', () => {
    fc.assert(
      fc.property(everything, (p) => {
        for (const name of baselineNames) expect(powers(run(name, p))).toEqual(powers(run(name, p)));
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  it('without minimum powers, charging never goes past the required energy', () => {
    fc.assert(
      fc.property(noMinPower, (p) => {
        const rp = resolveProblem(p);
        for (const name of baselineNames) {
          const plan = runBaseline(name, rp);
          rp.vehicles.forEach((v, i) => {
            const end = plan.vehicles[i]!.energyKwh[rp.slotCount]!;
            expect(end).toBeLessThanOrEqual(Math.max(v.requiredEnergyKwh, v.initialEnergyKwh) + tol);
          });
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('with one vehicle, uncontrolled, EDF, LLF and round-robin are the same plan', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 1, maxSlots: 16 }), (p) => {
        const reference = powers(run('uncontrolled', p));
        for (const name of ['edf', 'llf', 'round-robin'] as const) expect(powers(run(name, p)), name).toEqual(reference);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('without a site limit or minimum powers, every baseline leaves each vehicle exactly as short as uncontrolled', () => {
    fc.assert(
      fc.property(unlimitedNoMin, (p) => {
        const reference = run('uncontrolled', p).vehicles.map((v) => v.shortfallKwh);
        for (const name of baselineNames) {
          run(name, p).vehicles.forEach((v, i) => expect(v.shortfallKwh, `${name} ${v.id}`).toBeCloseTo(reference[i]!, 6));
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('without a site limit or minimum powers, uncontrolled is ahead of and ALAP behind every baseline at every slot', () => {
    fc.assert(
      fc.property(unlimitedNoMin, (p) => {
        const plans = Object.fromEntries(baselineNames.map((n) => [n, run(n, p)])) as Record<BaselineName, Plan>;
        for (const name of baselineNames) {
          plans[name].vehicles.forEach((v, i) => {
            v.energyKwh.forEach((e, t) => {
              expect(e).toBeLessThanOrEqual(plans.uncontrolled.vehicles[i]!.energyKwh[t]! + tol);
              expect(e).toBeGreaterThanOrEqual(plans.alap.vehicles[i]!.energyKwh[t]! - tol);
            });
          });
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('uncontrolled, EDF, LLF and round-robin are work-conserving: a vehicle waits only when the site is full', () => {
    fc.assert(
      fc.property(noMinPower, (p) => {
        const rp = resolveProblem(p);
        for (const name of ['uncontrolled', 'edf', 'llf', 'round-robin'] as const) {
          const plan = runBaseline(name, rp);
          for (let t = 0; t < rp.slotCount; t++) {
            const siteFull = plan.site.importKw[t]! >= rp.importLimitKw[t]! - tol;
            rp.vehicles.forEach((v, i) => {
              const kw = plan.vehicles[i]!.powerKw[t]!;
              const after = plan.vehicles[i]!.energyKwh[t + 1]!;
              const heldBack = t >= v.arrivalSlot && t < v.endSlot && kw < v.maxChargeKw[t]! - tol && after < v.requiredEnergyKwh - tol;
              if (heldBack) expect(siteFull, `${name} ${v.id} slot ${t}`).toBe(true);
            });
          }
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('price-greedy never pays more for energy than uncontrolled without a site limit, PV or minimum powers', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 5, maxSlots: 12, minPower: false, importLimit: false, pv: false }), (p) => {
        const greedy = run('price-greedy', p).cost.energyCost;
        const uncontrolled = run('uncontrolled', p).cost.energyCost;
        expect(greedy).toBeLessThanOrEqual(uncontrolled + tol * (1 + Math.abs(uncontrolled)));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('with no site limit and enough time every baseline meets every target', () => {
    // Long stays, plenty of power, a reachable target for every vehicle.
    const roomy = arbProblem({ maxVehicles: 5, maxSlots: 12, minPower: false, importLimit: false }).map(
      (p): Problem => ({
        ...p,
        vehicles: p.vehicles.map(({ acLimit: _ignored, ...v }) => ({
          ...v,
          arrivalSlot: 0,
          departureSlot: p.slotCount,
          maxChargeKw: 22,
          // Efficiency >= 0.8, so this is always reachable at 22 kW.
          targetEnergyKwh: Math.min(v.capacityKwh, v.energyKwh + 0.8 * 22 * p.slotHours * p.slotCount),
        })),
      }),
    );
    fc.assert(
      fc.property(roomy, (p) => {
        for (const name of baselineNames) expect(run(name, p).cost.shortfallKwh, name).toBeCloseTo(0, 6);
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});

describe('baselines: scale', () => {
  it('handle 500 vehicles over 96 slots with a binding site limit', () => {
    const T = 96;
    const p: Problem = aProblem({
      slotCount: T,
      slotHours: 0.25,
      importLimitKw: Array.from({ length: T }, () => 400),
      baseLoadKw: Array.from({ length: T }, (_, t) => 100 + 50 * Math.sin(t / 10)),
      vehicles: Array.from({ length: 500 }, (_, i) =>
        aVehicle({
          id: `ev-${i}`,
          chargerId: `cp-${i}`,
          arrivalSlot: i % 40,
          departureSlot: 50 + (i % 46),
          energyKwh: 10 + (i % 20),
          capacityKwh: 60,
          targetEnergyKwh: 50,
          maxChargeKw: 11,
          minChargeKw: i % 3 === 0 ? 4.14 : 0,
        }),
      ),
    });
    for (const name of baselineNames) {
      const plan = run(name, p);
      expect(validatePlan(p, plan), name).toEqual([]);
      // Every vehicle is planned; how fast is measured in bench/solve-bench.ts, not bounded here (a loaded machine is slower, never wrong).
      expect(plan.vehicles, name).toHaveLength(500);
    }
  });
});
