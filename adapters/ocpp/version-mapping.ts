/**
 * The seam between the version-neutral core and the versioned message mappings (1.6/, 2.0.1/, 2.1/).
 * Each version supplies its inbound handlers (charger -> CSMS) and its outbound calls (CSMS -> charger),
 * all translating between wire payloads and the neutral types here.
 */
import type { ChargerCapabilities, ChargerSettings, RateUnit } from './capabilities.ts';
import type { AuthorizationStatus, ChargerBooted, ChargingNeeds, ConnectorStatusChanged, SessionEnded, SessionIdToken, SessionStarted, SessionUpdated } from './csms-port.ts';
import type { ProfilePeriod, ProfilePurpose, ProfileSpec } from './profile-spec.ts';
import type { OcppVersion } from './protocol.ts';

/** Sends a CALL and resolves with the CALLRESULT payload (already schema-checked by ocpp-rpc strict mode). */
export type OcppCall = (action: string, payload: Record<string, unknown>) => Promise<unknown>;

type Without<T, K extends keyof T> = Omit<T, K>;

/** What inbound handlers may do; implemented per connection by the charger connection. */
export interface InboundContext {
  readonly chargerId: string;
  readonly version: OcppVersion;
  readonly settings: ChargerSettings;
  readonly heartbeatIntervalS: number;
  /** 1.6 NumberOfConnectors as discovered (undefined before discovery, and on 2.x). */
  readonly connectorCount: number | undefined;
  nowUtcMs(): number;
  booted(info: Without<ChargerBooted, 'chargerId' | 'version' | 'atUtcMs'>): Promise<void>;
  connectorStatus(event: Without<ConnectorStatusChanged, 'chargerId'>): Promise<void>;
  authorize(idTag: string): Promise<AuthorizationStatus>;
  /** 1.6: a new transaction id (the CSMS assigns them). */
  allocateTransactionId(): number;
  transactionStarted(event: Without<SessionStarted, 'chargerId'>): Promise<void>;
  /** A meter reading; `evseId` 0 or unknown is resolved from the transaction where possible. */
  meterReading(event: Without<SessionUpdated, 'chargerId'>): Promise<void>;
  transactionEnded(event: Without<SessionEnded, 'chargerId'>): Promise<void>;
  /** 2.x: an id token presented during a running transaction; answers its status. */
  transactionIdToken(event: Without<SessionIdToken, 'chargerId'>): Promise<AuthorizationStatus>;
  chargingNeeds(event: Without<ChargingNeeds, 'chargerId'>): Promise<void>;
  evseOfTransaction(transactionId: string): number | undefined;
  /** The EVSE of a transaction this process does not know, from the port's store (`CsmsPort.transactionEvse`). */
  recoverTransactionEvse(transactionId: string): Promise<number | undefined>;
  transactionOnEvse(evseId: number): string | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type InboundHandler = (ctx: InboundContext, params: any) => Promise<Record<string, unknown>>;

export type SetProfileStatus = 'Accepted' | 'Rejected' | 'NotSupported';

export interface SetProfileResult {
  readonly status: SetProfileStatus;
  /** 2.x statusInfo.reasonCode / additionalInfo, when given. */
  readonly reason?: string;
}

/** ClearChargingProfile criteria (all optional; an id alone clears that profile). */
export interface ClearCriteria {
  readonly profileId?: number;
  readonly evseId?: number;
  readonly purpose?: ProfilePurpose;
  readonly stackLevel?: number;
}

export type ClearStatus = 'Accepted' | 'Unknown';

/** A composite schedule as a charger reported it (absolute start). */
export interface ReportedComposite {
  readonly startUtcMs: number;
  readonly durationS: number;
  readonly rateUnit: RateUnit;
  readonly periods: readonly ProfilePeriod[];
}

export interface VersionMapping {
  readonly version: OcppVersion;
  /** Charger -> CSMS actions we answer, by action name. */
  readonly inbound: Readonly<Record<string, InboundHandler>>;
  /** Reads the smart-charging capabilities (1.6 GetConfiguration, 2.x GetVariables). */
  discover(call: OcppCall): Promise<ChargerCapabilities>;
  setChargingProfile(call: OcppCall, spec: ProfileSpec): Promise<SetProfileResult>;
  clearChargingProfile(call: OcppCall, criteria: ClearCriteria): Promise<ClearStatus>;
  /** Undefined when the charger answers Rejected. */
  getCompositeSchedule(call: OcppCall, evseId: number, durationS: number, unit?: RateUnit): Promise<ReportedComposite | undefined>;
}
