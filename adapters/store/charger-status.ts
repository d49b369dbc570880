/**
 * The charger status board: what the OCPP gateways know about each charge point, kept where the API can
 * read it (in memory embedded, in Redis distributed, where the gateway holding a charger's connection is
 * another process than the API answering about it). Per charge point: its link (connected or not, OCPP
 * version, since when, which gateway process) and per EVSE the latest plan delivery outcome, including
 * "not applied" with the charger's reason (adapters/ocpp/profile-delivery.ts).
 *
 * Contract for implementations (test/adapters/store/charger-status-conformance.ts):
 * - Writes are per field and never read-modify-write: a link and each EVSE's delivery are separate
 *   entries, so concurrent writers (two gateways, a reconnect racing a delivery) never lose each other.
 * - Newer wins: a write carrying an older `atUtcMs` / `sinceUtcMs` than the stored one is ignored (a
 *   delayed report from a gateway that lost the charger cannot overwrite the fresh one).
 * - `get` returns undefined for an unknown charge point; EVSEs come sorted by `evseId`.
 * - Gateway beats (`putGatewayBeat`) keep the newest instant per gateway; a link's `gateway` whose beats
 *   stop is how readers tell a crashed gateway's "connected" from a live one (gateway-liveness.ts).
 * - A Redis implementation rejects with StoreUnavailableError (503) when Redis cannot serve.
 */
import type { PlanDeliveryReport } from '../ocpp/csms-port.ts';

/** A charge point's OCPP link as a gateway last saw it. */
export interface ChargerLinkRecord {
  readonly connected: boolean;
  /** `ocpp1.6`, `ocpp2.0.1` or `ocpp2.1` (while connected). */
  readonly version?: string;
  /** When it connected or disconnected (UTC epoch ms). */
  readonly sinceUtcMs: number;
  /** The gateway process (`<host>:<pid>`) that holds or held the connection. */
  readonly gateway?: string;
  /** The close code and reason of a disconnection. */
  readonly reason?: string;
}

/**
 * The latest plan delivery outcome of one EVSE (evseId 0 = station-wide caps): the OCPP adapter's
 * report (adapters/ocpp/csms-port.ts) without the charge point id, which keys it.
 */
export type EvseDeliveryRecord = Omit<PlanDeliveryReport, 'chargerId'>;

export interface ChargerStatusRecord {
  readonly chargePointId: string;
  readonly link?: ChargerLinkRecord;
  /** Sorted by evseId. */
  readonly evses: readonly EvseDeliveryRecord[];
}

export interface ChargerStatusBoard {
  putLink(chargePointId: string, link: ChargerLinkRecord): Promise<void>;
  putDelivery(chargePointId: string, delivery: EvseDeliveryRecord): Promise<void>;
  get(chargePointId: string): Promise<ChargerStatusRecord | undefined>;
  /** The records of those charge points that have one, in the order asked. */
  getMany(chargePointIds: readonly string[]): Promise<ChargerStatusRecord[]>;
  /** Forgets a charge point (it was removed); whether it had a record. */
  delete(chargePointId: string): Promise<boolean>;
  /** A gateway process (`<host>:<pid>`) says it is alive at `atUtcMs`; an older beat than the stored one is ignored. */
  putGatewayBeat(gateway: string, atUtcMs: number): Promise<void>;
  /** The latest beat (UTC epoch ms) of each of these gateways that has one. */
  getGatewayBeats(gateways: readonly string[]): Promise<ReadonlyMap<string, number>>;
}
