/**
 * OCPP 1.6 ClearChargingProfile (CSMS -> charge point).
 *
 * Writes: id (profile id) | connectorId, chargingProfilePurpose, stackLevel (criteria; all optional)
 * Reads:  status (Accepted | Unknown)
 */
import type { ClearCriteria, ClearStatus, OcppCall } from '../version-mapping.ts';
import { purposeFrom16, purposeTo16, type Purpose16 } from './set-charging-profile.ts';

export interface ClearChargingProfileReq16 {
  id?: number;
  connectorId?: number;
  chargingProfilePurpose?: Purpose16;
  stackLevel?: number;
}

export function encodeClearChargingProfile16(c: ClearCriteria): ClearChargingProfileReq16 {
  return {
    ...(c.profileId !== undefined ? { id: c.profileId } : {}),
    ...(c.evseId !== undefined ? { connectorId: c.evseId } : {}),
    ...(c.purpose !== undefined ? { chargingProfilePurpose: purposeTo16(c.purpose) } : {}),
    ...(c.stackLevel !== undefined ? { stackLevel: c.stackLevel } : {}),
  };
}

/** Simulator side. */
export function decodeClearChargingProfile16(req: ClearChargingProfileReq16): ClearCriteria {
  return {
    ...(req.id !== undefined ? { profileId: req.id } : {}),
    ...(req.connectorId !== undefined ? { evseId: req.connectorId } : {}),
    ...(req.chargingProfilePurpose !== undefined ? { purpose: purposeFrom16(req.chargingProfilePurpose) } : {}),
    ...(req.stackLevel !== undefined ? { stackLevel: req.stackLevel } : {}),
  };
}

export async function clearChargingProfile16(call: OcppCall, criteria: ClearCriteria): Promise<ClearStatus> {
  const conf = (await call('ClearChargingProfile', encodeClearChargingProfile16(criteria) as Record<string, unknown>)) as { status: ClearStatus };
  return conf.status;
}
