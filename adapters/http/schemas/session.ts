/** Sessions (vehicles plugged in or announced) on the wire. */
import { Type, type Static } from 'typebox';
import { limits } from '../../../optimizer/problem.ts';
import { Id, Instant, Kwh, Percent } from './common.ts';

const energyFields = {
  energyKwh: Type.Optional(Kwh('energy in the battery now (or on arrival); or socPercent')),
  socPercent: Type.Optional(Percent('state of charge now (or on arrival); or energyKwh')),
  measuredAt: Type.Optional(Instant('when energyKwh/socPercent was read; default now')),
  targetEnergyKwh: Type.Optional(Kwh('energy wanted at departure; or targetSocPercent')),
  targetSocPercent: Type.Optional(Percent('state of charge wanted at departure; or targetEnergyKwh')),
  minSocPercent: Type.Optional(Percent('reserve never discharged below')),
  v2gConsent: Type.Optional(Type.Boolean({ description: 'the owner allows discharge (V2G); default false' })),
  degradationCostPerKwh: Type.Optional(Type.Number({ minimum: 0, maximum: limits.maxPricePerKwh, description: 'battery wear per kWh of throughput (site currency); default 0' })),
};

export const SessionCreateSchema = Type.Object(
  {
    id: Type.Optional(Id('session id; generated when omitted')),
    chargerId: Id('charger of the site'),
    vehicleId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    arrival: Type.Optional(Instant('plugged in at; default now (may be in the future: an announced arrival)')),
    departure: Instant('declared departure'),
    capacityKwh: Type.Number({ exclusiveMinimum: 0, maximum: limits.maxEnergyKwh, description: 'usable battery capacity (kWh)' }),
    ...energyFields,
  },
  { additionalProperties: false },
);
export type SessionCreate = Static<typeof SessionCreateSchema>;

/** Updates while charging: a new reading, a changed departure or target, consent. */
export const SessionPatchSchema = Type.Object(
  { departure: Type.Optional(Instant('new declared departure')), ...energyFields },
  { additionalProperties: false, minProperties: 1 },
);
export type SessionPatch = Static<typeof SessionPatchSchema>;

export const SessionSchema = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  chargerId: Type.String(),
  vehicleId: Type.Optional(Type.String()),
  arrival: Type.String(),
  departure: Type.String(),
  capacityKwh: Type.Number(),
  energyKwh: Type.Optional(Type.Number()),
  socPercent: Type.Optional(Type.Number()),
  measuredAt: Type.String(),
  targetEnergyKwh: Type.Optional(Type.Number()),
  targetSocPercent: Type.Optional(Type.Number()),
  minSocPercent: Type.Optional(Type.Number()),
  v2gConsent: Type.Boolean(),
  degradationCostPerKwh: Type.Optional(Type.Number()),
  estimatedEnergyKwh: Type.Number({ description: 'energy now: the reading advanced along the plan in force' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  revision: Type.Integer({ description: 'bumped on every change; the ETag is "<revision>"' }),
});

export const SessionListSchema = Type.Object({ sessions: Type.Array(SessionSchema) });
export const SessionParams = Type.Object({ siteId: Id('site id'), sessionId: Id('session id') }, { additionalProperties: false });
