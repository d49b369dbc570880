/**
 * OCPP 1.6 SetChargingProfile (CSMS -> charge point). Encoded here for the CSMS, decoded here for the
 * simulator, so both sides share one reading of the wire format.
 *
 * Writes: connectorId (= evseId; 0 for ChargePointMaxProfile),
 *         csChargingProfiles.{chargingProfileId, transactionId (integer, TxProfile only), stackLevel,
 *         chargingProfilePurpose (ChargePointMaxProfile | TxDefaultProfile | TxProfile),
 *         chargingProfileKind = Absolute,
 *         chargingSchedule.{startSchedule, duration (s), chargingRateUnit (W | A),
 *         chargingSchedulePeriod[].{startPeriod (s), limit (multipleOf 0.1; negative only in
 *         negative-limit V2G mode), numberPhases}}}
 * Reads:  status (Accepted | Rejected | NotSupported)
 * Not sent: validFrom/validTo, recurrencyKind, minChargingRate (1.6 has no setpoint or discharge field).
 */
import { isoUtc, parseUtcMs } from '../clock.ts';
import type { ProfilePurpose, ProfileSpec } from '../profile-spec.ts';
import type { OcppCall, SetProfileResult, SetProfileStatus } from '../version-mapping.ts';

export type Purpose16 = 'ChargePointMaxProfile' | 'TxDefaultProfile' | 'TxProfile';

export function purposeTo16(purpose: ProfilePurpose): Purpose16 {
  return purpose === 'StationMaxProfile' ? 'ChargePointMaxProfile' : purpose;
}

export function purposeFrom16(purpose: Purpose16): ProfilePurpose {
  return purpose === 'ChargePointMaxProfile' ? 'StationMaxProfile' : purpose;
}

export interface ChargingSchedule16 {
  duration?: number;
  startSchedule?: string;
  chargingRateUnit: 'W' | 'A';
  chargingSchedulePeriod: { startPeriod: number; limit: number; numberPhases?: number }[];
  minChargingRate?: number;
}

export interface CsChargingProfiles16 {
  chargingProfileId: number;
  transactionId?: number;
  stackLevel: number;
  chargingProfilePurpose: Purpose16;
  chargingProfileKind: 'Absolute' | 'Recurring' | 'Relative';
  recurrencyKind?: 'Daily' | 'Weekly';
  validFrom?: string;
  validTo?: string;
  chargingSchedule: ChargingSchedule16;
}

export interface SetChargingProfileReq16 {
  connectorId: number;
  csChargingProfiles: CsChargingProfiles16;
}

/** The request payload for a profile. */
export function encodeSetChargingProfile16(spec: ProfileSpec): SetChargingProfileReq16 {
  return {
    connectorId: spec.evseId,
    csChargingProfiles: {
      chargingProfileId: spec.id,
      ...(spec.transactionId !== undefined ? { transactionId: Number(spec.transactionId) } : {}),
      stackLevel: spec.stackLevel,
      chargingProfilePurpose: purposeTo16(spec.purpose),
      chargingProfileKind: 'Absolute',
      chargingSchedule: {
        ...(spec.durationS !== undefined ? { duration: spec.durationS } : {}),
        startSchedule: isoUtc(spec.startScheduleUtcMs),
        chargingRateUnit: spec.rateUnit,
        chargingSchedulePeriod: spec.periods.map((p) => ({
          startPeriod: p.startPeriodS,
          limit: p.limit ?? 0,
          ...(p.numberPhases !== undefined ? { numberPhases: p.numberPhases } : {}),
        })),
      },
    },
  };
}

/**
 * Simulator side: the profile as a neutral spec. Relative profiles start at `relativeStartUtcMs` (the
 * transaction start, or now). Undefined for Recurring (the simulator does not run recurring schedules).
 */
export function decodeChargingProfile16(req: SetChargingProfileReq16, relativeStartUtcMs: number): ProfileSpec | undefined {
  const p = req.csChargingProfiles;
  const s = p.chargingSchedule;
  if (p.chargingProfileKind === 'Recurring') return undefined;
  const start = p.chargingProfileKind === 'Relative' ? relativeStartUtcMs : parseUtcMs(s.startSchedule);
  if (start === undefined) return undefined;
  return {
    id: p.chargingProfileId,
    purpose: purposeFrom16(p.chargingProfilePurpose),
    evseId: req.connectorId,
    stackLevel: p.stackLevel,
    ...(p.transactionId !== undefined ? { transactionId: String(p.transactionId) } : {}),
    startScheduleUtcMs: start,
    ...(s.duration !== undefined ? { durationS: s.duration } : {}),
    rateUnit: s.chargingRateUnit,
    periods: s.chargingSchedulePeriod.map((x) => ({ startPeriodS: x.startPeriod, limit: x.limit, ...(x.numberPhases !== undefined ? { numberPhases: x.numberPhases } : {}) })),
  };
}

export async function setChargingProfile16(call: OcppCall, spec: ProfileSpec): Promise<SetProfileResult> {
  const conf = (await call('SetChargingProfile', encodeSetChargingProfile16(spec) as unknown as Record<string, unknown>)) as { status: SetProfileStatus };
  return { status: conf.status };
}
