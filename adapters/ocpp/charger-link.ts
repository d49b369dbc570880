/**
 * The outbound side of one connected charger, version-neutral: what the delivery loop and the server use
 * to talk to it. Built per connection from a VersionMapping and the ocpp-rpc client; every failure
 * arrives as an OcppError with a stable code.
 */
import type { RateUnit } from './capabilities.ts';
import { OcppError } from './errors.ts';
import { TimeoutError } from './ocpp-rpc.ts';
import type { ProfileSpec } from './profile-spec.ts';
import type { OcppVersion } from './protocol.ts';
import type { ClearCriteria, ClearStatus, OcppCall, ReportedComposite, SetProfileResult, VersionMapping } from './version-mapping.ts';


export interface ChargerLink {
  readonly version: OcppVersion;
  readonly call: OcppCall;
  setChargingProfile(spec: ProfileSpec): Promise<SetProfileResult>;
  clearChargingProfile(criteria: ClearCriteria): Promise<ClearStatus>;
  getCompositeSchedule(evseId: number, durationS: number, unit?: RateUnit): Promise<ReportedComposite | undefined>;
}

/** A raw ocpp-rpc failure -> an OcppError (timeout, CALLERROR, answer failing the schema, socket gone). */
export function translateCallError(error: unknown, action: string): OcppError {
  if (error instanceof OcppError) return error;
  const e = error as { message?: string; rpcErrorCode?: string; details?: { errors?: unknown } };
  if (error instanceof TimeoutError) return new OcppError('V2G_ERR_OCPP_TIMEOUT', `${action}: no answer in time`);
  if (e.rpcErrorCode && Array.isArray(e.details?.errors)) {
    return new OcppError('V2G_ERR_OCPP_SCHEMA', `${action}: the request or its answer fails the official schema: ${e.message ?? ''}`);
  }
  if (e.rpcErrorCode) return new OcppError('V2G_ERR_OCPP_CALL_ERROR', `${action}: CALLERROR ${e.rpcErrorCode}: ${e.message ?? ''}`, { rpcErrorCode: e.rpcErrorCode });
  return new OcppError('V2G_ERR_OCPP_OFFLINE', `${action}: ${e.message ?? String(error)}`);
}

/** The minimal ocpp-rpc client surface the link uses. */
export interface RpcCaller {
  call(method: string, params?: unknown, options?: Record<string, unknown>): Promise<unknown>;
}

/**
 * A link over an ocpp-rpc client in strict mode: each CALL is checked against the official schema
 * before it leaves (a failure is V2G_ERR_OCPP_SCHEMA and nothing is sent), and so is each answer.
 */
export function createChargerLink(client: RpcCaller, mapping: VersionMapping, onCall?: (action: string) => void): ChargerLink {
  const call: OcppCall = async (action, payload) => {
    onCall?.(action);
    try {
      return await client.call(action, payload);
    } catch (error) {
      throw translateCallError(error, action);
    }
  };
  return {
    version: mapping.version,
    call,
    setChargingProfile: (spec) => mapping.setChargingProfile(call, spec),
    clearChargingProfile: (criteria) => mapping.clearChargingProfile(call, criteria),
    getCompositeSchedule: (evseId, durationS, unit) => mapping.getCompositeSchedule(call, evseId, durationS, unit),
  };
}
