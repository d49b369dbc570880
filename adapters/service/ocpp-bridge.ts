/**
 * The OCPP adapter's `CsmsPort` on the service's store and re-plan queue: chargers' facts become store
 * sessions of the charger's site, and each fact that changes what the site should do asks for a
 * (debounced) re-plan of that site. Plans go back through gateway-plans.ts.
 *
 * | port method | effect | re-plan |
 * |---|---|---|
 * | `chargerKnown` | the charge point is on some site (charger-directory.ts), or auto-registration is on and it is registered; with security profile 1 and 2 it also needs a password (charger credentials). Credentials alone (no site, auto-registration off) are refused | - |
 * | `verifyChargerPassword` | the password matches the stored scrypt hash (constant time, inside the credentials store) | - |
 * | `registerCharger` | OCPP_AUTO_REGISTER: recorded as `auto-registered`, with its first password when secured (trust on first use); an admin sees it in `GET /v1/chargers` and lists it on a site | - |
 * | `chargerSettings` | voltage and phases from the site charger's AC limit; negative-limit discharge iff the site says it `canDischarge` | - |
 * | `authorize` | the charger's site policy (`SiteRecord.authorization`, id-token-policy.ts): a listed token (ignoring case) or no policy is Accepted, any other token Invalid (logged at info with only its last 4 characters); a charger no site lists: Accepted (no policy applies, and its sessions are not planned) | - |
 * | `chargerConnected` / `chargerDisconnected` | the link goes to the charger status board; on connect the site's current plan is applied for it | - |
 * | `chargerCapabilities` | remembered; a charger that cannot discharge withdraws V2G from its sessions | if that changed a session |
 * | `sessionStarted` | a session (ocpp-sessions.ts); another session on the same charger overlapping now is replaced (the charger's word wins); a transaction whose id token the site refuses is dropped (the charger was answered Invalid and stops it) | yes |
 * | `chargingNeeds` | departure, energy, capacity, bidirectional | yes |
 * | `sessionUpdated` | energy registers kept in the meter log (M&V); a SoC reading, only when it drifts from the plan's trajectory by more than `driftKwh` | when it drifts |
 * | `sessionEnded` | the session is deleted | yes |
 * | `sessionIdToken` | 2.x: a token presented during a running transaction, answered like `authorize`; a refused one deletes the session (the charger stops the transaction or its energy) | if refused |
 * | `transactionEvse` | the EVSE whose stored session was made for this transaction: a 2.x TransactionEvent without evse for a transaction a restarted gateway never saw start | - |
 * | `firstLimit` | a new transaction's safe first limit (first-limit.ts): charge only, its charger's power within the site's headroom now; never from another session | - |
 * | `planDelivery` | logged (warn when not applied or failed) and written to the charger status board (`GET /v1/sites/{siteId}/delivery`); the re-plan reads `unmanaged` EVSEs from there and plans their sessions as uncontrolled load | when an EVSE becomes or stops being unmanaged |
 *
 * Id tokens: only Accepted and Invalid are answered (no Blocked / Expired, no expiry dates, no groups, no
 * local authorization list sent to chargers). Without `credentials` (tests) passwords are refused and
 * auto-registration throws. A fact for a charger no site lists (e.g. an auto-registered one, or one with
 * credentials before an admin put it on a site), or an EVSE its site does not have, is logged and dropped
 * (answering an error would make the charger repeat it forever). Store failures propagate: the adapter answers CALLERROR and the
 * charger retries the message.
 */
import type { ChargerSettings } from '../ocpp/capabilities.ts';
import type {
  AuthorizationStatus, ChargerBooted, ChargerCapabilitiesReport, ChargerConnected, ChargerDisconnected, ChargingNeeds,
  ConnectorStatusChanged, CsmsPort, FirstLimit, PlanDeliveryReport, SessionEnded, SessionIdToken, SessionStarted, SessionUpdated,
} from '../ocpp/csms-port.ts';
import type { Clock } from '../clock.ts';
import type { ServiceConfig } from '../config.ts';
import type { SessionRecord, SiteRecord } from '../store/records.ts';
import type { ChargerCredentials } from '../store/charger-credentials.ts';
import type { ChargerStatusBoard } from '../store/charger-status.ts';
import type { MeterLog } from '../store/meter-log.ts';
import { withOptimisticRetry } from '../store/optimistic-update.ts';
import type { Store } from '../store/store.ts';
import { StoreConflictError } from '../store/store-conflict.ts';
import type { ChargerDirectory } from './charger-directory.ts';
import { estimateEnergyKwh, readingKwh } from './energy-estimate.ts';
import { firstLimitOf } from './first-limit.ts';
import { siteNowOf } from './site-now.ts';
import { idTokenAccepted, maskIdToken } from './id-token-policy.ts';
import { ocppAddressOf, siteChargerIdOf } from './ocpp-charger-ids.ts';
import { isOcppSession, ocppSessionId, sessionFromStart, withChargingNeeds, withSocReading } from './ocpp-sessions.ts';
import { requestReplan, type ReplanQueue } from './replan-job.ts';
import { sessionIssues } from './session-validation.ts';
import type { SitePlanCache } from './site-plan-cache.ts';

export interface BridgeLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface OcppBridgeDeps {
  readonly store: Store;
  readonly queue: ReplanQueue;
  readonly config: ServiceConfig;
  readonly clock: Clock;
  readonly directory: ChargerDirectory;
  readonly plans: SitePlanCache;
  readonly log: BridgeLog;
  /** Charge points' passwords and registrations; without it, passwords are refused and auto-registration throws. */
  readonly credentials?: ChargerCredentials;
  /** A charger connected to this process (apply its site's plan). */
  readonly onChargerOnline?: (chargePointId: string) => void;
  /** A charger's connection to this process closed. */
  readonly onChargerOffline?: (chargePointId: string) => void;
  /** Where links and plan delivery outcomes are reported for the API (adapters/store/charger-status.ts). */
  readonly status?: ChargerStatusBoard;
  /** This gateway process, as the status board names it (`<host>:<pid>`). */
  readonly gatewayName?: string;
  /** A SoC reading further than this from the plan's trajectory re-plans (kWh); default 2. */
  readonly driftKwh?: number;
  /** Where energy register readings are kept for M&V (grid/delivery/); omitted = not kept. */
  readonly meterLog?: MeterLog;
}

export class OcppBridge implements CsmsPort {
  /** Charge points that reported they cannot discharge (this process holds their connection). */
  private readonly noDischarge = new Set<string>();
  /** EVSEs (`<chargePointId>#<evseId>`) reported unmanaged (this process holds their connection). */
  private readonly unmanaged = new Set<string>();

  constructor(private readonly deps: OcppBridgeDeps) {}

  async chargerKnown(chargerId: string): Promise<boolean> {
    const credentials = this.deps.credentials;
    // Without auto-registration a charge point no site lists is unknown, whatever credentials exist for it.
    const onSite = (await this.deps.directory.siteOf(chargerId)) !== undefined;
    const record = await credentials?.get(chargerId);
    const admitted = onSite || this.deps.config.ocppAutoRegister;
    // With security, knowing a charge point also means holding its password: the handshake verifies it next.
    if (this.deps.config.ocppSecurityProfile >= 1) return admitted && record?.hasPassword === true;
    return onSite || (admitted && record !== undefined);
  }

  async verifyChargerPassword(chargerId: string, password: Buffer): Promise<boolean> {
    return this.deps.credentials ? this.deps.credentials.verifyPassword(chargerId, password) : false;
  }

  async registerCharger(chargerId: string, password?: Buffer): Promise<void> {
    if (!this.deps.credentials) throw new Error(`auto-registration needs the charger credentials store: add charger "${chargerId}" to a site instead`);
    const { registered } = await this.deps.credentials.register(chargerId, password, this.deps.clock.nowUtcMs());
    // Another connection registered it first (with another password): this one must not get in.
    if (!registered && password !== undefined && !(await this.deps.credentials.verifyPassword(chargerId, password))) {
      throw new Error(`charge point "${chargerId}" was registered concurrently with another password`);
    }
    const site = await this.deps.directory.siteOf(chargerId);
    this.deps.log.info({ chargerId, secured: password !== undefined, siteId: site?.id }, site ? 'charger auto-registered' : 'charger auto-registered; no site lists it yet, so its sessions are dropped until an admin adds it to a site');
  }

  async chargerSettings(chargerId: string): Promise<Partial<ChargerSettings>> {
    const site = await this.deps.directory.siteOf(chargerId);
    const charger = site?.chargers.find((c) => ocppAddressOf(c.id).chargerId === chargerId);
    if (!charger) return {};
    return {
      ...(charger.ac ? { voltageV: charger.ac.voltageV, phases: charger.ac.phases } : {}),
      negativeLimitDischarge: charger.canDischarge,
    };
  }

  async authorize(chargerId: string, idTag: string): Promise<AuthorizationStatus> {
    // A store failure propagates: the adapter answers CALLERROR InternalError and the charger retries.
    const site = await this.deps.directory.siteOf(chargerId);
    // No site lists the charger (auto-registered, not yet assigned): no policy applies; its sessions are
    // not planned anyway (siteCharger drops them).
    if (!site || idTokenAccepted(site.authorization, idTag)) return 'Accepted';
    this.deps.log.info({ chargerId, siteId: site.id, idToken: maskIdToken(idTag) }, "id token refused: not on the site's list (Invalid)");
    return 'Invalid';
  }

  async chargerConnected(event: ChargerConnected): Promise<void> {
    this.deps.log.info({ chargerId: event.chargerId, version: event.version }, 'charger connected');
    await this.report(event.chargerId, (board) =>
      board.putLink(event.chargerId, { connected: true, version: `ocpp${event.version}`, sinceUtcMs: event.atUtcMs, ...(this.deps.gatewayName ? { gateway: this.deps.gatewayName } : {}) }),
    );
    this.deps.onChargerOnline?.(event.chargerId);
  }

  async chargerBooted(event: ChargerBooted): Promise<void> {
    this.deps.log.debug({ chargerId: event.chargerId, vendor: event.vendor, model: event.model }, 'charger booted');
  }

  async chargerDisconnected(event: ChargerDisconnected): Promise<void> {
    this.deps.log.info({ chargerId: event.chargerId, code: event.code, reason: event.reason }, 'charger disconnected');
    this.deps.onChargerOffline?.(event.chargerId);
    const reason = [event.code, event.reason].filter((x) => x !== undefined && x !== '').join(' ');
    await this.report(event.chargerId, (board) =>
      board.putLink(event.chargerId, { connected: false, sinceUtcMs: event.atUtcMs, ...(this.deps.gatewayName ? { gateway: this.deps.gatewayName } : {}), ...(reason ? { reason } : {}) }),
    );
  }

  async connectorStatus(event: ConnectorStatusChanged): Promise<void> {
    this.deps.log.debug({ chargerId: event.chargerId, evseId: event.evseId, status: event.status }, 'connector status');
  }

  async chargerCapabilities(event: ChargerCapabilitiesReport): Promise<void> {
    if (event.canDischarge) {
      this.noDischarge.delete(event.chargerId);
      return;
    }
    if (this.noDischarge.has(event.chargerId)) return;
    this.noDischarge.add(event.chargerId);
    const site = await this.deps.directory.siteOf(event.chargerId);
    if (!site) return;
    const withdrawn = (await this.deps.store.listSessions(site.id)).filter((s) => s.v2gConsent && ocppAddressOf(s.chargerId).chargerId === event.chargerId);
    const now = this.deps.clock.nowUtcMs();
    for (const s of withdrawn) {
      // Conditional: a concurrent update of the session (API, another gateway) is re-read, not lost.
      await withOptimisticRetry(async () => {
        const fresh = await this.deps.store.getSession(site.id, s.id);
        if (fresh?.v2gConsent) await this.deps.store.putSession({ ...fresh, v2gConsent: false, updatedAtUtcMs: now }, { expectedRevision: fresh.revision });
      });
    }
    if (withdrawn.length > 0) await this.replan(site.id, `ocpp ${event.chargerId} cannot discharge`);
  }

  async sessionStarted(event: SessionStarted): Promise<void> {
    const found = await this.siteCharger(event.chargerId, event.evseId);
    if (!found) return;
    const { site, siteChargerId } = found;
    // The charger was told Invalid for this token (authorize) and stops the transaction: not planned.
    if (event.idTag !== undefined && !idTokenAccepted(site.authorization, event.idTag)) {
      this.deps.log.info({ chargerId: event.chargerId, evseId: event.evseId, siteId: site.id, idToken: maskIdToken(event.idTag) }, 'transaction with a refused id token: no session');
      return;
    }
    const now = this.deps.clock.nowUtcMs();
    const session = sessionFromStart(site.id, siteChargerId, event, now);
    if (!(await this.valid(site, session, now))) return;
    // The charger reports a vehicle on it now: another session holding this charger during the new
    // session's stay cannot be there (the same rule as the API's 409, resolved for the charger).
    for (const other of await this.deps.store.listSessions(site.id)) {
      if (other.id !== session.id && other.chargerId === siteChargerId && other.departureUtcMs > now && other.arrivalUtcMs < session.departureUtcMs) {
        this.deps.log.warn({ siteId: site.id, sessionId: other.id, chargerId: siteChargerId }, 'session replaced by the transaction the charger reports');
        await this.deps.store.deleteSession(site.id, other.id);
      }
    }
    // A repeated StartTransaction / TransactionEvent(Started) keeps the session as it is.
    try {
      await this.deps.store.putSession(session, { expectedRevision: 0 });
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
    }
    await this.replan(site.id, `ocpp ${event.chargerId} session started`);
  }

  /** The EVSE whose session (in the shared store) was made for this transaction (a gateway restart). */
  async transactionEvse(chargerId: string, transactionId: string): Promise<number | undefined> {
    const site = await this.deps.directory.siteOf(chargerId);
    if (!site) return undefined;
    const evses = site.chargers.map((c) => ocppAddressOf(c.id)).filter((a) => a.chargerId === chargerId).map((a) => a.evseId);
    const sessions = new Set((await this.deps.store.listSessions(site.id)).map((s) => s.id));
    return evses.find((evseId) => sessions.has(ocppSessionId(chargerId, evseId, transactionId)));
  }

  async firstLimit(event: SessionStarted): Promise<FirstLimit | undefined> {
    const found = await this.siteCharger(event.chargerId, event.evseId);
    if (!found) return undefined;
    const { site } = found;
    const session = await this.deps.store.getSession(site.id, ocppSessionId(event.chargerId, event.evseId, event.transactionId));
    if (!session) return undefined;
    const now = this.deps.clock.nowUtcMs();
    const [sessions, signals, dispatches, planInForce] = await Promise.all([
      this.deps.store.listSessions(site.id), this.deps.store.getSignals(site.id), this.deps.store.listDispatches(site.id), this.deps.plans.current(site.id),
    ]);
    const siteNow = siteNowOf({ site, sessions, signals, dispatches, ...(planInForce ? { planInForce } : {}) }, now, this.deps.config.horizonHours);
    const limit = firstLimitOf({ site, session, sessions, ...(planInForce ? { planInForce } : {}), siteNow, nowUtcMs: now, energyKwh: estimateEnergyKwh(session, planInForce, now) });
    this.deps.log.info({ chargerId: event.chargerId, evseId: event.evseId, siteId: site.id, sessionId: session.id, maxPowerKw: limit.maxPowerKw }, limit.reason);
    return limit;
  }

  async chargingNeeds(event: ChargingNeeds): Promise<void> {
    // Read, change and write conditionally; re-read if the session changed meanwhile.
    const siteId = await withOptimisticRetry(async () => {
      const found = await this.findSession(event.chargerId, event.evseId, event.transactionId);
      if (!found) return undefined;
      const { site, session } = found;
      const now = this.deps.clock.nowUtcMs();
      const next = withChargingNeeds(session, event, !this.noDischarge.has(event.chargerId) && this.chargerCanDischarge(site, session.chargerId), now);
      if (!(await this.valid(site, next, now))) return undefined;
      await this.deps.store.putSession(next, { expectedRevision: session.revision });
      return site.id;
    });
    if (siteId !== undefined) await this.replan(siteId, `ocpp ${event.chargerId} charging needs`);
  }

  async sessionUpdated(event: SessionUpdated): Promise<void> {
    if (event.energyRegisterWh !== undefined && this.deps.meterLog) await this.logMeterReading(event, event.energyRegisterWh, this.deps.meterLog);
    const socPct = event.socPct;
    if (socPct === undefined) return;
    // Read, change and write conditionally; re-read if the session changed meanwhile.
    const siteId = await withOptimisticRetry(async () => {
      const found = await this.findSession(event.chargerId, event.evseId, event.transactionId);
      if (!found) return undefined;
      const { site, session } = found;
      const now = this.deps.clock.nowUtcMs();
      const next = withSocReading(session, socPct, event.atUtcMs, now);
      const expected = estimateEnergyKwh(session, await this.deps.plans.current(site.id), now);
      if (Math.abs(readingKwh(next) - expected) <= (this.deps.driftKwh ?? 2)) return undefined;
      if (!(await this.valid(site, next, now))) return undefined;
      await this.deps.store.putSession(next, { expectedRevision: session.revision });
      return site.id;
    });
    if (siteId !== undefined) await this.replan(siteId, `ocpp ${event.chargerId} state of charge drifted`);
  }

  async sessionEnded(event: SessionEnded): Promise<void> {
    const found = await this.findSession(event.chargerId, event.evseId ?? 1, event.transactionId);
    if (!found) return;
    await this.deps.store.deleteSession(found.site.id, found.session.id);
    await this.replan(found.site.id, `ocpp ${event.chargerId} session ended`);
  }

  async sessionIdToken(event: SessionIdToken): Promise<AuthorizationStatus> {
    const status = await this.authorize(event.chargerId, event.idTag);
    if (status === 'Accepted') return status;
    // The charger was answered Invalid: it stops the transaction (or the energy): no longer planned.
    const found = await this.siteCharger(event.chargerId, event.evseId);
    const sessionId = ocppSessionId(event.chargerId, event.evseId, event.transactionId);
    if (found && (await this.deps.store.deleteSession(found.site.id, sessionId))) {
      this.deps.log.info({ chargerId: event.chargerId, evseId: event.evseId, siteId: found.site.id, sessionId }, 'transaction presented a refused id token: session removed');
      await this.replan(found.site.id, `ocpp ${event.chargerId} id token refused`);
    }
    return status;
  }

  async planDelivery(report: PlanDeliveryReport): Promise<void> {
    const bad = report.status === 'not-applied' || report.status === 'failed';
    const fields = { chargerId: report.chargerId, evseId: report.evseId, status: report.status, planId: report.planId, code: report.code, attempts: report.attempts };
    if (bad) this.deps.log.warn({ ...fields, message: report.message }, 'plan not applied on a charger');
    else this.deps.log.debug(fields, 'plan delivery');
    const { chargerId: _chargerId, ...delivery } = report;
    await this.report(report.chargerId, (board) => board.putDelivery(report.chargerId, delivery));
    // An EVSE that became (or stopped being) unmanaged changes the site problem: its session is
    // uncontrolled load (read back from the status board by the re-plan).
    const key = `${report.chargerId}#${report.evseId}`;
    const unmanaged = report.status === 'unmanaged';
    if (unmanaged === this.unmanaged.has(key) || report.evseId < 1) return;
    if (unmanaged) this.unmanaged.add(key);
    else this.unmanaged.delete(key);
    const site = await this.deps.directory.siteOf(report.chargerId);
    if (site) await this.replan(site.id, `ocpp ${report.chargerId} ${unmanaged ? 'cannot follow profiles (unmanaged)' : 'follows profiles again'}`);
  }

  /** Writes to the status board; a failure there is logged, never fails the charger's message. */
  private async report(chargerId: string, write: (board: ChargerStatusBoard) => Promise<void>): Promise<void> {
    if (!this.deps.status) return;
    try {
      await write(this.deps.status);
    } catch (err) {
      this.deps.log.warn({ err, chargerId }, 'the charger status could not be recorded');
    }
  }

  private chargerCanDischarge(site: SiteRecord, siteChargerId: string): boolean {
    return site.chargers.find((c) => c.id === siteChargerId)?.canDischarge === true;
  }

  private async siteCharger(chargePointId: string, evseId: number): Promise<{ site: SiteRecord; siteChargerId: string } | undefined> {
    const site = await this.deps.directory.siteOf(chargePointId);
    const siteChargerId = siteChargerIdOf(chargePointId, evseId);
    if (!site || !site.chargers.some((c) => c.id === siteChargerId)) {
      this.deps.log.warn({ chargerId: chargePointId, evseId, siteId: site?.id }, `no site has charger "${siteChargerId}": the fact is dropped`);
      return undefined;
    }
    return { site, siteChargerId };
  }

  /** Keeps an energy register reading of a site's charger for M&V (a charger no site lists: dropped, as every fact of it). */
  private async logMeterReading(event: SessionUpdated, importWh: number, meterLog: MeterLog): Promise<void> {
    const found = await this.siteCharger(event.chargerId, event.evseId);
    if (!found) return;
    const sample = { meterId: found.siteChargerId, atUtcMs: event.atUtcMs, importWh, ...(event.energyExportRegisterWh !== undefined ? { exportWh: event.energyExportRegisterWh } : {}) };
    await meterLog.append(found.site.id, [sample]);
  }

  /** The session of a transaction, or (without a transaction id) the OCPP session on the EVSE now. */
  private async findSession(chargePointId: string, evseId: number, transactionId: string | undefined): Promise<{ site: SiteRecord; session: SessionRecord } | undefined> {
    const found = await this.siteCharger(chargePointId, evseId);
    if (!found) return undefined;
    const { site, siteChargerId } = found;
    if (transactionId !== undefined) {
      const session = await this.deps.store.getSession(site.id, ocppSessionId(chargePointId, evseId, transactionId));
      if (session) return { site, session };
    }
    const now = this.deps.clock.nowUtcMs();
    const candidates = (await this.deps.store.listSessions(site.id))
      .filter((s) => s.chargerId === siteChargerId && isOcppSession(s) && s.departureUtcMs > now)
      .sort((a, b) => b.arrivalUtcMs - a.arrivalUtcMs);
    return candidates[0] ? { site, session: candidates[0] } : undefined;
  }

  private async valid(site: SiteRecord, session: SessionRecord, nowUtcMs: number): Promise<boolean> {
    const issues = sessionIssues(site, session, nowUtcMs);
    if (issues.length === 0) return true;
    this.deps.log.warn({ siteId: site.id, sessionId: session.id, issues }, 'an OCPP session update breaks the session rules: not stored');
    return false;
  }

  private async replan(siteId: string, reason: string): Promise<void> {
    await requestReplan(this.deps.queue, this.deps.config, siteId, reason);
  }
}
