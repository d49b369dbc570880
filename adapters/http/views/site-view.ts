/** Site records to and from the wire. */
import type { SchedulerInfo } from '../../queue/queue.ts';
import type { SiteRecord } from '../../store/records.ts';
import { scheduleId } from '../../service/site-schedules.ts';
import type { SiteSpec } from '../../service/site-validation.ts';
import type { SiteReplace } from '../schemas/site.ts';
import { wireInstant } from '../wire-time.ts';

export function siteSpecOf(id: string, body: SiteReplace): SiteSpec {
  return {
    id,
    name: body.name,
    timeZone: body.timeZone,
    currency: body.currency,
    slotMinutes: body.slotMinutes ?? 15,
    connectionImportKw: body.connection.importLimitKw,
    ...(body.connection.exportLimitKw !== undefined ? { connectionExportKw: body.connection.exportLimitKw } : {}),
    ...(body.transformerRatingKw !== undefined ? { transformerRatingKw: body.transformerRatingKw } : {}),
    chargers: body.chargers.map((c) => ({ ...c, canDischarge: c.canDischarge ?? false })),
    ...(body.network !== undefined ? { network: body.network } : {}),
    tariff: { ...body.tariff, energyPrice: body.tariff?.energyPrice ?? 'market' },
    ...(body.shortfallPenaltyPerKwh !== undefined ? { shortfallPenaltyPerKwh: body.shortfallPenaltyPerKwh } : {}),
    replanSchedules: body.replanSchedules ?? [],
    ...(body.authorization ? { authorization: { idTokens: [...body.authorization.idTokens] } } : {}),
  };
}

export function siteView(site: SiteRecord, schedulers: readonly SchedulerInfo[] = []) {
  const zone = site.timeZone;
  return {
    id: site.id,
    name: site.name,
    timeZone: zone,
    currency: site.currency,
    slotMinutes: site.slotMinutes,
    connection: {
      importLimitKw: site.connectionImportKw,
      ...(site.connectionExportKw !== undefined ? { exportLimitKw: site.connectionExportKw } : {}),
    },
    ...(site.transformerRatingKw !== undefined ? { transformerRatingKw: site.transformerRatingKw } : {}),
    chargers: site.chargers.map((c) => ({ ...c })),
    ...(site.network !== undefined ? { network: site.network } : {}),
    tariff: {
      energyPrice: site.tariff.energyPrice,
      ...(site.tariff.timeOfUse !== undefined ? { timeOfUse: site.tariff.timeOfUse } : {}),
      ...(site.tariff.priceTerms ? { priceTerms: site.tariff.priceTerms.map((t) => ({ ...t })) } : {}),
      ...(site.tariff.demandCharge ? { demandCharge: { ...site.tariff.demandCharge } } : {}),
    },
    ...(site.shortfallPenaltyPerKwh !== undefined ? { shortfallPenaltyPerKwh: site.shortfallPenaltyPerKwh } : {}),
    replanSchedules: site.replanSchedules.map((s, i) => {
      const info = schedulers.find((x) => x.id === scheduleId(site.id, i));
      return { ...s, ...(info ? { nextRunAt: wireInstant(info.nextRunUtcMs, zone) } : {}) };
    }),
    ...(site.authorization ? { authorization: { idTokens: [...site.authorization.idTokens] } } : {}),
    createdAt: wireInstant(site.createdAtUtcMs, zone),
    updatedAt: wireInstant(site.updatedAtUtcMs, zone),
    revision: site.revision,
  };
}
