/**
 * Profiles on the time line (pure): which period applies at an instant, and whether two profiles ask the
 * same thing from an instant on. This is how "re-send only when the plan changed" and "re-sync on
 * reconnect" decide.
 */
import { scheduleEndUtcMs, type ProfilePeriod, type ProfileSpec } from './profile-spec.ts';

/** The period of `spec` in force at `utcMs`, or undefined before its start or after its end. */
export function periodAt(spec: Pick<ProfileSpec, 'startScheduleUtcMs' | 'durationS' | 'periods'>, utcMs: number): ProfilePeriod | undefined {
  if (utcMs < spec.startScheduleUtcMs || utcMs >= scheduleEndUtcMs(spec)) return undefined;
  const offsetS = (utcMs - spec.startScheduleUtcMs) / 1000;
  let found: ProfilePeriod | undefined;
  for (const p of spec.periods) {
    if (p.startPeriodS <= offsetS) found = p;
    else break;
  }
  return found;
}

/** Instants where `spec` may change value (its start, each period start, its end). */
export function boundariesOf(spec: Pick<ProfileSpec, 'startScheduleUtcMs' | 'durationS' | 'periods'>): number[] {
  const out = spec.periods.map((p) => spec.startScheduleUtcMs + p.startPeriodS * 1000);
  out.push(spec.startScheduleUtcMs);
  const end = scheduleEndUtcMs(spec);
  if (Number.isFinite(end)) out.push(end);
  return out;
}

const EPS = 1e-6;
const close = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? a === b : Math.abs(a - b) <= EPS);

/** Same values in force (limit, setpoint, dischargeLimit, mode, phases). */
export function samePeriodValue(a: ProfilePeriod | undefined, b: ProfilePeriod | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return close(a.limit, b.limit) && close(a.setpoint, b.setpoint) && close(a.dischargeLimit, b.dischargeLimit) &&
    (a.operationMode ?? 'ChargingOnly') === (b.operationMode ?? 'ChargingOnly') && a.numberPhases === b.numberPhases;
}

/** Sorted distinct boundaries of several profiles inside (from, to). */
export function piecesBetween(specs: readonly Pick<ProfileSpec, 'startScheduleUtcMs' | 'durationS' | 'periods'>[], fromUtcMs: number, toUtcMs: number): number[] {
  const cuts = new Set<number>([fromUtcMs]);
  for (const s of specs) for (const b of boundariesOf(s)) if (b > fromUtcMs && b < toUtcMs) cuts.add(b);
  return [...cuts].sort((x, y) => x - y);
}

/**
 * When a cut profile (the charger's maximum number of periods was reached) is due for a refresh: at the
 * start of its last period or `refreshAheadMs` before its end, whichever is earlier. Before that, a
 * re-plan that only reaches further does not resend it.
 */
export function refreshAtUtcMs(installed: Pick<ProfileSpec, 'startScheduleUtcMs' | 'durationS' | 'periods'>, refreshAheadMs: number): number {
  const last = installed.periods[installed.periods.length - 1];
  const lastStart = installed.startScheduleUtcMs + (last?.startPeriodS ?? 0) * 1000;
  return Math.min(lastStart, scheduleEndUtcMs(installed) - refreshAheadMs);
}

/**
 * Do `installed` and `desired` ask the charger the same thing from `fromUtcMs` on?
 *
 * Same purpose, EVSE, transaction, stack level and unit, and the same values over the time both cover.
 * When the desired one reaches further (the installed one was cut to the charger's maximum number of
 * periods), they are still equivalent before `refreshAtUtcMs`, and whenever the desired one starts where
 * the installed one does (rebuilding in the same slot would send the same cut profile again).
 */
export function sameFuture(installed: ProfileSpec, desired: ProfileSpec, fromUtcMs: number, refreshAheadMs = 2 * 3_600_000): boolean {
  if (installed.id !== desired.id || installed.purpose !== desired.purpose || installed.evseId !== desired.evseId ||
    installed.transactionId !== desired.transactionId || installed.stackLevel !== desired.stackLevel || installed.rateUnit !== desired.rateUnit) return false;
  const endInstalled = scheduleEndUtcMs(installed);
  const endDesired = scheduleEndUtcMs(desired);
  if (endInstalled > endDesired) return false;
  if (endInstalled < endDesired && desired.startScheduleUtcMs !== installed.startScheduleUtcMs && fromUtcMs >= refreshAtUtcMs(installed, refreshAheadMs)) return false;
  const until = Math.min(endInstalled, endDesired);
  const to = Number.isFinite(until) ? until : Math.max(fromUtcMs, ...boundariesOf(installed), ...boundariesOf(desired)) + 1;
  for (const t of piecesBetween([installed, desired], fromUtcMs, to)) {
    if (!samePeriodValue(periodAt(installed, t), periodAt(desired, t))) return false;
  }
  return true;
}
