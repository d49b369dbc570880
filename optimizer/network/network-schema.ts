/**
 * The electrical network of a site as the optimizer sees it: shared limits on charger currents (amps), the
 * `network` field of a `Problem`. See optimizer/network/README.md for the model and the LP's inner
 * approximation of the magnitude limits.
 *
 * A charger's current (A) is its power over the voltage across it: `I = P x 1000 / voltageV` for a charger on
 * a line pair (AB, BC, CA) or between a line and neutral (AN, BN, CN), and `I = P x 1000 / (3 x voltageV)`
 * per line for a balanced three-phase charger (ABC). Each group's current phasor has a fixed angle (the
 * connection's nominal angle at unity power factor unless `angleDeg` says otherwise). The transformer's
 * secondary line currents are phasor sums (Kirchhoff: line a carries AB - CA + AN + the three-phase share),
 * and the primary's follow from the winding; every limit is on the magnitude of such a sum.
 */
import { Type, type Static } from 'typebox';

/** Largest current any network limit may state (A). */
export const maxNetworkCurrentA = 1_000_000;

const Amps = (description: string) => Type.Number({ minimum: 0, maximum: maxNetworkCurrentA, description });
const ChargerIds = (description: string) =>
  Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description });

/**
 * How a group's chargers are connected: across a line pair (`AB`, `BC`, `CA`; US 208 V sites), between one
 * line and neutral (`AN`, `BN`, `CN`; European single-phase chargers at 230 V), or to all three lines as a
 * balanced load (`ABC`; three-phase chargers).
 */
export const ConnectionSchema = Type.Union(
  [
    Type.Literal('AB'),
    Type.Literal('BC'),
    Type.Literal('CA'),
    Type.Literal('AN'),
    Type.Literal('BN'),
    Type.Literal('CN'),
    Type.Literal('ABC'),
  ],
  { description: 'line pair (AB, BC, CA), line to neutral (AN, BN, CN) or balanced three-phase (ABC)' },
);
export type Connection = Static<typeof ConnectionSchema>;

/** Chargers wired alike: one connection, one voltage, one current angle, optionally one breaker. */
export const NetworkGroupSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'unique among the groups and breakers of the network' }),
    connection: ConnectionSchema,
    angleDeg: Type.Optional(
      Type.Number({
        minimum: -360,
        maximum: 360,
        description:
          "angle of the group's current phasor (degrees; for ABC: line a's); default the connection's nominal angle at unity power factor (AB 30, BC -90, CA 150, AN 0, BN -120, CN 120, ABC 0); must lie within 30 degrees of it (power factor >= 0.87)",
      }),
    ),
    voltageV: Type.Number({
      exclusiveMinimum: 0,
      maximum: 100_000,
      description: 'voltage across each charger (V): line to line for AB/BC/CA (208 at Caltech), line to neutral for AN/BN/CN and ABC (230 in Europe)',
    }),
    maxCurrentA: Type.Optional(Amps("the group's breaker: the sum of its chargers' currents (A)")),
    chargerIds: ChargerIds('the chargers (EVSEs) of the group; a charger belongs to exactly one group'),
  },
  { additionalProperties: false },
);
export type NetworkGroup = Static<typeof NetworkGroupSchema>;

/**
 * A breaker or panel feeding some chargers (e.g. a pod of 8 EVSEs on one 80 A breaker): each of its line
 * currents (the phasor sums of its chargers' currents, as for the transformer) is at most `maxCurrentA`.
 * For chargers on one connection that is the plain sum of their amps.
 */
export const NetworkBreakerSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'unique among the groups and breakers of the network' }),
    maxCurrentA: Amps('limit on each line current of the breaker (A)'),
    chargerIds: ChargerIds('the chargers it feeds; each must be in a group'),
  },
  { additionalProperties: false },
);
export type NetworkBreaker = Static<typeof NetworkBreakerSchema>;

/** The primary side of the transformer: its line currents follow from the secondary's by the winding. */
export const TransformerPrimarySchema = Type.Object(
  {
    winding: Type.Union([Type.Literal('delta'), Type.Literal('wye')], {
      description: 'delta: I_pa = (I_a - I_c) / turnsRatio (and cyclically); wye: I_px = I_x / turnsRatio',
    }),
    turnsRatio: Type.Number({
      exclusiveMinimum: 0,
      maximum: 100_000,
      description: 'primary winding turns per secondary winding turn (4 for a 480 V delta over a 120 V wye)',
    }),
    maxCurrentA: Amps('limit on each primary line current (A)'),
  },
  { additionalProperties: false },
);
export type TransformerPrimary = Static<typeof TransformerPrimarySchema>;

/** The transformer feeding every group: limits on the magnitudes of its line currents. */
export const NetworkTransformerSchema = Type.Object(
  {
    secondaryMaxCurrentA: Amps('limit on each secondary line current (A): rating / 3 / line-to-neutral voltage'),
    primary: Type.Optional(TransformerPrimarySchema),
  },
  { additionalProperties: false },
);
export type NetworkTransformer = Static<typeof NetworkTransformerSchema>;

/** Default worst-case loss of the LP's inner approximation of a magnitude limit (%). */
export const defaultMaxMagnitudeLossPct = 0.1;

/** The parameter of the LP's inner approximation (polygon.ts): its worst-case loss (%). */
export const MaxMagnitudeLossPctSchema = Type.Number({
  exclusiveMinimum: 0,
  maximum: 10,
  description:
    'worst-case share (%) of a magnitude limit the LP may leave unused: each |phasor sum| <= limit is held by a polygon inscribed in the circle, with enough sides that 1 - cos(half the angle between sides) <= this; default 0.1',
});

/**
 * The shared limits on charger currents of a three-phase site: groups (with their breakers), further
 * breakers, and the transformer. Limits hold in every slot; the import limit in kW still applies on top.
 *
 * Invariants (checked by `validateProblem`): ids unique over groups and breakers; a charger in at most one
 * group; every vehicle's charger and every breaker's charger in a group; `angleDeg` within 30 degrees of
 * the connection's nominal angle; a vehicle's AC limit on the group's voltage and phase count; no limit
 * below the current one charger alone draws at its minimum power.
 */
export const NetworkSchema = Type.Object(
  {
    groups: Type.Array(NetworkGroupSchema, { minItems: 1 }),
    breakers: Type.Optional(Type.Array(NetworkBreakerSchema)),
    transformer: Type.Optional(NetworkTransformerSchema),
    maxMagnitudeLossPct: Type.Optional(MaxMagnitudeLossPctSchema),
  },
  { additionalProperties: false },
);

/** See `NetworkSchema`. */
export type Network = Static<typeof NetworkSchema>;
