/**
 * OCPP 2.1 SetChargingProfile (CSMS -> charging station): the 2.0.1 frame (2.0.1/set-charging-profile.ts)
 * with V2X periods.
 *
 * Writes: as 2.0.1, and per period either
 *           ChargingOnly:    {startPeriod, limit, numberPhases}   (operationMode omitted = ChargingOnly)
 *           CentralSetpoint: {startPeriod, operationMode = CentralSetpoint, setpoint (< 0 discharges),
 *                             dischargeLimit (= setpoint, <= 0), numberPhases}
 *         A positive dischargeLimit is never written (the schema's maximum is 0).
 * Reads:  status (Accepted | Rejected), statusInfo.{reasonCode, additionalInfo}
 * Not sent: maxOfflineDuration, dynUpdateInterval, limitAtSoC, powerTolerance, price schedules,
 *           setpointReactive, v2x curves, per-phase (_L2/_L3) values.
 */
import type { ProfilePeriod, ProfileSpec } from '../profile-spec.ts';
import type { OcppCall, SetProfileResult } from '../version-mapping.ts';
import { encodeSetChargingProfile2x, sendSetChargingProfile2x, type PeriodWire, type SetChargingProfileReq2x } from '../2.0.1/set-charging-profile.ts';

export function period21(p: ProfilePeriod): PeriodWire {
  const phases = p.numberPhases !== undefined ? { numberPhases: p.numberPhases } : {};
  if (p.operationMode === 'CentralSetpoint') {
    const setpoint = p.setpoint ?? 0;
    const dischargeLimit = Math.min(0, p.dischargeLimit ?? setpoint);
    return { startPeriod: p.startPeriodS, operationMode: 'CentralSetpoint', setpoint, dischargeLimit, ...(p.limit !== undefined ? { limit: p.limit } : {}), ...phases };
  }
  return { startPeriod: p.startPeriodS, limit: p.limit ?? 0, ...phases };
}

export function encodeSetChargingProfile21(spec: ProfileSpec): SetChargingProfileReq2x {
  return encodeSetChargingProfile2x(spec, period21);
}

export async function setChargingProfile21(call: OcppCall, spec: ProfileSpec): Promise<SetProfileResult> {
  return sendSetChargingProfile2x(call, encodeSetChargingProfile21(spec));
}
