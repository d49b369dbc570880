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
  /** EVSE >= 1: the desired plans, one per session planned on this EVSE (see `ownSchedule`). */
  schedules: EvseSchedule[];
  /**
   * The safe first limit of the running transaction (CsmsPort.firstLimit): charge only, in force until the
   * transaction's own plan arrives. Never carried over to another transaction.
   */
  firstLimit?: FirstLimitRecord;
  /** EVSE 0: the desired station cap. */
  stationCap?: StationCapSchedule;
  planId?: string;
  /** Our primary profile as we believe it is installed (TxProfile; StationMaxProfile on EVSE 0). */
  installed?: ProfileSpec;
  /** Our fallback TxDefaultProfile, when installed. */
  installedFallback?: ProfileSpec;
  status: DeliveryStatus;
  /** When `status` last changed (UTC epoch ms). */
  statusSinceUtcMs?: number;
  /** The last report sent (reportFingerprint), so every change and only a change is reported. */
  reported?: string;
  code?: OcppErrorCode;
  message?: string;
  /** Failed sends of the current desired profile. */
  attempts: number;
  /**
   * Refusals in a row (Rejected, NotSupported, CALLERROR NotImplemented / NotSupported) across plans and
   * transactions: a new plan does not reset it, an accepted profile or a reboot does.
   */
  refusals?: number;
  /** The charger cannot follow profiles on this EVSE: nothing more is sent until it boots again. */
  unmanaged?: { readonly code: OcppErrorCode; readonly message: string };
  /** The desired profile whose send failed last (retried only by the timer or when the plan changes). */
  failedDesired?: ProfileSpec;
  retryTimer?: ReturnType<typeof setTimeout>;
  nextRetryUtcMs?: number;
  /** Wakes the loop before a cut (truncated) profile runs out, so it is extended in time. */
  refreshTimer?: ReturnType<typeof setTimeout>;
  truncated?: boolean;
  dischargeClamped?: boolean;
  /**
   * Our profiles to take off the charger with ClearChargingProfile (the transaction ended, the plan was
   * withdrawn), each with why; removed once the charger answers Accepted or Unknown (already gone).
   */
  toClear?: PendingClear[];
  /** Why the next `queueClear` happens (set by the cause: transaction end, plan withdrawal). */
  clearWhy?: string;
  /** The last clear that took: the delivery view says `cleared` (and why) until something new happens. */
  cleared?: { readonly why: string; readonly profileIds: readonly number[] };
}

/** One of our profiles waiting to be cleared from the charger. */
export interface PendingClear {
  readonly id: number;
  readonly purpose: ProfileSpec['purpose'];
  readonly why: string;
}

/** A safe first limit as the EVSE holds it. */
export interface FirstLimitRecord {
  readonly transactionId: string;
  /** Charge-only limit (kW, >= 0). */
  readonly maxPowerKw: number;
  /** How it was derived (for the delivery view). */
  readonly reason: string;
  /** When it was computed (UTC epoch ms, whole seconds): the start of its profile. */
  readonly sinceUtcMs: number;
}

/** The session id of a transaction, as plans name sessions (`EvseSchedule.sessionId`). */
export type SessionIdOf = (chargerId: string, evseId: number, transactionId: string) => string;

/** The default convention: `<chargerId>/<evseId>/<transactionId>`. */
export const defaultSessionIdOf: SessionIdOf = (chargerId, evseId, transactionId) => `${chargerId}/${evseId}/${transactionId}`;

/**
 * The schedule planned for the transaction running on `evse`: the one naming its session or its
 * transaction. A schedule planned for any other session is never returned.
 */
export function ownSchedule(chargerId: string, evse: EvseRecord, sessionIdOf: SessionIdOf): EvseSchedule | undefined {
  const tx = evse.transactionId;
  if (tx === undefined) return undefined;
  const sessionId = sessionIdOf(chargerId, evse.evseId, tx);
  return evse.schedules.find((s) => s.transactionId === tx || (s.transactionId === undefined && s.sessionId !== undefined && s.sessionId === sessionId));
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
  return { evseId, schedules: [], status: 'no-plan', attempts: 0 };
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

/**
 * Queues our installed profiles of an EVSE (TxProfile, fallback TxDefaultProfile) for ClearChargingProfile
 * and forgets them as installed; `why` defaults to the cause recorded in `clearWhy`.
 */
export function queueClear(evse: EvseRecord, fallbackWhy: string): void {
  const why = evse.clearWhy ?? fallbackWhy;
  delete evse.clearWhy;
  const queued = evse.toClear ?? [];
  for (const spec of [evse.installed, evse.installedFallback]) {
    if (spec && !queued.some((c) => c.id === spec.id)) queued.push({ id: spec.id, purpose: spec.purpose, why });
  }
  delete evse.installed;
  delete evse.installedFallback;
  if (queued.length > 0) evse.toClear = queued;
}

/** Forgets every transaction, first limit and installed profile (a connection we cannot trust to be the same charger). */
export function forgetTransactions(record: ChargerRecord): void {
  for (const evse of record.evses.values()) {
    delete evse.transactionId;
    delete evse.firstLimit;
    delete evse.installed;
    delete evse.installedFallback;
    delete evse.evBidirectional;
    resetAttempts(evse);
    cancelRefresh(evse);
  }
}
