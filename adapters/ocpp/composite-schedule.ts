/**
 * The composite schedule (pure): what one EVSE may draw over time once every installed profile is
 * combined, as OCPP defines it and as GetCompositeSchedule reports it.
 *
 * At each instant: among profiles of one purpose, the highest stack level whose schedule covers the
 * instant wins. TxProfile (of the running transaction) beats TxDefaultProfile, and an EVSE-specific
 * TxDefaultProfile beats one on EVSE 0. The result is capped by the station maximum (StationMaxProfile on
 * 0) where it is a charge limit; a 2.1 CentralSetpoint discharge is not capped by an import maximum.
 * Used by the simulator (to answer GetCompositeSchedule and to limit its power) and by the CSMS to check a
 * charger after a reconnect.
 */
import type { RateUnit } from './capabilities.ts';
import { periodAt, piecesBetween } from './absolute-schedule.ts';
import { periodTarget, type ProfilePeriod, type ProfileSpec } from './profile-spec.ts';
import { kwToRate, rateToKw } from './rate-units.ts';

export interface CompositeInput {
  readonly profiles: readonly ProfileSpec[];
  /** EVSE (>= 1). */
  readonly evseId: number;
  /** The transaction running on the EVSE; TxProfiles of other transactions are ignored. */
  readonly activeTransactionId?: string;
  readonly fromUtcMs: number;
  readonly durationS: number;
  readonly unit: RateUnit;
  readonly voltageV: number;
  readonly phases: number;
  /** The value where no profile constrains (the hardware maximum, W); undefined leaves such pieces open. */
  readonly unconstrainedW?: number;
}

/** A composite period; `limit` undefined = unconstrained. */
export interface CompositePeriod extends ProfilePeriod {
  /** What the EVSE is asked to draw (unit of the composite): setpoint or limit. */
  readonly target?: number;
}

export interface Composite {
  readonly startUtcMs: number;
  readonly durationS: number;
  readonly rateUnit: RateUnit;
  readonly periods: CompositePeriod[];
}

function winner(profiles: readonly ProfileSpec[], utcMs: number): { spec: ProfileSpec; period: ProfilePeriod } | undefined {
  let best: { spec: ProfileSpec; period: ProfilePeriod } | undefined;
  for (const spec of profiles) {
    const period = periodAt(spec, utcMs);
    if (period && (!best || spec.stackLevel > best.spec.stackLevel)) best = { spec, period };
  }
  return best;
}

function toW(value: number, spec: ProfileSpec, period: ProfilePeriod, voltageV: number, phases: number): number {
  return rateToKw(value, spec.rateUnit, voltageV, period.numberPhases ?? phases) * 1000;
}

/** The limit and target (W) in force at an instant; undefined fields are unconstrained. */
export function compositeAtW(input: Omit<CompositeInput, 'fromUtcMs' | 'durationS' | 'unit'>, utcMs: number): { limitW?: number; targetW?: number; setpoint: boolean } {
  const { profiles, evseId, voltageV, phases } = input;
  const station = winner(profiles.filter((p) => p.purpose === 'StationMaxProfile' && p.evseId === 0), utcMs);
  const tx = input.activeTransactionId === undefined ? undefined
    : winner(profiles.filter((p) => p.purpose === 'TxProfile' && p.evseId === evseId && p.transactionId === input.activeTransactionId), utcMs);
  const own = tx ?? winner(profiles.filter((p) => p.purpose === 'TxDefaultProfile' && p.evseId === evseId), utcMs)
    ?? winner(profiles.filter((p) => p.purpose === 'TxDefaultProfile' && p.evseId === 0), utcMs);
  const stationW = station ? toW(station.period.limit ?? 0, station.spec, station.period, voltageV, phases) : undefined;
  if (!own) return { limitW: stationW ?? input.unconstrainedW, targetW: stationW ?? input.unconstrainedW, setpoint: false };
  const targetOwnW = toW(periodTarget(own.period), own.spec, own.period, voltageV, phases);
  const setpoint = own.period.operationMode === 'CentralSetpoint';
  const targetW = targetOwnW >= 0 && stationW !== undefined ? Math.min(targetOwnW, stationW) : targetOwnW;
  const ownLimitW = own.period.limit !== undefined ? toW(own.period.limit, own.spec, own.period, voltageV, phases) : undefined;
  const limitW = ownLimitW !== undefined && stationW !== undefined ? Math.min(ownLimitW, stationW) : ownLimitW ?? stationW;
  return { ...(limitW !== undefined ? { limitW } : {}), targetW, setpoint };
}

/** The composite over [from, from + duration), merged where equal. */
export function compositeSchedule(input: CompositeInput): Composite {
  const toUtcMs = input.fromUtcMs + input.durationS * 1000;
  const relevant = input.profiles.filter((p) => p.evseId === 0 || p.evseId === input.evseId);
  const periods: CompositePeriod[] = [];
  const conv = (w: number | undefined) => (w === undefined ? undefined : kwToRate(w / 1000, input.unit, input.voltageV, input.phases));
  for (const t of piecesBetween(relevant, input.fromUtcMs, toUtcMs)) {
    const at = compositeAtW(input, t);
    const limit = conv(at.limitW);
    const target = conv(at.targetW);
    const period: CompositePeriod = {
      startPeriodS: Math.round((t - input.fromUtcMs) / 1000),
      ...(limit !== undefined ? { limit } : {}),
      ...(target !== undefined ? { target } : {}),
      ...(at.setpoint && target !== undefined ? { operationMode: 'CentralSetpoint' as const, setpoint: target, ...(target < 0 ? { dischargeLimit: target } : {}) } : {}),
    };
    const last = periods[periods.length - 1];
    if (last && last.limit === period.limit && last.target === period.target && last.operationMode === period.operationMode) continue;
    periods.push(period);
  }
  return { startUtcMs: input.fromUtcMs, durationS: input.durationS, rateUnit: input.unit, periods };
}

/** The target in force at `utcMs` in a composite (its unit), or undefined. */
export function compositeTargetAt(c: Composite, utcMs: number): number | undefined {
  if (utcMs < c.startUtcMs || utcMs >= c.startUtcMs + c.durationS * 1000) return undefined;
  const offsetS = (utcMs - c.startUtcMs) / 1000;
  let found: CompositePeriod | undefined;
  for (const p of c.periods) if (p.startPeriodS <= offsetS) found = p;
  return found?.target ?? found?.limit;
}
