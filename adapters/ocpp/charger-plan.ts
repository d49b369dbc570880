/**
 * What the rest of the service hands to the OCPP adapter: the plan cut per charging station and EVSE, as
 * absolute schedules (an instant, a slot length and one setpoint per slot). The adapter needs no slot
 * grid, no Problem and no optimizer types to use it; `plan-to-charger-schedules.ts` builds it from a Plan.
 */
import { OcppError } from './errors.ts';

/** One EVSE's plan. */
export interface EvseSchedule {
  /** Charge point identity (the last path segment of `ws://HOST:PORT/ocpp/<chargerId>`). */
  readonly chargerId: string;
  /** EVSE id (2.x) or connector id (1.6), >= 1. */
  readonly evseId: number;
  /** Start of the first slot (UTC epoch ms). */
  readonly startUtcMs: number;
  /** Slot length (ms), > 0. */
  readonly slotMs: number;
  /** Setpoint per slot (kW): positive charges, negative discharges. */
  readonly powerKw: readonly number[];
  /**
   * The session (vehicle) this schedule was planned for: it is sent only to the transaction whose session
   * id (`OcppServerOptions.sessionIdOf`) is this one, never to another vehicle's transaction.
   */
  readonly sessionId?: string;
  /**
   * The transaction this schedule was planned for (an alternative to `sessionId`). With neither, `applyPlan`
   * binds the schedule to the transaction running on the EVSE at that moment; with none running, to no
   * transaction at all (a later transaction never gets it).
   */
  readonly transactionId?: string;
}

/** A cap on a whole charging station: ChargePointMaxProfile (1.6) / ChargingStationMaxProfile (2.x) on 0. */
export interface StationCapSchedule {
  readonly chargerId: string;
  readonly startUtcMs: number;
  readonly slotMs: number;
  /** Maximum import of the station per slot (kW, >= 0). */
  readonly maxPowerKw: readonly number[];
}

/**
 * A plan for some chargers. `applyPlan` treats it as an upsert: each EVSE and station listed gets these
 * schedules (one per session planned on the EVSE: `sessionId` / `transactionId` tell them apart); EVSEs and
 * stations not listed keep what they had.
 */
export interface ChargerPlanSet {
  /** Opaque plan version, carried into delivery reports (e.g. the optimizer run id). */
  readonly planId?: string;
  readonly evses: readonly EvseSchedule[];
  readonly stationCaps?: readonly StationCapSchedule[];
  /**
   * Chargers this plan covers in full: an EVSE of theirs that `evses` does not list has its plan withdrawn
   * (no schedules; a running transaction's profile is cleared). A charger not named here keeps what it had.
   */
  readonly chargers?: readonly string[];
}

function scheduleIssues(where: string, s: { chargerId: string; startUtcMs: number; slotMs: number }, values: readonly number[], minimum?: number): string[] {
  const issues: string[] = [];
  if (typeof s.chargerId !== 'string' || s.chargerId.length === 0) issues.push(`${where}: chargerId is empty`);
  if (!Number.isFinite(s.startUtcMs)) issues.push(`${where}: startUtcMs is not a finite number`);
  if (!Number.isFinite(s.slotMs) || s.slotMs <= 0 || s.slotMs % 1000 !== 0) issues.push(`${where}: slotMs must be a positive whole number of seconds in ms`);
  if (!Array.isArray(values)) issues.push(`${where}: values are not an array`);
  else {
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) issues.push(`${where}[${i}]: ${v} is not a finite number`);
      else if (minimum !== undefined && v < minimum) issues.push(`${where}[${i}]: ${v} is below ${minimum}`);
    });
  }
  return issues;
}

/** All problems of a plan set (empty when usable). */
export function chargerPlanSetIssues(plan: ChargerPlanSet): string[] {
  const issues: string[] = [];
  const seen = new Set<string>();
  plan.evses.forEach((e, i) => {
    issues.push(...scheduleIssues(`/evses/${i}`, e, e.powerKw));
    if (!Number.isInteger(e.evseId) || e.evseId < 1) issues.push(`/evses/${i}: evseId ${e.evseId} is not an integer >= 1`);
    const key = `${e.chargerId}#${e.evseId}${e.sessionId !== undefined ? `#s:${e.sessionId}` : ''}${e.transactionId !== undefined ? `#t:${e.transactionId}` : ''}`;
    if (seen.has(key)) issues.push(`/evses/${i}: ${key} is listed twice`);
    seen.add(key);
  });
  (plan.stationCaps ?? []).forEach((c, i) => issues.push(...scheduleIssues(`/stationCaps/${i}`, c, c.maxPowerKw, 0)));
  if (plan.chargers !== undefined && (!Array.isArray(plan.chargers) || plan.chargers.some((c) => typeof c !== 'string' || c.length === 0))) {
    issues.push('/chargers: must be an array of non-empty charger ids');
  }
  return issues;
}

/** Throws V2G_ERR_OCPP_PLAN_INVALID listing every problem. */
export function assertChargerPlanSet(plan: ChargerPlanSet): void {
  const issues = chargerPlanSetIssues(plan);
  if (issues.length > 0) throw new OcppError('V2G_ERR_OCPP_PLAN_INVALID', `${issues.length} problem(s): ${issues.slice(0, 5).join('; ')}`, { issues });
}
