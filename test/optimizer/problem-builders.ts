/**
 * Test builders for `Problem`: hand-written fixtures (`aVehicle`, `aProblem`) and a fast-check arbitrary of
 * valid problems (`arbProblem`) shared by the validator, baseline and solver tests.
 */
import fc from 'fast-check';
import type { AcLimit, DemandCharge, Problem, Vehicle } from '../../optimizer/problem.ts';

/** Drops keys whose value is `undefined`, so an override of `undefined` removes an optional field. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A plain vehicle: plugged in over slots [0, 4), 10 of 60 kWh, wants 30 kWh, 11 kW charger, no V2G.
 * `overrides` replace fields; an override of `undefined` removes an optional field.
 */
export function aVehicle(overrides: Partial<Vehicle> = {}): Vehicle {
  return withoutUndefined({
    id: 'ev-1',
    chargerId: 'cp-1',
    arrivalSlot: 0,
    departureSlot: 4,
    energyKwh: 10,
    capacityKwh: 60,
    targetEnergyKwh: 30,
    maxChargeKw: 11,
    ...overrides,
  });
}

/**
 * A plain problem: 4 one-hour slots, import prices 0.30 / 0.20 / 0.10 / 0.25 per kWh (extended by repeating
 * when `slotCount` is overridden), one `aVehicle()`. `overrides` replace fields; an override of `undefined`
 * removes an optional field.
 */
export function aProblem(overrides: Partial<Problem> = {}): Problem {
  const slotCount = overrides.slotCount ?? 4;
  const prices = [0.3, 0.2, 0.1, 0.25];
  return withoutUndefined({
    slotCount,
    slotHours: 1,
    importPricePerKwh: Array.from({ length: slotCount }, (_, t) => prices[t % prices.length]!),
    vehicles: [aVehicle()],
    ...overrides,
  });
}

/** What `arbProblem` may generate. Every flag widens the space; turning one off removes that feature. */
export interface ArbProblemOptions {
  /** Most vehicles (default 4; at least 0 are generated). */
  readonly maxVehicles?: number;
  /** Most slots (default 12; at least 1). */
  readonly maxSlots?: number;
  /**
   * Vehicles may allow V2G (`v2gAllowed`, `maxDischargeKw` scalar or per slot, reserves `minEnergyKwh`,
   * sometimes above the arrival energy). Default true. When false no vehicle has a discharge field or a
   * reserve. (Export limits and prices are generated either way: PV exports too.)
   */
  readonly v2g?: boolean;
  /**
   * Minimum powers: `minChargeKw`, `minDischargeKw` and AC `minCurrentA` (which may close slots whose limit
   * is below the minimum). Default true. When false every minimum is absent (0).
   */
  readonly minPower?: boolean;
  /** Import and export prices may be negative (default true). */
  readonly negativePrices?: boolean;
  /**
   * Site import limits per slot (default true): either 0..60 kW (sometimes below the base load alone) or the
   * base load plus 0..30 kW (binding on the vehicles, which take up to 22 kW each). When false
   * `importLimitKw` is absent (unlimited).
   */
  readonly importLimit?: boolean;
  /** PV generation per slot, sometimes above the base load (default true). When false `pvKw` is absent. */
  readonly pv?: boolean;
}

/** Multiples of 1 / `perUnit` in [min, max]: fixed-point values (0.3, not 0.30000000000000004) keep counterexamples readable. */
const steps = (min: number, max: number, perUnit: number) =>
  fc.integer({ min: Math.round(min * perUnit), max: Math.round(max * perUnit) }).map((k) => k / perUnit);

const perSlot = <T>(slotCount: number, value: fc.Arbitrary<T>) => fc.array(value, { minLength: slotCount, maxLength: slotCount });

/** Mostly common charger ratings (3.7, 7.4, 11, 22 kW), sometimes any 0.1 kW step in [0, 22]. */
const chargerKw = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(3.7, 7.4, 11, 22) }, { weight: 1, arbitrary: steps(0, 22, 10) });

/** `value` or absent (undefined); absent with probability 1 / (presentWeight + 1). */
const maybe = <T>(value: fc.Arbitrary<T>, presentWeight = 1) =>
  fc.option(value, { nil: undefined, freq: presentWeight + 1 });

/** A power bound: one number or one per slot. */
const powerBound = (T: number, max: number) =>
  fc.oneof(chargerKw, perSlot(T, fc.oneof({ weight: 4, arbitrary: steps(0, max, 10) }, { weight: 1, arbitrary: fc.constant(0) })));

function arbAcLimit(minPower: boolean): fc.Arbitrary<AcLimit> {
  return fc
    .record({
      currents: fc.tuple(
        fc.oneof(fc.constantFrom(16, 32), fc.integer({ min: 1, max: 32 })),
        fc.oneof(fc.constant(6), fc.integer({ min: 0, max: 16 })),
      ),
      withMin: fc.boolean(),
      phases: fc.constantFrom<1 | 2 | 3>(1, 3, 1, 2),
      voltageV: fc.constantFrom(230, 208, 120),
    })
    .map(({ currents: [maxCurrentA, minRaw], withMin, phases, voltageV }) =>
      withoutUndefined<AcLimit>({
        maxCurrentA,
        minCurrentA: minPower && withMin ? Math.min(minRaw, maxCurrentA) : undefined,
        phases,
        voltageV,
      }),
    );
}

function arbVehicle(index: number, T: number, o: Required<ArbProblemOptions>): fc.Arbitrary<Vehicle> {
  return fc
    .record({
      arrivalSlot: fc.integer({ min: 0, max: T - 1 }),
      leavesAfterHorizon: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      stayPick: fc.nat({ max: 10_000 }),
      capacityKwh: fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(40, 60, 77, 100) },
        { weight: 4, arbitrary: steps(5, 100, 1) },
        { weight: 1, arbitrary: fc.constant(0.5) },
      ),
      energyPct: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 100 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 100) }),
      targetPct: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 100 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 100) }),
      reservePct: maybe(fc.integer({ min: 0, max: 100 })),
      chargeKind: fc.constantFrom('scalar', 'per-slot', 'ac-only', 'scalar'),
      maxChargeScalarKw: chargerKw,
      maxChargePerSlotKw: perSlot(T, fc.oneof({ weight: 5, arbitrary: chargerKw }, { weight: 1, arbitrary: fc.constant(0) })),
      acLimit: maybe(arbAcLimit(o.minPower)),
      minChargeKw: maybe(fc.oneof(steps(0, 7, 10), fc.constantFrom(1.38, 4.14)), 2),
      v2gAllowed: maybe(fc.boolean(), 3),
      maxDischargeKw: maybe(powerBound(T, 22), 3),
      minDischargeKw: maybe(steps(0, 7, 10), 2),
      chargeEfficiency: maybe(steps(0.8, 1, 100)),
      dischargeEfficiency: maybe(steps(0.8, 1, 100)),
      degradationCostPerKwh: maybe(steps(0, 0.1, 200)),
    })
    .map((r) => {
      const pct = (p: number) => Math.min(r.capacityKwh, Math.round(p * r.capacityKwh) / 100);
      const acLimit = r.chargeKind === 'ac-only' ? (r.acLimit ?? { maxCurrentA: 16, phases: 3 as const, voltageV: 230 }) : r.acLimit;
      return withoutUndefined<Vehicle>({
        id: `ev-${index}`,
        chargerId: `cp-${index}`,
        arrivalSlot: r.arrivalSlot,
        departureSlot: r.leavesAfterHorizon
          ? T + 1 + (r.stayPick % (2 * T + 8))
          : r.arrivalSlot + 1 + (r.stayPick % (T - r.arrivalSlot)),
        energyKwh: pct(r.energyPct),
        capacityKwh: r.capacityKwh,
        minEnergyKwh: o.v2g && r.reservePct !== undefined ? pct(r.reservePct) : undefined,
        targetEnergyKwh: pct(r.targetPct),
        maxChargeKw:
          r.chargeKind === 'scalar' ? r.maxChargeScalarKw : r.chargeKind === 'per-slot' ? r.maxChargePerSlotKw : undefined,
        maxDischargeKw: o.v2g ? r.maxDischargeKw : undefined,
        minChargeKw: o.minPower ? r.minChargeKw : undefined,
        minDischargeKw: o.v2g && o.minPower ? r.minDischargeKw : undefined,
        acLimit,
        chargeEfficiency: r.chargeEfficiency,
        dischargeEfficiency: o.v2g ? r.dischargeEfficiency : undefined,
        degradationCostPerKwh: r.degradationCostPerKwh,
        v2gAllowed: o.v2g ? r.v2gAllowed : undefined,
      });
    });
}

function arbDemandCharge(T: number): fc.Arbitrary<DemandCharge> {
  return fc
    .record({
      pricePerKw: steps(0, 20, 2),
      previousPeakKw: maybe(steps(0, 40, 2)),
      appliesToSlot: maybe(perSlot(T, fc.boolean())),
    })
    .map((d) => withoutUndefined<DemandCharge>(d));
}

/**
 * Valid problems (they pass `validateProblem`), for property tests. Slots of 0.25, 0.5 or 1 h; fixed-point
 * numbers. Site: import prices always; export prices, import limits, export limits, base load, PV, a demand
 * charge (with an earlier peak and a billing window) and a shortfall penalty each sometimes. Vehicles
 * (`ev-0`, `ev-1`, ... on `cp-0`, `cp-1`, ...): arrival anywhere in the horizon, departure after it and
 * sometimes well after the horizon end; energies, targets and reserves anywhere in [0, capacity] (including
 * empty and full, targets below the arrival energy, arrival below the reserve); charge limits as one number,
 * per slot (with closed 0 kW slots) or only an AC limit (1, 2 or 3 phases, 120 / 208 / 230 V) or both;
 * efficiencies 0.8..1; degradation costs. See `ArbProblemOptions` for what each flag adds.
 */
export function arbProblem(options: ArbProblemOptions = {}): fc.Arbitrary<Problem> {
  const o: Required<ArbProblemOptions> = {
    maxVehicles: options.maxVehicles ?? 4,
    maxSlots: options.maxSlots ?? 12,
    v2g: options.v2g ?? true,
    minPower: options.minPower ?? true,
    negativePrices: options.negativePrices ?? true,
    importLimit: options.importLimit ?? true,
    pv: options.pv ?? true,
  };
  const lowPrice = o.negativePrices ? -0.1 : 0;
  return fc
    .record({
      slotCount: fc.integer({ min: 1, max: Math.max(1, o.maxSlots) }),
      slotHours: fc.constantFrom(0.25, 0.5, 1),
      vehicleCount: fc.integer({ min: 0, max: Math.max(0, o.maxVehicles) }),
    })
    .chain(({ slotCount: T, slotHours, vehicleCount }) =>
      fc
        .record({
          importPricePerKwh: perSlot(T, steps(lowPrice, 0.6, 1000)),
          exportPricePerKwh: maybe(perSlot(T, steps(lowPrice, 0.3, 1000))),
          importLimitKw: maybe(perSlot(T, steps(0, 60, 2)), 3),
          importLimitAboveBase: fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
          exportLimitKw: maybe(perSlot(T, steps(0, 40, 2))),
          baseLoadKw: maybe(perSlot(T, steps(0, 30, 2)), 2),
          pvKw: maybe(perSlot(T, steps(0, 40, 2))),
          demandCharge: maybe(arbDemandCharge(T)),
          shortfallPenaltyPerKwh: maybe(steps(1, 50, 1), 1),
          vehicles: fc.tuple(...Array.from({ length: vehicleCount }, (_, i) => arbVehicle(i, T, o))),
        })
        .map((r) =>
          withoutUndefined<Problem>({
            slotCount: T,
            slotHours,
            importPricePerKwh: r.importPricePerKwh,
            exportPricePerKwh: r.exportPricePerKwh,
            // Either absolute (0..60 kW, often below the base load) or base load + 0..60 kW (binds on the vehicles).
            importLimitKw: !o.importLimit
              ? undefined
              : r.importLimitAboveBase
                ? r.importLimitKw?.map((kw, t) => kw / 2 + (r.baseLoadKw?.[t] ?? 0))
                : r.importLimitKw,
            exportLimitKw: r.exportLimitKw,
            baseLoadKw: r.baseLoadKw,
            pvKw: o.pv ? r.pvKw : undefined,
            demandCharge: r.demandCharge,
            shortfallPenaltyPerKwh: r.shortfallPenaltyPerKwh,
            vehicles: [...r.vehicles],
          }),
        ),
    );
}
