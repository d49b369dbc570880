/**
 * OCPP 2.0.1 SetChargingProfile (CSMS -> charging station). Encoded here for the CSMS, decoded here for the
 * simulator. 2.1 reuses the profile frame and adds its V2X period fields (2.1/set-charging-profile.ts).
 *
 * Writes: evseId (0 for ChargingStationMaxProfile), chargingProfile.{id, stackLevel,
 *         chargingProfilePurpose (ChargingStationMaxProfile | TxDefaultProfile | TxProfile),
 *         chargingProfileKind = Absolute, transactionId (TxProfile only),
 *         chargingSchedule[0].{id, startSchedule, duration (s), chargingRateUnit (W | A),
 *         chargingSchedulePeriod[].{startPeriod (s), limit (negative only in negative-limit V2G mode),
 *         numberPhases}}}
 * Reads:  status (Accepted | Rejected), statusInfo.{reasonCode, additionalInfo}
 * Not sent: validFrom/validTo, recurrencyKind, minChargingRate, salesTariff.
 */
import { isoUtc, parseUtcMs } from '../clock.ts';
import type { ProfilePeriod, ProfilePurpose, ProfileSpec } from '../profile-spec.ts';
import type { OcppCall, SetProfileResult } from '../version-mapping.ts';

export type Purpose2x = 'ChargingStationMaxProfile' | 'TxDefaultProfile' | 'TxProfile' | 'ChargingStationExternalConstraints' | 'PriorityCharging' | 'LocalGeneration';

export function purposeTo2x(purpose: ProfilePurpose): Purpose2x {
  return purpose === 'StationMaxProfile' ? 'ChargingStationMaxProfile' : purpose;
}

/** Undefined for purposes we do not model (external constraints, 2.1 priority charging, local generation). */
export function purposeFrom2x(purpose: Purpose2x): ProfilePurpose | undefined {
  if (purpose === 'ChargingStationMaxProfile') return 'StationMaxProfile';
  if (purpose === 'TxDefaultProfile' || purpose === 'TxProfile') return purpose;
  return undefined;
}

export type PeriodWire = Record<string, unknown> & { startPeriod: number };

export interface ChargingSchedule2x {
  id: number;
  startSchedule?: string;
  duration?: number;
  chargingRateUnit: 'W' | 'A';
  chargingSchedulePeriod: PeriodWire[];
}

export interface ChargingProfile2x {
  id: number;
  stackLevel: number;
  chargingProfilePurpose: Purpose2x;
  chargingProfileKind: 'Absolute' | 'Recurring' | 'Relative' | 'Dynamic';
  transactionId?: string;
  chargingSchedule: ChargingSchedule2x[];
}

export interface SetChargingProfileReq2x {
  evseId: number;
  chargingProfile: ChargingProfile2x;
}

/** 2.0.1 periods: limit and numberPhases only. */
export function period201(p: ProfilePeriod): PeriodWire {
  return { startPeriod: p.startPeriodS, limit: p.limit ?? 0, ...(p.numberPhases !== undefined ? { numberPhases: p.numberPhases } : {}) };
}

/** The request payload; `period` maps each period to its wire form (2.0.1 or 2.1). */
export function encodeSetChargingProfile2x(spec: ProfileSpec, period: (p: ProfilePeriod) => PeriodWire = period201): SetChargingProfileReq2x {
  return {
    evseId: spec.evseId,
    chargingProfile: {
      id: spec.id,
      stackLevel: spec.stackLevel,
      chargingProfilePurpose: purposeTo2x(spec.purpose),
      chargingProfileKind: 'Absolute',
      ...(spec.transactionId !== undefined ? { transactionId: spec.transactionId } : {}),
      chargingSchedule: [{
        id: spec.id,
        startSchedule: isoUtc(spec.startScheduleUtcMs),
        ...(spec.durationS !== undefined ? { duration: spec.durationS } : {}),
        chargingRateUnit: spec.rateUnit,
        chargingSchedulePeriod: spec.periods.map(period),
      }],
    },
  };
}

/** A wire period -> neutral (reads the 2.1 fields too when present). */
export function decodePeriod2x(w: PeriodWire): ProfilePeriod {
  const num = (k: string) => (typeof w[k] === 'number' ? (w[k] as number) : undefined);
  const limit = num('limit');
  const numberPhases = num('numberPhases');
  const setpoint = num('setpoint');
  const dischargeLimit = num('dischargeLimit');
  const operationMode = w['operationMode'];
  return {
    startPeriodS: w.startPeriod,
    ...(limit !== undefined ? { limit } : {}),
    ...(numberPhases !== undefined ? { numberPhases } : {}),
    ...(setpoint !== undefined ? { setpoint } : {}),
    ...(dischargeLimit !== undefined ? { dischargeLimit } : {}),
    ...(operationMode === 'CentralSetpoint' || operationMode === 'ChargingOnly' ? { operationMode } : {}),
  };
}

/**
 * Simulator side: the profile as a neutral spec (first schedule only). Undefined for kinds or purposes
 * the simulator does not run (Recurring, Dynamic, external constraints, priority charging, ...).
 */
export function decodeChargingProfile2x(req: SetChargingProfileReq2x, relativeStartUtcMs: number): ProfileSpec | undefined {
  const p = req.chargingProfile;
  const s = p.chargingSchedule[0];
  const purpose = purposeFrom2x(p.chargingProfilePurpose);
  if (!s || !purpose || p.chargingProfileKind === 'Recurring' || p.chargingProfileKind === 'Dynamic') return undefined;
  const start = p.chargingProfileKind === 'Relative' ? relativeStartUtcMs : parseUtcMs(s.startSchedule);
  if (start === undefined) return undefined;
  return {
    id: p.id,
    purpose,
    evseId: req.evseId,
    stackLevel: p.stackLevel,
    ...(p.transactionId !== undefined ? { transactionId: p.transactionId } : {}),
    startScheduleUtcMs: start,
    ...(s.duration !== undefined ? { durationS: s.duration } : {}),
    rateUnit: s.chargingRateUnit,
    periods: s.chargingSchedulePeriod.map(decodePeriod2x),
  };
}

export interface SetChargingProfileConf2x {
  status: 'Accepted' | 'Rejected';
  statusInfo?: { reasonCode: string; additionalInfo?: string };
}

export async function sendSetChargingProfile2x(call: OcppCall, req: SetChargingProfileReq2x): Promise<SetProfileResult> {
  const conf = (await call('SetChargingProfile', req as unknown as Record<string, unknown>)) as SetChargingProfileConf2x;
  const reason = conf.statusInfo ? [conf.statusInfo.reasonCode, conf.statusInfo.additionalInfo].filter(Boolean).join(': ') : undefined;
  return { status: conf.status, ...(reason ? { reason } : {}) };
}

export async function setChargingProfile201(call: OcppCall, spec: ProfileSpec): Promise<SetProfileResult> {
  return sendSetChargingProfile2x(call, encodeSetChargingProfile2x(spec, period201));
}
