/**
 * A charging profile in version-neutral form: what the delivery logic reasons about and what each
 * version's `set-charging-profile.ts` encodes (CSMS side) and decodes (simulator side).
 */
import type { ChargerCapabilities, RateUnit } from './capabilities.ts';

/** Purposes we use. `StationMaxProfile` is 1.6 ChargePointMaxProfile / 2.x ChargingStationMaxProfile. */
export type ProfilePurpose = 'TxProfile' | 'TxDefaultProfile' | 'StationMaxProfile';

export type OperationMode = 'ChargingOnly' | 'CentralSetpoint';

/** One period; values in the profile's rate unit. */
export interface ProfilePeriod {
  /** Seconds from the schedule start. */
  readonly startPeriodS: number;
  /** Charge limit. Negative only in 1.6/2.0.1 negative-limit V2G mode. Absent for a 2.1 CentralSetpoint period. */
  readonly limit?: number;
  /** Phases (AC); absent for DC. */
  readonly numberPhases?: number;
  /** 2.1 CentralSetpoint: the setpoint to follow (negative discharges). */
  readonly setpoint?: number;
  /** 2.1: maximum discharge (<= 0). */
  readonly dischargeLimit?: number;
  /** 2.1; absent means ChargingOnly. */
  readonly operationMode?: OperationMode;
}

/** An absolute profile as we send it (or as the simulator installed it). */
export interface ProfileSpec {
  readonly id: number;
  readonly purpose: ProfilePurpose;
  /** 0 = the whole station (StationMaxProfile, or TxDefaultProfile for every EVSE). */
  readonly evseId: number;
  readonly stackLevel: number;
  /** TxProfile only: the transaction (1.6: the integer as decimal text). */
  readonly transactionId?: string;
  /** Absolute start (UTC epoch ms). */
  readonly startScheduleUtcMs: number;
  /** Length (s); absent = the last period runs on. */
  readonly durationS?: number;
  readonly rateUnit: RateUnit;
  /** Sorted by startPeriodS, first at 0. */
  readonly periods: readonly ProfilePeriod[];
}

/**
 * Our profile ids: one per (purpose, EVSE) so a resend replaces instead of stacking. Chosen high to stay
 * clear of ids other systems commonly use (1, 2, ...).
 */
export function profileIdFor(purpose: ProfilePurpose, evseId: number): number {
  switch (purpose) {
    case 'TxProfile':
      return 91_000 + evseId;
    case 'TxDefaultProfile':
      return 92_000 + evseId;
    case 'StationMaxProfile':
      return 93_000;
  }
}

/**
 * Stack levels, always within the charger's maximum: our TxProfile on the top level (it overrides a
 * TxProfile from RemoteStartTransaction or an operator), our fallback TxDefaultProfile and station cap on 0.
 */
export function stackLevelFor(purpose: ProfilePurpose, caps: ChargerCapabilities): number {
  return purpose === 'TxProfile' ? Math.max(0, caps.maxStackLevel) : 0;
}

/** The value a period asks the EV to draw (setpoint in CentralSetpoint mode, else the limit). */
export function periodTarget(period: ProfilePeriod): number {
  if (period.operationMode === 'CentralSetpoint' && period.setpoint !== undefined) return period.setpoint;
  return period.limit ?? 0;
}

/** End of a profile's schedule (UTC epoch ms), Infinity when open-ended. */
export function scheduleEndUtcMs(spec: Pick<ProfileSpec, 'startScheduleUtcMs' | 'durationS'>): number {
  return spec.durationS === undefined ? Infinity : spec.startScheduleUtcMs + spec.durationS * 1000;
}
