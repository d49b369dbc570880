/**
 * OCPP facts -> store sessions (pure). A transaction on a charger becomes a `SessionRecord` of the
 * charger's site; what the charger does not say is filled from `ocppSessionDefaults` until the vehicle
 * tells more (2.x NotifyEVChargingNeeds: departure, energy wanted, capacity; SoC in meter values).
 *
 * Contract (fields read -> written):
 * - SessionStarted{chargerId, evseId, transactionId, startedUtcMs} -> id `ocpp-...` (deterministic per
 *   charge point, EVSE and transaction), chargerId (site charger id), arrival, measuredAt = start,
 *   defaults for capacity, SoC, target SoC and departure, `v2gConsent: false`.
 * - ChargingNeeds{departureUtcMs, energyAmountKwh, socPct, evCapacityKwh, evBidirectional, v2x.targetSocPct}
 *   -> departure (when in the future), capacity, SoC reading, target (v2x target SoC, else energy now +
 *   energy asked, capped at the capacity), `v2gConsent` = the EV offers a bidirectional mode AND the
 *   charger can discharge.
 * - SessionUpdated{socPct, atUtcMs} -> SoC reading at `atUtcMs` (only when it drifts, see ocpp-bridge.ts).
 */
import { createHash } from 'node:crypto';
import type { ChargingNeeds, SessionStarted } from '../ocpp/csms-port.ts';
import type { SessionRecord } from '../store/records.ts';
import { readingKwh } from './energy-estimate.ts';

/** What a session assumes until the vehicle reports it. */
export const ocppSessionDefaults = {
  capacityKwh: 60,
  socPercent: 30,
  targetSocPercent: 80,
  /** Departure = arrival (or now, if later) + this. */
  stayHours: 8,
} as const;

export type OcppSessionDefaults = { readonly [K in keyof typeof ocppSessionDefaults]: number };

const idSafe = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_');

/** `ocpp-<chargePoint>-<evse>-<hash>`: at most 64 characters of the API's id alphabet. */
export function ocppSessionId(chargePointId: string, evseId: number, transactionId: string): string {
  const hash = createHash('sha256').update(`${chargePointId}\n${evseId}\n${transactionId}`).digest('hex').slice(0, 12);
  return `ocpp-${idSafe(chargePointId).slice(0, 40)}-${evseId}-${hash}`;
}

/** Whether a session was made from an OCPP transaction. */
export function isOcppSession(session: SessionRecord): boolean {
  return session.id.startsWith('ocpp-');
}

/** The session of a transaction that just started on `siteChargerId`. */
export function sessionFromStart(
  siteId: string,
  siteChargerId: string,
  event: SessionStarted,
  nowUtcMs: number,
  defaults: OcppSessionDefaults = ocppSessionDefaults,
): SessionRecord {
  const arrival = Math.min(event.startedUtcMs, nowUtcMs);
  return {
    id: ocppSessionId(event.chargerId, event.evseId, event.transactionId),
    siteId,
    chargerId: siteChargerId,
    ...(event.idTag !== undefined ? { vehicleId: idSafe(event.idTag).slice(0, 64) } : {}),
    arrivalUtcMs: arrival,
    departureUtcMs: Math.max(arrival, nowUtcMs) + defaults.stayHours * 3_600_000,
    capacityKwh: defaults.capacityKwh,
    socPercent: defaults.socPercent,
    measuredAtUtcMs: arrival,
    targetSocPercent: defaults.targetSocPercent,
    v2gConsent: false,
    createdAtUtcMs: nowUtcMs,
    updatedAtUtcMs: nowUtcMs,
    revision: 0,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** The session with what the vehicle said it needs. */
export function withChargingNeeds(session: SessionRecord, needs: ChargingNeeds, chargerCanDischarge: boolean, nowUtcMs: number): SessionRecord {
  const capacityKwh = needs.evCapacityKwh !== undefined && needs.evCapacityKwh > 0 ? needs.evCapacityKwh : session.capacityKwh;
  const base: SessionRecord = { ...session, capacityKwh };
  const reading = needs.socPct !== undefined ? { socPercent: clampPct(needs.socPct), measuredAtUtcMs: needs.atUtcMs } : {};
  const { energyKwh: _e, socPercent: _s, targetEnergyKwh: _te, targetSocPercent: _ts, ...rest } = base;
  const now: SessionRecord = { ...rest, ...(needs.socPct !== undefined ? reading : pickReading(base)) } as SessionRecord;
  const energyNow = Math.min(capacityKwh, readingKwh(now));
  const targetSoc = needs.v2x?.targetSocPct;
  const target =
    targetSoc !== undefined ? { targetSocPercent: clampPct(targetSoc) }
    : needs.energyAmountKwh !== undefined ? { targetEnergyKwh: round(Math.min(capacityKwh, energyNow + Math.max(0, needs.energyAmountKwh))) }
    : pickTarget(base);
  return {
    ...now,
    ...target,
    ...(needs.departureUtcMs !== undefined && needs.departureUtcMs > nowUtcMs ? { departureUtcMs: needs.departureUtcMs } : {}),
    v2gConsent: needs.evBidirectional && chargerCanDischarge,
    updatedAtUtcMs: nowUtcMs,
  };
}

/** The session with a new state-of-charge reading. */
export function withSocReading(session: SessionRecord, socPct: number, atUtcMs: number, nowUtcMs: number): SessionRecord {
  const { energyKwh: _e, socPercent: _s, ...rest } = session;
  return { ...rest, socPercent: clampPct(socPct), measuredAtUtcMs: Math.min(atUtcMs, nowUtcMs), updatedAtUtcMs: nowUtcMs };
}

function clampPct(x: number): number {
  return Math.min(100, Math.max(0, round(x)));
}

function pickReading(s: SessionRecord): Pick<SessionRecord, 'energyKwh' | 'socPercent' | 'measuredAtUtcMs'> {
  return { ...(s.energyKwh !== undefined ? { energyKwh: s.energyKwh } : { socPercent: s.socPercent ?? 0 }), measuredAtUtcMs: s.measuredAtUtcMs };
}

function pickTarget(s: SessionRecord): Pick<SessionRecord, 'targetEnergyKwh' | 'targetSocPercent'> {
  return s.targetEnergyKwh !== undefined ? { targetEnergyKwh: Math.min(s.targetEnergyKwh, s.capacityKwh) } : { targetSocPercent: s.targetSocPercent ?? ocppSessionDefaults.targetSocPercent };
}
