/**
 * What the per-version simulator protocols (protocol-16.ts, protocol-2x.ts) see of a simulated charger.
 */
import type { OcppVersion } from '../protocol.ts';
import type { SimProfileStore, SimStationConfig } from './sim-profile-store.ts';
import type { SimVehicle } from './sim-vehicle.ts';

/** One EVSE (= one connector) of the simulated station. */
export interface SimEvse {
  readonly evseId: number;
  vehicle?: SimVehicle;
  transactionId?: string;
  transactionStartUtcMs?: number;
  /** The CSMS's answer to the token the transaction started with (idTagInfo / idTokenInfo status). */
  idTokenStatus?: string;
  /** Power drawn now (W, negative = discharge). */
  powerW: number;
  /** Energy registers (Wh). */
  importWh: number;
  exportWh: number;
  /** 1.6 ChargePointStatus (Available, Preparing, Charging, SuspendedEVSE, SuspendedEV, Finishing). */
  status: string;
  /** 2.x TransactionEvent sequence number. */
  seqNo: number;
  lastUpdateUtcMs: number;
}

export type SimHandler = (params: any) => Promise<Record<string, unknown>>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SimContext {
  readonly id: string;
  readonly version: OcppVersion;
  readonly config: SimStationConfig;
  /** What the station says at discovery (= config unless it misreports, see SimChargerOptions). */
  readonly reported: SimStationConfig;
  readonly store: SimProfileStore;
  nowUtcMs(): number;
  /** A CALL to the CSMS (strictly validated by ocpp-rpc). */
  call(action: string, payload: Record<string, unknown>): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  evse(evseId: number): SimEvse | undefined;
  evses(): SimEvse[];
  /** Re-evaluates power after profiles changed. */
  refreshPower(): void;
  /** Ends a transaction (RemoteStop / RequestStopTransaction). */
  stopTransaction(evseId: number, reason: string): Promise<void>;
  /** Sends the messages a TriggerMessage asked for. */
  trigger(message: string, evseId?: number): Promise<void>;
}

/** One OCPP version's charger-side messages. */
export interface SimProtocol {
  boot(ctx: SimContext): Promise<void>;
  connectorStatus(ctx: SimContext, evse: SimEvse): Promise<void>;
  startTransaction(ctx: SimContext, evse: SimEvse): Promise<void>;
  /** Authorize for an id token (1.6 idTag, 2.x idToken of type Central): the status the CSMS answered. */
  authorize(ctx: SimContext, idTag: string): Promise<string>;
  /** `triggerReason` (2.x): MeterValuePeriodic unless a TriggerMessage asked for it. */
  meterValues(ctx: SimContext, evse: SimEvse, triggerReason?: 'MeterValuePeriodic' | 'Trigger'): Promise<void>;
  stopTransaction(ctx: SimContext, evse: SimEvse, reason: string): Promise<void>;
  /** CSMS -> charger actions answered, by action. */
  handlers(ctx: SimContext): Record<string, SimHandler>;
}
