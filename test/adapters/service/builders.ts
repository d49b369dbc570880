/** Record builders for service tests (aThing(override), as in CitrineOS). */
import type { DispatchRecord, SessionRecord, SiteRecord } from '../../../adapters/store/records.ts';

export const T0 = Date.parse('2025-06-02T08:00:00Z');
export const HOUR = 3_600_000;

export function aSiteRecord(override: Partial<SiteRecord> = {}): SiteRecord {
  return {
    id: 'site-1',
    name: 'Site',
    timeZone: 'Europe/Berlin',
    currency: 'EUR',
    slotMinutes: 15,
    connectionImportKw: 100,
    connectionExportKw: 50,
    chargers: [
      { id: 'c1', maxPowerKw: 11, canDischarge: true },
      { id: 'c2', ac: { maxCurrentA: 16, minCurrentA: 6, phases: 3, voltageV: 230 }, canDischarge: false },
    ],
    tariff: { energyPrice: 'market' },
    replanSchedules: [],
    createdAtUtcMs: T0,
    updatedAtUtcMs: T0,
    revision: 1,
    ...override,
  };
}

export function aSessionRecord(override: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: 'v1',
    siteId: 'site-1',
    chargerId: 'c1',
    arrivalUtcMs: T0 - HOUR,
    departureUtcMs: T0 + 8 * HOUR,
    capacityKwh: 60,
    socPercent: 50,
    measuredAtUtcMs: T0,
    targetSocPercent: 90,
    v2gConsent: true,
    createdAtUtcMs: T0,
    updatedAtUtcMs: T0,
    revision: 1,
    ...override,
  };
}

export function aDispatchRecord(override: Partial<DispatchRecord> = {}): DispatchRecord {
  return {
    id: 'd1',
    siteId: 'site-1',
    kind: 'import-limit',
    powerKw: 10,
    startUtcMs: T0 + HOUR,
    endUtcMs: T0 + 2 * HOUR,
    status: 'active',
    requestedBy: 'utility',
    createdAtUtcMs: T0,
    revision: 1,
    ...override,
  };
}

/** A flat price series (EUR/kWh) over [from, to) in quarter-hours. */
export function flatSeries(from: number, to: number, value: number, unit = 'EUR/kWh') {
  const intervals = [];
  for (let t = from; t < to; t += 900_000) intervals.push({ startUtcMs: t, endUtcMs: t + 900_000, value });
  return { unit, intervals };
}
