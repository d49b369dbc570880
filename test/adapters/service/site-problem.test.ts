import { describe, expect, it } from 'vitest';
import { GridInputError } from '../../../grid/errors.ts';
import { PermanentJobError } from '../../../adapters/queue/job-errors.ts';
import { buildSiteProblem } from '../../../adapters/service/site-problem.ts';
import { HOUR, T0, aDispatchRecord, aSessionRecord, aSiteRecord, flatSeries } from './builders.ts';

const prices = (hours: number, from = T0 - HOUR) => ({ 'import-price': flatSeries(from, from + hours * HOUR, 0.2) });

describe('buildSiteProblem', () => {
  it('plans from now floored to the slot, over the configured hours', () => {
    const r = buildSiteProblem({ site: aSiteRecord(), sessions: [aSessionRecord()], signals: { series: prices(48), capacityLimits: [], revision: 1 }, dispatches: [] }, T0 + 7 * 60_000, 24);
    expect(r.assembled.grid.startUtcMs).toBe(T0);
    expect(r.problem.slotCount).toBe(96);
    expect(r.horizonLimitedBy).toBe('configured-horizon');
    expect(r.problem.vehicles[0]).toMatchObject({ id: 'v1', chargerId: 'c1', arrivalSlot: 0, departureSlot: 32, energyKwh: 30, targetEnergyKwh: 54, v2gAllowed: true, maxDischargeKw: 11 });
  });

  it('a vehicle plugged in during the current slot is planned from that slot, not from the next boundary (issue 11, item 10)', () => {
    const sessions = [aSessionRecord({ arrivalUtcMs: T0 + 4 * 60_000, measuredAtUtcMs: T0 + 4 * 60_000 })];
    const r = buildSiteProblem({ site: aSiteRecord(), sessions, signals: { series: prices(48), capacityLimits: [], revision: 1 }, dispatches: [] }, T0 + 7 * 60_000, 24);
    expect(r.problem.vehicles[0]).toMatchObject({ arrivalSlot: 0 });
    // A vehicle expected later in the current slot (not plugged in yet) still starts at the next boundary.
    const later = buildSiteProblem({ site: aSiteRecord(), sessions: [aSessionRecord({ arrivalUtcMs: T0 + 10 * 60_000 })], signals: { series: prices(48), capacityLimits: [], revision: 1 }, dispatches: [] }, T0 + 7 * 60_000, 24);
    expect(later.problem.vehicles[0]).toMatchObject({ arrivalSlot: 1 });
  });

  it('shortens the horizon to the import price coverage and names it', () => {
    const r = buildSiteProblem({ site: aSiteRecord(), sessions: [], signals: { series: prices(7), capacityLimits: [], revision: 1 }, dispatches: [] }, T0, 24);
    expect(r.problem.slotCount).toBe(24);
    expect(r.horizonLimitedBy).toBe('import-price');
  });

  it('completes a forecast that ends early instead of cutting the horizon: base load repeats the day before', () => {
    const load = { unit: 'kW', intervals: Array.from({ length: 30 }, (_, h) => ({ startUtcMs: T0 - 24 * HOUR + h * HOUR, endUtcMs: T0 - 23 * HOUR + h * HOUR, value: h % 24 })) };
    const r = buildSiteProblem({ site: aSiteRecord(), sessions: [], signals: { series: { ...prices(48), 'base-load': load }, capacityLimits: [], revision: 1 }, dispatches: [] }, T0, 24);
    expect(r.problem.slotCount).toBe(96);
    expect(r.horizonLimitedBy).toBe('configured-horizon');
    expect(r.forecastFills).toEqual([{ signal: 'base-load', startUtcMs: T0 + 6 * HOUR, endUtcMs: T0 + 24 * HOUR, rule: 'same-time-nearest-day' }]);
    // hour 6 after T0 is known (value 6); hour 7 is the day before's hour 7, i.e. the value 7 again.
    expect([r.problem.baseLoadKw![4 * 5], r.problem.baseLoadKw![4 * 6], r.problem.baseLoadKw![4 * 7], r.problem.baseLoadKw![4 * 23]]).toEqual([5, 6, 7, 23]);
  });

  it('an expired PV and export-price forecast never stops planning: both are taken as 0 and reported', () => {
    const signals = {
      series: { ...prices(48), pv: flatSeries(T0 - 10 * HOUR, T0 - 2 * HOUR, 30, 'kW'), 'export-price': flatSeries(T0 - 10 * HOUR, T0 - 2 * HOUR, 0.1) },
      capacityLimits: [],
      revision: 1,
    };
    const r = buildSiteProblem({ site: aSiteRecord(), sessions: [aSessionRecord()], signals, dispatches: [] }, T0, 24);
    expect(r.problem.slotCount).toBe(96);
    expect(r.problem.pvKw!.every((x) => x === 0)).toBe(true);
    expect(r.problem.exportPricePerKwh!.every((x) => x === 0)).toBe(true);
    expect(r.forecastFills).toEqual([
      { signal: 'export-price', startUtcMs: T0, endUtcMs: T0 + 24 * HOUR, rule: 'zero' },
      { signal: 'pv', startUtcMs: T0, endUtcMs: T0 + 24 * HOUR, rule: 'zero' },
    ]);
  });

  it('is a permanent V2G_ERR_SIGNALS_MISSING without a price covering now', () => {
    const state = { site: aSiteRecord(), sessions: [], signals: { series: prices(2, T0 + HOUR), capacityLimits: [], revision: 1 }, dispatches: [] };
    expect(() => buildSiteProblem(state, T0, 24)).toThrow(PermanentJobError);
    expect(() => buildSiteProblem({ ...state, signals: { series: {}, capacityLimits: [], revision: 1 } }, T0, 24)).toThrow(/no import price/);
  });

  it('gives V2G only with consent and a discharging charger', () => {
    const sessions = [aSessionRecord({ id: 'a', chargerId: 'c1', v2gConsent: false }), aSessionRecord({ id: 'b', chargerId: 'c2', v2gConsent: true })];
    const r = buildSiteProblem({ site: aSiteRecord(), sessions, signals: { series: prices(30), capacityLimits: [], revision: 1 }, dispatches: [] }, T0, 24);
    expect(r.problem.vehicles.map((v) => v.v2gAllowed ?? false)).toEqual([false, false]);
    expect(r.problem.vehicles[1]!.acLimit).toEqual({ maxCurrentA: 16, minCurrentA: 6, phases: 3, voltageV: 230 });
  });

  it('turns dispatches into limits and export deliveries into rewarded slots', () => {
    const dispatches = [
      aDispatchRecord(),
      aDispatchRecord({ id: 'd2', kind: 'export-delivery', powerKw: 20, startUtcMs: T0 + 3 * HOUR, endUtcMs: T0 + 3 * HOUR + 20 * 60_000 }),
      aDispatchRecord({ id: 'old', endUtcMs: T0 - 1 }),
      aDispatchRecord({ id: 'gone', status: 'cancelled' }),
    ];
    const r = buildSiteProblem({ site: aSiteRecord(), sessions: [aSessionRecord()], signals: { series: prices(30), capacityLimits: [], revision: 1 }, dispatches }, T0, 24);
    expect(r.dispatchIds).toEqual(['d1', 'd2']);
    expect(r.problem.importLimitKw!.slice(3, 9)).toEqual([100, 10, 10, 10, 10, 100]);
    expect(r.assembled.limits.importLimits[4]!.source).toBe('dispatch:d1');
    expect(r.problem.exportLimitKw!.slice(11, 15)).toEqual([50, 20, 20, 50]);
    expect(r.incentives).toEqual([{ dispatchId: 'd2', rewardPerKwh: 5, slots: [12, 13] }]);
    expect(r.problem.importPricePerKwh[12]).toBeCloseTo(5.2, 12);
    expect(r.problem.exportPricePerKwh![12]).toBe(5);
    expect(r.assembled.problem.importPricePerKwh[12]).toBeCloseTo(0.2, 12);
  });

  it('prices from a time-of-use tariff with its terms, and the demand charge over the local month', () => {
    const tou = {
      name: 'two-block',
      schedule: [{ id: 'all', effective_start: '01-01', effective_end: '12-31', dow_mask: 'ALL', times: [0, 12], tariffs: [0.1, 0.3], demand_charge: 12 }],
    };
    const site = aSiteRecord({ tariff: { energyPrice: 'time-of-use', timeOfUse: tou, priceTerms: [{ name: 'vat', kind: 'percent', percent: 20 }] } });
    const r = buildSiteProblem({ site, sessions: [], signals: { series: {}, capacityLimits: [], revision: 1 }, dispatches: [] }, T0, 24);
    // 08:00Z = 10:00 Berlin (0.1), 10:00Z = 12:00 Berlin (0.3)
    expect(r.problem.importPricePerKwh[0]).toBeCloseTo(0.12, 12);
    expect(r.problem.importPricePerKwh[8]).toBeCloseTo(0.36, 12);
    expect(r.problem.demandCharge?.pricePerKw).toBe(12);
    const explicit = buildSiteProblem(
      {
        site: aSiteRecord({ tariff: { energyPrice: 'market', demandCharge: { pricePerKw: 9, previousPeakKw: 40 } } }),
        sessions: [],
        signals: { series: prices(30, Date.parse('2025-06-30T20:00:00Z')), capacityLimits: [], revision: 1 },
        dispatches: [],
      },
      Date.parse('2025-06-30T20:00:00Z'),
      24,
    );
    // the June billing period ends at 2025-06-30T22:00Z (midnight in Berlin): 8 slots of the horizon count
    expect(explicit.problem.demandCharge).toMatchObject({ pricePerKw: 9, previousPeakKw: 40 });
    expect(explicit.problem.demandCharge!.appliesToSlot!.filter(Boolean)).toHaveLength(8);
  });

  it('keeps capacity limits from signals (OpenADR) and reports dropped sessions', () => {
    const capacityLimits = [{ origin: 'openadr3:e1', source: 'openadr3:e1/interval 0', direction: 'import' as const, startUtcMs: T0, endUtcMs: T0 + HOUR, limitKw: 30 }];
    const sessions = [aSessionRecord({ id: 'left', arrivalUtcMs: T0 - 5 * HOUR, departureUtcMs: T0 - HOUR })];
    const r = buildSiteProblem({ site: aSiteRecord(), sessions, signals: { series: prices(30), capacityLimits, revision: 1 }, dispatches: [] }, T0, 24);
    expect(r.problem.importLimitKw![0]).toBe(30);
    expect(r.assembled.droppedVehicles.map((d) => [d.id, d.reason])).toEqual([['left', 'departs-before-horizon']]);
  });

  it('lets grid refuse a price in another currency (permanent)', () => {
    const series = { 'import-price': flatSeries(T0, T0 + 30 * HOUR, 0.2, 'USD/kWh') };
    expect(() => buildSiteProblem({ site: aSiteRecord(), sessions: [], signals: { series, capacityLimits: [], revision: 1 }, dispatches: [] }, T0, 24)).toThrow(GridInputError);
  });
});
