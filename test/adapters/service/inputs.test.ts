/** Energy estimate, horizon, signal ingestion and the site and session rules. */
import { describe, expect, it } from 'vitest';
import { GridInputError } from '../../../grid/errors.ts';
import { createSignalSeries } from '../../../grid/signal-series.ts';
import { estimateEnergyKwh } from '../../../adapters/service/energy-estimate.ts';
import { planningHorizon } from '../../../adapters/service/horizon.ts';
import { chargerConflict, sessionIssues } from '../../../adapters/service/session-validation.ts';
import { mergeSeries, normaliseSeries } from '../../../adapters/service/signal-ingest.ts';
import { chargersInUseIssues, siteSpecIssues } from '../../../adapters/service/site-validation.ts';
import type { PlanRecord } from '../../../adapters/store/records.ts';
import { HOUR, T0, aSessionRecord, aSiteRecord, flatSeries } from './builders.ts';

describe('estimateEnergyKwh', () => {
  const plan = {
    grid: { startUtcMs: T0, endUtcMs: T0 + HOUR, slotMs: 900_000, slotCount: 4, zone: 'UTC' },
    plan: { vehicles: [{ id: 'v1', energyKwh: [30, 32, 34, 34, 36] }] },
  } as unknown as PlanRecord;
  const s = aSessionRecord({ measuredAtUtcMs: T0 - 60_000 });

  it('follows the plan in force made after the reading, linearly within a slot', () => {
    expect(estimateEnergyKwh(s, plan, T0 + 22.5 * 60_000)).toBeCloseTo(33, 12);
    expect(estimateEnergyKwh(s, plan, T0 + 5 * HOUR)).toBe(36);
  });

  it('uses the reading when it is newer than the plan, before arrival, or without a plan', () => {
    expect(estimateEnergyKwh(aSessionRecord({ measuredAtUtcMs: T0 + 60_000 }), plan, T0 + 30 * 60_000)).toBe(30);
    expect(estimateEnergyKwh(aSessionRecord({ arrivalUtcMs: T0 + HOUR }), plan, T0 + 30 * 60_000)).toBe(30);
    expect(estimateEnergyKwh(s, undefined, T0 + 30 * 60_000)).toBe(30);
    expect(estimateEnergyKwh(aSessionRecord({ socPercent: undefined, energyKwh: 80 }), undefined, T0)).toBe(60);
  });
});

describe('planningHorizon', () => {
  it('ends at the first gap of any series, floored to a slot', () => {
    const price = createSignalSeries('EUR/kWh', [
      { startUtcMs: T0, endUtcMs: T0 + 3 * HOUR, value: 1 },
      { startUtcMs: T0 + 4 * HOUR, endUtcMs: T0 + 9 * HOUR, value: 1 },
    ]);
    expect(planningHorizon(T0, 24, 900_000, [['import-price', price]])).toEqual({ startUtcMs: T0, endUtcMs: T0 + 3 * HOUR, limitedBy: 'import-price' });
    expect(planningHorizon(T0, 2, 900_000, [['import-price', price]]).limitedBy).toBe('configured-horizon');
    expect(planningHorizon(T0 - HOUR, 24, 900_000, [['import-price', price]]).endUtcMs).toBe(T0 - HOUR);
  });
});

describe('signal ingestion', () => {
  it('normalises prices to the site currency per kWh and energy per interval to kW', () => {
    expect(normaliseSeries('import-price', flatSeries(T0, T0 + HOUR, 100, 'EUR/MWh'), 'EUR').intervals[0]!.value).toBeCloseTo(0.1, 12);
    const energy = { unit: 'kWh', intervals: [{ startUtcMs: T0, endUtcMs: T0 + 900_000, value: 5 }] };
    expect(normaliseSeries('base-load', energy, 'EUR')).toEqual({ unit: 'kW', intervals: [{ startUtcMs: T0, endUtcMs: T0 + 900_000, value: 20 }] });
    expect(() => normaliseSeries('import-price', flatSeries(T0, T0 + HOUR, 1, 'USD/kWh'), 'EUR')).toThrow(GridInputError);
    expect(() => normaliseSeries('pv', flatSeries(T0, T0 + HOUR, 1, 'EUR/kWh'), 'EUR')).toThrow(/power or an energy/);
    expect(() => normaliseSeries('pv', flatSeries(T0, T0 + HOUR, -1, 'kW'), 'EUR')).toThrow(/negative/);
  });

  it('a new upload replaces its own span and keeps the rest, clipping at the edges; old history goes', () => {
    const old = createSignalSeries('kW', [
      { startUtcMs: T0 - 3 * HOUR, endUtcMs: T0 - 2 * HOUR, value: 1 },
      { startUtcMs: T0, endUtcMs: T0 + 2 * HOUR, value: 2 },
      { startUtcMs: T0 + 2 * HOUR, endUtcMs: T0 + 3 * HOUR, value: 3 },
    ]);
    const incoming = createSignalSeries('kW', [{ startUtcMs: T0 + HOUR, endUtcMs: T0 + 2.5 * HOUR, value: 9 }]);
    expect(mergeSeries(old, incoming, T0 - 2 * HOUR).intervals).toEqual([
      { startUtcMs: T0, endUtcMs: T0 + HOUR, value: 2 },
      { startUtcMs: T0 + HOUR, endUtcMs: T0 + 2.5 * HOUR, value: 9 },
      { startUtcMs: T0 + 2.5 * HOUR, endUtcMs: T0 + 3 * HOUR, value: 3 },
    ]);
  });
});

describe('site rules', () => {
  it('accepts a good site and names every problem of a bad one', () => {
    expect(siteSpecIssues(aSiteRecord())).toEqual([]);
    const bad = aSiteRecord({
      timeZone: 'Mars/Olympus',
      slotMinutes: 7,
      chargers: [
        { id: 'c1', canDischarge: false, maxDischargeKw: 3 },
        { id: 'c1', maxPowerKw: 7, ac: { maxCurrentA: 6, minCurrentA: 10, phases: 1, voltageV: 230 }, canDischarge: true },
      ],
      tariff: { energyPrice: 'time-of-use', priceTerms: [{ name: 'market', kind: 'per-kwh', pricePerKwh: 1 }] },
    });
    expect(siteSpecIssues(bad).map((i) => i.pointer)).toEqual([
      '/body/timeZone',
      '/body/slotMinutes',
      '/body/chargers/0',
      '/body/chargers/0/maxDischargeKw',
      '/body/chargers/1/id',
      '/body/chargers/1/ac/minCurrentA',
      '/body/tariff/timeOfUse',
      '/body/tariff/priceTerms/0/name',
    ]);
  });

  it('reads the TOU tariff and cron with grid and cron-parser, naming the field', () => {
    const issues = siteSpecIssues(aSiteRecord({ tariff: { energyPrice: 'market', timeOfUse: { name: 'x', schedule: [] } }, replanSchedules: [{ cron: '99 * * * *' }] }));
    expect(issues.map((i) => i.pointer)).toEqual(['/body/tariff/timeOfUse/schedule', '/body/replanSchedules/0/cron']);
  });

  it('a replacement may not drop a charger with a session', () => {
    const spec = aSiteRecord({ chargers: [{ id: 'c2', maxPowerKw: 7, canDischarge: false }] });
    expect(chargersInUseIssues(spec, [aSessionRecord()], T0)[0]!.detail).toMatch(/"c1" has a session/);
    expect(chargersInUseIssues(spec, [aSessionRecord({ departureUtcMs: T0 - 1 })], T0)).toEqual([]);
  });
});

describe('session rules', () => {
  it('accepts a good session and names each broken rule', () => {
    const site = aSiteRecord();
    expect(sessionIssues(site, aSessionRecord(), T0)).toEqual([]);
    const pointers = (o: Parameters<typeof aSessionRecord>[0]) => sessionIssues(site, aSessionRecord(o), T0).map((i) => i.pointer);
    expect(pointers({ chargerId: 'nope' })).toEqual(['/body/chargerId']);
    expect(pointers({ energyKwh: 10 })).toEqual(['/body/socPercent']);
    expect(pointers({ socPercent: undefined })).toEqual(['/body/energyKwh']);
    expect(pointers({ targetSocPercent: undefined, targetEnergyKwh: 70 })).toEqual(['/body/targetEnergyKwh']);
    expect(pointers({ departureUtcMs: T0 - 2 * HOUR })).toEqual(['/body/departure']);
    expect(pointers({ departureUtcMs: T0 - 60_000 })).toEqual(['/body/departure']);
    expect(pointers({ measuredAtUtcMs: T0 + HOUR })).toEqual(['/body/measuredAt']);
  });

  it('a charger takes one stay at a time', () => {
    const a = aSessionRecord({ id: 'a' });
    expect(chargerConflict(aSessionRecord({ id: 'b' }), [a], T0)).toHaveLength(1);
    expect(chargerConflict(aSessionRecord({ id: 'b', arrivalUtcMs: a.departureUtcMs, departureUtcMs: a.departureUtcMs + HOUR }), [a], T0)).toEqual([]);
    expect(chargerConflict(a, [a], T0)).toEqual([]);
  });
});
