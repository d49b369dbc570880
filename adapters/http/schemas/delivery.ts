/** Plan delivery to a site's chargers (GET /v1/sites/{siteId}/delivery). */
import { Type, type Static } from 'typebox';
import { deliveryStatuses, type DeliveryStatus } from '../../ocpp/charger-state.ts';

const DeliveryStatusSchema = Type.Unsafe<DeliveryStatus>(Type.Union(
  deliveryStatuses.map((s) => Type.Literal(s)),
  {
    description:
      'applied = the plan in force is on the charger; interim-applied = the safe first limit (charge only) until the session\'s own plan arrives; ' +
      'fallback-applied, not-applied, failed and unmanaged = it is not (see code and message; unmanaged = the charger cannot follow profiles and its session is planned as uncontrolled load); ' +
      'cleared = our profiles were cleared (transaction ended or plan withdrawn; reason says which); not-cleared = that ClearChargingProfile failed (retried; code V2G_ERR_OCPP_CLEAR_FAILED); ' +
      'pending = being sent; waiting-for-plan = a transaction runs whose session has no plan yet (nothing sent); waiting-for-transaction = a plan, no transaction yet',
  },
));

export const EvseDeliverySchema = Type.Object({
  status: DeliveryStatusSchema,
  planId: Type.Optional(Type.String({ description: 'the plan in force for this EVSE (applied or not: see status)' })),
  current: Type.Optional(Type.Boolean({ description: "planId is the site's current plan (false: a newer plan has not reached this charger yet)" })),
  inForce: Type.Optional(Type.Union([Type.Literal('plan'), Type.Literal('first-limit')], { description: "what the charger is asked to follow: the session's own plan, or its safe first limit (charge only) until that plan exists" })),
  firstLimitKw: Type.Optional(Type.Number({ description: 'the safe first limit (kW) while inForce is first-limit' })),
  reason: Type.Optional(Type.String({ description: 'why: how the first limit was derived, or why nothing is sent' })),
  since: Type.Optional(Type.String({ description: 'RFC 3339: the EVSE has had this status since' })),
  purpose: Type.Optional(Type.String({ description: 'TxProfile, TxDefaultProfile (the fallback) or StationMaxProfile (station-wide caps; ChargePointMaxProfile in 1.6)' })),
  profileId: Type.Optional(Type.Integer()),
  code: Type.Optional(Type.String({ description: 'why it is not applied (V2G_ERR_OCPP_...)' })),
  message: Type.Optional(Type.String({ description: "the charger's answer" })),
  attempts: Type.Integer({ minimum: 0 }),
  nextRetryAt: Type.Optional(Type.String({ description: 'RFC 3339: the next attempt (backoff)' })),
  at: Type.String({ description: 'RFC 3339: when this report was written (any change is reported at once)' }),
  truncated: Type.Optional(Type.Boolean({ description: "the schedule was cut to the charger's maximum number of periods" })),
  dischargeClamped: Type.Optional(Type.Boolean({ description: 'negative setpoints were sent as 0: the charger cannot discharge' })),
});

const LinkSchema = Type.Object({
  connected: Type.Boolean(),
  version: Type.Optional(Type.String()),
  since: Type.String({ description: 'RFC 3339: connected or disconnected since' }),
  gateway: Type.Optional(Type.String({ description: 'the gateway process holding the connection' })),
  reason: Type.Optional(Type.String({ description: 'close code and reason of a disconnection' })),
});

export const ChargerDeliverySchema = Type.Object({
  chargerId: Type.String({ description: "the site's charger id" }),
  chargePointId: Type.String({ description: 'OCPP identity (ws://.../ocpp/<chargePointId>)' }),
  evseId: Type.Integer({ minimum: 1 }),
  link: Type.Optional(LinkSchema),
  delivery: Type.Optional(EvseDeliverySchema),
  stationCaps: Type.Optional(EvseDeliverySchema),
});

export const SiteDeliverySchema = Type.Object({
  siteId: Type.String(),
  currentPlanId: Type.Optional(Type.String()),
  summary: Type.Object({
    chargers: Type.Integer({ description: "the site's chargers" }),
    connected: Type.Integer(),
    applied: Type.Integer({ description: "chargers with the site's current plan applied" }),
    interim: Type.Integer({ description: 'chargers on a safe first limit until their session has a plan' }),
    notApplied: Type.Integer({ description: 'chargers where it is not (fallback-applied, not-applied, failed, unmanaged)' }),
    unmanaged: Type.Integer({ description: 'chargers that cannot follow profiles: their sessions are planned as uncontrolled load' }),
    pending: Type.Integer({ description: "chargers with a send under way, or with an older plan applied while the site's current one is on its way" }),
    unknown: Type.Integer({ description: 'chargers no gateway has reported on' }),
  }),
  chargers: Type.Array(ChargerDeliverySchema),
});

export type SiteDelivery = Static<typeof SiteDeliverySchema>;
