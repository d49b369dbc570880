/**
 * `validateProblem` on bad input: every fault is reported with the JSON Pointer of the field at fault, a
 * problem with several faults lists each, and no input at all - arbitrary JSON, JavaScript values JSON
 * cannot carry, mutated valid problems - makes it throw. Whatever it accepts, HiGHS solves to a valid plan.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { limits, type Problem, type Vehicle } from '../../optimizer/problem.ts';
import { formatIssues, validateProblem, type InputIssue } from '../../optimizer/problem-validation.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { aProblem, aVehicle, arbProblem } from './problem-builders.ts';
import { expectGoodPlan, fcParams } from './solve-helpers.ts';

let highs: LpBackend;

beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

/** The issues of an input that must be rejected. */
function issuesOf(input: unknown): readonly InputIssue[] {
  const result = validateProblem(input);
  expect(result.ok, 'expected the input to be rejected').toBe(false);
  return result.ok ? [] : result.issues;
}

const paths = (issues: readonly InputIssue[]) => issues.map((i) => i.path);

/** A problem literal with fields that the `Problem` type would refuse. */
const raw = (p: Record<string, unknown>) => p as unknown as Problem;
const rawVehicle = (overrides: Record<string, unknown>) => ({ ...aVehicle(), ...overrides }) as unknown as Vehicle;

describe('a valid problem', () => {
  it('passes, and comes back as the same object', () => {
    const p = aProblem();
    const result = validateProblem(p);
    expect(result).toEqual({ ok: true, problem: p });
  });
});

describe('each fault is reported at its JSON Pointer', () => {
  const cases: { name: string; input: unknown; path: string; message?: RegExp }[] = [
    // Values JSON cannot carry, but JavaScript callers can pass.
    { name: 'NaN slot length', input: aProblem({ slotHours: Number.NaN }), path: '/slotHours' },
    { name: 'NaN in a price array', input: aProblem({ importPricePerKwh: [0.1, Number.NaN, 0.2, 0.3] }), path: '/importPricePerKwh/1' },
    { name: 'NaN vehicle energy', input: aProblem({ vehicles: [aVehicle({ energyKwh: Number.NaN })] }), path: '/vehicles/0/energyKwh' },
    { name: 'Infinity capacity', input: aProblem({ vehicles: [aVehicle({ capacityKwh: Infinity })] }), path: '/vehicles/0/capacityKwh' },
    { name: '-Infinity base load', input: aProblem({ baseLoadKw: [0, -Infinity, 0, 0] }), path: '/baseLoadKw/1' },
    { name: 'NaN shortfall penalty', input: aProblem({ shortfallPenaltyPerKwh: Number.NaN }), path: '/shortfallPenaltyPerKwh' },
    // Ranges.
    { name: 'negative capacity', input: aProblem({ vehicles: [aVehicle({ capacityKwh: -5 })] }), path: '/vehicles/0/capacityKwh' },
    { name: 'zero capacity', input: aProblem({ vehicles: [aVehicle({ capacityKwh: 0 })] }), path: '/vehicles/0/capacityKwh' },
    { name: 'negative energy', input: aProblem({ vehicles: [aVehicle({ energyKwh: -1 })] }), path: '/vehicles/0/energyKwh' },
    { name: 'efficiency above 1', input: aProblem({ vehicles: [aVehicle({ chargeEfficiency: 1.2 })] }), path: '/vehicles/0/chargeEfficiency' },
    { name: 'efficiency 0', input: aProblem({ vehicles: [aVehicle({ dischargeEfficiency: 0 })] }), path: '/vehicles/0/dischargeEfficiency' },
    { name: 'negative import limit', input: aProblem({ importLimitKw: [10, 10, -1, 10] }), path: '/importLimitKw/2' },
    { name: 'slotCount 0', input: aProblem({ slotCount: 0, importPricePerKwh: [] }), path: '/slotCount' },
    { name: 'fractional slot index', input: aProblem({ vehicles: [aVehicle({ arrivalSlot: 0.5 })] }), path: '/vehicles/0/arrivalSlot' },
    { name: 'lower-case currency', input: aProblem({ currency: 'eur' }), path: '/currency' },
    { name: 'empty vehicle id', input: aProblem({ vehicles: [aVehicle({ id: '' })] }), path: '/vehicles/0/id' },
    { name: '4 phases', input: aProblem({ vehicles: [rawVehicle({ acLimit: { maxCurrentA: 16, phases: 4, voltageV: 230 } })] }), path: '/vehicles/0/acLimit/phases' },
    // Slots and energies (rules beyond the schema).
    {
      name: 'departure before arrival',
      input: aProblem({ vehicles: [aVehicle({ arrivalSlot: 3, departureSlot: 2 })] }),
      path: '/vehicles/0/departureSlot',
      message: /after arrivalSlot \(3\)/,
    },
    { name: 'departure at arrival', input: aProblem({ vehicles: [aVehicle({ arrivalSlot: 2, departureSlot: 2 })] }), path: '/vehicles/0/departureSlot' },
    { name: 'arrival after the horizon', input: aProblem({ vehicles: [aVehicle({ arrivalSlot: 4, departureSlot: 6 })] }), path: '/vehicles/0/arrivalSlot' },
    {
      name: 'target above capacity',
      input: aProblem({ vehicles: [aVehicle({ targetEnergyKwh: 61 })] }),
      path: '/vehicles/0/targetEnergyKwh',
      message: /capacityKwh \(60\)/,
    },
    { name: 'energy above capacity', input: aProblem({ vehicles: [aVehicle({ energyKwh: 60.5 })] }), path: '/vehicles/0/energyKwh' },
    { name: 'reserve above capacity', input: aProblem({ vehicles: [aVehicle({ minEnergyKwh: 61 })] }), path: '/vehicles/0/minEnergyKwh' },
    {
      name: 'minimum current above maximum',
      input: aProblem({ vehicles: [aVehicle({ acLimit: { maxCurrentA: 16, minCurrentA: 20, phases: 3, voltageV: 230 } })] }),
      path: '/vehicles/0/acLimit/minCurrentA',
    },
    // Arrays of the wrong length, each per-slot field.
    { name: 'importPricePerKwh too short', input: aProblem({ importPricePerKwh: [0.1, 0.2, 0.3] }), path: '/importPricePerKwh', message: /slotCount = 4 entries, has 3/ },
    { name: 'exportPricePerKwh too long', input: aProblem({ exportPricePerKwh: [0, 0, 0, 0, 0] }), path: '/exportPricePerKwh' },
    { name: 'importLimitKw empty', input: aProblem({ importLimitKw: [] }), path: '/importLimitKw' },
    { name: 'exportLimitKw too short', input: aProblem({ exportLimitKw: [1] }), path: '/exportLimitKw' },
    { name: 'baseLoadKw too long', input: aProblem({ baseLoadKw: [1, 1, 1, 1, 1, 1] }), path: '/baseLoadKw' },
    { name: 'pvKw too short', input: aProblem({ pvKw: [1, 1] }), path: '/pvKw' },
    {
      name: 'demandCharge.appliesToSlot too short',
      input: aProblem({ demandCharge: { pricePerKw: 1, appliesToSlot: [true] } }),
      path: '/demandCharge/appliesToSlot',
    },
    { name: 'per-slot maxChargeKw too short', input: aProblem({ vehicles: [aVehicle({ maxChargeKw: [1, 2] })] }), path: '/vehicles/0/maxChargeKw' },
    {
      name: 'per-slot maxDischargeKw too long',
      input: aProblem({ vehicles: [aVehicle({ maxDischargeKw: [1, 2, 3, 4, 5], v2gAllowed: true })] }),
      path: '/vehicles/0/maxDischargeKw',
    },
    // Unknown fields, at every level.
    { name: 'unknown top-level field', input: { ...aProblem(), vehicle: [] }, path: '/vehicle', message: /unknown field/ },
    { name: 'unknown vehicle field', input: aProblem({ vehicles: [rawVehicle({ socPercent: 50 })] }), path: '/vehicles/0/socPercent', message: /unknown field/ },
    {
      name: 'unknown acLimit field',
      input: aProblem({ vehicles: [rawVehicle({ acLimit: { maxCurrentA: 16, phases: 3, voltageV: 230, amps: 6 } })] }),
      path: '/vehicles/0/acLimit/amps',
    },
    { name: 'unknown demandCharge field', input: raw({ ...aProblem(), demandCharge: { pricePerKw: 1, window: 'month' } }), path: '/demandCharge/window' },
    // Identity and presence.
    {
      name: 'duplicate vehicle ids',
      input: aProblem({ vehicles: [aVehicle(), aVehicle({ chargerId: 'cp-2' })] }),
      path: '/vehicles/1/id',
      message: /duplicate id "ev-1" \(also \/vehicles\/0\)/,
    },
    {
      name: 'no maxChargeKw and no acLimit',
      input: aProblem({ vehicles: [aVehicle({ maxChargeKw: undefined })] }),
      path: '/vehicles/0/maxChargeKw',
      message: /required unless acLimit/,
    },
    { name: 'a required field missing', input: (({ importPricePerKwh: _drop, ...rest }) => rest)(aProblem()), path: '/', message: /importPricePerKwh/ },
    // Types.
    { name: 'a string for a vehicle number', input: aProblem({ vehicles: [rawVehicle({ capacityKwh: '60' })] }), path: '/vehicles/0/capacityKwh' },
    { name: 'a string for slotCount', input: raw({ ...aProblem(), slotCount: '4' }), path: '/slotCount' },
    { name: 'a string in a price array', input: raw({ ...aProblem(), importPricePerKwh: [0.1, '0.2', 0.3, 0.4] }), path: '/importPricePerKwh/1' },
    { name: 'null for a number', input: aProblem({ vehicles: [rawVehicle({ energyKwh: null })] }), path: '/vehicles/0/energyKwh' },
    { name: 'a number for a boolean', input: aProblem({ vehicles: [rawVehicle({ v2gAllowed: 1 })] }), path: '/vehicles/0/v2gAllowed' },
    { name: 'vehicles not an array', input: raw({ ...aProblem(), vehicles: {} }), path: '/vehicles' },
    { name: 'not an object at all', input: [aProblem()], path: '/' },
  ];

  it.each(cases)('$name -> $path', ({ input, path, message }) => {
    const issues = issuesOf(input);
    const at = issues.filter((i) => i.path === path);
    expect(at.length, JSON.stringify(issues)).toBeGreaterThan(0);
    if (message) expect(at.map((i) => i.message).join('\n')).toMatch(message);
    // Nothing is reported anywhere else: one fault, one place.
    expect([...new Set(paths(issues))]).toEqual([path]);
    // The CLI's formatting names every path.
    expect(formatIssues(issues)).toContain(`  ${path}: `);
  });
});

describe('a problem with several faults lists every one of them', () => {
  it('faults the schema finds (types, ranges, unknown fields, NaN)', () => {
    const input = raw({
      ...aProblem(),
      slotHours: -1,
      importPricePerKwh: [0.1, Number.NaN, 0.2, 0.3],
      colour: 'blue',
      vehicles: [
        rawVehicle({ capacityKwh: -60 }),
        rawVehicle({ id: 'ev-2', chargerId: 'cp-2', energyKwh: '10' }),
        rawVehicle({ id: 'ev-3', chargerId: 'cp-3', chargeEfficiency: 2 }),
      ],
    });
    const issues = issuesOf(input);
    expect(paths(issues).sort()).toEqual(
      ['/slotHours', '/importPricePerKwh/1', '/colour', '/vehicles/0/capacityKwh', '/vehicles/1/energyKwh', '/vehicles/2/chargeEfficiency'].sort(),
    );
  });

    // Regression: TypeBox's `Errors` stops at `Settings.maxErrors` (default 8); the list was silently cut short.
  it('ten faults, ten issues', () => {
    const vehicles = Array.from({ length: 10 }, (_, i) => aVehicle({ id: `ev-${i}`, chargerId: `cp-${i}`, capacityKwh: -1 }));
    expect(paths(issuesOf(aProblem({ vehicles })))).toEqual(vehicles.map((_, i) => `/vehicles/${i}/capacityKwh`));
  });

  it('faults only the rules find (lengths, slots, energies, ids, charge limits)', () => {
    const input = aProblem({
      pvKw: [1, 2, 3],
      demandCharge: { pricePerKw: 1, appliesToSlot: [true, false] },
      vehicles: [
        aVehicle({ arrivalSlot: 3, departureSlot: 1 }),
        aVehicle({ chargerId: 'cp-2', targetEnergyKwh: 70, maxChargeKw: [1, 2, 3] }),
        aVehicle({ id: 'ev-3', chargerId: 'cp-3', energyKwh: 65, maxChargeKw: undefined }),
      ],
    });
    const issues = issuesOf(input);
    expect(paths(issues).sort()).toEqual(
      [
        '/pvKw',
        '/demandCharge/appliesToSlot',
        '/vehicles/0/departureSlot',
        '/vehicles/1/id',
        '/vehicles/1/targetEnergyKwh',
        '/vehicles/1/maxChargeKw',
        '/vehicles/2/energyKwh',
        '/vehicles/2/maxChargeKw',
      ].sort(),
    );
  });

    // Regression: rule checks once ran only when the schema check found nothing; now both kinds are listed together.
  it('faults of both kinds at once', () => {
    const input = aProblem({
      vehicles: [aVehicle({ capacityKwh: -1 }), aVehicle({ chargerId: 'cp-2', arrivalSlot: 3, departureSlot: 2 })],
    });
    expect(paths(issuesOf(input)).sort()).toEqual(['/vehicles/0/capacityKwh', '/vehicles/1/departureSlot', '/vehicles/1/id'].sort());
  });
});

// ---------------------------------------------------------------------------------------------------------

/** JSON-ish values and the JavaScript values JSON cannot carry. */
const junk = fc.oneof(
  fc.constantFrom<unknown>(Number.NaN, Infinity, -Infinity, -1, 0, -0, 0.5, 1, 3, 1e-300, 1e9, -1e9, 1e300, '', '1', 'x', null, true, false, [], {}, undefined),
  fc.jsonValue({ maxDepth: 2 }),
);

type Path = readonly (string | number)[];

/** Every path into a JSON-like value (objects and arrays, not the root). */
function allPaths(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...allPaths(v, [...prefix, i])]);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...allPaths(v, [...prefix, k])]);
  }
  return [];
}

type Mutation =
  | { kind: 'set'; pick: number; value: unknown }
  | { kind: 'delete'; pick: number }
  | { kind: 'add'; pick: number; key: string; value: unknown }
  | { kind: 'resize'; pick: number; by: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: junk }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), pick: fc.nat(), key: fc.string({ maxLength: 8 }), value: junk }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('resize' as const), pick: fc.nat(), by: fc.integer({ min: -3, max: 3 }) }) },
);

/** A deep copy of `problem` with the mutations applied (NaN and undefined survive structuredClone). */
function mutate(problem: Problem, mutations: readonly Mutation[]): unknown {
  const root = structuredClone(problem) as unknown as Record<string, unknown>;
  for (const m of mutations) {
    const candidates = allPaths(root);
    if (candidates.length === 0) return root;
    const path = candidates[m.pick % candidates.length]!;
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root) as Record<
      string | number,
      unknown
    >;
    const key = path.at(-1)!;
    if (m.kind === 'set') parent[key] = m.value;
    else if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (m.kind === 'add') {
      const target = parent[key];
      if (typeof target === 'object' && target !== null && !Array.isArray(target)) (target as Record<string, unknown>)[m.key] = m.value;
    } else {
      const target = parent[key];
      if (Array.isArray(target)) {
        if (m.by < 0) target.length = Math.max(0, target.length + m.by);
        else for (let i = 0; i < m.by; i++) target.push(target.at(-1) ?? 0);
      }
    }
  }
  return root;
}

describe('numbers no site has', () => {
  // The schema bounds magnitudes (optimizer/problem.ts `limits`) so that every accepted number fits the LP;
  // a problem forced past validation still never makes solveWithBackend throw.
  it('a base load of 1e25 kW is refused, and forced through it gives an error plan instead of throwing', () => {
    const p = aProblem({ slotCount: 1, importPricePerKwh: [0.1], baseLoadKw: [1e25], vehicles: [] });
    expect(paths(issuesOf(p))).toEqual(['/baseLoadKw/0']);
    let plan: ReturnType<typeof solveWithBackend> | undefined;
    expect(() => (plan = solveWithBackend(p, highs))).not.toThrow();
    expect(plan!.status).toBe('error');
  });

  it('a discharge efficiency of 5e-324 is refused, and forced through it does not throw', () => {
    const p = aProblem({ vehicles: [aVehicle({ v2gAllowed: true, maxDischargeKw: 3, dischargeEfficiency: Number.MIN_VALUE })] });
    expect(paths(issuesOf(p))).toEqual(['/vehicles/0/dischargeEfficiency']);
    expect(() => solveWithBackend(p, highs)).not.toThrow();
  });

  it('a slotCount of 1e300 is one issue, not one more per per-slot array measured against it', () => {
    const p = { ...aProblem({ baseLoadKw: [1, 1, 1, 1], vehicles: [aVehicle({ maxChargeKw: [11, 11, 11, 11] })] }), slotCount: 1e300 };
    expect(issuesOf(p)).toEqual([{ path: '/slotCount', message: `must be <= ${limits.maxSlots}` }]);
  });

  it('PV above the export limit is curtailed even at the highest export price accepted', () => {
    const p = aProblem({ slotCount: 1, importPricePerKwh: [0.1], exportPricePerKwh: [100], pvKw: [0.5], vehicles: [] });
    expect(validateProblem(p).ok).toBe(true);
    const plan = solveWithBackend(p, highs);
    expectGoodPlan(p, plan);
    expect(plan.site.exportKw[0]).toBe(0);
    expect(plan.site.pvCurtailedKw[0]).toBeCloseTo(0.5, 9);
  });
});

describe('fuzz: validateProblem never throws, and what it accepts solves to a valid plan', () => {
  /** Validates; when accepted, solves with HiGHS (LP repair) and checks the plan. */
  function validateAndMaybeSolve(input: unknown): boolean {
    let result: ReturnType<typeof validateProblem> | undefined;
    expect(() => (result = validateProblem(input))).not.toThrow();
    if (!result!.ok) {
      expect(result!.issues.length).toBeGreaterThan(0);
      for (const issue of result!.issues) {
        expect(issue.path).toMatch(/^\/([^/]*(\/[^/]*)*)?$/);
        expect(issue.message.length).toBeGreaterThan(0);
      }
      return false;
    }
    const plan = solveWithBackend(result!.problem, highs);
    expectGoodPlan(result!.problem, plan);
    return true;
  }

  it('arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        validateAndMaybeSolve(value);
      }),
      fcParams(7001, 300),
    );
  });

  it('arbitrary JavaScript values (NaN, undefined, functions, symbols, sparse arrays, null prototypes...)', () => {
    fc.assert(
      fc.property(fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true }), (value) => {
        validateAndMaybeSolve(value);
      }),
      fcParams(7002, 300),
    );
  });

  it('objects shaped like a problem, with arbitrary values in its fields', () => {
    const shaped = fc.record(
      {
        slotCount: junk,
        slotHours: junk,
        importPricePerKwh: fc.oneof(junk, fc.array(junk, { maxLength: 4 })),
        vehicles: fc.oneof(junk, fc.array(fc.dictionary(fc.constantFrom('id', 'chargerId', 'arrivalSlot', 'departureSlot', 'energyKwh', 'capacityKwh', 'targetEnergyKwh', 'maxChargeKw'), junk), { maxLength: 3 })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(shaped, (value) => {
        validateAndMaybeSolve(value);
      }),
      fcParams(7003, 300),
    );
  });

  it('valid problems with one to three mutations (values set, fields deleted or added, arrays resized)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 3, maxSlots: 8 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (p, mutations) => {
        if (validateAndMaybeSolve(mutate(p, mutations))) accepted++;
      }),
      fcParams(7004, 400),
    );
    // Some mutations keep the problem valid (a value in range, an optional field deleted): those were solved.
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('model size limits', () => {
  const fleet = (n: number, window: (i: number) => [number, number]) =>
    Array.from({ length: n }, (_, i) => aVehicle({ id: `v${i}`, chargerId: `c${i}`, arrivalSlot: window(i)[0], departureSlot: window(i)[1] }));

  it('accepts the Caltech month at 5 minutes: 953 vehicles over 10,731 slots, each plugged in for hours', () => {
    const p = aProblem({ slotCount: 10_731, vehicles: fleet(953, (i) => [i * 11, i * 11 + 120]) });
    expect(validateProblem(p).ok).toBe(true);
  });

  it('counts plugged-in vehicle-slots for the LP: 2,001 vehicles plugged 1,000 slots each are refused', () => {
    const r = validateProblem(aProblem({ slotCount: 1_000, vehicles: fleet(2_001, () => [0, 1_000]) }));
    expect(r.ok).toBe(false);
    expect(formatIssues(r.ok ? [] : r.issues)).toContain('2001000 plugged-in vehicle-slots exceed the supported 2000000');
  });

  it('bounds the dense plan: 2,001 vehicles over 10,000 slots are refused even when plugged briefly', () => {
    const r = validateProblem(aProblem({ slotCount: 10_000, vehicles: fleet(2_001, () => [0, 1]) }));
    expect(r.ok).toBe(false);
    expect(formatIssues(r.ok ? [] : r.issues)).toContain('of a plan');
  });
});
