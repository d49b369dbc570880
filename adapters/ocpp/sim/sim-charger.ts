/**
 * A simulated charger that behaves like a real one: it connects with ocpp-rpc in strict mode (the
 * official schemas, 2.1 remapped), boots, starts a transaction when a vehicle arrives, installs profiles
 * by the rules real chargers enforce (sim-profile-store.ts), computes its composite schedule, draws the
 * power its limit allows (a zero limit suspends it: SuspendedEVSE) and reports it in meter values. Every
 * CALL it receives is logged with the answer it gave.
 */
import { createRPCError, RPCClient } from '../ocpp-rpc.ts';
import { systemClock, type Clock } from '../clock.ts';
import { subprotocolOf, type OcppVersion } from '../protocol.ts';
import { strictValidators } from '../schema-validators.ts';
import { simProtocol16 } from './protocol-16.ts';
import { simProtocol2x } from './protocol-2x.ts';
import type { SimContext, SimEvse, SimHandler, SimProtocol } from './sim-context.ts';
import { defaultSimStationConfig, SimProfileStore, type SimStationConfig } from './sim-profile-store.ts';
import { SimVehicle, type SimVehicleSpec } from './sim-vehicle.ts';
import { describeCall } from './sim-log.ts';

export interface SimChargerOptions {
  /** CSMS endpoint without the id, e.g. ws://127.0.0.1:9220/ocpp. */
  readonly url: string;
  readonly id: string;
  readonly version: OcppVersion;
  /** HTTP Basic password (security profiles 1 and 2). */
  readonly password?: string;
  /** CA certificate (PEM) to trust for wss:// (security profile 2 with a self-signed server). */
  readonly ca?: string | Buffer;
  /** wss:// without checking the server certificate (tests and demos with a self-signed one only). */
  readonly insecure?: boolean;
  readonly config?: Partial<SimStationConfig>;
  /**
   * What the station reports at discovery where it differs from what it enforces (firmware that
   * misreports: e.g. says stack level 8 but rejects above 2). Default: the truth.
   */
  readonly reportedConfig?: Partial<SimStationConfig>;
  readonly clock?: Clock;
  /** One line per received CALL (and per notable event). */
  readonly log?: (line: string) => void;
  /** Reconnect after a drop (without a new boot, as real chargers do). Default true. */
  readonly reconnect?: boolean;
  readonly callTimeoutMs?: number;
}

/** A CALL the charger received and what it answered. */
export interface ReceivedCall {
  readonly action: string;
  readonly params: unknown;
  readonly reply: Record<string, unknown>;
  /** Why it refused, when it did. */
  readonly reason?: string;
  readonly atUtcMs: number;
  /** performance.timeOrigin + performance.now() when the CALL was taken up (before handling; benchmarks). */
  readonly atEpochMs: number;
}

type Frame = { readonly outbound: boolean; readonly kind: 'call' | 'result'; readonly action: string; readonly payload: unknown };

export class SimCharger {
  readonly config: SimStationConfig;
  readonly reported: SimStationConfig;
  readonly store: SimProfileStore;
  /** Calls received, oldest first (at most `maxReceived`). */
  readonly received: ReceivedCall[] = [];
  /** Every frame sent and received (for schema checks in tests; at most `maxReceived`). */
  readonly frames: Frame[] = [];
  maxReceived = 1_000;
  /** Called for every received CALL (benchmarks). */
  onReceive?: (call: ReceivedCall) => void;
  private readonly client: RPCClient;
  private readonly protocol: SimProtocol;
  private readonly evseMap = new Map<number, SimEvse>();
  private readonly clock: Clock;
  private readonly context: SimContext;
  private meterTimer: ReturnType<typeof setInterval> | undefined;
  /** Between a reboot's reconnect and the answer to its BootNotification: every CALL is refused. */
  private booting = false;
  private readonly pendingMethods = new Map<string, string>();
  private readonly overrides = new Map<string, SimHandler>();

  constructor(private readonly options: SimChargerOptions) {
    this.config = { ...defaultSimStationConfig, ...options.config };
    this.reported = { ...this.config, ...options.reportedConfig };
    this.clock = options.clock ?? systemClock;
    this.store = new SimProfileStore(this.config, options.version);
    this.protocol = options.version === '1.6' ? simProtocol16 : simProtocol2x;
    for (let i = 1; i <= this.config.connectorCount; i++) {
      this.evseMap.set(i, { evseId: i, powerW: 0, importWh: 0, exportWh: 0, status: 'Available', seqNo: 0, lastUpdateUtcMs: this.clock.nowUtcMs() });
    }
    this.client = new RPCClient({
      endpoint: options.url,
      identity: options.id,
      protocols: [subprotocolOf(options.version)],
      strictMode: true,
      strictModeValidators: strictValidators(),
      reconnect: options.reconnect ?? true,
      callTimeoutMs: options.callTimeoutMs ?? 30_000,
      backoff: { initialDelay: 50, maxDelay: 2_000, factor: 2, randomisationFactor: 0.25 },
      ...(options.password !== undefined ? { password: options.password } : {}),
      ...(options.ca !== undefined || options.insecure ? { wsOpts: { ...(options.ca !== undefined ? { ca: options.ca } : {}), ...(options.insecure ? { rejectUnauthorized: false } : {}) } } : {}),
    } as ConstructorParameters<typeof RPCClient>[0]);
    this.context = this.createContext();
    this.recordFrames();
    for (const [action, handler] of Object.entries(this.protocol.handlers(this.context))) {
      this.client.handle(action, async ({ params }) => this.answer(action, this.overrides.get(action) ?? handler, params));
    }
  }

  /**
   * Fault injection: answer `action` with `handler` instead (throw an RPC error for a CALLERROR, never
   * resolve for a timeout); `undefined` restores the normal behaviour.
   */
  overrideHandler(action: string, handler: SimHandler | undefined): void {
    if (handler) this.overrides.set(action, handler);
    else this.overrides.delete(action);
  }

  get id(): string {
    return this.options.id;
  }

  get version(): OcppVersion {
    return this.options.version;
  }

  /** Connects and boots. */
  async start(): Promise<void> {
    await this.client.connect();
    await this.protocol.boot(this.context);
  }

  /** Connects without booting (a reconnect after a drop is what real chargers do). */
  async connect(): Promise<void> {
    await this.client.connect();
  }

  /**
   * Sends any CALL as given (schema-checked before it leaves) and resolves with the answer; a CALLERROR
   * rejects with ocpp-rpc's RPCError (`rpcErrorCode`, `details`). For edge cases the simulated vehicle
   * never produces (tests).
   */
  async call(action: string, payload: Record<string, unknown>): Promise<unknown> {
    return this.client.call(action, payload);
  }

  evse(evseId = 1): SimEvse {
    const evse = this.evseMap.get(evseId);
    if (!evse) throw new Error(`no EVSE ${evseId}`);
    return evse;
  }

  /** A vehicle arrives: Preparing, transaction started (2.x: charging needs), then it draws power. */
  async plugIn(vehicle: SimVehicleSpec, evseId = 1): Promise<string> {
    const evse = this.evse(evseId);
    if (evse.vehicle) throw new Error(`EVSE ${evseId} is occupied`);
    this.settle();
    evse.vehicle = new SimVehicle(vehicle);
    await this.setStatus(evse, 'Preparing');
    evse.transactionStartUtcMs = this.clock.nowUtcMs();
    await this.protocol.startTransaction(this.context, evse);
    this.refreshPower();
    await this.flushStatus(evse);
    return evse.transactionId!;
  }

  /**
   * A driver presents an id token (a card at the reader): Authorize, and the status the CSMS answered
   * (Accepted | Blocked | Expired | Invalid | ...). The token is sent as given, so one longer than the
   * version allows (1.6: 20, 2.x: 36 characters) is refused by strict validation before it is sent.
   */
  async authorize(idTag: string): Promise<string> {
    return this.protocol.authorize(this.context, idTag);
  }

  /** The vehicle leaves: transaction stopped, TxProfiles dropped, Available. */
  async unplug(evseId = 1, reason = 'EVDisconnected'): Promise<void> {
    await this.stopTransaction(evseId, reason);
  }

  /** Integrates energy up to now, re-evaluates power, reports meter values for busy EVSEs. */
  async step(): Promise<void> {
    this.refreshPower();
    for (const evse of this.evseMap.values()) {
      await this.flushStatus(evse);
      if (evse.transactionId !== undefined) await this.protocol.meterValues(this.context, evse);
    }
  }

  /** Steps every `intervalMs` (real time) until stopped. */
  startMeterLoop(intervalMs: number): void {
    this.stopMeterLoop();
    this.meterTimer = setInterval(() => void this.step().catch(() => undefined), intervalMs);
    this.meterTimer.unref?.();
  }

  stopMeterLoop(): void {
    if (this.meterTimer) clearInterval(this.meterTimer);
    this.meterTimer = undefined;
  }

  /** The composite this charger computes for an EVSE (what it enforces). */
  composite(evseId: number, durationS: number, unit = this.config.rateUnits[0] ?? 'W') {
    return this.store.composite(evseId, this.evse(evseId).transactionId, this.clock.nowUtcMs(), durationS, unit);
  }

  /**
   * A reboot (power cycle): the connection drops, running transactions are lost without a stop message
   * (their TxProfiles with them), the vehicles stay unplugged; then it connects and sends
   * BootNotification. Until that is answered it refuses every CALL with SecurityError, as real chargers do.
   */
  async reboot(): Promise<void> {
    this.dropConnection();
    await this.client.close({ force: true }).catch(() => undefined);
    for (const evse of this.evseMap.values()) {
      if (evse.transactionId !== undefined) this.store.endTransaction(evse.evseId);
      delete evse.transactionId;
      delete evse.transactionStartUtcMs;
      delete evse.idTokenStatus;
      delete evse.vehicle;
      evse.powerW = 0;
      evse.status = 'Available';
    }
    this.booting = true;
    try {
      await this.client.connect();
      await this.protocol.boot(this.context);
    } finally {
      this.booting = false;
    }
  }

  /** Drops the connection; with reconnect on, it comes back by itself (no boot). */
  dropConnection(): void {
    (this.client as unknown as { _ws?: { terminate(): void } })._ws?.terminate();
  }

  async close(): Promise<void> {
    this.stopMeterLoop();
    await this.client.close({ force: true });
  }

  /** ocpp-rpc client state (1 = open). */
  get state(): number {
    return this.client.state;
  }

  /** Resolves once the client is open again (after a drop). */
  async waitOpen(timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.client.state !== 1) {
      if (Date.now() > until) throw new Error(`${this.id}: not reconnected within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async answer(action: string, handler: SimHandler, params: unknown): Promise<Record<string, unknown>> {
    const atEpochMs = performance.timeOrigin + performance.now();

    // A charger handles one message after another: let the continuation of an answer that arrived just
    // before (e.g. the transactionId of StartTransaction.conf) run first.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.booting) {
      this.record({ action, params, reply: { callError: 'SecurityError' }, reason: 'not booted yet', atUtcMs: this.clock.nowUtcMs(), atEpochMs });
      throw createRPCError('SecurityError', 'BootNotification not yet accepted') as Error;
    }
    let result: Record<string, unknown>;
    try {
      result = await handler(params);
    } catch (error) {
      const code = (error as { rpcErrorCode?: string }).rpcErrorCode ?? 'GenericError';
      this.record({ action, params, reply: { callError: code }, reason: (error as Error).message, atUtcMs: this.clock.nowUtcMs(), atEpochMs });
      this.options.log?.(`${this.id} <- ${action} -> CALLERROR ${code}`);
      throw error;
    }
    const { _reason, ...reply } = result;
    const reason = typeof _reason === 'string' ? _reason : undefined;
    this.record({ action, params, reply, ...(reason ? { reason } : {}), atUtcMs: this.clock.nowUtcMs(), atEpochMs });
    this.options.log?.(`${this.id} <- ${describeCall(action, params, reply, reason)}`);
    return reply;
  }

  private record(entry: ReceivedCall): void {
    this.received.push(entry);
    if (this.received.length > this.maxReceived) this.received.shift();
    this.onReceive?.(entry);
  }

  private recordFrames(): void {
    const push = (f: Frame) => {
      this.frames.push(f);
      if (this.frames.length > this.maxReceived) this.frames.shift();
    };
    this.client.on('call', ({ outbound, payload }: { outbound: boolean; payload: unknown[] }) => {
      const [, id, action, params] = payload as [number, string, string, unknown];
      this.pendingMethods.set(`${outbound ? 'out' : 'in'}:${id}`, action);
      push({ outbound, kind: 'call', action, payload: params });
    });
    this.client.on('response', ({ outbound, payload }: { outbound: boolean; payload: unknown[] }) => {
      const [type, id, result] = payload as [number, string, unknown];
      const key = `${outbound ? 'in' : 'out'}:${id}`;
      const action = this.pendingMethods.get(key) ?? '?';
      this.pendingMethods.delete(key);
      if (type === 3) push({ outbound, kind: 'result', action, payload: result });
      // The boot is answered: from now on CALLs are served (a reboot refused them until here).
      if (!outbound && action === 'BootNotification') this.booting = false;
    });
  }

  /** Integrates each EVSE's energy from its last update to now at its current power. */
  private settle(): void {
    const now = this.clock.nowUtcMs();
    for (const evse of this.evseMap.values()) {
      const ms = now - evse.lastUpdateUtcMs;
      if (ms > 0) {
        evse.vehicle?.advance(evse.powerW, ms);
        evse.importWh += (Math.max(0, evse.powerW) * ms) / 3_600_000;
        evse.exportWh += (Math.max(0, -evse.powerW) * ms) / 3_600_000;
      }
      evse.lastUpdateUtcMs = now;
    }
  }

  /** Settles energy, expires old profiles, then sets each EVSE's power from its composite limit. */
  refreshPower(): void {
    this.settle();
    const now = this.clock.nowUtcMs();
    this.store.expire(now);
    for (const evse of this.evseMap.values()) {
      if (!evse.vehicle || evse.transactionId === undefined) {
        evse.powerW = 0;
        continue;
      }
      const { targetW, setpoint } = this.store.targetW(evse.evseId, evse.transactionId, now);
      const dischargeAllowed = (setpoint && this.config.v2x) || this.config.negativeLimitDischarge;
      evse.powerW = evse.vehicle.drawW(targetW, dischargeAllowed);
      evse.status = evse.powerW !== 0 ? 'Charging' : targetW <= 0 ? 'SuspendedEVSE' : 'SuspendedEV';
    }
  }

  private readonly sentStatus = new Map<number, string>();

  private async setStatus(evse: SimEvse, status: string): Promise<void> {
    evse.status = status;
    await this.flushStatus(evse);
  }

  /** Reports the status if it changed since last reported. */
  private async flushStatus(evse: SimEvse): Promise<void> {
    if (this.sentStatus.get(evse.evseId) === evse.status) return;
    this.sentStatus.set(evse.evseId, evse.status);
    await this.protocol.connectorStatus(this.context, evse);
  }

  private async stopTransaction(evseId: number, reason: string): Promise<void> {
    const evse = this.evse(evseId);
    if (evse.transactionId === undefined) return;
    this.settle();
    evse.powerW = 0;
    await this.protocol.stopTransaction(this.context, evse, reason);
    this.store.endTransaction(evseId);
    delete evse.transactionId;
    delete evse.transactionStartUtcMs;
    delete evse.idTokenStatus;
    delete evse.vehicle;
    await this.setStatus(evse, 'Finishing');
    await this.setStatus(evse, 'Available');
  }

  private createContext(): SimContext {
    return {
      id: this.options.id,
      version: this.options.version,
      config: this.config,
      reported: this.reported,
      store: this.store,
      nowUtcMs: () => this.clock.nowUtcMs(),
      call: (action, payload) => this.client.call(action, payload) as Promise<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
      evse: (evseId) => this.evseMap.get(evseId),
      evses: () => [...this.evseMap.values()],
      refreshPower: () => this.refreshPower(),
      stopTransaction: (evseId, reason) => this.stopTransaction(evseId, reason),
      trigger: async (message, evseId) => {
        if (message === 'Heartbeat') await this.client.call('Heartbeat', {});
        for (const evse of this.evseMap.values()) {
          if (evseId !== undefined && evseId !== 0 && evse.evseId !== evseId) continue;
          if (message === 'StatusNotification') await this.protocol.connectorStatus(this.context, evse);
          if (message === 'MeterValues') await this.protocol.meterValues(this.context, evse);
          if (message === 'TransactionEvent' && evse.transactionId !== undefined) await this.protocol.meterValues(this.context, evse, 'Trigger');
        }
      },
    };
  }
}
