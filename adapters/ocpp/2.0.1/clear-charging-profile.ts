/**
 * OCPP 2.0.1 ClearChargingProfile (CSMS -> charging station). Same fields in 2.1.
 *
 * Writes: chargingProfileId | chargingProfileCriteria.{evseId, chargingProfilePurpose, stackLevel}
 * Reads:  status (Accepted | Unknown)
 */
import type { ClearCriteria, ClearStatus, OcppCall } from '../version-mapping.ts';
import { purposeFrom2x, purposeTo2x, type Purpose2x } from './set-charging-profile.ts';

export interface ClearChargingProfileReq2x {
  chargingProfileId?: number;
  chargingProfileCriteria?: { evseId?: number; chargingProfilePurpose?: Purpose2x; stackLevel?: number };
}

export function encodeClearChargingProfile2x(c: ClearCriteria): ClearChargingProfileReq2x {
  const criteria = {
    ...(c.evseId !== undefined ? { evseId: c.evseId } : {}),
    ...(c.purpose !== undefined ? { chargingProfilePurpose: purposeTo2x(c.purpose) } : {}),
    ...(c.stackLevel !== undefined ? { stackLevel: c.stackLevel } : {}),
  };
  return {
    ...(c.profileId !== undefined ? { chargingProfileId: c.profileId } : {}),
    ...(Object.keys(criteria).length > 0 ? { chargingProfileCriteria: criteria } : {}),
  };
}

/** Simulator side. A purpose we do not model yields a criteria that matches nothing. */
export function decodeClearChargingProfile2x(req: ClearChargingProfileReq2x): ClearCriteria & { unmatchable?: boolean } {
  const c = req.chargingProfileCriteria;
  const purpose = c?.chargingProfilePurpose !== undefined ? purposeFrom2x(c.chargingProfilePurpose) : undefined;
  return {
    ...(req.chargingProfileId !== undefined ? { profileId: req.chargingProfileId } : {}),
    ...(c?.evseId !== undefined ? { evseId: c.evseId } : {}),
    ...(purpose !== undefined ? { purpose } : {}),
    ...(c?.stackLevel !== undefined ? { stackLevel: c.stackLevel } : {}),
    ...(c?.chargingProfilePurpose !== undefined && purpose === undefined ? { unmatchable: true } : {}),
  };
}

export async function clearChargingProfile2x(call: OcppCall, criteria: ClearCriteria): Promise<ClearStatus> {
  const conf = (await call('ClearChargingProfile', encodeClearChargingProfile2x(criteria) as Record<string, unknown>)) as { status: ClearStatus };
  return conf.status;
}
