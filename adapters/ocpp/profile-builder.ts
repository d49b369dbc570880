/**
 * The profile builder (pure): an absolute schedule of kW per slot -> OCPP charging-schedule periods.
 *
 * - starts at the slot containing `now` (slots already over are dropped: the remaining schedule only);
 * - one period per slot boundary, converted to W or A (A: per phase, with numberPhases), then equal
 *   neighbours merged (after rounding, so 7.01 and 7.02 kW in A become one period);
 * - at most `maxPeriods` periods: the schedule is cut there (its `duration` ends early and the charger
 *   falls back to lower profiles); the delivery loop refreshes it before it runs out;
 * - discharge (negative kW) as the charger allows: a 2.1 CentralSetpoint period (setpoint < 0,
 *   dischargeLimit = setpoint <= 0), a negative limit (1.6/2.0.1 chargers configured for it), or clamped
 *   to 0 (`dischargeClamped`).
 */
import type { ChargerCapabilities, DischargeMode, RateUnit } from './capabilities.ts';
import type { EvseSchedule, StationCapSchedule } from './charger-plan.ts';
import { profileIdFor, stackLevelFor, type ProfilePeriod, type ProfilePurpose, type ProfileSpec } from './profile-spec.ts';
import { kwToRate } from './rate-units.ts';

/** kW per slot from an instant. */
export interface SlotValues {
  readonly startUtcMs: number;
  readonly slotMs: number;
  readonly valuesKw: readonly number[];
}

export interface PeriodBuildOptions {
  readonly nowUtcMs: number;
  readonly rateUnit: RateUnit;
  readonly voltageV: number;
  readonly phases: number;
  /** DC: no numberPhases. */
  readonly dc: boolean;
  /** The charger's maximum number of periods per schedule (>= 1). */
  readonly maxPeriods: number;
  readonly discharge: DischargeMode;
}

export interface BuiltSchedule {
  readonly startScheduleUtcMs: number;
  readonly durationS: number;
  readonly rateUnit: RateUnit;
  readonly periods: ProfilePeriod[];
  /** Periods beyond maxPeriods were cut; the schedule ends at startSchedule + duration. */
  readonly truncated: boolean;
  /** At least one negative setpoint was clamped to 0 (the charger cannot discharge). */
  readonly dischargeClamped: boolean;
}

type PeriodValue = Omit<ProfilePeriod, 'startPeriodS'>;

function periodValue(powerKw: number, o: PeriodBuildOptions): { value: PeriodValue; clamped: boolean } {
  const phases = o.dc ? {} : { numberPhases: o.phases };
  let kw = powerKw;
  let clamped = false;
  if (kw < 0 && o.discharge === 'none') {
    kw = 0;
    clamped = true;
  }
  const rate = kwToRate(kw, o.rateUnit, o.voltageV, o.phases);
  if (rate < 0 && o.discharge === 'central-setpoint') {
    return { value: { operationMode: 'CentralSetpoint', setpoint: rate, dischargeLimit: rate, ...phases }, clamped };
  }
  return { value: { limit: rate, ...phases }, clamped };
}

function sameValue(a: PeriodValue, b: PeriodValue): boolean {
  return a.limit === b.limit && a.setpoint === b.setpoint && a.dischargeLimit === b.dischargeLimit &&
    a.operationMode === b.operationMode && a.numberPhases === b.numberPhases;
}

/** The remaining schedule as periods; undefined when no slot ends after `now`. */
export function buildSchedule(input: SlotValues, o: PeriodBuildOptions): BuiltSchedule | undefined {
  const { startUtcMs, slotMs, valuesKw } = input;
  const first = Math.max(0, Math.floor((o.nowUtcMs - startUtcMs) / slotMs));
  if (first >= valuesKw.length) return undefined;
  const startScheduleUtcMs = startUtcMs + first * slotMs;
  const runs: { startPeriodS: number; value: PeriodValue }[] = [];
  let dischargeClamped = false;
  for (let i = first; i < valuesKw.length; i++) {
    const { value, clamped } = periodValue(valuesKw[i]!, o);
    dischargeClamped ||= clamped;
    const last = runs[runs.length - 1];
    if (last && sameValue(last.value, value)) continue;
    runs.push({ startPeriodS: ((i - first) * slotMs) / 1000, value });
  }
  const maxPeriods = Math.max(1, Math.floor(o.maxPeriods));
  const truncated = runs.length > maxPeriods;
  const kept = truncated ? runs.slice(0, maxPeriods) : runs;
  const durationS = truncated ? runs[maxPeriods]!.startPeriodS : ((valuesKw.length - first) * slotMs) / 1000;
  return {
    startScheduleUtcMs,
    durationS,
    rateUnit: o.rateUnit,
    periods: kept.map((r) => ({ startPeriodS: r.startPeriodS, ...r.value })),
    truncated,
    dischargeClamped,
  };
}

function specOf(purpose: ProfilePurpose, evseId: number, caps: ChargerCapabilities, built: BuiltSchedule, transactionId?: string): ProfileSpec {
  return {
    id: profileIdFor(purpose, evseId),
    purpose,
    evseId,
    stackLevel: stackLevelFor(purpose, caps),
    ...(transactionId !== undefined ? { transactionId } : {}),
    startScheduleUtcMs: built.startScheduleUtcMs,
    durationS: built.durationS,
    rateUnit: built.rateUnit,
    periods: built.periods,
  };
}

/** The TxProfile carrying an EVSE's remaining plan for a live transaction. */
export function buildTxProfile(schedule: EvseSchedule, transactionId: string, caps: ChargerCapabilities, o: PeriodBuildOptions): { spec: ProfileSpec; built: BuiltSchedule } | undefined {
  const built = buildSchedule({ startUtcMs: schedule.startUtcMs, slotMs: schedule.slotMs, valuesKw: schedule.powerKw }, o);
  if (!built) return undefined;
  return { spec: specOf('TxProfile', schedule.evseId, caps, built, transactionId), built };
}

/** The fallback when a TxProfile is refused: the same schedule as a TxDefaultProfile on that EVSE. */
export function fallbackOf(tx: ProfileSpec, caps: ChargerCapabilities): ProfileSpec {
  const { transactionId: _tx, ...rest } = tx;
  return { ...rest, purpose: 'TxDefaultProfile', id: profileIdFor('TxDefaultProfile', tx.evseId), stackLevel: stackLevelFor('TxDefaultProfile', caps) };
}

/** A station-wide cap on evse/connector 0 (never discharges). */
export function buildStationProfile(cap: StationCapSchedule, caps: ChargerCapabilities, o: PeriodBuildOptions): ProfileSpec | undefined {
  const built = buildSchedule({ startUtcMs: cap.startUtcMs, slotMs: cap.slotMs, valuesKw: cap.maxPowerKw }, { ...o, discharge: 'none' });
  return built ? specOf('StationMaxProfile', 0, caps, built) : undefined;
}
