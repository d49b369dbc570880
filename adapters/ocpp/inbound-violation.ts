/**
 * A charger's CALL that passes the official schema but breaks a rule the schema cannot express (a
 * transaction on connector 0 or -1, an EVSE id below 1): refused before any state changes, and answered
 * with the OCPP CALLERROR code that says so (PropertyConstraintViolation naming the field), never with
 * InternalError (which tells the charger to retry the same message).
 */
import { OcppError } from './errors.ts';

/** OCPP-J CALLERROR codes for a request that is wrong (both 1.6 and 2.x know these). */
export type InboundRpcErrorCode = 'PropertyConstraintViolation' | 'OccurrenceConstraintViolation' | 'TypeConstraintViolation' | 'NotSupported';

/** V2G_ERR_OCPP_INBOUND_INVALID with the CALLERROR code and the field (JSON path in the request). */
export function inboundViolation(field: string, message: string, rpcErrorCode: InboundRpcErrorCode = 'PropertyConstraintViolation'): OcppError {
  return new OcppError('V2G_ERR_OCPP_INBOUND_INVALID', `${field}: ${message}`, { rpcErrorCode, field });
}

/**
 * Throws unless `value` is a connector / EVSE id a transaction (or an EV's needs) can be on: >= 1, and at
 * most `count` when the charger reported how many it has.
 */
export function requireOutletId(field: string, value: number, count?: number): void {
  if (!(value >= 1)) throw inboundViolation(field, `${value} is not a connector: a transaction needs an id >= 1 (0 is the whole charger)`);
  if (count !== undefined && value > count) throw inboundViolation(field, `${value} is above the ${count} connector(s) the charger reported`);
}

/** Throws when an id that may be 0 (the whole charger / main meter) is negative. */
export function requireNonNegativeId(field: string, value: number): void {
  if (!(value >= 0)) throw inboundViolation(field, `${value} is negative (0 is the whole charger, >= 1 a connector)`);
}

/** The CALLERROR to answer for a handler failure: a violation as itself, anything else InternalError. */
export function callErrorOf(error: unknown): { readonly rpcErrorCode: string; readonly message: string; readonly details: Record<string, unknown> } {
  if (error instanceof OcppError && error.code === 'V2G_ERR_OCPP_INBOUND_INVALID') {
    return { rpcErrorCode: String(error.details['rpcErrorCode']), message: error.message, details: { field: error.details['field'], code: error.code } };
  }
  return { rpcErrorCode: 'InternalError', message: error instanceof OcppError ? error.code : 'internal error', details: {} };
}
