/** Session records on the wire. */
import type { PlanRecord, SessionRecord, SiteRecord } from '../../store/records.ts';
import { estimateEnergyKwh } from '../../service/energy-estimate.ts';
import { wireInstant } from '../wire-time.ts';

const round = (x: number) => Math.round(x * 1000) / 1000;

export function sessionView(site: SiteRecord, s: SessionRecord, planInForce: PlanRecord | undefined, nowUtcMs: number) {
  const zone = site.timeZone;
  return {
    id: s.id,
    siteId: s.siteId,
    chargerId: s.chargerId,
    ...(s.vehicleId !== undefined ? { vehicleId: s.vehicleId } : {}),
    arrival: wireInstant(s.arrivalUtcMs, zone),
    departure: wireInstant(s.departureUtcMs, zone),
    capacityKwh: s.capacityKwh,
    ...(s.energyKwh !== undefined ? { energyKwh: s.energyKwh } : {}),
    ...(s.socPercent !== undefined ? { socPercent: s.socPercent } : {}),
    measuredAt: wireInstant(s.measuredAtUtcMs, zone),
    ...(s.targetEnergyKwh !== undefined ? { targetEnergyKwh: s.targetEnergyKwh } : {}),
    ...(s.targetSocPercent !== undefined ? { targetSocPercent: s.targetSocPercent } : {}),
    ...(s.minSocPercent !== undefined ? { minSocPercent: s.minSocPercent } : {}),
    v2gConsent: s.v2gConsent,
    ...(s.degradationCostPerKwh !== undefined ? { degradationCostPerKwh: s.degradationCostPerKwh } : {}),
    estimatedEnergyKwh: round(estimateEnergyKwh(s, planInForce, nowUtcMs)),
    createdAt: wireInstant(s.createdAtUtcMs, zone),
    updatedAt: wireInstant(s.updatedAtUtcMs, zone),
    revision: s.revision,
  };
}
