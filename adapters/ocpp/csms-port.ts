/**
 * The port: everything the OCPP adapter needs from the rest of the service, and everything it tells it.
 *
 * The adapter calls these methods; the service implements them on top of its store and re-planning
 * (see README.md, "Wiring"). Every event method is a fact reported by a charger; the service stores it and
 * re-plans the site (debounced). The way back is `OcppServer.applyPlan`. Units are in the names; instants
 * are UTC epoch ms. Methods may be slow (a store behind them): the adapter awaits them, and a throw is
 * answered to the charger as a CALLERROR InternalError (so it retries its message) and logged with
 * V2G_ERR_OCPP_PORT.
 */
import type { ChargerCapabilities, ChargerSettings, DischargeMode, RateUnit } from './capabilities.ts';
import type { DeliveryStatus } from './charger-state.ts';
import type { OcppErrorCode } from './errors.ts';
import type { ProfilePurpose } from './profile-spec.ts';
import type { OcppVersion } from './protocol.ts';

/** Authorization answer for an id token (the OCPP enumeration shared by 1.6 and 2.x). */
export type AuthorizationStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';

export interface ChargerConnected {
  readonly chargerId: string;
  readonly version: OcppVersion;
  readonly atUtcMs: number;
  readonly remoteAddress?: string;
}

export interface ChargerBooted {
  readonly chargerId: string;
  readonly version: OcppVersion;
  readonly atUtcMs: number;
  readonly vendor: string;
  readonly model: string;
  readonly serialNumber?: string;
  readonly firmwareVersion?: string;
}

/** After discovery: what the optimizer may plan for this charger. */
export interface ChargerCapabilitiesReport {
  readonly chargerId: string;
  readonly version: OcppVersion;
  readonly capabilities: ChargerCapabilities;
  /** The unit profiles are sent in, or undefined when none is usable (plans cannot be applied). */
  readonly rateUnit?: RateUnit;
  /** How discharge reaches this charger; 'none' = the optimizer must not plan discharge here. */
  readonly dischargeMode: DischargeMode;
  readonly canDischarge: boolean;
}

export interface ChargerDisconnected {
  readonly chargerId: string;
  readonly atUtcMs: number;
  readonly code?: number;
  readonly reason?: string;
}

export interface ConnectorStatusChanged {
  readonly chargerId: string;
  /** 1.6 connectorId, 2.x evseId (0 = the station). */
  readonly evseId: number;
  /** 2.x connector within the EVSE; 1.6: = evseId. */
  readonly connectorId: number;
  /** OCPP status text (1.6 ChargePointStatus or 2.x ConnectorStatusEnum): Available, Charging, SuspendedEVSE, Occupied, Faulted... */
  readonly status: string;
  readonly errorCode?: string;
  readonly atUtcMs: number;
}

export interface SessionStarted {
  readonly chargerId: string;
  readonly evseId: number;
  readonly connectorId?: number;
  /** 1.6: the integer we assigned, as decimal text; 2.x: the charger's id. */
  readonly transactionId: string;
  readonly startedUtcMs: number;
  /** Energy register at start (Wh), when reported. */
  readonly meterStartWh?: number;
  /** 1.6 idTag / 2.x idToken.idToken. */
  readonly idTag?: string;
}

/** A meter reading during a session (any field may be missing). */
export interface SessionUpdated {
  readonly chargerId: string;
  readonly evseId: number;
  readonly transactionId?: string;
  readonly atUtcMs: number;
  /** Net active power (kW): import minus export; negative while discharging. */
  readonly powerKw?: number;
  /** Energy.Active.Import.Register (Wh). */
  readonly energyRegisterWh?: number;
  /** Energy.Active.Export.Register (Wh). */
  readonly energyExportRegisterWh?: number;
  readonly socPct?: number;
}

/** 2.1 V2X parameters (ISO 15118-20), converted to kW / kWh / %. */
export interface V2xParameters {
  readonly minChargePowerKw?: number;
  readonly maxChargePowerKw?: number;
  readonly minDischargePowerKw?: number;
  readonly maxDischargePowerKw?: number;
  readonly evTargetEnergyRequestKwh?: number;
  readonly evMinEnergyRequestKwh?: number;
  readonly evMaxEnergyRequestKwh?: number;
  readonly evMinV2xEnergyRequestKwh?: number;
  readonly evMaxV2xEnergyRequestKwh?: number;
  readonly targetSocPct?: number;
}

/** NotifyEVChargingNeeds (2.0.1 / 2.1, ISO 15118). */
export interface ChargingNeeds {
  readonly chargerId: string;
  readonly evseId: number;
  readonly transactionId?: string;
  readonly atUtcMs: number;
  readonly departureUtcMs?: number;
  /** Energy the EV asks for (kWh): AC/DC energyAmount or 2.1 evTargetEnergyRequest. */
  readonly energyAmountKwh?: number;
  readonly socPct?: number;
  readonly evCapacityKwh?: number;
  /** Max charge power of the EV (kW), from DC evMaxPower, AC evMaxCurrent x voltage, or 2.1 maxChargePower. */
  readonly evMaxChargePowerKw?: number;
  readonly requestedEnergyTransfer: string;
  readonly availableEnergyTransfer?: readonly string[];
  /** The EV asked for or offers a bidirectional mode (AC_BPT, DC_BPT, ...). */
  readonly evBidirectional: boolean;
  readonly v2x?: V2xParameters;
}

export interface SessionEnded {
  readonly chargerId: string;
  readonly evseId?: number;
  readonly transactionId: string;
  readonly endedUtcMs: number;
  readonly meterStopWh?: number;
  readonly reason?: string;
}

/** OCPP 2.x: an id token presented during a running transaction (TransactionEvent Updated with idToken). */
export interface SessionIdToken {
  readonly chargerId: string;
  readonly evseId: number;
  readonly transactionId: string;
  readonly idTag: string;
  readonly atUtcMs: number;
}

/**
 * Where a plan stands on one EVSE (0 = the station cap); for the API and for re-planning. A report is
 * sent whenever anything in it but `atUtcMs` changes (a new plan id with the same schedule included), so
 * the latest report is true at every moment.
 */
export interface PlanDeliveryReport {
  readonly chargerId: string;
  readonly evseId: number;
  readonly status: DeliveryStatus;
  /** The plan in force for this EVSE (the last `applyPlan` that listed it), applied or not. */
  readonly planId?: string;
  /** What the charger is asked to follow: the session's own plan, or its safe first limit. */
  readonly inForce?: 'plan' | 'first-limit';
  /** The safe first limit (kW) while `inForce` is `first-limit`. */
  readonly firstLimitKw?: number;
  /** Why: how the first limit was derived, or why a transaction has nothing yet. */
  readonly reason?: string;
  /** Since when the EVSE has had this status (UTC epoch ms). */
  readonly sinceUtcMs?: number;
  readonly purpose?: ProfilePurpose;
  readonly profileId?: number;
  /** Why it is not applied (stable code) and the charger's words. */
  readonly code?: OcppErrorCode;
  readonly message?: string;
  readonly attempts: number;
  readonly nextRetryUtcMs?: number;
  readonly atUtcMs: number;
  /** The profile was cut to the charger's maximum number of periods. */
  readonly truncated?: boolean;
  /** Negative setpoints were clamped to 0: this charger cannot discharge. */
  readonly dischargeClamped?: boolean;
}

/**
 * The safe first limit of a new transaction: what it may draw until its own plan exists. Charge only
 * (never negative), derived from its own session and the site's headroom now, never from another session.
 */
export interface FirstLimit {
  /** kW, >= 0 (a negative value is treated as 0). */
  readonly maxPowerKw: number;
  /** How it was derived, for the delivery view (e.g. `site headroom 7.4 kW, charger 11 kW`). */
  readonly reason: string;
}

/** What the OCPP adapter needs from the service. */
export interface CsmsPort {
  /** Is this charge point registered? Unknown ones are refused unless auto-registration is on. */
  chargerKnown(chargerId: string): Promise<boolean>;
  /** Security profile 1/2: check the HTTP Basic password against the stored (hashed) secret. */
  verifyChargerPassword(chargerId: string, password: Buffer): Promise<boolean>;
  /** Auto-registration: store a new charger (and, with a password, its hashed secret: trust on first use). */
  registerCharger(chargerId: string, password?: Buffer): Promise<void>;
  /** Operator configuration (voltage, phases, negative-limit V2G); defaults for unknown fields. */
  chargerSettings(chargerId: string): Promise<Partial<ChargerSettings>>;
  /** Id token check for Authorize / Start / TransactionEvent. */
  authorize(chargerId: string, idTag: string): Promise<AuthorizationStatus>;

  chargerConnected(event: ChargerConnected): Promise<void>;
  chargerBooted(event: ChargerBooted): Promise<void>;
  chargerCapabilities(event: ChargerCapabilitiesReport): Promise<void>;
  chargerDisconnected(event: ChargerDisconnected): Promise<void>;
  connectorStatus(event: ConnectorStatusChanged): Promise<void>;
  sessionStarted(event: SessionStarted): Promise<void>;
  sessionUpdated(event: SessionUpdated): Promise<void>;
  chargingNeeds(event: ChargingNeeds): Promise<void>;
  sessionEnded(event: SessionEnded): Promise<void>;
  /**
   * The answer to an id token a running transaction presents (2.x TransactionEvent Updated). A refused
   * token means the charger stops (or stops offering energy to) the transaction: it is no longer planned.
   */
  sessionIdToken(event: SessionIdToken): Promise<AuthorizationStatus>;
  planDelivery(report: PlanDeliveryReport): Promise<void>;
  /**
   * Asked right after `sessionStarted`: the transaction's safe first limit (sent as a charge-only
   * TxProfile until the session's own plan arrives). Undefined (or no such method): nothing is sent
   * before the plan (`waiting-for-plan`).
   */
  firstLimit?(event: SessionStarted): Promise<FirstLimit | undefined>;
  /**
   * The EVSE of a transaction this charger reported before (from the shared store), for a 2.x
   * TransactionEvent that names no EVSE and whose transaction this process does not know: after a gateway
   * restart the charger's running transactions are recovered from their next event. Undefined: unknown.
   */
  transactionEvse?(chargerId: string, transactionId: string): Promise<number | undefined>;
}
