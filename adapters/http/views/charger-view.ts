/** Charge points on the wire (instants in UTC: a charge point may belong to no site). */
import type { ChargePointEntry } from '../../service/charger-inventory.ts';
import { wireInstant } from '../wire-time.ts';

export function chargerView(entry: ChargePointEntry) {
  const c = entry.credentials;
  return {
    chargePointId: entry.chargePointId,
    ...(entry.siteId !== undefined ? { siteId: entry.siteId } : {}),
    siteChargerIds: [...entry.siteChargerIds],
    hasCredentials: c?.hasPassword === true,
    source: entry.source,
    ...(c ? { createdAt: wireInstant(c.createdAtUtcMs, 'UTC'), updatedAt: wireInstant(c.updatedAtUtcMs, 'UTC') } : {}),
    ...(entry.connected !== undefined ? { connected: entry.connected } : {}),
    ...(entry.linkSinceUtcMs !== undefined ? { linkSince: wireInstant(entry.linkSinceUtcMs, 'UTC') } : {}),
  };
}
