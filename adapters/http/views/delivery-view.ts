/** A site's plan delivery to its chargers, from the charger status board (adapters/store/charger-status.ts). */
import { isNotApplied } from '../../ocpp/charger-state.ts';
import { ocppAddressOf } from '../../service/ocpp-charger-ids.ts';
import type { ChargerStatusRecord, EvseDeliveryRecord } from '../../store/charger-status.ts';
import type { SiteRecord } from '../../store/records.ts';
import type { SiteDelivery } from '../schemas/delivery.ts';
import { wireInstant } from '../wire-time.ts';

function deliveryView(d: EvseDeliveryRecord, zone: string, currentPlanId: string | undefined) {
  return {
    status: d.status,
    ...(d.planId !== undefined ? { planId: d.planId, current: d.planId === currentPlanId } : {}),
    ...(d.inForce !== undefined ? { inForce: d.inForce } : {}),
    ...(d.firstLimitKw !== undefined ? { firstLimitKw: d.firstLimitKw } : {}),
    ...(d.reason !== undefined ? { reason: d.reason } : {}),
    ...(d.sinceUtcMs !== undefined ? { since: wireInstant(d.sinceUtcMs, zone) } : {}),
    ...(d.purpose !== undefined ? { purpose: d.purpose } : {}),
    ...(d.profileId !== undefined ? { profileId: d.profileId } : {}),
    ...(d.code !== undefined ? { code: d.code } : {}),
    ...(d.message !== undefined ? { message: d.message } : {}),
    attempts: d.attempts,
    ...(d.nextRetryUtcMs !== undefined ? { nextRetryAt: wireInstant(d.nextRetryUtcMs, zone) } : {}),
    at: wireInstant(d.atUtcMs, zone),
    ...(d.truncated ? { truncated: true } : {}),
    ...(d.dischargeClamped ? { dischargeClamped: true } : {}),
  };
}

/** The charge points of a site's chargers (each once, in the site's order). */
export function chargePointsOf(site: SiteRecord): string[] {
  return [...new Set(site.chargers.map((c) => ocppAddressOf(c.id).chargerId))];
}

export function siteDeliveryView(site: SiteRecord, statuses: readonly ChargerStatusRecord[], currentPlanId: string | undefined): SiteDelivery {
  const zone = site.timeZone;
  const byId = new Map(statuses.map((s) => [s.chargePointId, s]));
  const summary = { chargers: site.chargers.length, connected: 0, applied: 0, interim: 0, notApplied: 0, unmanaged: 0, pending: 0, unknown: 0 };
  const chargers = site.chargers.map((c) => {
    const { chargerId: chargePointId, evseId } = ocppAddressOf(c.id);
    const status = byId.get(chargePointId);
    const own = status?.evses.find((e) => e.evseId === evseId);
    const caps = status?.evses.find((e) => e.evseId === 0);
    if (!status) summary.unknown++;
    if (status?.link?.connected) summary.connected++;
    const current = currentPlanId === undefined || own?.planId === undefined || own.planId === currentPlanId;
    if (own?.status === 'applied') {
      if (current) summary.applied++;
      else summary.pending++; // an older plan is applied; the current one is on its way
    } else if (own?.status === 'interim-applied') summary.interim++;
    else if (own && isNotApplied(own.status)) summary.notApplied++;
    else if (own?.status === 'pending') summary.pending++;
    if (own?.status === 'unmanaged') summary.unmanaged++;
    const link = status?.link;
    return {
      chargerId: c.id,
      chargePointId,
      evseId,
      ...(link
        ? {
            link: {
              connected: link.connected,
              ...(link.version !== undefined ? { version: link.version } : {}),
              since: wireInstant(link.sinceUtcMs, zone),
              ...(link.gateway !== undefined ? { gateway: link.gateway } : {}),
              ...(link.reason !== undefined ? { reason: link.reason } : {}),
            },
          }
        : {}),
      ...(own ? { delivery: deliveryView(own, zone, currentPlanId) } : {}),
      ...(caps ? { stationCaps: deliveryView(caps, zone, currentPlanId) } : {}),
    };
  });
  return { siteId: site.id, ...(currentPlanId !== undefined ? { currentPlanId } : {}), summary, chargers };
}
