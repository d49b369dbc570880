/**
 * The optimisation problem: a JSON-serialisable, slot-indexed description of one site over a horizon.
 *
 * This is the input of every backend and baseline, and the file format of `v2g solve`. It knows no clock
 * and no time zone: slot `t` covers `[t * slotHours, (t + 1) * slotHours)` hours from the horizon start.
 * The TypeBox schema below is the single source of truth; `optimizer/problem.schema.json` is generated from
 * it (`npm run schema:problem`) and a test proves the file is current.
 */
import { Type, type Static } from 'typebox';
import { NetworkSchema } from './network/network-schema.ts';

/**
 * Magnitude bounds: beyond any real site (a 1 GW connection - a 100,000-vehicle depot imports about 0.5 GW -,
 * a 100 MWh battery, 100 per kWh - the EU day-ahead cap is 4 per kWh), they keep every number inside what
 * the LP can represent.
 */
export const limits = {
  maxPowerKw: 1_000_000,
  maxEnergyKwh: 100_000,
  maxPricePerKwh: 100,
  maxPenaltyPerKwh: 10_000,
  minEfficiency: 0.05,
  /** A month at 3-minute slots or two months at 5 minutes (the Caltech March 2019 replay at 5 min: 10,731 slots). */
  maxSlots: 20_000,
} as const;

const NonNegative = (description: string, maximum: number) => Type.Number({ minimum: 0, maximum, description });
const Fraction = (description: string) => Type.Number({ minimum: limits.minEfficiency, maximum: 1, description });
const PricePerSlot = (description: string) =>
  Type.Array(Type.Number({ minimum: -limits.maxPricePerKwh, maximum: limits.maxPricePerKwh }), { description });
const PowerPerSlot = (description: string) =>
  Type.Array(Type.Number({ minimum: 0, maximum: limits.maxPowerKw }), { description });
const PowerKw = (description: string) => NonNegative(description, limits.maxPowerKw);
const EnergyKwh = (description: string) => NonNegative(description, limits.maxEnergyKwh);

/** A power bound given once for the whole horizon or once per slot (kW, >= 0). */
export const PowerBoundKw = Type.Union(
  [
    Type.Number({ minimum: 0, maximum: limits.maxPowerKw }),
    Type.Array(Type.Number({ minimum: 0, maximum: limits.maxPowerKw })),
  ],
  { description: 'kW, >= 0: one number for every slot, or one number per slot (length = slotCount)' },
);

/**
 * An AC charger's limit as IEC 61851 sees it: current per phase. Power = A x V x phases / 1000 (kW), where
 * V is the phase-to-neutral voltage (230 V in Europe; 208 V split-phase at Caltech counts as 1 phase at 208 V).
 */
export const AcLimitSchema = Type.Object(
  {
    maxCurrentA: Type.Number({ exclusiveMinimum: 0, maximum: 10_000, description: 'maximum current per phase (A)' }),
    minCurrentA: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 10_000,
        description: 'minimum current per phase when charging at all (A); IEC 61851 pilots cannot go below 6 A',
      }),
    ),
    phases: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)], { description: 'phases used' }),
    voltageV: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, description: 'phase-to-neutral voltage (V)' }),
  },
  { additionalProperties: false },
);
export type AcLimit = Static<typeof AcLimitSchema>;

/**
 * A battery's charge taper as the planner may model it (optimizer/taper-rows.ts): above `startSoc` the vehicle
 * accepts at most `fullPowerKw x (1 - (1 - endPowerFraction) x (soc - startSoc) / (1 - startSoc))` (a CC-CV
 * taper, linear down to `endPowerFraction` at 100 %), where soc is the state of charge at `checkAtSlotFraction`
 * of the slot (0: its start; 1: its end, conservative for any integration). The plan's charge power in each
 * slot keeps to it: a linear row in the power and the stored energy.
 */
export const ChargeTaperSchema = Type.Object(
  {
    startSoc: Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'state of charge (0..1) above which the accepted charge power falls' }),
    endPowerFraction: Type.Number({ minimum: 0, maximum: 1, description: 'power accepted at 100 % SoC as a fraction of fullPowerKw' }),
    fullPowerKw: Type.Number({ exclusiveMinimum: 0, maximum: limits.maxPowerKw, description: 'the power the taper falls from (kW, grid side): the charger limit' }),
    checkAtSlotFraction: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'where in the slot the SoC is taken (0 = start, 1 = end); default 1. A simulation integrating the slot in n steps accepts a constant power exactly when it holds at (n - 1) / n',
      }),
    ),
    stepsPerSlot: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 60,
        description:
          'the stepped form: the charge power is the slot average of a battery integrated in this many equal steps, each taking at most min(fullPowerKw, the taper at its own start); the limit is the exact largest such average from the slot start energy (the setpoint sent is then at or above the average). Absent: a constant power checked at checkAtSlotFraction',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ChargeTaper = Static<typeof ChargeTaperSchema>;

export const VehicleSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'unique vehicle or session id' }),
    chargerId: Type.String({ minLength: 1, description: 'the charger (EVSE) the vehicle is plugged into' }),
    arrivalSlot: Type.Integer({ minimum: 0, description: 'first slot the vehicle is plugged in' }),
    departureSlot: Type.Integer({
      minimum: 1,
      description:
        'first slot the vehicle is gone (exclusive end). May exceed slotCount: the vehicle leaves after the horizon, and the target at the horizon end is reduced by what the vehicle can still charge afterwards',
    }),
    energyKwh: EnergyKwh('energy in the battery at the start of arrivalSlot (kWh)'),
    capacityKwh: Type.Number({
      exclusiveMinimum: 0,
      maximum: limits.maxEnergyKwh,
      description: 'usable battery capacity (kWh)',
    }),
    minEnergyKwh: Type.Optional(EnergyKwh('reserve: discharging never takes the battery below this (kWh); default 0')),
    targetEnergyKwh: EnergyKwh('energy wanted at departure (kWh); a soft target, the shortfall is reported'),
    maxChargeKw: Type.Optional(PowerBoundKw),
    maxDischargeKw: Type.Optional(PowerBoundKw),
    minChargeKw: Type.Optional(PowerKw('when charging at all, at least this power (kW); default 0')),
    minDischargeKw: Type.Optional(PowerKw('when discharging at all, at least this power (kW); default 0')),
    acLimit: Type.Optional(AcLimitSchema),
    chargeEfficiency: Type.Optional(Fraction('grid to battery, 0..1; default 0.95')),
    dischargeEfficiency: Type.Optional(Fraction('battery to grid, 0..1; default 0.95')),
    degradationCostPerKwh: Type.Optional(
      NonNegative(
        'battery wear per kWh of throughput (charged + discharged, at the grid side); default 0',
        limits.maxPricePerKwh,
      ),
    ),
    v2gAllowed: Type.Optional(Type.Boolean({ description: 'vehicle, charger and owner allow discharge; default false' })),
    chargeTaper: Type.Optional(ChargeTaperSchema),
    chargePreferencePerKwh: Type.Optional(
      Type.Array(Type.Number({ minimum: 0, maximum: limits.maxPricePerKwh }), {
        description:
          'per slot (length = slotCount): a small cost per kWh charged that only steers the solver among plans of nearly equal cost (a regulariser, e.g. quick charge); it is not billed: the plan\'s cost and objective leave it out',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Vehicle = Static<typeof VehicleSchema>;

export const DemandChargeSchema = Type.Object(
  {
    pricePerKw: NonNegative('price per kW of peak import in the billing period', limits.maxPenaltyPerKwh),
    previousPeakKw: Type.Optional(PowerKw('peak import already set earlier in the billing period (kW); default 0')),
    appliesToSlot: Type.Optional(
      Type.Array(Type.Boolean(), {
        description: 'slots whose import counts towards the peak (length = slotCount); default all',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DemandCharge = Static<typeof DemandChargeSchema>;

export const ProblemSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217; default EUR' })),
    slotCount: Type.Integer({ minimum: 1, maximum: limits.maxSlots, description: 'number of slots in the horizon' }),
    slotHours: Type.Number({ exclusiveMinimum: 0, maximum: 24, description: 'slot length (h), e.g. 0.25' }),
    importPricePerKwh: PricePerSlot('price paid per kWh imported, per slot (may be negative)'),
    exportPricePerKwh: Type.Optional(
      PricePerSlot('price received per kWh exported, per slot (may be negative); default 0'),
    ),
    importLimitKw: Type.Optional(PowerPerSlot('site import limit per slot (kW); default unlimited')),
    exportLimitKw: Type.Optional(PowerPerSlot('site export limit per slot (kW); default 0 = no export')),
    baseLoadKw: Type.Optional(PowerPerSlot('inflexible site load per slot (kW); default 0')),
    pvKw: Type.Optional(PowerPerSlot('PV generation per slot (kW); default 0')),
    pvCurtailable: Type.Optional(
      Type.Boolean({
        description:
          'the PV inverters can be turned down (export limiting); default true. When false, PV above what the site can use or export is reported as export excess',
      }),
    ),
    demandCharge: Type.Optional(DemandChargeSchema),
    furtherDemandCharges: Type.Optional(
      Type.Array(DemandChargeSchema, {
        description:
          'further billing periods in the horizon (e.g. the next calendar month), each billed on its own peak over its own appliesToSlot; `demandCharge` is the first',
      }),
    ),
    network: Type.Optional(NetworkSchema),
    shortfallPenaltyPerKwh: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: limits.maxPenaltyPerKwh,
        description: 'penalty per kWh missing at departure; default 10 (must dominate any price spread)',
      }),
    ),
    vehicles: Type.Array(VehicleSchema),
  },
  { additionalProperties: false },
);

/**
 * A site's optimisation problem over `slotCount` slots of `slotHours` hours.
 *
 * Invariants (checked by `validateProblem`): every per-slot array has length `slotCount`; vehicle ids are
 * unique; `arrivalSlot < departureSlot`, `arrivalSlot < slotCount`; `minEnergyKwh <= capacityKwh`,
 * `energyKwh <= capacityKwh`, `targetEnergyKwh <= capacityKwh`; every vehicle has a charge limit
 * (`maxChargeKw` or `acLimit`); with a `network`, the rules of `NetworkSchema` (every vehicle's charger in a
 * group, no limit below a charger's minimum current, ...).
 */
export type Problem = Static<typeof ProblemSchema>;

/** Defaults applied where a field is omitted; exported so callers can see what they override. */
export const problemDefaults = {
  currency: 'EUR',
  chargeEfficiency: 0.95,
  dischargeEfficiency: 0.95,
  shortfallPenaltyPerKwh: 10,
} as const;
