import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limits } from '../../optimizer/problem.ts';
import { validateProblem } from '../../optimizer/problem-validation.ts';
import { parseCsvSeries } from '../../grid/csv-series.ts';
import { tariffDemandCharge } from '../../grid/demand-charge.ts';
import { parseEntsoeA44 } from '../../grid/entsoe-a44.ts';
import { parseOpenAdr3Event } from '../../grid/openadr3-event.ts';
import { assembleProblem, maxSlotCount, type AssemblyInput, type SiteDescription } from '../../grid/problem-assembly.ts';
import { createSignalSeries } from '../../grid/signal-series.ts';
import { slotStartLabels } from '../../grid/slot-grid.ts';
import { parseTouTariff } from '../../grid/tariff.ts';
import { tariffPriceSeries } from '../../grid/tariff-prices.ts';
import type { VehicleAtInstants } from '../../grid/vehicle-at-instants.ts';
import { catchGridError } from './catch-grid-error.ts';
import { fixture, readRealData, realDataMissingLocally } from './grid-test-data.ts';

const berlinDepot: SiteDescription = {
  name: 'berlin-depot',
  zone: 'Europe/Berlin',
  currency: 'EUR',
  slotMinutes: 15,
  connectionImportKw: 150,
  connectionExportKw: 100,
  transformerRatingKw: 120,
  localTimePolicy: { ambiguous: 'later' },
};

/** A vehicle with sensible defaults (builder). */
function aVehicle(override: Partial<VehicleAtInstants> & Pick<VehicleAtInstants, 'id' | 'arrival' | 'departure'>): VehicleAtInstants {
  return { chargerId: `cp-${override.id}`, capacityKwh: 60, socPercent: 40, targetSocPercent: 80, charger: { maxChargeKw: 11 }, ...override };
}

/** Hourly base load for the 25-hour Berlin day, as energy per hour (kWh), 10 + hour index. */
function baseLoadCsv(): string {
  const start = Date.parse('2025-10-25T22:00:00Z');
  const rows = Array.from({ length: 25 }, (_, h) => `${new Date(start + h * 3_600_000).toISOString()},${10 + h}`);
  return ['interval_start,site_load_kwh', ...rows].join('\n');
}

function berlinFallBackInput(): AssemblyInput {
  const openAdrPrices = parseOpenAdr3Event(fixture('openadr3-price-event-2025-10-26-berlin.json'));
  const capacity = parseOpenAdr3Event(fixture('openadr3-capacity-event.json'));
  return {
    site: berlinDepot,
    horizonStart: '2025-10-26T00:07:00+02:00', // "now": floored to the quarter-hour
    horizonEnd: '2025-10-27T00:00:00+01:00',
    signals: {
      importPrice: parseEntsoeA44(fixture('entsoe-a44-de-2025-10-25-26-pt60m.xml')),
      importPriceTerms: [
        { name: 'network-fee', kind: 'per-kwh', pricePerKwh: 0.08 },
        { name: 'electricity-tax', kind: 'per-kwh', pricePerKwh: 0.0205 },
        { name: 'vat', kind: 'percent', percent: 19 },
      ],
      exportPrice: openAdrPrices.exportPrice!,
      baseLoad: parseCsvSeries(baseLoadCsv(), { startColumn: 'interval_start', valueColumn: 'site_load_kwh', resolution: 'PT1H' }),
      capacityLimits: capacity.capacityLimits,
    },
    vehicles: [
      aVehicle({ id: 'night', arrival: '2025-10-25T19:00:00+02:00', departure: '2025-10-26T07:30:00+01:00', socPercent: 30, charger: { maxCurrentA: 16, phases: 3, voltageV: 230, minCurrentA: 6 }, v2gAllowed: true }),
      aVehicle({ id: 'repeated-hour', arrival: { localTime: '2025-10-26T02:30', zone: 'Europe/Berlin' }, departure: '2025-10-26T12:00:00+01:00', socPercent: undefined, energyKwh: 20, targetSocPercent: undefined, targetEnergyKwh: 40 }),
      aVehicle({ id: 'overnight', arrival: '2025-10-26T18:10:00+01:00', departure: '2025-10-27T08:00:00+01:00', capacityKwh: 75, charger: { maxChargeKw: 22 }, v2gAllowed: true, maxDischargeKw: 10 }),
      aVehicle({ id: 'short', arrival: '2025-10-26T10:05:00+01:00', departure: '2025-10-26T10:25:00+01:00' }),
      aVehicle({ id: 'gone', arrival: '2025-10-25T08:00:00+02:00', departure: '2025-10-25T18:00:00+02:00' }),
    ],
  };
}

describe('assembleProblem on the 25-hour Berlin day 2025-10-26', () => {
  const result = assembleProblem(berlinFallBackInput());
  const { problem, grid } = result;

  it('produces a Problem that passes validateProblem, with 100 quarter-hours', () => {
    expect(validateProblem(problem).ok).toBe(true);
    expect(problem.slotCount).toBe(100);
    expect(problem.slotHours).toBe(0.25);
    expect(problem.currency).toBe('EUR');
    expect(new Date(grid.startUtcMs).toISOString()).toBe('2025-10-25T22:00:00.000Z');
    expect(slotStartLabels(grid)[12]).toBe('2025-10-26T02:00:00+01:00');
  });

  it('maps vehicles by the stated rules and reports the dropped ones', () => {
    const byId = Object.fromEntries(problem.vehicles.map((v) => [v.id, v]));
    expect(byId['night']).toMatchObject({ arrivalSlot: 0, departureSlot: 34, energyKwh: 18, targetEnergyKwh: 48, v2gAllowed: true, maxDischargeKw: 11.04 });
    expect(byId['night']!.acLimit).toEqual({ maxCurrentA: 16, phases: 3, voltageV: 230, minCurrentA: 6 });
    expect(byId['repeated-hour']).toMatchObject({ arrivalSlot: 14, departureSlot: 52, energyKwh: 20, targetEnergyKwh: 40, maxChargeKw: 11 });
    expect(byId['overnight']).toMatchObject({ arrivalSlot: 77, departureSlot: 132, maxChargeKw: 22, maxDischargeKw: 10 });
    expect(result.droppedVehicles.map((d) => [d.id, d.reason])).toEqual([
      ['short', 'no-whole-slot'],
      ['gone', 'departs-before-horizon'],
    ]);
  });

  it('builds the import price from market + named terms', () => {
    const expected = (201 / 1000 + 0.08 + 0.0205) * 1.19;
    expect(problem.importPricePerKwh[0]).toBeCloseTo(expected, 12);
    expect(result.importPrice.terms.map((t) => t.name)).toEqual(['market', 'network-fee', 'electricity-tax', 'vat']);
    expect(problem.exportPricePerKwh![4]).toBeCloseTo(0.055, 12); // OpenADR EXPORT_PRICE interval 1
    expect(problem.baseLoadKw!.slice(11, 13)).toEqual([12, 13]);
  });

  it('takes the tightest limit per slot with its source', () => {
    expect(result.limits.importLimits[0]).toEqual({ limitKw: 120, source: 'transformer' });
    const at1700 = slotStartLabels(grid).indexOf('2025-10-26T17:00:00+01:00');
    expect(result.limits.importLimits[at1700]).toEqual({ limitKw: 40, source: 'openadr3:gac-17/interval 0' });
    expect(problem.importLimitKw![at1700]).toBe(40);
    expect(result.limits.exportLimits[13]).toEqual({ limitKw: 0, source: 'openadr3:gac-17/interval 2' });
    expect(problem.exportLimitKw![0]).toBe(100);
  });
});

describe('assembleProblem on the 23-hour Berlin day 2025-03-30', () => {
  it('has 92 slots and passes validateProblem', () => {
    const r = assembleProblem({
      site: { ...berlinDepot, zone: 'Europe/Brussels' },
      horizonStart: '2025-03-30T00:00:00+01:00',
      horizonEnd: '2025-03-31T00:00:00+02:00',
      signals: { importPrice: parseEntsoeA44(fixture('entsoe-a44-be-2025-03-30-pt15m.xml')) },
      vehicles: [aVehicle({ id: 'a', arrival: '2025-03-30T01:50:00+01:00', departure: '2025-03-30T03:20:00+02:00' })],
    });
    expect(r.problem.slotCount).toBe(92);
    expect(validateProblem(r.problem).ok).toBe(true);
    // 01:50 rounds up to 02:00+01:00 = 03:00+02:00 (slot 8); 03:20+02:00 rounds down to 03:15 (slot 9).
    expect(r.problem.vehicles[0]).toMatchObject({ arrivalSlot: 8, departureSlot: 9 });
  });
});

const sce = 'sce_tou_ev_4_march_2019.json';
describe.skipIf(realDataMissingLocally(sce))('assembleProblem with the real SCE tariff (Los Angeles)', () => {
  it('prices the fall-back day 2019-11-03 (100 slots) and adds the monthly demand charge', () => {
    const tariff = parseTouTariff(readRealData(sce), { currency: 'USD', zone: 'America/Los_Angeles' }).tariff;
    const start = Date.parse('2019-11-03T00:00:00-07:00');
    const end = Date.parse('2019-11-04T00:00:00-08:00');
    const r = assembleProblem({
      site: { zone: 'America/Los_Angeles', currency: 'USD', slotMinutes: 15, connectionImportKw: 200 },
      horizonStart: start,
      horizonEnd: end,
      signals: { importPrice: tariffPriceSeries(tariff, start, end), demandCharge: tariffDemandCharge(tariff, start, 35) },
      vehicles: [aVehicle({ id: 'caltech-1', arrival: '2019-11-03T08:05:00-08:00', departure: '2019-11-03T17:00:00-08:00', charger: { maxCurrentA: 32, phases: 1, voltageV: 208 } })],
    });
    expect(r.problem.slotCount).toBe(100);
    expect(validateProblem(r.problem).ok).toBe(true);
    expect(r.problem.demandCharge).toMatchObject({ pricePerKw: 15.51, previousPeakKw: 35 });
    expect(r.problem.demandCharge!.appliesToSlot!.every(Boolean)).toBe(true);
    expect(new Set(r.problem.importPricePerKwh)).toEqual(new Set([0.06087])); // a winter Sunday: one block
    expect(r.problem.exportLimitKw!.every((x) => x === 0)).toBe(true); // no export agreed
  });

  it('counts only the slots of the billing month towards the demand charge', () => {
    const tariff = parseTouTariff(readRealData(sce), { currency: 'USD', zone: 'America/Los_Angeles' }).tariff;
    const start = Date.parse('2019-10-31T12:00:00-07:00');
    const end = Date.parse('2019-11-01T12:00:00-07:00');
    const r = assembleProblem({
      site: { zone: 'America/Los_Angeles', currency: 'USD', slotMinutes: 60, connectionImportKw: 200 },
      horizonStart: start,
      horizonEnd: end,
      signals: { importPrice: tariffPriceSeries(tariff, start, end), demandCharge: tariffDemandCharge(tariff, start) },
      vehicles: [],
    });
    expect(r.problem.demandCharge!.appliesToSlot).toEqual(Array.from({ length: 24 }, (_, t) => t < 12));
  });
});

describe('assembleProblem errors', () => {
  it('keeps the code of a single failing part, with the path of the signal', () => {
    const input = berlinFallBackInput();
    const short = createSignalSeries('EUR/MWh', [{ startUtcMs: Date.parse('2025-10-25T22:00:00Z'), endUtcMs: Date.parse('2025-10-26T12:00:00Z'), value: 50 }]);
    const err = catchGridError(() => assembleProblem({ ...input, signals: { ...input.signals, importPrice: short } }), 'V2G_ERR_SIGNAL_GAP');
    expect(err.issues[0]!.path).toBe('/signals/importPrice/slots/56');
  });

  it('collects every failing part into V2G_ERR_ASSEMBLY_INPUT', () => {
    const input = berlinFallBackInput();
    const err = catchGridError(
      () =>
        assembleProblem({
          ...input,
          signals: {
            ...input.signals,
            exportPrice: createSignalSeries('USD/kWh', [{ startUtcMs: 0, endUtcMs: Date.parse('2030-01-01T00:00:00Z'), value: 0.1 }]),
            pv: createSignalSeries('kW', [{ startUtcMs: 0, endUtcMs: Date.parse('2030-01-01T00:00:00Z'), value: -5 }]),
          },
          vehicles: [...input.vehicles, aVehicle({ id: 'night', arrival: '2025-10-26T09:00:00+01:00', departure: '2025-10-26T08:00:00+01:00', socPercent: 120 })],
        }),
      'V2G_ERR_ASSEMBLY_INPUT',
    );
    const text = err.issues.map((i) => `${i.path} ${i.message}`).join('\n');
    expect(text).toMatch(/\/vehicles\/5\/socPercent \[V2G_ERR_VEHICLE_INPUT\]/);
    expect(text).toMatch(/\/signals\/exportPrice\/unit \[V2G_ERR_UNIT_MISMATCH\] "USD\/kWh" cannot be converted to "EUR\/kWh"/);
    expect(text).toMatch(/\/signals\/pv\/slots\/0 \[V2G_ERR_SIGNAL_VALUE\]/);
  });

  it('rejects a nonexistent local arrival time under the default policy', () => {
    const err = catchGridError(
      () =>
        assembleProblem({
          site: { ...berlinDepot, localTimePolicy: undefined },
          horizonStart: '2025-03-30T00:00:00+01:00',
          horizonEnd: '2025-03-31T00:00:00+02:00',
          signals: { importPrice: parseEntsoeA44(fixture('entsoe-a44-be-2025-03-30-pt15m.xml')) },
          vehicles: [aVehicle({ id: 'x', arrival: { localTime: '2025-03-30T02:30', zone: 'Europe/Berlin' }, departure: '2025-03-30T09:00:00+02:00' })],
        }),
      'V2G_ERR_NONEXISTENT_LOCAL_TIME',
    );
    expect(err.issues[0]!.path).toBe('/vehicles/0/arrival/localTime');
  });

  it.each([
    ['an unknown zone and currency', { zone: 'Europe/Nowhere', currency: 'euro' }, 'V2G_ERR_SITE_INPUT'],
    ['a slot length that does not divide a day', { slotMinutes: 25 }, 'V2G_ERR_SITE_INPUT'],
    ['no connection import limit', { connectionImportKw: undefined as unknown as number }, 'V2G_ERR_SITE_INPUT'],
  ] as const)('rejects a site with %s', (_name, override, code) => {
    const input = berlinFallBackInput();
    catchGridError(() => assembleProblem({ ...input, site: { ...input.site, ...override } }), code);
  });

  it('locates a bad capacity limit among the signals', () => {
    const input = berlinFallBackInput();
    const bad = { source: 'dso', direction: 'import' as const, startUtcMs: 0, endUtcMs: 1, limitKw: -5 };
    const err = catchGridError(() => assembleProblem({ ...input, signals: { ...input.signals, capacityLimits: [bad] } }), 'V2G_ERR_SITE_INPUT');
    expect(err.issues.map((i) => i.path)).toEqual(['/signals/capacityLimits/0/limitKw']);
  });

  it.each([
    ['no import price', (i: AssemblyInput) => ({ ...i, signals: { ...i.signals, importPrice: undefined as never } }), 'V2G_ERR_SIGNAL_GAP', ['/signals/importPrice']],
    ['no signals at all', (i: AssemblyInput) => ({ ...i, signals: undefined as never }), 'V2G_ERR_SIGNAL_GAP', ['/signals']],
    ['vehicles that are not an array', (i: AssemblyInput) => ({ ...i, vehicles: {} as never }), 'V2G_ERR_VEHICLE_INPUT', ['/vehicles']],
    ['an import price that is not a series', (i: AssemblyInput) => ({ ...i, signals: { ...i.signals, importPrice: { unit: 42 } as never } }), 'V2G_ERR_SIGNAL_VALUE', ['/signals/importPrice/intervals']],
    ['an import price with a NaN value (built by hand)', (i: AssemblyInput) => ({ ...i, signals: { ...i.signals, importPrice: { unit: 'EUR/MWh', intervals: [{ startUtcMs: Date.parse('2025-10-25T00:00:00Z'), endUtcMs: Date.parse('2025-10-28T00:00:00Z'), value: Number.NaN }] } } }), 'V2G_ERR_SIGNAL_VALUE', ['/signals/importPrice/intervals/0']],
    ['a demand charge billing period ending at Infinity', (i: AssemblyInput) => ({ ...i, signals: { ...i.signals, demandCharge: { pricePerKw: 10, billingPeriodStartUtcMs: 0, billingPeriodEndUtcMs: Infinity } } }), 'V2G_ERR_SITE_INPUT', ['/signals/demandCharge']],
  ] as const)('rejects %s with a coded error, never a TypeError or a NaN', (_name, change, code, paths) => {
    const err = catchGridError(() => assembleProblem(change(berlinFallBackInput())), code);
    expect(err.issues.map((i) => i.path)).toEqual(paths);
  });

  it('rejects a horizon over maxSlotCount slots (a year of quarter-hours), naming the count', () => {
    const input = berlinFallBackInput();
    const err = catchGridError(() => assembleProblem({ ...input, horizonEnd: '2026-10-27T00:00:00+01:00' }), 'V2G_ERR_SLOT_GRID');
    expect(err.issues[0]!.message).toContain(`more than ${maxSlotCount}`);
  });

  it('accepts the Caltech March 2019 offline horizon: 10,731 five-minute slots', () => {
    const startUtcMs = Date.parse('2019-03-01T08:00:00Z');
    const endUtcMs = startUtcMs + 10_731 * 300_000;
    const price = createSignalSeries('USD/kWh', [{ startUtcMs, endUtcMs, value: 0.1 }]);
    const { problem } = assembleProblem({
      site: { ...berlinDepot, zone: 'America/Los_Angeles', currency: 'USD', slotMinutes: 5 },
      horizonStart: new Date(startUtcMs).toISOString(),
      horizonEnd: new Date(endUtcMs).toISOString(),
      signals: { importPrice: price },
      vehicles: [aVehicle({ id: 'late', arrival: new Date(endUtcMs - 3_600_000).toISOString(), departure: new Date(endUtcMs).toISOString() })],
    });
    expect(problem.slotCount).toBe(10_731);
    expect(validateProblem(problem).ok).toBe(true);
    expect(maxSlotCount).toBe(limits.maxSlots);
  });
});

describe('assembly property: any fleet on a DST day gives a valid Problem', () => {
  const dayStart = Date.parse('2025-10-25T22:00:00Z');
  const dayEnd = Date.parse('2025-10-26T23:00:00Z');
  const signals = { importPrice: createSignalSeries('EUR/MWh', [{ startUtcMs: dayStart - 86_400_000, endUtcMs: dayEnd + 86_400_000, value: 80 }]) };
  const vehicle = fc
    .record({
      arrivalMin: fc.integer({ min: -600, max: 25 * 60 + 120 }),
      stayMin: fc.integer({ min: 1, max: 20 * 60 }),
      capacityKwh: fc.double({ min: 10, max: 120, noNaN: true }),
      soc: fc.double({ min: 0, max: 100, noNaN: true }),
      target: fc.double({ min: 0, max: 100, noNaN: true }),
      v2g: fc.boolean(),
    });
  it('places or reports every vehicle and always passes validateProblem', () => {
    fc.assert(
      fc.property(fc.array(vehicle, { maxLength: 12 }), (vs) => {
        const vehicles = vs.map((v, i) =>
          aVehicle({
            id: `v${i}`,
            arrival: dayStart + v.arrivalMin * 60_000,
            departure: dayStart + (v.arrivalMin + v.stayMin) * 60_000,
            capacityKwh: v.capacityKwh,
            socPercent: v.soc,
            targetSocPercent: v.target,
            v2gAllowed: v.v2g,
          }),
        );
        const r = assembleProblem({ site: berlinDepot, horizonStart: dayStart, horizonEnd: dayEnd, signals, vehicles });
        expect(validateProblem(r.problem).ok).toBe(true);
        expect(r.problem.vehicles.length + r.droppedVehicles.length).toBe(vs.length);
        const slotStart = (t: number): number => r.grid.startUtcMs + t * r.grid.slotMs;
        for (const pv of r.problem.vehicles) {
          const v = vs[Number(pv.id.slice(1))]!;
          const arrival = dayStart + v.arrivalMin * 60_000;
          const departure = arrival + v.stayMin * 60_000;
          // Every slot given to the vehicle lies inside its stay, and no whole slot of the stay is left out.
          expect(slotStart(pv.arrivalSlot)).toBeGreaterThanOrEqual(Math.max(arrival, r.grid.startUtcMs));
          expect(slotStart(pv.departureSlot)).toBeLessThanOrEqual(departure);
          if (pv.arrivalSlot > 0) expect(slotStart(pv.arrivalSlot - 1)).toBeLessThan(arrival);
          expect(slotStart(pv.departureSlot + 1)).toBeGreaterThan(departure);
        }
        for (const d of r.droppedVehicles) {
          const v = vs[Number(d.id.slice(1))]!;
          const arrival = Math.max(dayStart + v.arrivalMin * 60_000, r.grid.startUtcMs);
          const departure = Math.min(dayStart + (v.arrivalMin + v.stayMin) * 60_000, r.grid.endUtcMs);
          // No whole slot fits between the arrival and the departure inside the horizon.
          const firstBoundary = Math.ceil((arrival - r.grid.startUtcMs) / r.grid.slotMs);
          expect(slotStart(firstBoundary + 1)).toBeGreaterThan(departure);
        }
      }),
      { numRuns: 200 },
    );
  });
});
