/**
 * An in-memory CsmsPort: for tests, the simulator demo and the benchmark. It keeps registered chargers
 * (secrets hashed), settings, id tags, the latest state of each session, capabilities and delivery
 * reports, and records every event in order. `onEvent` is where a caller hooks re-planning.
 */
import type { ChargerSettings } from './capabilities.ts';
import type {
  AuthorizationStatus, ChargerBooted, ChargerCapabilitiesReport, ChargerConnected, ChargerDisconnected, ChargingNeeds,
  ConnectorStatusChanged, CsmsPort, FirstLimit, PlanDeliveryReport, SessionEnded, SessionIdToken, SessionStarted, SessionUpdated,
} from './csms-port.ts';
import { hashSecret, verifyStoredSecret } from '../credentials/password-hash.ts';

export type PortEvent =
  | { readonly type: 'chargerConnected'; readonly event: ChargerConnected }
  | { readonly type: 'chargerBooted'; readonly event: ChargerBooted }
  | { readonly type: 'chargerCapabilities'; readonly event: ChargerCapabilitiesReport }
  | { readonly type: 'chargerDisconnected'; readonly event: ChargerDisconnected }
  | { readonly type: 'connectorStatus'; readonly event: ConnectorStatusChanged }
  | { readonly type: 'sessionStarted'; readonly event: SessionStarted }
  | { readonly type: 'sessionUpdated'; readonly event: SessionUpdated }
  | { readonly type: 'chargingNeeds'; readonly event: ChargingNeeds }
  | { readonly type: 'sessionEnded'; readonly event: SessionEnded }
  | { readonly type: 'sessionIdToken'; readonly event: SessionIdToken }
  | { readonly type: 'planDelivery'; readonly event: PlanDeliveryReport };

/** The event payload of one event type. */
export type PortEventOf<T extends PortEvent['type']> = Extract<PortEvent, { type: T }>['event'];

/** The latest known state of a session. */
export interface MemorySession {
  readonly chargerId: string;
  readonly evseId: number;
  readonly transactionId: string;
  readonly startedUtcMs: number;
  endedUtcMs?: number;
  lastReading?: SessionUpdated;
  needs?: ChargingNeeds;
}

export interface MemoryCsmsPortOptions {
  /** Id token answers; unknown tokens get `defaultAuthorization`. */
  readonly idTags?: Readonly<Record<string, AuthorizationStatus>>;
  readonly defaultAuthorization?: AuthorizationStatus;
  /** Keep about this many events (the oldest are dropped in batches, up to 25 % more are held); default 10 000. */
  readonly maxEvents?: number;
  /** scrypt cost for stored secrets (default 16384; tests may lower it). */
  readonly hashCost?: number;
  /**
   * The safe first limit of every new transaction (kW) or a function of the start event; default none
   * (a transaction waits for its own plan).
   */
  readonly firstLimitKw?: number | ((event: SessionStarted) => number | undefined);
  /** Called after each event is recorded (e.g. to trigger re-planning). */
  readonly onEvent?: (event: PortEvent) => void;
}

export class MemoryCsmsPort implements CsmsPort {
  /** Recorded events, oldest first. */
  readonly events: PortEvent[] = [];
  readonly sessions = new Map<string, MemorySession>();
  readonly capabilities = new Map<string, ChargerCapabilitiesReport>();
  readonly deliveries = new Map<string, PlanDeliveryReport>();
  private readonly chargers = new Map<string, { secretHash?: string; settings: Partial<ChargerSettings> }>();

  constructor(private readonly options: MemoryCsmsPortOptions = {}) {}

  /** Registers a charger (with a password for security profile 1/2, stored hashed). */
  async addCharger(chargerId: string, init: { password?: string | Buffer; settings?: Partial<ChargerSettings> } = {}): Promise<void> {
    const secretHash = init.password !== undefined ? await hashSecret(init.password, this.options.hashCost) : undefined;
    this.chargers.set(chargerId, { ...(secretHash ? { secretHash } : {}), settings: init.settings ?? {} });
  }

  /** The stored hash (tests prove no plain secret is kept). */
  storedSecret(chargerId: string): string | undefined {
    return this.chargers.get(chargerId)?.secretHash;
  }

  /** Events of one type, oldest first. */
  eventsOf<T extends PortEvent['type']>(type: T): PortEventOf<T>[] {
    const out: PortEventOf<T>[] = [];
    for (const e of this.events) if (e.type === type) out.push(e.event as PortEventOf<T>);
    return out;
  }

  /** The latest delivery report of an EVSE. */
  delivery(chargerId: string, evseId: number): PlanDeliveryReport | undefined {
    return this.deliveries.get(`${chargerId}#${evseId}`);
  }

  private record(event: PortEvent): void {
    this.events.push(event);
    const max = this.options.maxEvents ?? 10_000;
    if (this.events.length > max + Math.ceil(max / 4)) this.events.splice(0, this.events.length - max);
    this.options.onEvent?.(event);
  }

  async chargerKnown(chargerId: string): Promise<boolean> {
    return this.chargers.has(chargerId);
  }

  async verifyChargerPassword(chargerId: string, password: Buffer): Promise<boolean> {
    return verifyStoredSecret(password, this.chargers.get(chargerId)?.secretHash, this.options.hashCost ?? 16_384);
  }

  async registerCharger(chargerId: string, password?: Buffer): Promise<void> {
    if (!this.chargers.has(chargerId)) await this.addCharger(chargerId, password !== undefined ? { password } : {});
  }

  async chargerSettings(chargerId: string): Promise<Partial<ChargerSettings>> {
    return this.chargers.get(chargerId)?.settings ?? {};
  }

  async authorize(_chargerId: string, idTag: string): Promise<AuthorizationStatus> {
    return this.options.idTags?.[idTag] ?? this.options.defaultAuthorization ?? 'Accepted';
  }

  async chargerConnected(event: ChargerConnected): Promise<void> {
    this.record({ type: 'chargerConnected', event });
  }

  async chargerBooted(event: ChargerBooted): Promise<void> {
    this.record({ type: 'chargerBooted', event });
  }

  async chargerCapabilities(event: ChargerCapabilitiesReport): Promise<void> {
    this.capabilities.set(event.chargerId, event);
    this.record({ type: 'chargerCapabilities', event });
  }

  async chargerDisconnected(event: ChargerDisconnected): Promise<void> {
    this.record({ type: 'chargerDisconnected', event });
  }

  async connectorStatus(event: ConnectorStatusChanged): Promise<void> {
    this.record({ type: 'connectorStatus', event });
  }

  async sessionStarted(event: SessionStarted): Promise<void> {
    this.sessions.set(`${event.chargerId}#${event.transactionId}`, {
      chargerId: event.chargerId, evseId: event.evseId, transactionId: event.transactionId, startedUtcMs: event.startedUtcMs,
    });
    this.record({ type: 'sessionStarted', event });
  }

  async sessionUpdated(event: SessionUpdated): Promise<void> {
    const s = event.transactionId !== undefined ? this.sessions.get(`${event.chargerId}#${event.transactionId}`) : undefined;
    if (s) s.lastReading = event;
    this.record({ type: 'sessionUpdated', event });
  }

  async chargingNeeds(event: ChargingNeeds): Promise<void> {
    for (const s of this.sessions.values()) {
      if (s.chargerId === event.chargerId && s.evseId === event.evseId && s.endedUtcMs === undefined) s.needs = event;
    }
    this.record({ type: 'chargingNeeds', event });
  }

  async sessionIdToken(event: SessionIdToken): Promise<AuthorizationStatus> {
    this.record({ type: 'sessionIdToken', event });
    return this.authorize(event.chargerId, event.idTag);
  }

  async sessionEnded(event: SessionEnded): Promise<void> {
    const s = this.sessions.get(`${event.chargerId}#${event.transactionId}`);
    if (s) s.endedUtcMs = event.endedUtcMs;
    this.record({ type: 'sessionEnded', event });
  }

  async firstLimit(event: SessionStarted): Promise<FirstLimit | undefined> {
    const option = this.options.firstLimitKw;
    const kw = typeof option === 'function' ? option(event) : option;
    return kw === undefined ? undefined : { maxPowerKw: kw, reason: 'MemoryCsmsPort firstLimitKw' };
  }

  async transactionEvse(chargerId: string, transactionId: string): Promise<number | undefined> {
    const s = this.sessions.get(`${chargerId}#${transactionId}`);
    return s && s.endedUtcMs === undefined ? s.evseId : undefined;
  }

  async planDelivery(report: PlanDeliveryReport): Promise<void> {
    this.deliveries.set(`${report.chargerId}#${report.evseId}`, report);
    this.record({ type: 'planDelivery', event: report });
  }
}
