/**
 * What the server knows about one charger across connections: its phase, capabilities, settings and,
 * per EVSE, the transaction, the desired plan and the profiles we believe are installed. EVSE 0 holds the
 * station cap. Plain data; the delivery loop and the connection change it.
 */
import type { ChargerCapabilities, ChargerSettings } from './capabilities.ts';
import type { EvseSchedule, StationCapSchedule } from './charger-plan.ts';
import type { ChargerPhase, DeliveryStatus } from './charger-state.ts';
import type { OcppErrorCode } from './errors.ts';
import type { ProfileSpec } from './profile-spec.ts';
import type { OcppVersion } from './protocol.ts';

export interface EvseRecord {
  readonly evseId: number;
  /** The running transaction (1.6: decimal text of the integer id). */
  transactionId?: string;
  /** 2.x NotifyEVChargingNeeds said the EV can discharge (a *_BPT mode). */
  evBidirectional?: boolean;
  /** EVSE >= 1: the desired plan. */
  schedule?: EvseSchedule;
  /** EVSE 0: the desired station cap. */
  stationCap?: StationCapSchedule;
  planId?: string;
  /** Our primary profile as we believe it is installed (TxProfile; StationMaxProfile on EVSE 0). */
  installed?: ProfileSpec;
  /** Our fallback TxDefaultProfile, when installed. */
  installedFallback?: ProfileSpec;
  status: DeliveryStatus;
  code?: OcppErrorCode;
  message?: string;
  /** Failed sends of the current desired profile. */
  attempts: number;
  /** The desired profile whose send failed last (retried only by the timer or when the plan changes). */
  failedDesired?: ProfileSpec;
  retryTimer?: ReturnType<typeof setTimeout>;
  nextRetryUtcMs?: number;
  /** Wakes the loop before a cut (truncated) profile runs out, so it is extended in time. */
  refreshTimer?: ReturnType<typeof setTimeout>;
  truncated?: boolean;
  dischargeClamped?: boolean;
}

export interface ChargerRecord {
  readonly chargerId: string;
  version?: OcppVersion;
  phase: ChargerPhase;
  capabilities?: ChargerCapabilities;
  settings: ChargerSettings;
  readonly evses: Map<number, EvseRecord>;
}

export function newEvseRecord(evseId: number): EvseRecord {
  return { evseId, status: 'no-plan', attempts: 0 };
}

/** The EVSE record, created on first use. */
export function evseOf(record: ChargerRecord, evseId: number): EvseRecord {
  let evse = record.evses.get(evseId);
  if (!evse) {
    evse = newEvseRecord(evseId);
    record.evses.set(evseId, evse);
  }
  return evse;
}

/** Cancels the refresh of a cut profile. */
export function cancelRefresh(evse: EvseRecord): void {
  if (evse.refreshTimer) clearTimeout(evse.refreshTimer);
  delete evse.refreshTimer;
}

/** Forgets a pending retry and the failure count (plan, transaction or connection changed). */
export function resetAttempts(evse: EvseRecord): void {
  if (evse.retryTimer) clearTimeout(evse.retryTimer);
  delete evse.retryTimer;
  delete evse.nextRetryUtcMs;
  delete evse.failedDesired;
  evse.attempts = 0;
}
