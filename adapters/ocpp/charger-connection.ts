/**
 * One charger's WebSocket session: answers its CALLs through the version mapping, reports facts to the
 * CSMS port, runs discovery after boot and the re-sync after a reconnect, and drives the state machine.
 *
 * Order of things: connect -> (BootNotification answered Accepted) -> discovery (GetConfiguration /
 * GetVariables) -> capabilities reported -> re-sync (GetCompositeSchedule where we believe profiles are
 * installed) -> ready -> the delivery loop sends what the plan asks. A known charger that reconnects
 * without booting goes straight to the re-sync.
 */
import type { Logger } from 'pino';
import { createRPCError } from './ocpp-rpc.ts';
import { chooseRateUnit, defaultCapabilities, dischargeModeOf } from './capabilities.ts';
import { createChargerLink, type ChargerLink, type RpcCaller } from './charger-link.ts';
import { cancelRefresh, evseOf, forgetTransactions, queueClear, resetAttempts, type ChargerRecord, type EvseRecord } from './charger-record.ts';
import { allows, nextPhase, type ChargerEvent } from './charger-state.ts';
import type { Clock } from './clock.ts';
import type { CsmsPort, SessionStarted } from './csms-port.ts';
import { OcppError } from './errors.ts';
import { callErrorOf } from './inbound-violation.ts';
import type { OcppMetrics } from './metrics.ts';
import type { ChargerDelivery } from './profile-delivery.ts';
import { resyncCharger } from './resync.ts';
import type { InboundContext, InboundHandler, VersionMapping } from './version-mapping.ts';

/** The ocpp-rpc server-side client surface used here. */
export interface RpcServerClientLike extends RpcCaller {
  handle(method: string, handler: (args: { params?: unknown }) => Promise<unknown>): void;
  close(options?: { code?: number; reason?: string; force?: boolean }): Promise<unknown>;
  on(event: 'close', listener: (event: { code?: number; reason?: string }) => void): unknown;
}

export interface ConnectionDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: OcppMetrics;
  readonly port: CsmsPort;
  readonly heartbeatIntervalS: number;
  /** How long a reconnected known charger is given to send BootNotification before the re-sync (ms); default 2 000. */
  readonly bootGraceMs?: number;
  allocateTransactionId(): number;
}

export class ChargerConnection {
  readonly link: ChargerLink;
  private generation = 0;
  private closed = false;
  /** A BootNotification arrived on this connection (else a reconnect: running transactions are asked for). */
  private bootedHere = false;
  /** A reboot made us forget transactions: ask for those still running after discovery. */
  private askAfterBoot = false;
  private readonly log: Logger;
  private readonly context: InboundContext;

  constructor(
    private readonly client: RpcServerClientLike,
    private readonly record: ChargerRecord,
    private readonly delivery: ChargerDelivery,
    private readonly mapping: VersionMapping,
    private readonly deps: ConnectionDeps,
    private readonly remoteAddress?: string,
  ) {
    const version = mapping.version;
    this.log = deps.logger.child({ chargerId: record.chargerId, ocpp: version });
    this.link = createChargerLink(client, mapping, (action) => deps.metrics.messages.inc({ direction: 'out', action, version }));
    this.context = this.createContext();
  }

  /**
   * Registers the handlers and reports the connection; call synchronously when ocpp-rpc emits 'client'.
   * `onClose` returns false when this connection was already replaced by a newer one (then the record,
   * which belongs to the newer connection, is left alone).
   */
  start(onClose: () => boolean): void {
    for (const [action, handler] of Object.entries(this.mapping.inbound)) {
      this.client.handle(action, ({ params }) => this.onInbound(action, handler, params));
    }
    this.client.on('close', (event) => {
      this.closed = true;
      if (!onClose()) {
        this.log.info('replaced connection closed');
        return;
      }
      this.transition('disconnect');
      this.log.info({ code: event.code, reason: event.reason }, 'charger disconnected');
      void this.portCall(() => this.deps.port.chargerDisconnected({
        chargerId: this.record.chargerId, atUtcMs: this.deps.clock.nowUtcMs(),
        ...(event.code !== undefined ? { code: event.code } : {}), ...(event.reason ? { reason: String(event.reason) } : {}),
      })).catch(() => undefined);
      this.delivery.kick();
    });
    this.record.version = this.mapping.version;
    this.transition('connect');
    this.log.info('charger connected');
    void this.portCall(() => this.deps.port.chargerConnected({
      chargerId: this.record.chargerId, version: this.mapping.version, atUtcMs: this.deps.clock.nowUtcMs(),
      ...(this.remoteAddress ? { remoteAddress: this.remoteAddress } : {}),
    })).catch(() => undefined);
    // Boot grace: a charger that reconnects after a reboot sends BootNotification first; asking it anything
    // before that is answered gets refused (SecurityError). A boot (or, for a charger we do not know yet, any
    // message) within the grace bumps the generation and this timer gives way. After it, a known charger is
    // re-synced, and one this process does not know (a gateway restart) is discovered and asked for its
    // running transactions, without waiting for its next message.
    const generation = ++this.generation;
    const timer = setTimeout(() => void (this.record.capabilities ? this.resyncThenReady(generation, 'resync') : this.discoverThenReady(generation)), this.deps.bootGraceMs ?? 2_000);
    timer.unref?.();
  }

  async close(code = 1000, reason = 'closing'): Promise<void> {
    await this.client.close({ code, reason });
  }

  private transition(event: ChargerEvent): boolean {
    if (!allows(this.record.phase, event)) {
      this.log.debug({ phase: this.record.phase, event }, 'state event ignored');
      return false;
    }
    this.record.phase = nextPhase(this.record.phase, event);
    return true;
  }

  private async portCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      this.log.error({ err: error, code: 'V2G_ERR_OCPP_PORT' }, 'CSMS port call failed');
      throw new OcppError('V2G_ERR_OCPP_PORT', (error as Error).message ?? String(error));
    }
  }

  private async onInbound(action: string, handler: InboundHandler, params: unknown): Promise<unknown> {
    this.deps.metrics.messages.inc({ direction: 'in', action, version: this.mapping.version });
    let result: Record<string, unknown>;
    try {
      result = await handler(this.context, params);
    } catch (error) {
      const answer = callErrorOf(error);
      if (answer.rpcErrorCode !== 'InternalError') this.log.warn({ action, code: 'V2G_ERR_OCPP_INBOUND_INVALID', rpcErrorCode: answer.rpcErrorCode, field: answer.details['field'] }, answer.message);
      // An RPCError, an Error (ocpp-rpc's types call it a record).
      throw createRPCError(answer.rpcErrorCode, answer.message, answer.details) as Error;
    }
    if (action === 'BootNotification' || (this.record.phase === 'connected' && !this.record.capabilities)) {
      const generation = ++this.generation;
      setImmediate(() => void this.discoverThenReady(generation));
    }
    return result;
  }

  private async discoverThenReady(generation: number): Promise<void> {
    if (this.closed || generation !== this.generation || !this.transition('discover')) return;
    let caps = defaultCapabilities;
    try {
      caps = await this.mapping.discover(this.link.call);
    } catch (error) {
      this.log.warn({ err: error }, 'capability discovery failed; using conservative defaults');
    }
    if (this.closed || generation !== this.generation) return;
    this.record.capabilities = caps;
    const dischargeMode = dischargeModeOf(this.mapping.version, caps, this.record.settings);
    const rateUnit = chooseRateUnit(caps);
    this.log.info({ caps, dischargeMode }, 'capabilities discovered');
    await this.portCall(() => this.deps.port.chargerCapabilities({
      chargerId: this.record.chargerId, version: this.mapping.version, capabilities: caps,
      ...(rateUnit ? { rateUnit } : {}), dischargeMode, canDischarge: dischargeMode !== 'none',
    })).catch(() => undefined);
    if (!this.transition('discovered')) return;
    await this.resyncThenReady(generation, 'none');
    if ((!this.bootedHere || this.askAfterBoot) && !this.closed && generation === this.generation) {
      this.askAfterBoot = false;
      await this.askForTransactions();
    }
  }

  /**
   * A charger we discovered without a boot (this process is new to it, e.g. after a gateway crash) may
   * have transactions running that we never saw start: ask it to report them (TriggerMessage; 2.x
   * TransactionEvent, 1.6 MeterValues with the transactionId). Best effort: a refusal is only logged.
   */
  private async askForTransactions(): Promise<void> {
    if ([...this.record.evses.values()].some((e) => e.transactionId !== undefined)) return;
    const requestedMessage = this.mapping.version === '1.6' ? 'MeterValues' : 'TransactionEvent';
    try {
      const answer = (await this.link.call('TriggerMessage', { requestedMessage })) as { status?: string };
      this.log.info({ requestedMessage, status: answer.status }, 'asked the reconnected charger for its running transactions');
    } catch (error) {
      this.log.warn({ err: error, requestedMessage }, 'could not ask the charger for its running transactions');
    }
  }

  private async resyncThenReady(generation: number, event: 'resync' | 'none'): Promise<void> {
    if (this.closed || generation !== this.generation) return;
    if (event === 'resync' && !this.transition('resync')) return;
    const outcomes = await resyncCharger(this.record, this.link, this.deps.clock.nowUtcMs());
    for (const outcome of outcomes) this.deps.metrics.resyncs.inc({ outcome });
    if (outcomes.length > 0) this.log.info({ outcomes }, 're-sync done');
    if (this.closed || generation !== this.generation) return;
    for (const evse of this.record.evses.values()) resetAttempts(evse);
    if (this.transition('resynced')) this.delivery.kick();
  }

  /** The transaction's safe first limit from the port (kept only while that transaction runs). */
  private async askFirstLimit(evse: EvseRecord, event: SessionStarted): Promise<void> {
    if (!this.deps.port.firstLimit || evse.firstLimit?.transactionId === event.transactionId) return;
    try {
      const limit = await this.deps.port.firstLimit(event);
      if (!limit || evse.transactionId !== event.transactionId || !Number.isFinite(limit.maxPowerKw)) return;
      const sinceUtcMs = Math.floor(this.deps.clock.nowUtcMs() / 1000) * 1000;
      evse.firstLimit = { transactionId: event.transactionId, maxPowerKw: Math.max(0, limit.maxPowerKw), reason: limit.reason, sinceUtcMs };
    } catch (error) {
      this.log.warn({ err: error, code: 'V2G_ERR_OCPP_PORT', evseId: evse.evseId }, 'no safe first limit: the transaction waits for its plan');
    }
  }

  /** The InboundContext the version mappings call. */
  private createContext(): InboundContext {
    const self = this;
    const record = this.record;
    const port = this.deps.port;
    const chargerId = record.chargerId;
    const context: InboundContext = {
      chargerId,
      version: this.mapping.version,
      get settings() {
        return record.settings;
      },
      heartbeatIntervalS: this.deps.heartbeatIntervalS,
      get connectorCount() {
        return record.capabilities?.connectorCount;
      },
      nowUtcMs: () => self.deps.clock.nowUtcMs(),
      booted: async (info) => {
        self.bootedHere = true;
        // A known charger that boots again was rebooted: its transactions ended with it (it reports the
        // ones still running when asked after discovery), so what we knew of them, their profiles included,
        // is forgotten and never re-sent.
        if (record.capabilities && [...record.evses.values()].some((e) => e.transactionId !== undefined)) {
          forgetTransactions(record);
          self.askAfterBoot = true;
        }
        self.generation++;
        self.transition('boot');
        // A reboot (new firmware, new configuration): an unmanaged EVSE is given its tries again.
        for (const evse of record.evses.values()) {
          delete evse.unmanaged;
          evse.refusals = 0;
        }
        await self.portCall(() => port.chargerBooted({ chargerId, version: self.mapping.version, atUtcMs: self.deps.clock.nowUtcMs(), ...info }));
      },
      connectorStatus: (event) => self.portCall(() => port.connectorStatus({ chargerId, ...event })),
      authorize: (idTag) => self.portCall(() => port.authorize(chargerId, idTag)),
      allocateTransactionId: () => self.deps.allocateTransactionId(),
      transactionStarted: async (event) => {
        const evse = evseOf(record, event.evseId);
        if (evse.transactionId !== event.transactionId) {
          if (evse.transactionId !== undefined) evse.clearWhy = `transaction ${evse.transactionId} was followed by ${event.transactionId} without ending`;
          queueClear(evse, 'a new transaction started');
          delete evse.cleared;
          resetAttempts(evse);
        }
        evse.transactionId = event.transactionId;
        if (evse.firstLimit?.transactionId !== event.transactionId) delete evse.firstLimit;
        await self.portCall(() => port.sessionStarted({ chargerId, ...event }));
        await self.askFirstLimit(evse, { chargerId, ...event });
        // After our answer is on the wire: a 1.6 charger learns its transactionId from it.
        setImmediate(() => self.delivery.kick());
      },
      meterReading: async (event) => {
        let evseId = event.evseId;
        if (evseId < 1 && event.transactionId !== undefined) evseId = context.evseOfTransaction(event.transactionId) ?? evseId;
        if (evseId >= 1 && event.transactionId !== undefined) {
          const evse = evseOf(record, evseId);
          if (evse.transactionId === undefined) {
            evse.transactionId = event.transactionId;
            self.delivery.kick();
          }
        }
        await self.portCall(() => port.sessionUpdated({ chargerId, ...event, evseId }));
      },
      transactionEnded: async (event) => {
        const evseId = event.evseId ?? context.evseOfTransaction(event.transactionId);
        const evse = evseId !== undefined ? record.evses.get(evseId) : undefined;
        if (evse && evse.transactionId === event.transactionId) {
          delete evse.transactionId;
          evse.clearWhy = `transaction ${event.transactionId} ended`;
          queueClear(evse, 'the transaction ended');
          evse.schedules = evse.schedules.filter((s) => s.transactionId !== event.transactionId);
          delete evse.firstLimit;
          delete evse.evBidirectional;
          resetAttempts(evse);
          cancelRefresh(evse);
        }
        await self.portCall(() => port.sessionEnded({ chargerId, ...event, ...(evseId !== undefined ? { evseId } : {}) }));
        self.delivery.kick();
      },
      transactionIdToken: (event) => self.portCall(() => port.sessionIdToken({ chargerId, ...event })),
      chargingNeeds: async (event) => {
        evseOf(record, event.evseId).evBidirectional = event.evBidirectional;
        await self.portCall(() => port.chargingNeeds({ chargerId, ...event }));
        self.delivery.kick();
      },
      evseOfTransaction: (transactionId) => {
        for (const e of record.evses.values()) if (e.transactionId === transactionId) return e.evseId;
        return undefined;
      },
      transactionOnEvse: (evseId) => record.evses.get(evseId)?.transactionId,
      recoverTransactionEvse: async (transactionId) => {
        if (!port.transactionEvse) return undefined;
        const evseId = await self.portCall(() => port.transactionEvse!(chargerId, transactionId));
        if (evseId !== undefined) self.log.info({ transactionId, evseId }, 'running transaction recovered from the store');
        return evseId;
      },
    };
    return context;
  }
}
