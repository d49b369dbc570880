import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemblePlan, emptyStats } from '../../optimizer/plan-assembly.ts';
import type { Plan } from '../../optimizer/plan.ts';
import { validatePlan, type PlanViolation } from '../../optimizer/plan-validator.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { validateProblem } from '../../optimizer/problem-validation.ts';
import { resolveProblem } from '../../optimizer/resolved-problem.ts';
import { aProblem, aVehicle, arbProblem } from './problem-builders.ts';

/**
 * Two vehicles, four half-hour slots.
 * - ev-1: slots 0..2, 28 of 40 kWh, target 38, 11 kW (and 16 A x 3 x 230 V = 11.04 kW), minimum 6 A = 4.14 kW,
 *   charge efficiency 0.9, no V2G.
 * - ev-2: slots 1..5 (leaves 2 slots after the horizon), 30 of 50 kWh, reserve 20, target 45, per-slot limit
 *   7 / 7 / 7 / 3.6 kW, V2G up to 7 kW (minimum 2 kW), discharge efficiency 0.9, degradation 0.02 per kWh.
 * - site: base 4 kW, PV 3 kW in slot 2, import limit 20 kW, export limit 5 kW, demand charge 10 per kW over
 *   slots 0..2 with an earlier peak of 15 kW. PV is not curtailable here (the curtailment cases use a copy
 *   with `pvCurtailable: true`).
 */
const problem: Problem = aProblem({
  slotCount: 4,
  slotHours: 0.5,
  importPricePerKwh: [0.3, 0.2, 0.1, 0.25],
  exportPricePerKwh: [0.05, 0.05, 0.05, 0.05],
  importLimitKw: [20, 20, 20, 20],
  exportLimitKw: [5, 5, 5, 5],
  baseLoadKw: [4, 4, 4, 4],
  pvKw: [0, 0, 3, 0],
  pvCurtailable: false,
  demandCharge: { pricePerKw: 10, previousPeakKw: 15, appliesToSlot: [true, true, true, false] },
  vehicles: [
    aVehicle({
      id: 'ev-1',
      chargerId: 'cp-1',
      arrivalSlot: 0,
      departureSlot: 3,
      energyKwh: 28,
      capacityKwh: 40,
      targetEnergyKwh: 38,
      maxChargeKw: 11,
      acLimit: { maxCurrentA: 16, minCurrentA: 6, phases: 3, voltageV: 230 },
      chargeEfficiency: 0.9,
    }),
    aVehicle({
      id: 'ev-2',
      chargerId: 'cp-2',
      arrivalSlot: 1,
      departureSlot: 6,
      energyKwh: 30,
      capacityKwh: 50,
      minEnergyKwh: 20,
      targetEnergyKwh: 45,
      maxChargeKw: [7, 7, 7, 3.6],
      v2gAllowed: true,
      maxDischargeKw: 7,
      minDischargeKw: 2,
      dischargeEfficiency: 0.9,
      degradationCostPerKwh: 0.02,
    }),
  ],
});

const goodPowers = [
  [11, 8, 0, 0],
  [0, 7, -5, 3.6],
];

function planFor(p: Problem, powerKw: readonly (readonly number[])[]): Plan {
  return assemblePlan(resolveProblem(p), { status: 'feasible', powerKw, stats: emptyStats('edf') });
}

/** A deep copy to corrupt by hand. */
function copy(plan: Plan): Plan {
  return structuredClone(plan);
}

function withPower(vehicle: number, slot: number, kw: number): number[][] {
  const out = goodPowers.map((row) => [...row]);
  out[vehicle]![slot] = kw;
  return out;
}

function codes(violations: readonly PlanViolation[]): string[] {
  return [...new Set(violations.map((v) => v.code))].sort();
}

describe('validatePlan on a hand-built plan', () => {
  it('the hand-chosen problem is valid', () => {
    expect(validateProblem(problem)).toMatchObject({ ok: true });
  });

  it('accepts the correct plan, whose numbers match a hand computation', () => {
    const plan = planFor(problem, goodPowers);
    expect(validatePlan(problem, plan)).toEqual([]);
    // ev-1: 28 + 0.5 x 0.9 x 11 = 32.95, + 0.5 x 0.9 x 8 = 36.55; shortfall 38 - 36.55 = 1.45.
    expect(plan.vehicles[0]!.energyKwh[3]).toBeCloseTo(36.55, 9);
    expect(plan.vehicles[0]!.shortfallKwh).toBeCloseTo(1.45, 9);
    // ev-2: 30 + 0.5 x 0.95 x 7 - 5 x 0.5 / 0.9 + 0.5 x 0.95 x 3.6; required 45 - 3.6 x 0.95 x 0.5 x 2 = 41.58.
    const ev2End = 30 + 3.325 - 2.5 / 0.9 + 1.71;
    expect(plan.vehicles[1]!.energyKwh[4]).toBeCloseTo(ev2End, 9);
    expect(plan.vehicles[1]!.shortfallKwh).toBeCloseTo(41.58 - ev2End, 9);
    // Site: 15, 19, -4 (export), 7.6; peak over slots 0..2 = 19.
    [15, 19, 0, 7.6].forEach((kw, t) => expect(plan.site.importKw[t]).toBeCloseTo(kw, 9));
    [0, 0, 4, 0].forEach((kw, t) => expect(plan.site.exportKw[t]).toBeCloseTo(kw, 9));
    expect(plan.site.peakImportKw).toBe(19);
    expect(plan.cost.demandCharge).toBeCloseTo(40, 9);
  });

  it('accepts a plan whose import excess comes from the base load alone while the vehicles idle', () => {
    const p = { ...problem, baseLoadKw: [4, 4, 4, 25] };
    const plan = planFor(p, withPower(1, 3, 0));
    expect(plan.site.importExcessKw[3]).toBe(5);
    expect(validatePlan(p, plan)).toEqual([]);
  });

  it('accepts an empty fleet and an idle plan', () => {
    const p = aProblem({ vehicles: [] });
    expect(validatePlan(p, planFor(p, []))).toEqual([]);
    expect(validatePlan(problem, planFor(problem, [[0, 0, 0, 0], [0, 0, 0, 0]]))).toEqual([]);
  });

  it('honours the tolerance option', () => {
    const plan = planFor(problem, withPower(0, 0, 11 + 1e-5));
    expect(codes(validatePlan(problem, plan))).toEqual(['V2G_PLAN_CHARGE_LIMIT']);
    expect(validatePlan(problem, plan, { toleranceAbs: 1e-4 })).toEqual([]);
  });
});

describe('validatePlan catches each corruption', () => {
  const acTighter: Problem = { ...problem, vehicles: [{ ...problem.vehicles[0]!, maxChargeKw: 22 }, problem.vehicles[1]!] };
  const belowReserve: Problem = { ...problem, vehicles: [problem.vehicles[0]!, { ...problem.vehicles[1]!, energyKwh: 19 }] };
  const highMinimum: Problem = { ...problem, vehicles: [problem.vehicles[0]!, { ...problem.vehicles[1]!, minChargeKw: 5 }] };
  const cases: {
    name: string;
    /** The problem to validate against (default: the hand-built one). */
    problem?: Problem;
    plan: () => Plan;
    code: string;
    vehicleId?: string;
    slot?: number;
    only?: boolean;
    message?: RegExp;
  }[] = [
    {
      name: 'power over the charge limit',
      plan: () => planFor(problem, withPower(0, 0, 11.5)),
      code: 'V2G_PLAN_CHARGE_LIMIT',
      vehicleId: 'ev-1',
      slot: 0,
      only: true,
      message: /^vehicle ev-1 slot 0: 11\.5 kW above charge limit 11 kW$/,
    },
    {
      name: 'power over the AC limit when it is the tighter one',
      problem: acTighter,
      plan: () => planFor(acTighter, withPower(0, 0, 11.1)),
      code: 'V2G_PLAN_CHARGE_LIMIT',
      vehicleId: 'ev-1',
      slot: 0,
      message: /above charge limit 11\.04 kW/,
    },
    {
      name: 'power over a per-slot charge limit',
      plan: () => planFor(problem, withPower(1, 3, 5)),
      code: 'V2G_PLAN_CHARGE_LIMIT',
      vehicleId: 'ev-2',
      slot: 3,
      only: true,
    },
    {
      name: 'power outside the stay',
      plan: () => planFor(problem, withPower(0, 3, 5)),
      code: 'V2G_PLAN_POWER_OUTSIDE_STAY',
      vehicleId: 'ev-1',
      slot: 3,
      only: true,
    },
    {
      name: 'power before arrival',
      plan: () => planFor(problem, withPower(1, 0, 2)),
      code: 'V2G_PLAN_POWER_OUTSIDE_STAY',
      vehicleId: 'ev-2',
      slot: 0,
      only: true,
    },
    {
      name: 'discharge without V2G',
      plan: () => planFor(problem, withPower(0, 1, -3)),
      code: 'V2G_PLAN_DISCHARGE_NOT_ALLOWED',
      vehicleId: 'ev-1',
      slot: 1,
      only: true,
      message: /V2G not allowed/,
    },
    {
      name: 'discharge of a vehicle that arrived below its reserve',
      problem: belowReserve,
      plan: () => planFor(belowReserve, goodPowers),
      code: 'V2G_PLAN_DISCHARGE_NOT_ALLOWED',
      vehicleId: 'ev-2',
      slot: 2,
      message: /below its reserve/,
    },
    {
      name: 'discharge over the discharge limit',
      plan: () => planFor(problem, withPower(1, 2, -7.5)),
      code: 'V2G_PLAN_DISCHARGE_LIMIT',
      vehicleId: 'ev-2',
      slot: 2,
    },
    {
      name: 'charge power below the minimum (6 A x 3 x 230 V)',
      plan: () => planFor(problem, withPower(0, 1, 3)),
      code: 'V2G_PLAN_MIN_CHARGE_POWER',
      vehicleId: 'ev-1',
      slot: 1,
      only: true,
      message: /3 kW below minimum charge power 4\.14 kW/,
    },
    {
      name: 'discharge power below the minimum',
      plan: () => planFor(problem, withPower(1, 2, -1)),
      code: 'V2G_PLAN_MIN_DISCHARGE_POWER',
      vehicleId: 'ev-2',
      slot: 2,
      only: true,
    },
    {
      name: 'charging in a slot closed because its limit is below the minimum power',
      problem: highMinimum,
      plan: () => planFor(highMinimum, withPower(1, 3, 3.6)),
      code: 'V2G_PLAN_CHARGE_LIMIT',
      vehicleId: 'ev-2',
      slot: 3,
      message: /slot closed/,
    },
    {
      name: 'energy above capacity',
      plan: () => planFor(problem, withPower(0, 2, 11)),
      code: 'V2G_PLAN_ENERGY_ABOVE_CAPACITY',
      vehicleId: 'ev-1',
      slot: 3,
      only: true,
    },
    {
      name: 'energy below the reserve',
      plan: () => planFor(problem, [goodPowers[0]!, [0, -7, -6, -7]]),
      code: 'V2G_PLAN_ENERGY_BELOW_FLOOR',
      vehicleId: 'ev-2',
      slot: 4,
      only: true,
    },
    {
      name: 'a wrong energy trajectory',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        plan.vehicles[0]!.energyKwh[2]! += 1;
        return plan;
      },
      code: 'V2G_PLAN_ENERGY_MISMATCH',
      vehicleId: 'ev-1',
      slot: 2,
      only: true,
    },
    {
      name: 'a wrong initial energy',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        plan.vehicles[1]!.energyKwh[0] = 0;
        return plan;
      },
      code: 'V2G_PLAN_ENERGY_MISMATCH',
      vehicleId: 'ev-2',
      slot: 0,
      only: true,
    },
    {
      name: 'a wrong shortfall',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        (plan.vehicles[1] as { shortfallKwh: number }).shortfallKwh = 0;
        return plan;
      },
      code: 'V2G_PLAN_SHORTFALL_MISMATCH',
      vehicleId: 'ev-2',
      only: true,
    },
    {
      name: 'charging into a site overload',
      plan: () => planFor(problem, withPower(0, 1, 11)),
      code: 'V2G_PLAN_SITE_IMPORT_LIMIT',
      slot: 1,
      only: true,
    },
    {
      name: 'discharging into an export overload',
      plan: () => planFor(problem, withPower(1, 2, -7)),
      code: 'V2G_PLAN_SITE_EXPORT_LIMIT',
      slot: 2,
      only: true,
    },
    {
      name: 'a wrong site import',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        plan.site.importKw[1] = 18;
        return plan;
      },
      code: 'V2G_PLAN_SITE_FLOW_MISMATCH',
      slot: 1,
      only: true,
    },
    {
      name: 'import and export in one slot',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        plan.site.importKw[2] = 1;
        return plan;
      },
      code: 'V2G_PLAN_SITE_IMPORT_AND_EXPORT',
      slot: 2,
    },
    {
      name: 'a wrong import excess',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        plan.site.importExcessKw[0] = 1;
        return plan;
      },
      code: 'V2G_PLAN_SITE_EXCESS_MISMATCH',
      slot: 0,
      only: true,
    },
    {
      name: 'a wrong peak',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        (plan.site as { peakImportKw: number }).peakImportKw = 15;
        return plan;
      },
      code: 'V2G_PLAN_PEAK_MISMATCH',
      only: true,
    },
    {
      name: 'a wrong cost',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        (plan.cost as { energyCost: number }).energyCost += 0.01;
        return plan;
      },
      code: 'V2G_PLAN_COST_MISMATCH',
      only: true,
      message: /cost\.energyCost/,
    },
    {
      name: 'NaN in a power array',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        plan.vehicles[0]!.powerKw[1] = Number.NaN;
        return plan;
      },
      code: 'V2G_PLAN_NON_FINITE',
      vehicleId: 'ev-1',
      slot: 1,
      only: true,
      message: /powerKw is NaN/,
    },
    {
      name: 'NaN powers passed through plan assembly',
      plan: () => planFor(problem, withPower(1, 2, Number.NaN)),
      code: 'V2G_PLAN_NON_FINITE',
      vehicleId: 'ev-2',
      slot: 2,
    },
    {
      name: 'Infinity in a cost',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        (plan.cost as { objective: number }).objective = Infinity;
        return plan;
      },
      code: 'V2G_PLAN_NON_FINITE',
      only: true,
    },
    {
      name: 'null (NaN after a JSON round trip) in a site array',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        plan.site.exportKw[3] = Number.NaN;
        return JSON.parse(JSON.stringify(plan)) as Plan;
      },
      code: 'V2G_PLAN_NON_FINITE',
      slot: 3,
      only: true,
    },
    {
      name: 'a wrong array length',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        plan.vehicles[1]!.energyKwh.pop();
        return plan;
      },
      code: 'V2G_PLAN_SHAPE',
      vehicleId: 'ev-2',
      only: true,
      message: /energyKwh has 4 entries, expected 5/,
    },
    {
      name: 'a short power array',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        plan.vehicles[0]!.powerKw.length = 2;
        return plan;
      },
      code: 'V2G_PLAN_SHAPE',
      vehicleId: 'ev-1',
      only: true,
    },
    {
      name: 'a missing site array',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        delete (plan.site as { importExcessKw?: unknown }).importExcessKw;
        return plan;
      },
      code: 'V2G_PLAN_SHAPE',
      only: true,
    },
    {
      name: 'vehicles in the wrong order',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        plan.vehicles.reverse();
        return plan;
      },
      code: 'V2G_PLAN_VEHICLE_MISMATCH',
      vehicleId: 'ev-1',
    },
    {
      name: 'a missing vehicle',
      plan: () => {
        const plan = copy(planFor(problem, goodPowers));
        plan.vehicles.pop();
        return plan;
      },
      code: 'V2G_PLAN_VEHICLE_MISMATCH',
      only: true,
    },
    {
      name: 'a wrong slot count',
      plan: () => ({ ...planFor(problem, goodPowers), slotCount: 5 }),
      code: 'V2G_PLAN_SHAPE',
      only: true,
    },
  ];

  it.each(cases)('$name', ({ problem: p = problem, plan, code, vehicleId, slot, only, message }) => {
    const violations = validatePlan(p, plan());
    const match = violations.find(
      (v) => v.code === code && v.vehicleId === vehicleId && v.slot === slot,
    );
    expect(match, JSON.stringify(violations, null, 2)).toBeDefined();
    if (message) expect(match!.message).toMatch(message);
    if (only) expect(codes(violations)).toEqual([code]);
  });

  it('never throws on a plan that is not a plan at all', () => {
    for (const junk of [null, undefined, 42, 'plan', {}, { vehicles: 'x', site: null, cost: 1 }, []]) {
      const violations = validatePlan(problem, junk as unknown as Plan);
      expect(violations.length).toBeGreaterThan(0);
      expect(violations.every((v) => v.code.startsWith('V2G_PLAN_'))).toBe(true);
    }
  });

  it('every message names the vehicle and slot it carries', () => {
    const violations = validatePlan(problem, planFor(problem, [[12, 3, -1, 5], [2, 9, -9, 9]]));
    expect(violations.length).toBeGreaterThan(5);
    for (const v of violations) {
      expect(v.code).toMatch(/^V2G_PLAN_[A-Z_]+$/);
      if (v.vehicleId !== undefined) expect(v.message).toContain(`vehicle ${v.vehicleId}`);
      if (v.slot !== undefined) expect(v.message).toContain(`slot ${v.slot}`);
    }
  });
});

describe('validatePlan against plan assembly (two independent readings of the problem)', () => {
  /** Codes about bounds a plan may break; any other code means assembly and validator disagree. */
  const boundCodes = new Set([
    'V2G_PLAN_POWER_OUTSIDE_STAY',
    'V2G_PLAN_CHARGE_LIMIT',
    'V2G_PLAN_MIN_CHARGE_POWER',
    'V2G_PLAN_DISCHARGE_NOT_ALLOWED',
    'V2G_PLAN_DISCHARGE_LIMIT',
    'V2G_PLAN_MIN_DISCHARGE_POWER',
    'V2G_PLAN_ENERGY_ABOVE_CAPACITY',
    'V2G_PLAN_ENERGY_BELOW_FLOOR',
    'V2G_PLAN_SITE_IMPORT_LIMIT',
    'V2G_PLAN_SITE_EXPORT_LIMIT',
  ]);

  const problemAndPowers = arbProblem({ maxVehicles: 4, maxSlots: 10 }).chain((p) =>
    fc.tuple(
      fc.constant(p),
      fc.tuple(
        ...p.vehicles.map(() =>
          fc.array(fc.oneof(fc.constant(0), fc.integer({ min: -250, max: 250 }).map((k) => k / 10)), {
            minLength: p.slotCount,
            maxLength: p.slotCount,
          }),
        ),
      ),
    ),
  );

  it('the arbitrary problems are valid', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 6, maxSlots: 24 }), (p) => {
        const result = validateProblem(p);
        expect(result.ok ? [] : result.issues).toEqual([]);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('any assembled plan, however wrong its powers, has consistent energies, shortfalls, flows and costs', () => {
    fc.assert(
      fc.property(problemAndPowers, ([p, powers]) => {
        const violations = validatePlan(p, planFor(p, powers));
        expect(violations.filter((v) => !boundCodes.has(v.code))).toEqual([]);
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  it('a power vector that breaks a bound is reported at the vehicle and slot the bound belongs to', () => {
    fc.assert(
      fc.property(problemAndPowers, ([p, powers]) => {
        const rp = resolveProblem(p);
        const violations = validatePlan(p, planFor(p, powers));
        rp.vehicles.forEach((v, i) => {
          for (let t = 0; t < p.slotCount; t++) {
            const kw = powers[i]![t]!;
            const overCharge = kw > 0 && kw > v.maxChargeKw[t]! + 1e-6;
            if (overCharge) {
              expect(violations.some((x) => x.vehicleId === v.id && x.slot === t)).toBe(true);
            }
          }
        });
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('never throws, whatever is written into a plan', () => {
    const junk = fc.oneof(
      fc.constant(Number.NaN),
      fc.constant(Infinity),
      fc.constant(-Infinity),
      fc.constant(null),
      fc.constant(undefined),
      fc.constant('1'),
      fc.double(),
    );
    fc.assert(
      fc.property(problemAndPowers, junk, fc.nat(), fc.nat(), ([p, powers], value, a, b) => {
        const plan = copy(planFor(p, powers)) as unknown as Record<string, unknown>;
        const targets: unknown[][] = [
          ...(plan.vehicles as Plan['vehicles']).flatMap((v) => [v.powerKw, v.energyKwh]),
          ...Object.values(plan.site as object).filter(Array.isArray),
        ];
        const target = targets[a % Math.max(1, targets.length)];
        if (target && target.length > 0) target[b % target.length] = value;
        else plan.cost = { ...(plan.cost as object), netCost: value };
        expect(() => validatePlan(p, plan as unknown as Plan)).not.toThrow();
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('PV curtailment', () => {
  const curtailable: Problem = { ...problem, pvCurtailable: true };

  it('curtails PV instead of exporting above the limit, and the plan validates', () => {
    const plan = planFor(curtailable, withPower(1, 2, -7));
    expect(plan.site.pvCurtailedKw[2]).toBeCloseTo(1, 9);
    expect(plan.site.exportKw[2]).toBeCloseTo(5, 9);
    expect(validatePlan(curtailable, plan)).toEqual([]);
  });

  it('refuses export above the limit while PV could still be curtailed', () => {
    const plan = copy(planFor(curtailable, withPower(1, 2, -7)));
    plan.site.pvCurtailedKw[2] = 0;
    plan.site.exportKw[2] = 6;
    plan.site.exportExcessKw[2] = 1;
    const codes = validatePlan(curtailable, plan).map((v) => v.code);
    expect(codes).toContain('V2G_PLAN_SITE_EXPORT_LIMIT');
  });

  it('refuses import above the limit that only curtailing PV caused (the vehicles idle)', () => {
    // Base load 10 kW, PV 10 kW, import limit 5 kW: with no curtailment the site is balanced. Curtailing all
    // 10 kW of PV imports 10 kW, 5 above the limit - not forced by the base load, so not allowed - even with
    // every number of the plan consistent (assembled with that curtailment).
    const site = aProblem({
      slotCount: 1,
      importPricePerKwh: [-0.1],
      importLimitKw: [5],
      baseLoadKw: [10],
      pvKw: [10],
      vehicles: [aVehicle({ departureSlot: 1, targetEnergyKwh: 10 })],
    });
    const rp = resolveProblem(site);
    const plan = assemblePlan(rp, { status: 'feasible', powerKw: [[0]], pvCurtailedKw: [10], stats: emptyStats('edf') });
    expect(plan.site.importKw[0]).toBe(10);
    const violations = validatePlan(site, plan);
    expect(violations.map((v) => v.code)).toEqual(['V2G_PLAN_SITE_IMPORT_LIMIT']);
    expect(violations[0]!.slot).toBe(0);
    expect(violations[0]!.message).toMatch(/curtail/);
    // The same plan without the curtailment is valid.
    expect(validatePlan(site, assemblePlan(rp, { status: 'feasible', powerKw: [[0]], pvCurtailedKw: [0], stats: emptyStats('edf') }))).toEqual([]);
  });

  it('refuses curtailment where PV is not curtailable, or beyond the PV there is', () => {
    const notCurtailable = copy(planFor(problem, goodPowers));
    notCurtailable.site.pvCurtailedKw[2] = 1;
    expect(validatePlan(problem, notCurtailable).map((v) => v.code)).toContain('V2G_PLAN_PV_CURTAILMENT');
    const tooMuch = copy(planFor(curtailable, goodPowers));
    tooMuch.site.pvCurtailedKw[2] = 4;
    expect(validatePlan(curtailable, tooMuch).map((v) => v.code)).toContain('V2G_PLAN_PV_CURTAILMENT');
  });

  it('refuses negative curtailment (phantom PV generation), even in a plan whose balance adds up', () => {
    const phantom = copy(planFor(curtailable, goodPowers));
    phantom.site.pvCurtailedKw[2] = -2;
    phantom.site.importKw[2] = Math.max(0, phantom.site.importKw[2]! - 2);
    const violations = validatePlan(curtailable, phantom);
    expect(violations.map((v) => v.code)).toContain('V2G_PLAN_PV_CURTAILMENT');
    expect(violations.find((v) => v.code === 'V2G_PLAN_PV_CURTAILMENT')!.slot).toBe(2);
  });
});
