/**
 * Record builders for the store conformance suites: plausible records with nested arrays, optional
 * fields and a non-finite number (which JSON alone would lose).
 */
import type { DispatchRecord, PlanAttempt, PlanRecord, SessionRecord, SiteRecord, SiteSignalsRecord } from '../../../adapters/store/records.ts';

export const t0 = Date.parse('2025-06-01T10:00:00Z');

export function siteRecord(id: string, overrides: Partial<SiteRecord> = {}): SiteRecord {
  return {
    id,
    name: `Depot ${id}`,
    timeZone: 'Europe/Berlin',
    currency: 'EUR',
    slotMinutes: 15,
    connectionImportKw: 400,
    connectionExportKw: 100,
    chargers: [
      { id: 'c1', maxPowerKw: 22, canDischarge: false },
      { id: 'c2', ac: { maxCurrentA: 32, minCurrentA: 6, phases: 3, voltageV: 230 }, canDischarge: true, maxDischargeKw: 11 },
    ],
    tariff: { energyPrice: 'market', priceTerms: [], demandCharge: { pricePerKw: 12.5 } },
    replanSchedules: [{ cron: '0 13 * * *', description: 'day-ahead' }],
    createdAtUtcMs: t0,
    updatedAtUtcMs: t0,
    revision: 1,
    ...overrides,
  };
}

export function sessionRecord(siteId: string, id: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    siteId,
    chargerId: 'c1',
    vehicleId: `ev-${id}`,
    arrivalUtcMs: t0,
    departureUtcMs: t0 + 8 * 3_600_000,
    capacityKwh: 60,
    socPercent: 30,
    measuredAtUtcMs: t0,
    targetSocPercent: 80,
    v2gConsent: true,
    createdAtUtcMs: t0,
    updatedAtUtcMs: t0,
    revision: 1,
    ...overrides,
  };
}

export function dispatchRecord(siteId: string, id: string, overrides: Partial<DispatchRecord> = {}): DispatchRecord {
  return {
    id,
    siteId,
    kind: 'import-limit',
    powerKw: 150,
    startUtcMs: t0 + 3_600_000,
    endUtcMs: t0 + 7_200_000,
    status: 'active',
    requestedBy: 'dso',
    createdAtUtcMs: t0,
    revision: 1,
    ...overrides,
  };
}

export function signalsRecord(): SiteSignalsRecord {
  return {
    series: { 'import-price': { unit: 'EUR/kWh', intervals: [{ startUtcMs: t0, endUtcMs: t0 + 900_000, value: 0.25 }] } as never },
    capacityLimits: [{ origin: 'openadr3:event-17', source: 'openadr3:event-17/interval 0', direction: 'import', startUtcMs: t0, endUtcMs: t0 + 900_000, limitKw: 90 }],
    updatedAtUtcMs: t0,
    revision: 1,
  };
}

/** A plan record; the store does not interpret it, so the solver parts are stand-ins of the right shape. */
export function planRecord(siteId: string, id: string, createdAtUtcMs: number = t0, jobId = `replan-${siteId}-1`): PlanRecord {
  return {
    id,
    siteId,
    createdAtUtcMs,
    jobId,
    reasons: ['session created', 'schedule 0 13 * * *'],
    grid: { startUtcMs: t0, endUtcMs: t0 + 3_600_000, slotMs: 900_000, slotCount: 4, zone: 'Europe/Berlin' },
    horizonLimitedBy: 'import-price',
    problem: { slotCount: 4, importPricePerKwh: [0.2, 0.3, 0.25, 0.1], vehicles: [] } as never,
    importPricePerKwh: [0.2, 0.3, 0.25, 0.1],
    exportPricePerKwh: [0, 0, 0, 0],
    incentives: [{ dispatchId: 'd1', rewardPerKwh: 0.05, slots: [1, 2] }],
    plan: { status: 'optimal', slotCount: 4, vehicles: [{ id: 'ev-1', chargerId: 'c1', powerKw: [11, 0, -5, 22], energyKwh: [10, 12.75, 12.75, 11.5, 17], shortfallKwh: 0 }] } as never,
    limits: { importLimits: [{ limitKw: 400, source: 'connection' }, { limitKw: Infinity, source: 'none' }], exportLimits: [] } as never,
    droppedSessions: [],
    dispatchIds: ['d1'],
  };
}

export function attemptRecord(jobId: string, ok: boolean, atUtcMs = t0): PlanAttempt {
  return ok ? { atUtcMs, jobId, ok } : { atUtcMs, jobId, ok, code: 'V2G_ERR_SOLVE_FAILED', message: 'the solver returned error', willRetry: true };
}
