/**
 * The delivery loop of one charger: brings the charger's profiles in line with the desired plan.
 *
 * Per EVSE (EVSE 0 = the station cap):
 * 1. desired = the TxProfile of the remaining plan for the running transaction (or the station cap);
 * 2. if what we installed asks the same from now on (`sameFuture`), nothing is sent (idempotent: the same
 *    plan twice sends once; the same profile id always replaces, never stacks); a profile cut to the
 *    charger's maximum number of periods is refreshed by a timer before it runs out;
 * 3. else SetChargingProfile. Rejected, NotSupported, a CALLERROR, a timeout or a schema failure marks the
 *    plan not applied, tries the fallback (the schedule as a TxDefaultProfile on that EVSE), reports it,
 *    and schedules a retry with exponential backoff; after `maxAttempts` it gives up (`failed`) until the
 *    plan, the transaction or the connection changes;
 * 4. nothing to install (the transaction ended, or its plan was withdrawn): our TxProfile and fallback
 *    TxDefaultProfile are taken off with ClearChargingProfile by id (Accepted, or Unknown = already gone,
 *    both count as cleared: status `cleared`); a failed clear is `not-cleared` with V2G_ERR_OCPP_CLEAR_FAILED,
 *    retried with backoff, `failed` after `maxAttempts`. An ended transaction's TxProfile is never resent.
 * Runs are serialised per charger (`kick` while running just marks another run).
 */
import type { Logger } from 'pino';
import { backoffDelayMs, type BackoffPolicy } from './backoff.ts';
import { chooseRateUnit, dischargeModeOf, type ChargerCapabilities, type DischargeMode } from './capabilities.ts';
import type { ChargerLink } from './charger-link.ts';
import { cancelRefresh, defaultSessionIdOf, ownSchedule, queueClear, resetAttempts, type ChargerRecord, type EvseRecord, type PendingClear, type SessionIdOf } from './charger-record.ts';
import type { DeliveryStatus } from './charger-state.ts';
import type { Clock } from './clock.ts';
import type { CsmsPort } from './csms-port.ts';
import { OcppError, type OcppErrorCode } from './errors.ts';
import type { OcppMetrics } from './metrics.ts';
import { buildStationProfile, buildTxProfile, fallbackOf, type BuiltSchedule, type PeriodBuildOptions } from './profile-builder.ts';
import { refreshAtUtcMs, sameFuture } from './absolute-schedule.ts';
import { deliveryReport, reportFingerprint } from './delivery-report.ts';
import type { ProfileSpec } from './profile-spec.ts';

export interface DeliveryDeps {
  /** How plans name the session of a transaction (default `defaultSessionIdOf`). */
  readonly sessionIdOf?: SessionIdOf;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: OcppMetrics;
  readonly port: Pick<CsmsPort, 'planDelivery'>;
  readonly backoff: BackoffPolicy;
  /** [0, 1); jitter of the backoff. */
  readonly random: () => number;
  /** Refusals in a row after which an EVSE is `unmanaged` (NotImplemented: at once); default 3. */
  readonly unmanagedAfter?: number;
  /** A cut profile is refreshed at the latest this long before it ends (ms); see `refreshAtUtcMs`. */
  readonly refreshAheadMs: number;
}

type Desired =
  | { readonly kind: 'none'; readonly status: DeliveryStatus }
  | { readonly kind: 'blocked'; readonly code: OcppErrorCode; readonly message: string; readonly unmanaged?: boolean }
  | { readonly kind: 'send'; readonly spec: ProfileSpec; readonly built?: BuiltSchedule; readonly appliedStatus: 'applied' | 'interim-applied' };

/** How long a safe first limit's profile lasts (ms): the session's own plan replaces it well before. */
export const firstLimitSpanMs = 24 * 3_600_000;

/** The discharge mode of one EVSE: 2.1 V2X additionally needs the EV to have asked for a BPT mode. */
export function evseDischargeMode(record: ChargerRecord, evse: EvseRecord): DischargeMode {
  if (!record.version || !record.capabilities) return 'none';
  const mode = dischargeModeOf(record.version, record.capabilities, record.settings);
  if (mode === 'central-setpoint' && evse.evBidirectional !== true) return 'none';
  return mode;
}

function buildOptions(record: ChargerRecord, caps: ChargerCapabilities, evse: EvseRecord, nowUtcMs: number): PeriodBuildOptions | undefined {
  const rateUnit = chooseRateUnit(caps);
  if (!rateUnit) return undefined;
  const s = record.settings;
  return { nowUtcMs, rateUnit, voltageV: s.voltageV, phases: s.phases, dc: s.dc, maxPeriods: caps.maxPeriods, discharge: evseDischargeMode(record, evse) };
}

/**
 * What should be installed on an EVSE now (pure). A transaction gets the schedule planned for its own
 * session (`ownSchedule`); until that exists its safe first limit (charge only); otherwise nothing. A
 * schedule planned for another session is never sent.
 */
export function desiredFor(record: ChargerRecord, evse: EvseRecord, nowUtcMs: number, sessionIdOf: SessionIdOf = defaultSessionIdOf): Desired {
  const caps = record.capabilities;
  if (!caps) return { kind: 'none', status: 'pending' };
  if (evse.evseId === 0) {
    if (!evse.stationCap) return { kind: 'none', status: 'no-plan' };
  } else if (evse.transactionId === undefined) {
    return { kind: 'none', status: evse.schedules.length > 0 ? 'waiting-for-transaction' : 'no-plan' };
  }
  if (evse.unmanaged) return { kind: 'blocked', ...evse.unmanaged, unmanaged: true };
  if (!caps.smartCharging) return { kind: 'blocked', code: 'V2G_ERR_OCPP_SMART_CHARGING_UNSUPPORTED', message: 'the charger reported no smart charging at discovery', unmanaged: true };
  const options = buildOptions(record, caps, evse, nowUtcMs);
  if (!options) return { kind: 'blocked', code: 'V2G_ERR_OCPP_NO_RATE_UNIT', message: `the charger allows units [${caps.rateUnits.join(', ')}]` };
  if (evse.evseId === 0) {
    const spec = buildStationProfile(evse.stationCap!, caps, options);
    return spec ? { kind: 'send', spec, appliedStatus: 'applied' } : { kind: 'none', status: 'no-plan' };
  }
  const transactionId = evse.transactionId!;
  const own = ownSchedule(record.chargerId, evse, sessionIdOf);
  if (own) {
    const tx = buildTxProfile(own, transactionId, caps, options);
    return tx ? { kind: 'send', spec: tx.spec, built: tx.built, appliedStatus: 'applied' } : { kind: 'none', status: 'no-plan' };
  }
  const first = evse.firstLimit;
  if (first && first.transactionId === transactionId) {
    const schedule = { chargerId: record.chargerId, evseId: evse.evseId, startUtcMs: first.sinceUtcMs, slotMs: firstLimitSpanMs, powerKw: [Math.max(0, first.maxPowerKw)] };
    const tx = buildTxProfile(schedule, transactionId, caps, { ...options, discharge: 'none' });
    if (tx) return { kind: 'send', spec: tx.spec, built: tx.built, appliedStatus: 'interim-applied' };
  }
  return { kind: 'none', status: 'waiting-for-plan' };
}

/** The charger said no to the profile itself (not a timeout, a schema slip or a lost socket). */
function isRefusal(failure: OcppError): boolean {
  return failure.code === 'V2G_ERR_OCPP_PROFILE_REJECTED' || failure.code === 'V2G_ERR_OCPP_PROFILE_NOT_SUPPORTED' || isNotImplemented(failure) ||
    (failure.code === 'V2G_ERR_OCPP_CALL_ERROR' && failure.details['rpcErrorCode'] === 'NotSupported');
}

/** CALLERROR NotImplemented: the charger does not have SetChargingProfile at all. */
function isNotImplemented(failure: OcppError): boolean {
  return failure.code === 'V2G_ERR_OCPP_CALL_ERROR' && failure.details['rpcErrorCode'] === 'NotImplemented';
}

export class ChargerDelivery {
  private running: Promise<void> | undefined;
  private dirty = false;
  private closed = false;

  constructor(
    private readonly record: ChargerRecord,
    private readonly link: () => ChargerLink | undefined,
    private readonly deps: DeliveryDeps,
  ) {}

  /** Asks for a run (now, or right after the current one). */
  kick(): void {
    if (this.closed) return;
    this.dirty = true;
    this.running ??= this.loop();
  }

  /** A run is under way. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves when no run is under way. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops retries and refreshes (server closing). */
  close(): void {
    this.closed = true;
    for (const evse of this.record.evses.values()) {
      resetAttempts(evse);
      cancelRefresh(evse);
    }
  }

  private async loop(): Promise<void> {
    try {
      while (this.dirty && !this.closed) {
        this.dirty = false;
        await this.runOnce();
      }
    } catch (error) {
      this.deps.logger.error({ err: error, chargerId: this.record.chargerId }, 'delivery run failed');
    } finally {
      this.running = undefined;
    }
  }

  private async runOnce(): Promise<void> {
    const link = this.link();
    const ready = link !== undefined && this.record.phase === 'ready';
    const evses = [...this.record.evses.values()].sort((a, b) => a.evseId - b.evseId);
    for (const evse of evses) {
      const now = this.deps.clock.nowUtcMs();
      const desired = desiredFor(this.record, evse, now, this.deps.sessionIdOf);
      if (!ready) {
        if (desired.kind === 'send') this.setStatus(evse, 'pending');
        continue;
      }
      await this.deliver(link, evse, desired, now);
    }
  }

  private async deliver(link: ChargerLink, evse: EvseRecord, desired: Desired, now: number): Promise<void> {
    if (desired.kind === 'none') {
      cancelRefresh(evse);
      if (evse.evseId >= 1 && desired.status !== 'pending') {
        queueClear(evse, evse.transactionId === undefined ? 'the transaction ended' : 'the running transaction has no plan any more');
      }
      if (evse.toClear && evse.toClear.length > 0) {
        if (evse.retryTimer !== undefined) return;
        const failure = await this.runClears(link, evse, undefined);
        if (failure) {
          evse.attempts += 1;
          const givenUp = evse.attempts >= this.deps.backoff.maxAttempts;
          const message = `ClearChargingProfile of ${failure.pending.map((c) => `${c.purpose} ${c.id}`).join(', ')} (${failure.pending[0]!.why}) failed: ${failure.error.message}`;
          if (givenUp) delete evse.toClear;
          else this.scheduleRetry(evse);
          this.setStatus(evse, givenUp ? 'failed' : 'not-cleared', 'V2G_ERR_OCPP_CLEAR_FAILED', message, true);
          this.deps.logger.warn({ chargerId: this.record.chargerId, evseId: evse.evseId, code: 'V2G_ERR_OCPP_CLEAR_FAILED', attempts: evse.attempts }, message);
          return;
        }
      }
      resetAttempts(evse);
      this.setStatus(evse, evse.cleared ? 'cleared' : desired.status);
      return;
    }
    if (desired.kind === 'blocked') {
      cancelRefresh(evse);
      resetAttempts(evse);
      this.setStatus(evse, desired.unmanaged ? 'unmanaged' : 'failed', desired.code, desired.message);
      return;
    }
    const { spec, built } = desired;
    evse.truncated = built?.truncated ?? false;
    evse.dischargeClamped = built?.dischargeClamped ?? false;
    if (evse.installed && sameFuture(evse.installed, spec, now, this.deps.refreshAheadMs)) {
      resetAttempts(evse);
      if (evse.installedFallback) await this.clearFallback(link, evse);
      this.setStatus(evse, desired.appliedStatus);
      if (evse.truncated) this.scheduleRefresh(evse, evse.installed);
      return;
    }
    const waiting = evse.failedDesired !== undefined && sameFuture(evse.failedDesired, spec, now, this.deps.refreshAheadMs) &&
      (evse.retryTimer !== undefined || evse.status === 'failed');
    if (waiting) return;
    if (evse.failedDesired && !sameFuture(evse.failedDesired, spec, now, this.deps.refreshAheadMs)) resetAttempts(evse);

    // An ended transaction's TxProfile is replaced by this one (same id); any other of ours goes first.
    if (evse.toClear) {
      const other = await this.runClears(link, evse, spec.id);
      if (other) this.deps.logger.warn({ chargerId: this.record.chargerId, evseId: evse.evseId, code: 'V2G_ERR_OCPP_CLEAR_FAILED' }, `ClearChargingProfile failed, retried on the next run: ${other.error.message}`);
    }
    const failure = await this.send(link, spec);
    if (!failure) {
      delete evse.cleared;
      evse.installed = spec;
      evse.refusals = 0;
      resetAttempts(evse);
      if (evse.installedFallback) await this.clearFallback(link, evse);
      this.setStatus(evse, desired.appliedStatus);
      if (evse.truncated) this.scheduleRefresh(evse, spec);
      return;
    }
    delete evse.installed;
    evse.attempts += 1;
    evse.failedDesired = spec;
    if (isRefusal(failure)) evse.refusals = (evse.refusals ?? 0) + 1;
    if (isRefusal(failure) && (isNotImplemented(failure) || (evse.refusals ?? 0) >= (this.deps.unmanagedAfter ?? 3))) {
      evse.unmanaged = { code: failure.code, message: `the charger cannot follow profiles: ${evse.refusals} refusal(s) in a row, the last: ${failure.message}` };
      if (evse.retryTimer) clearTimeout(evse.retryTimer);
      delete evse.retryTimer;
      delete evse.nextRetryUtcMs;
      this.setStatus(evse, 'unmanaged', failure.code, evse.unmanaged.message, true);
      this.deps.logger.warn({ chargerId: this.record.chargerId, evseId: evse.evseId, code: failure.code, refusals: evse.refusals }, 'charger marked unmanaged: no more profiles until it boots again');
      return;
    }
    let fallbackOk = false;
    if (spec.purpose === 'TxProfile' && failure.code !== 'V2G_ERR_OCPP_OFFLINE') fallbackOk = await this.tryFallback(link, evse, spec, now);
    const givenUp = evse.attempts >= this.deps.backoff.maxAttempts;
    if (!givenUp) this.scheduleRetry(evse);
    this.setStatus(evse, givenUp ? 'failed' : fallbackOk ? 'fallback-applied' : 'not-applied', failure.code, failure.message, true);
    this.deps.logger.warn({ chargerId: this.record.chargerId, evseId: evse.evseId, code: failure.code, attempts: evse.attempts, fallback: fallbackOk }, failure.message);
  }

  /** Sends one profile; undefined when Accepted, else the failure. */
  private async send(link: ChargerLink, spec: ProfileSpec): Promise<OcppError | undefined> {
    const started = process.hrtime.bigint();
    let outcome: string;
    let failure: OcppError | undefined;
    try {
      const result = await link.setChargingProfile(spec);
      outcome = result.status;
      if (result.status === 'Rejected') failure = new OcppError('V2G_ERR_OCPP_PROFILE_REJECTED', `${spec.purpose} ${spec.id} on EVSE ${spec.evseId} rejected${result.reason ? ` (${result.reason})` : ''}`);
      if (result.status === 'NotSupported') failure = new OcppError('V2G_ERR_OCPP_PROFILE_NOT_SUPPORTED', `${spec.purpose} ${spec.id} on EVSE ${spec.evseId}: NotSupported`);
    } catch (error) {
      failure = error instanceof OcppError ? error : new OcppError('V2G_ERR_OCPP_CALL_ERROR', String(error));
      outcome = { V2G_ERR_OCPP_TIMEOUT: 'Timeout', V2G_ERR_OCPP_SCHEMA: 'Schema', V2G_ERR_OCPP_OFFLINE: 'Offline' }[failure.code as string] ?? 'CallError';
    }
    this.deps.metrics.profileSends.inc({ purpose: spec.purpose, outcome });
    this.deps.metrics.profileSendSeconds.observe({ purpose: spec.purpose }, Number(process.hrtime.bigint() - started) / 1e9);
    return failure;
  }

  private async tryFallback(link: ChargerLink, evse: EvseRecord, tx: ProfileSpec, now: number): Promise<boolean> {
    const fallback = fallbackOf(tx, this.record.capabilities!);
    if (evse.installedFallback && sameFuture(evse.installedFallback, fallback, now, this.deps.refreshAheadMs)) return true;
    const failure = await this.send(link, fallback);
    if (failure) {
      delete evse.installedFallback;
      return false;
    }
    evse.installedFallback = fallback;
    return true;
  }

  /**
   * Sends the queued clears (by profile id); Accepted and Unknown (already gone) both remove the entry and
   * are remembered in `evse.cleared`. `replacedId`: dropped unsent (a profile with that id is about to
   * replace it). Returns the first failure with what is still queued.
   */
  private async runClears(link: ChargerLink, evse: EvseRecord, replacedId: number | undefined): Promise<{ error: OcppError; pending: PendingClear[] } | undefined> {
    const queued = evse.toClear ?? [];
    const cleared: PendingClear[] = [];
    let failure: { error: OcppError; pending: PendingClear[] } | undefined;
    const rest: PendingClear[] = [];
    for (const item of queued) {
      if (item.id === replacedId) continue;
      if (failure) {
        rest.push(item);
        continue;
      }
      try {
        const status = await link.clearChargingProfile({ profileId: item.id });
        this.deps.metrics.profileClears.inc({ purpose: item.purpose, outcome: status });
        cleared.push(item);
      } catch (error) {
        const e = error instanceof OcppError ? error : new OcppError('V2G_ERR_OCPP_CALL_ERROR', String(error));
        this.deps.metrics.profileClears.inc({ purpose: item.purpose, outcome: 'Failed' });
        rest.push(item);
        failure = { error: e, pending: rest };
      }
    }
    if (rest.length > 0) evse.toClear = rest;
    else delete evse.toClear;
    if (cleared.length > 0) {
      evse.cleared = { why: cleared[0]!.why, profileIds: cleared.map((c) => c.id) };
      this.deps.logger.info({ chargerId: this.record.chargerId, evseId: evse.evseId, profileIds: cleared.map((c) => c.id), why: cleared[0]!.why }, 'profiles cleared');
    }
    return failure;
  }

  private async clearFallback(link: ChargerLink, evse: EvseRecord): Promise<void> {
    const id = evse.installedFallback!.id;
    delete evse.installedFallback;
    try {
      await link.clearChargingProfile({ profileId: id });
    } catch (error) {
      this.deps.logger.warn({ chargerId: this.record.chargerId, evseId: evse.evseId, err: error }, 'clearing the fallback profile failed');
    }
  }

  private scheduleRetry(evse: EvseRecord): void {
    const delayMs = backoffDelayMs(this.deps.backoff, evse.attempts, this.deps.random);
    if (evse.retryTimer) clearTimeout(evse.retryTimer);
    evse.nextRetryUtcMs = this.deps.clock.nowUtcMs() + delayMs;
    evse.retryTimer = setTimeout(() => {
      delete evse.retryTimer;
      delete evse.nextRetryUtcMs;
      this.deps.metrics.retries.inc();
      this.kick();
    }, delayMs);
    evse.retryTimer.unref?.();
  }

  /**
   * A cut profile: run again when it is due for a refresh (`refreshAtUtcMs`), or, when that is already
   * past, at the next slot boundary (rebuilding within the same slot gives the same cut profile).
   */
  private scheduleRefresh(evse: EvseRecord, installed: ProfileSpec): void {
    cancelRefresh(evse);
    const now = this.deps.clock.nowUtcMs();
    const dueUtcMs = refreshAtUtcMs(installed, this.deps.refreshAheadMs);
    const slot = ownSchedule(this.record.chargerId, evse, this.deps.sessionIdOf ?? defaultSessionIdOf) ?? evse.stationCap;
    const nextBoundaryUtcMs = slot ? slot.startUtcMs + Math.floor((now - slot.startUtcMs) / slot.slotMs + 1) * slot.slotMs : now + 60_000;
    const targetUtcMs = dueUtcMs > now ? dueUtcMs : nextBoundaryUtcMs;
    evse.refreshTimer = setTimeout(() => {
      delete evse.refreshTimer;
      this.kick();
    }, Math.min(Math.max(1_000, targetUtcMs - now + 1), 2_147_000_000));
    evse.refreshTimer.unref?.();
  }

  private setStatus(evse: EvseRecord, status: DeliveryStatus, code?: OcppErrorCode, message?: string, force = false): void {
    const now = this.deps.clock.nowUtcMs();
    if (evse.status !== status || evse.statusSinceUtcMs === undefined) evse.statusSinceUtcMs = now;
    evse.status = status;
    if (code) evse.code = code;
    else delete evse.code;
    if (message) evse.message = message;
    else delete evse.message;
    const report = deliveryReport(this.record, evse, now);
    const fingerprint = reportFingerprint(report);
    if (!force && fingerprint === evse.reported) return;
    evse.reported = fingerprint;
    this.deps.port.planDelivery(report).catch((error: unknown) => this.deps.logger.warn({ err: error, code: 'V2G_ERR_OCPP_PORT' }, 'planDelivery failed'));
  }
}
