/**
 * The scenario file format (JSON): what a researcher writes to replay a site. The TypeBox schema is the
 * single source of truth; `scenario-parse.ts` validates against it and then checks the rules a schema cannot
 * say. Data paths are relative to the data directory (`../shared/data`, or `V2G_DATA_DIR`), resolved by the
 * adapter that reads the files. See scenarios/README.md for every field's meaning and the shipped files.
 */
import { Type, type Static } from 'typebox';
import { SiteNetworkSchema } from '../grid/site-network.ts';

const kw = (description: string) => Type.Number({ minimum: 0, description });
const positive = (description: string) => Type.Number({ exclusiveMinimum: 0, description });
const pct = (description: string) => Type.Number({ minimum: 0, maximum: 100, description });
const fraction = (description: string) => Type.Number({ exclusiveMinimum: 0, maximum: 1, description });
const dataPath = Type.String({ minLength: 1, description: 'file name relative to the data directory' });
const instant = Type.String({ minLength: 1, description: 'RFC 3339 instant with an offset' });

export const DistributionSchema = Type.Union(
  [
    Type.Object({ kind: Type.Literal('fixed'), value: Type.Number() }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('uniform'), min: Type.Number(), max: Type.Number() }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('choice'), values: Type.Array(Type.Number(), { minItems: 1 }) }, { additionalProperties: false }),
    Type.Object(
      { kind: Type.Literal('normal'), mean: Type.Number(), sd: Type.Number({ minimum: 0 }), min: Type.Number(), max: Type.Number() },
      { additionalProperties: false },
    ),
  ],
  { description: 'a seeded distribution: fixed, uniform [min, max], choice of values, or normal clipped to [min, max]' },
);

/** A charger model; `ids` lists every charger (EVSE) of the site built from it. */
export const ChargerGroupSchema = Type.Object(
  {
    ids: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'charger (EVSE) ids, as the sessions name them' }),
    maxPowerKw: Type.Optional(positive('charge power limit (kW)')),
    maxCurrentA: Type.Optional(positive('AC current limit per phase (A)')),
    minCurrentA: Type.Optional(kw('AC minimum current per phase when charging (A); IEC 61851: 6')),
    phases: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)])),
    voltageV: Type.Optional(positive('phase-to-neutral voltage (V); 208 V split phase counts as 1 phase at 208 V')),
    canDischarge: Type.Boolean({ description: 'bidirectional: the charger can discharge a vehicle (V2G)' }),
    maxDischargeKw: Type.Optional(kw('discharge power limit (kW); default the charge limit')),
  },
  { additionalProperties: false },
);
/** See `ChargerGroupSchema`. */
export type ChargerGroup = Static<typeof ChargerGroupSchema>;

/**
 * The site: zone, currency, connection and transformer (kW), chargers and the unknown-charger rule, and
 * optionally its three-phase network (grid/site-network.ts: every charger in a group on a line pair, pods,
 * the transformer's line currents).
 */
export const SiteSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    zone: Type.String({ minLength: 1, description: 'IANA time zone of the site' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217; every price is in it' }),
    connectionImportKw: positive('contracted import limit (kW)'),
    connectionExportKw: Type.Optional(kw('contracted export limit (kW); omitted = no export')),
    transformerRatingKw: Type.Optional(positive('transformer rating (kW), caps import and export')),
    shortfallPenaltyPerKwh: Type.Optional(
      positive('planner penalty per kWh missing at departure; must outweigh the demand charge of the power that would deliver it'),
    ),
    chargers: Type.Array(ChargerGroupSchema, { description: 'the chargers the site model knows' }),
    unknownChargers: Type.Union([Type.Literal('skip'), Type.Literal('auto-create')], {
      description: 'sessions at a charger the site does not know: skipped (reported), or the charger is created from autoCreateCharger (reported)',
    }),
    autoCreateCharger: Type.Optional(Type.Omit(ChargerGroupSchema, ['ids'])),
    network: Type.Optional(SiteNetworkSchema),
  },
  { additionalProperties: false },
);
/** See `SiteSchema`. */
export type ScenarioSite = Static<typeof SiteSchema>;

/** Moving sessions recorded elsewhere to the site's zone and year (session-time-alignment.ts). */
export const TimeAlignmentSchema = Type.Object(
  {
    fromZone: Type.String({ minLength: 1, description: 'zone whose wall clock the source sessions were recorded in' }),
    shiftDays: Type.Integer({ description: 'whole days added to the local date (a multiple of 7 keeps weekdays)' }),
  },
  { additionalProperties: false, description: 'sessions keep their local wall-clock arrival, moved by shiftDays into the site zone' },
);
/** See `TimeAlignmentSchema`. */
export type TimeAlignment = Static<typeof TimeAlignmentSchema>;

/** Where the sessions come from: an ACN-Data CSV or the generator. */
export const SessionsSourceSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('acn-csv'),
      path: dataPath,
      chargerColumn: Type.Union([Type.Literal('space_id'), Type.Literal('station_id')], {
        description: 'column naming the charger (ACN-Sim matches sessions to EVSEs by space id)',
      }),
      exclude: Type.Optional(
        Type.Array(
          Type.Object(
            { chargerId: Type.String({ minLength: 1 }), reason: Type.String({ minLength: 1 }) },
            { additionalProperties: false },
          ),
          { description: 'chargers whose sessions are left out, with the stated reason (reported)' },
        ),
      ),
      timeAlignment: Type.Optional(TimeAlignmentSchema),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('generated'),
      sessionsPerDay: Type.Integer({ minimum: 1, maximum: 500 }),
      chargerIds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    },
    { additionalProperties: false },
  ),
]);
/** See `SessionsSourceSchema`. */
export type SessionsSource = Static<typeof SessionsSourceSchema>;

/** Where the market (or tariff) price comes from. */
export const PricesSourceSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('tou-tariff'),
      path: dataPath,
      overlapPolicy: Type.Optional(Type.Union([Type.Literal('error'), Type.Literal('first-listed-wins')])),
      dowMaskOverrides: Type.Optional(
        Type.Record(Type.String({ minLength: 1 }), Type.Union([Type.Literal('WEEKDAYS'), Type.Literal('WEEKENDS'), Type.Literal('ALL')]), {
          description: 'replace the weekday mask of named schedules of the tariff file (e.g. PG&E A-10 marks both winter schedules "all days")',
        }),
      ),
      useDemandCharge: Type.Boolean({ description: "bill the tariff's demand charge per local calendar month" }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('csv'),
      path: dataPath,
      startColumn: Type.String({ minLength: 1 }),
      valueColumn: Type.String({ minLength: 1, description: 'unit from the name, e.g. price_eur_per_mwh' }),
      resolution: Type.String({ minLength: 1, description: 'ISO 8601 interval length, e.g. PT60M' }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('entsoe-xml'), path: dataPath }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('generated') }, { additionalProperties: false }),
]);
/** See `PricesSourceSchema`. */
export type PricesSource = Static<typeof PricesSourceSchema>;

/** Where a building load or PV series comes from (kW). */
export const LoadSourceSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('citylearn-csv'),
      path: dataPath,
      homes: Type.Union([Type.Literal('all'), Type.Array(Type.String({ pattern: '^b\\d{2}$' }), { minItems: 1 })]),
      scaleFactor: positive('multiplies the summed homes (stated in the scenario README)'),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('generated'), meanKw: kw('mean power (kW)') },
    { additionalProperties: false },
  ),
]);
/** See `LoadSourceSchema`. */
export type LoadSource = Static<typeof LoadSourceSchema>;

/** A network fee or tax on top of the import price (grid's price terms), in the site currency. */
export const PriceTermSchema = Type.Union([
  Type.Object({ name: Type.String({ minLength: 1 }), kind: Type.Literal('per-kwh'), pricePerKwh: Type.Number() }, { additionalProperties: false }),
  Type.Object({ name: Type.String({ minLength: 1 }), kind: Type.Literal('percent'), percent: Type.Number() }, { additionalProperties: false }),
]);

/** The data sources and the price, export, visibility and demand-charge rules. */
export const DataSchema = Type.Object(
  {
    sessions: SessionsSourceSchema,
    prices: PricesSourceSchema,
    importPriceTerms: Type.Optional(Type.Array(PriceTermSchema, { description: 'network fees and taxes on top of the market price' })),
    exportPrice: Type.Optional(
      Type.Object(
        { marketFactor: Type.Number(), offsetPerKwh: Type.Number() },
        { additionalProperties: false, description: 'export price = marketFactor x market price + offsetPerKwh; omitted = 0' },
      ),
    ),
    priceVisibility: Type.Optional(
      Type.Union([
        Type.Object({ kind: Type.Literal('perfect') }, { additionalProperties: false }),
        Type.Object(
          { kind: Type.Literal('day-ahead'), publicationLocalTime: Type.String({ pattern: '^\\d{2}:\\d{2}$' }) },
          { additionalProperties: false },
        ),
      ]),
    ),
    demandCharge: Type.Optional(
      Type.Object(
        {
          pricePerKw: kw('price per kW of the monthly peak import'),
          previousPeakKw: Type.Optional(kw('peak already set in the billing month before the period starts (kW)')),
        },
        { additionalProperties: false, description: 'a demand (capacity) charge per local calendar month of the site zone' },
      ),
    ),
    baseLoad: Type.Optional(LoadSourceSchema),
    pv: Type.Optional(LoadSourceSchema),
  },
  { additionalProperties: false },
);
/** See `DataSchema`. */
export type ScenarioData = Static<typeof DataSchema>;

/** What the data lacks (fleet-assumptions.ts). Percentages 0-100, efficiencies 0-1, money in the site currency. */
export const AssumptionsSchema = Type.Object(
  {
    seed: Type.Integer({ description: 'default seed of every random draw (the CLI --seed overrides it)' }),
    batteryCapacityKwh: DistributionSchema,
    initialSocPct: DistributionSchema,
    maxTargetSocPct: pct('a target above this SoC gets a larger battery (stated rule)'),
    reserveSocPct: pct('V2G never discharges below this SoC'),
    v2gOptInShare: Type.Number({ minimum: 0, maximum: 1, description: 'share of drivers who allow discharge' }),
    chargeEfficiency: fraction('grid to battery, as the planner models it'),
    dischargeEfficiency: fraction('battery to grid, as the planner models it'),
    degradationCostPerKwh: kw('battery wear per kWh of throughput'),
    energyDemand: Type.Union([Type.Literal('delivered'), Type.Literal('requested')], {
      description: 'kwh_delivered (default, as SOURCES.md recommends) or the driver request (kwh_requested; falls back to delivered)',
    }),
  },
  { additionalProperties: false },
);
/** See `AssumptionsSchema`. */
export type Assumptions = Static<typeof AssumptionsSchema>;

/** The simulated vehicles' physics (vehicle-physics.ts), not the planner's model. */
export const PhysicsSchema = Type.Object(
  {
    taperStartSocPct: pct('above this SoC the vehicle accepts less than its charge limit'),
    taperEndPowerPct: pct('power accepted at 100 % SoC, in % of the charge limit (linear in between)'),
    chargeEfficiency: Type.Optional(fraction('true grid-to-battery efficiency; default the planner\'s')),
    dischargeEfficiency: Type.Optional(fraction('true battery-to-grid efficiency; default the planner\'s')),
    substepMinutes: Type.Integer({ minimum: 1, maximum: 60, description: 'integration step inside a slot (divides the slot)' }),
  },
  { additionalProperties: false },
);
/** See `PhysicsSchema`. */
export type Physics = Static<typeof PhysicsSchema>;

/** What the controller knows about departures and arrivals. */
export const ControllerSchema = Type.Object(
  {
    departure: Type.Union([Type.Literal('declared'), Type.Literal('actual')], {
      description: "what the controller believes: the driver's declared departure (requested_departure_utc) or the actual one",
    }),
    arrivals: Type.Literal('unknown-until-arrival', { description: 'a session is known only from its arrival (the offline optimum excepted)' }),
    departureMarginMinutes: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1440,
        description:
          "with departure 'declared': plan every vehicle to be done this many minutes before its declared departure (drivers leave early); the vehicle stays controllable until it leaves. Default 0",
      }),
    ),
  },
  { additionalProperties: false },
);
/** See `ControllerSchema`. */
export type ControllerKnowledge = Static<typeof ControllerSchema>;

/** The default policy and its solver options. */
export const PolicySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'a policy of scenarios/policy-names.ts: mpc, mpc-cost, mpc-quick, offline, uncontrolled, fcfs, edf, llf, round-robin, alap, price-greedy' }),
    integerStrategy: Type.Optional(Type.Union([Type.Literal('repair'), Type.Literal('milp')])),
    timeLimitMs: Type.Optional(positive('time limit per solve of a rolling policy (ms)')),
    offlineTimeLimitMs: Type.Optional(
      positive('wall-clock safety net of the one offline reference solve (ms; default 3600000); its own, not the per-decision limit. A row it ends depends on machine speed and says so'),
    ),
    offlineWorkLimit: Type.Optional(
      Type.Object(
        {
          simplexIterations: Type.Optional(
            Type.Integer({ minimum: 1, description: 'simplex iterations of all the offline solve\'s LPs together (first LP, network rounds, LP repair; default 2000000)' }),
          ),
          mipNodes: Type.Optional(Type.Integer({ minimum: 1, description: "branch-and-bound nodes of all the offline solve's MILP rounds together (default 500)" })),
        },
        {
          additionalProperties: false,
          description: 'deterministic work budget of the one offline reference solve: the same inputs give the same row (or the same failure) on any machine; each field over its default',
        },
      ),
    ),
    offlineIntegerStrategy: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('repair'), Type.Literal('milp')], {
        description: "how the offline reference enforces minimum currents (default auto: the exact MILP up to 200,000 vehicles x slots, the LP repair above)",
      }),
    ),
  },
  { additionalProperties: false },
);
/** See `PolicySchema`. */
export type PolicyConfig = Static<typeof PolicySchema>;

/** A whole scenario file. */
export const ScenarioSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', description: 'kebab-case name, used in output paths' }),
    description: Type.String(),
    site: SiteSchema,
    period: Type.Object({ start: instant, end: instant }, { additionalProperties: false, description: 'sessions arriving in [start, end) are replayed' }),
    slotMinutes: Type.Integer({ minimum: 1, maximum: 60 }),
    horizonHours: Type.Number({ exclusiveMinimum: 0, maximum: 168, description: 'MPC look-ahead from each decision' }),
    data: DataSchema,
    assumptions: AssumptionsSchema,
    physics: PhysicsSchema,
    controller: ControllerSchema,
    policy: PolicySchema,
  },
  { additionalProperties: false },
);

/**
 * A scenario file, validated. Invariants (checked by `parseScenario`): `period.start < period.end`; every
 * charger id is unique; each charger group has `maxPowerKw` or a complete AC limit; an `autoCreateCharger`
 * is present when `unknownChargers` is `auto-create`; uniform and clipped distributions have `min <= max`;
 * every battery capacity the assumptions can draw is above 0 kWh and every initial SoC within 0-100 %.
 */
export type Scenario = Static<typeof ScenarioSchema>;
