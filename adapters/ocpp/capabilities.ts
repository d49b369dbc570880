/**
 * What a charger can do (discovered at boot) and how the operator configured it (from the CSMS port).
 * Together they decide what we send: rate unit, stack levels, number of periods, discharge.
 */
import type { OcppVersion } from './protocol.ts';

export type RateUnit = 'W' | 'A';

/** Discovered smart-charging capabilities. */
export interface ChargerCapabilities {
  /** 1.6: SupportedFeatureProfiles contains SmartCharging; 2.x: SmartChargingCtrlr.Enabled. */
  readonly smartCharging: boolean;
  /** 1.6 ChargeProfileMaxStackLevel; 2.x SmartChargingCtrlr.ProfileStackLevel. */
  readonly maxStackLevel: number;
  /** 1.6 ChargingScheduleAllowedChargingRateUnit; 2.x SmartChargingCtrlr.RateUnit. */
  readonly rateUnits: readonly RateUnit[];
  /** 1.6 ChargingScheduleMaxPeriods; 2.x SmartChargingCtrlr.PeriodsPerSchedule. */
  readonly maxPeriods: number;
  /** 1.6 MaxChargingProfilesInstalled; 2.x SmartChargingCtrlr.Entries[ChargingProfiles]. */
  readonly maxProfiles?: number;
  /** 1.6 NumberOfConnectors (2.x: not read). */
  readonly connectorCount?: number;
  /** 2.1 only: V2XChargingCtrlr.Enabled and CentralSetpoint among its SupportedOperationModes. */
  readonly v2xCentralSetpoint: boolean;
  /** False when discovery failed and these are the defaults. */
  readonly discovered: boolean;
}

/**
 * Used when discovery fails or a key is missing: the conservative values a charger that claims the
 * SmartCharging profile must at least support (stack level 0, current in A, a short schedule).
 */
export const defaultCapabilities: ChargerCapabilities = {
  smartCharging: true,
  maxStackLevel: 0,
  rateUnits: ['A'],
  maxPeriods: 24,
  v2xCentralSetpoint: false,
  discovered: false,
};

/** Operator configuration of one charger, from the CSMS port (not discoverable over OCPP). */
export interface ChargerSettings {
  /** Phase-to-neutral voltage for W <-> A (V); default 230. */
  readonly voltageV: number;
  /** Phases used for charging; default 3. */
  readonly phases: 1 | 2 | 3;
  /** A DC charger: no numberPhases in periods. Default false. */
  readonly dc: boolean;
  /**
   * 1.6 and 2.0.1: this charger model accepts a negative `limit` as a discharge setpoint (an unofficial
   * practice, vendor-specific). Default false: negative setpoints are clamped to 0 and the charger is
   * reported as unable to discharge.
   */
  readonly negativeLimitDischarge: boolean;
}

export const defaultChargerSettings: ChargerSettings = { voltageV: 230, phases: 3, dc: false, negativeLimitDischarge: false };

/** How discharge is expressed to this charger, or 'none'. */
export type DischargeMode = 'none' | 'negative-limit' | 'central-setpoint';

/**
 * The discharge gate. 2.1: OCPP's own V2X (CentralSetpoint) when the charger reports it; 1.6 and 2.0.1:
 * a negative limit only for a charger explicitly configured as accepting it.
 */
export function dischargeModeOf(version: OcppVersion, caps: ChargerCapabilities, settings: ChargerSettings): DischargeMode {
  if (!caps.smartCharging) return 'none';
  if (version === '2.1' && caps.v2xCentralSetpoint) return 'central-setpoint';
  if (settings.negativeLimitDischarge) return 'negative-limit';
  return 'none';
}

/** The unit we send: W where allowed (no voltage assumption), else A. Undefined when neither. */
export function chooseRateUnit(caps: ChargerCapabilities): RateUnit | undefined {
  if (caps.rateUnits.includes('W')) return 'W';
  if (caps.rateUnits.includes('A')) return 'A';
  return undefined;
}

/** Parses a unit list such as "Current,Power" (1.6) or "A,W" (2.x); unknown members are ignored. */
export function parseRateUnits(text: string | undefined): RateUnit[] | undefined {
  if (text === undefined) return undefined;
  const units = new Set<RateUnit>();
  for (const part of text.split(/[,\s]+/)) {
    const p = part.trim().toLowerCase();
    if (p === 'a' || p === 'current') units.add('A');
    if (p === 'w' || p === 'power') units.add('W');
  }
  return [...units];
}

/** A non-negative integer from a configuration value, or undefined. */
export function parseCount(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
