/** Sites on the wire. */
import { Type, type Static } from 'typebox';
import { limits } from '../../../optimizer/problem.ts';
import { SiteNetworkSchema } from '../../../grid/site-network.ts';
import { idTokenLimits } from '../../service/id-token-policy.ts';
import { Id, Instant, Kw, PositiveKw } from './common.ts';

export const ChargerSchema = Type.Object(
  {
    id: Id('charger (EVSE) id'),
    maxPowerKw: Type.Optional(PositiveKw('charge power limit')),
    ac: Type.Optional(
      Type.Object(
        {
          maxCurrentA: Type.Number({ exclusiveMinimum: 0, maximum: 10_000, description: 'current per phase (A)' }),
          minCurrentA: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000, description: 'minimum current when charging (A); IEC 61851: 6' })),
          phases: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)]),
          voltageV: Type.Number({ exclusiveMinimum: 0, maximum: 1_000, description: 'phase-to-neutral voltage (V)' }),
        },
        { additionalProperties: false, description: 'AC limit: W = A x V x phases' },
      ),
    ),
    canDischarge: Type.Optional(Type.Boolean({ description: 'bidirectional charger (V2G); default false' })),
    maxDischargeKw: Type.Optional(PositiveKw('discharge power limit; default the charge limit')),
  },
  { additionalProperties: false, description: 'give maxPowerKw, ac, or both (the tighter applies)' },
);

const Price = (description: string) => Type.Number({ minimum: -limits.maxPricePerKwh, maximum: limits.maxPricePerKwh, description });

export const PriceTermSchema = Type.Union([
  Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), kind: Type.Literal('per-kwh'), pricePerKwh: Price('added per kWh') }, { additionalProperties: false }),
  Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), kind: Type.Literal('percent'), percent: Type.Number({ minimum: -100, maximum: 1_000 }) }, { additionalProperties: false }),
]);

export const TariffSchema = Type.Object(
  {
    energyPrice: Type.Optional(
      Type.Union([Type.Literal('market'), Type.Literal('time-of-use')], {
        description: 'market (default): from the import-price signal; time-of-use: from timeOfUse',
      }),
    ),
    timeOfUse: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: 'TOU tariff in the acnportal format (name, schedule[...]), prices in the site currency' }),
    ),
    priceTerms: Type.Optional(Type.Array(PriceTermSchema, { maxItems: 20, description: 'network fees and taxes on the energy price' })),
    demandCharge: Type.Optional(
      Type.Object(
        {
          pricePerKw: Type.Number({ minimum: 0, maximum: limits.maxPenaltyPerKwh, description: 'per kW of peak import in the local calendar month' }),
          previousPeakKw: Type.Optional(Kw('peak already reached this month')),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ScheduleSchema = Type.Object(
  {
    cron: Type.String({ minLength: 1, maxLength: 100, description: "cron (5 or 6 fields) in the site's time zone, e.g. 5 13 * * * after day-ahead prices" }),
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const AuthorizationSchema = Type.Object(
  {
    idTokens: Type.Array(
      Type.String({
        minLength: 1,
        maxLength: idTokenLimits.maxLength,
        description: 'an OCPP id token (1.6 idTag, 2.x idToken.idToken): 1-36 printable ASCII characters (U+0020..U+007E), no leading or trailing space',
      }),
      { maxItems: idTokenLimits.maxTokens, description: 'the tokens that may charge, compared ignoring case; no two equal ignoring case; empty = no token may charge' },
    ),
  },
  {
    additionalProperties: false,
    description: "id-token policy of the site's chargers (OCPP Authorize, StartTransaction, TransactionEvent): a listed token is Accepted, any other Invalid. Omitted = every token is Accepted",
  },
);

const siteFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone, e.g. Europe/Berlin' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217; every price is in it' }),
  slotMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, description: 'slot length, divides 24 h; default 15' })),
  connection: Type.Object(
    {
      importLimitKw: PositiveKw('contracted import limit'),
      exportLimitKw: Type.Optional(Kw('contracted export limit; omitted = no export agreed')),
    },
    { additionalProperties: false },
  ),
  transformerRatingKw: Type.Optional(PositiveKw('transformer rating, caps import and export')),
  chargers: Type.Array(ChargerSchema, { maxItems: 10_000 }),
  network: Type.Optional(SiteNetworkSchema),
  tariff: Type.Optional(TariffSchema),
  shortfallPenaltyPerKwh: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: limits.maxPenaltyPerKwh, description: 'penalty per kWh missing at departure; default 10' })),
  replanSchedules: Type.Optional(Type.Array(ScheduleSchema, { maxItems: 10 })),
  authorization: Type.Optional(AuthorizationSchema),
};

/** POST /v1/sites (id optional) and PUT /v1/sites/{siteId} (no id). */
export const SiteCreateSchema = Type.Object({ id: Type.Optional(Id('site id; generated when omitted')), ...siteFields }, { additionalProperties: false });
export const SiteReplaceSchema = Type.Object(siteFields, { additionalProperties: false });
export type SiteCreate = Static<typeof SiteCreateSchema>;
export type SiteReplace = Static<typeof SiteReplaceSchema>;

export const SiteSchema = Type.Object({
  id: Type.String(),
  ...siteFields,
  slotMinutes: Type.Integer(),
  tariff: TariffSchema,
  replanSchedules: Type.Array(Type.Object({ cron: Type.String(), description: Type.Optional(Type.String()), nextRunAt: Type.Optional(Type.String()) })),
  createdAt: Instant('created'),
  updatedAt: Instant('last changed'),
  revision: Type.Integer(),
});

export const SiteListSchema = Type.Object({ sites: Type.Array(SiteSchema) });
