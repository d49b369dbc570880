/**
 * Coded errors of the OCPP adapter. Codes are stable: a retired code is never reused for another meaning.
 * `retryable` tells the delivery loop whether trying again later (with backoff) can help.
 */

/** Every code with what it means. */
export const ocppErrorCodes = {
  V2G_ERR_OCPP_PROFILE_REJECTED: 'the charger answered Rejected to a SetChargingProfile',
  V2G_ERR_OCPP_PROFILE_NOT_SUPPORTED: 'the charger answered NotSupported to a SetChargingProfile (1.6: no SmartCharging profile)',
  V2G_ERR_OCPP_CALL_ERROR: 'the charger answered a call with a CALLERROR (NotImplemented, FormationViolation, ...)',
  V2G_ERR_OCPP_TIMEOUT: 'the charger did not answer a call in time',
  V2G_ERR_OCPP_OFFLINE: 'the charger is not connected',
  V2G_ERR_OCPP_SCHEMA: 'a message failed strict validation against the official OCPP JSON schema',
  V2G_ERR_OCPP_SMART_CHARGING_UNSUPPORTED: 'the charger reported at discovery that it does not do smart charging',
  V2G_ERR_OCPP_NO_RATE_UNIT: 'the charger allows neither W nor A as charging rate unit',
  V2G_ERR_OCPP_DISCHARGE_NOT_ALLOWED: 'a plan asked a charger that cannot discharge to discharge; the setpoint was clamped to 0',
  V2G_ERR_OCPP_UNKNOWN_CHARGER: 'a charger that is not registered tried to connect (auto-registration is off)',
  V2G_ERR_OCPP_AUTH_FAILED: 'a charger presented no or a wrong HTTP Basic password (security profile 1/2)',
  V2G_ERR_OCPP_BAD_IDENTITY: 'the charge point identity in the URL is empty, too long or has forbidden characters',
  V2G_ERR_OCPP_PLAN_INVALID: 'a plan given to applyPlan is malformed',
  V2G_ERR_OCPP_INBOUND_INVALID: "a charger's CALL breaks a rule the schema cannot express (e.g. a transaction on connector 0 or -1); answered with CALLERROR PropertyConstraintViolation naming the field",
  V2G_ERR_OCPP_STATE: 'an event is not allowed in the charger state machine',
  V2G_ERR_OCPP_PORT: 'a call into the CSMS port (store, re-planning) failed',
  V2G_ERR_OCPP_CONFIG: 'the OCPP server options are invalid',
  V2G_ERR_OCPP_CLEAR_FAILED: 'a ClearChargingProfile for a profile of an ended transaction or a withdrawn plan failed (CALLERROR, timeout, offline)',
  V2G_ERR_OCPP_RESYNC: 'the re-sync after a reconnect could not read the charger state',
} as const;

export type OcppErrorCode = keyof typeof ocppErrorCodes;

/** Codes that a later attempt can fix (charger busy, offline, transiently refusing). */
const retryableCodes: ReadonlySet<OcppErrorCode> = new Set<OcppErrorCode>([
  'V2G_ERR_OCPP_PROFILE_REJECTED',
  'V2G_ERR_OCPP_PROFILE_NOT_SUPPORTED',
  'V2G_ERR_OCPP_CALL_ERROR',
  'V2G_ERR_OCPP_TIMEOUT',
  'V2G_ERR_OCPP_OFFLINE',
  'V2G_ERR_OCPP_PORT',
  'V2G_ERR_OCPP_RESYNC',
  'V2G_ERR_OCPP_CLEAR_FAILED',
]);

/** An OCPP adapter error with a stable code. */
export class OcppError extends Error {
  override readonly name = 'OcppError';
  readonly retryable: boolean;

  constructor(
    readonly code: OcppErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${code}: ${message}`);
    this.retryable = retryableCodes.has(code);
    Object.setPrototypeOf(this, OcppError.prototype);
  }
}

export function isOcppError(error: unknown): error is OcppError {
  return error instanceof OcppError;
}
