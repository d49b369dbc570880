import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resampleToGrid } from '../../grid/resample.ts';
import { createSignalSeries, type SeriesInterval } from '../../grid/signal-series.ts';
import { createSlotGrid, localDaysSlotGrid } from '../../grid/slot-grid.ts';
import { catchGridError } from './catch-grid-error.ts';

const t0 = Date.UTC(2025, 5, 1);
const min = (n: number): number => t0 + n * 60_000;
const grid = (slotMinutes: number, minutes = 120) => createSlotGrid({ start: t0, end: min(minutes), slotMinutes, zone: 'UTC' });
const series = (unit: string, ivs: [number, number, number][]) =>
  createSignalSeries(unit, ivs.map(([s, e, value]) => ({ startUtcMs: min(s), endUtcMs: min(e), value })));

describe('resampleToGrid', () => {
  it('repeats an hourly price into 15-minute slots and converts EUR/MWh to EUR/kWh', () => {
    const s = series('EUR/MWh', [[0, 60, 100], [60, 120, 200]]);
    expect(resampleToGrid(s, grid(15), { toUnit: 'EUR/kWh' })).toEqual([0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.2]);
  });

  it('averages 15-minute prices into hourly slots (time-weighted)', () => {
    const s = series('EUR/kWh', [[0, 15, 1], [15, 30, 2], [30, 45, 3], [45, 60, 6], [60, 120, 0]]);
    expect(resampleToGrid(s, grid(60), { toUnit: 'EUR/kWh' })).toEqual([3, 0]);
  });

  it('weights uneven intervals by duration', () => {
    const s = series('kW', [[0, 45, 4], [45, 60, 8], [60, 120, 0]]);
    expect(resampleToGrid(s, grid(60), { toUnit: 'kW' })).toEqual([5, 0]);
  });

  it('turns energy per interval into average power (kWh per hour = kW)', () => {
    // 2 kWh in one hour = 2 kW; 0.5 kWh in 15 minutes = 2 kW; 3000 Wh in 30 minutes = 6 kW.
    const s = series('kWh', [[0, 60, 2], [60, 75, 0.5], [75, 90, 0.5], [90, 120, 3]]);
    expect(resampleToGrid(s, grid(15), { toUnit: 'kW' })).toEqual([2, 2, 2, 2, 2, 2, 6, 6]);
    const wh = series('Wh', [[0, 120, 3000]]);
    expect(resampleToGrid(wh, grid(60), { toUnit: 'kW' })).toEqual([1.5, 1.5]);
  });

  it('turns power into energy per slot', () => {
    const s = series('kW', [[0, 120, 8]]);
    expect(resampleToGrid(s, grid(15), { toUnit: 'kWh' })).toEqual(new Array(8).fill(2));
  });

  it("takes the tightest value with 'min' (limits)", () => {
    const s = series('kW', [[0, 50, 100], [50, 55, 20], [55, 120, 100]]);
    expect(resampleToGrid(s, grid(60), { toUnit: 'kW', aggregation: 'min' })).toEqual([20, 100]);
  });

  it('reports every gap with the slots it touches', () => {
    const s = series('EUR/MWh', [[15, 30, 1], [60, 90, 2]]);
    const err = catchGridError(() => resampleToGrid(s, grid(15), { toUnit: 'EUR/kWh', what: 'The import price' }), 'V2G_ERR_SIGNAL_GAP');
    expect(err.message).toMatch(/^The import price does not cover the horizon/);
    expect(err.issues.map((i) => i.message)).toEqual([
      'no value from 2025-06-01T00:00:00Z to 2025-06-01T00:15:00Z (slot 0)',
      'no value from 2025-06-01T00:30:00Z to 2025-06-01T01:00:00Z (slots 2-3)',
      'no value from 2025-06-01T01:30:00Z to 2025-06-01T02:00:00Z (slots 6-7)',
    ]);
  });

  it("fills short gaps with the named 'forward-fill' policy, and still reports long ones", () => {
    const s = series('EUR/MWh', [[0, 15, 10], [30, 45, 20], [105, 120, 30]]);
    const err = catchGridError(
      () => resampleToGrid(s, grid(15), { toUnit: 'EUR/MWh', gapPolicy: { kind: 'forward-fill', maxGapMs: 15 * 60_000 } }),
      'V2G_ERR_SIGNAL_GAP',
    );
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]!.message).toContain('slots 3-6');
    const filled = resampleToGrid(s, grid(15), { toUnit: 'EUR/MWh', gapPolicy: { kind: 'forward-fill', maxGapMs: 60 * 60_000 } });
    expect(filled).toEqual([10, 10, 20, 20, 20, 20, 20, 30]);
  });

  it('cannot forward-fill before the first value', () => {
    const s = series('kW', [[30, 120, 1]]);
    catchGridError(() => resampleToGrid(s, grid(15), { toUnit: 'kW', gapPolicy: { kind: 'forward-fill', maxGapMs: 3_600_000 } }), 'V2G_ERR_SIGNAL_GAP');
  });

  it('refuses another currency and other quantities', () => {
    catchGridError(() => resampleToGrid(series('USD/kWh', [[0, 120, 1]]), grid(15), { toUnit: 'EUR/kWh' }), 'V2G_ERR_UNIT_MISMATCH');
    catchGridError(() => resampleToGrid(series('kW', [[0, 120, 1]]), grid(15), { toUnit: 'EUR/kWh' }), 'V2G_ERR_UNIT_MISMATCH');
  });

  it('never returns a non-finite value: a hand-built NaN series and an overflowing conversion are errors', () => {
    const nan = { unit: 'kW', intervals: [{ startUtcMs: min(0), endUtcMs: min(120), value: Number.NaN }] };
    const bad = catchGridError(() => resampleToGrid(nan, grid(15), { toUnit: 'kW' }), 'V2G_ERR_SIGNAL_VALUE');
    expect(bad.issues[0]).toMatchObject({ path: '/intervals/0', message: expect.stringMatching(/NaN is not a finite number/) });
    const huge = series('MW', [[0, 60, 1e306], [60, 120, 1]]);
    const over = catchGridError(() => resampleToGrid(huge, grid(15), { toUnit: 'kW' }), 'V2G_ERR_SIGNAL_VALUE');
    expect(over.issues.map((i) => i.path)).toEqual(['/slots/0', '/slots/1', '/slots/2', '/slots/3']);
  });

  it('checks a hand-built series like a parsed one: unsorted is sorted, overlapping is an error', () => {
    const iv = (s: number, e: number, value: number) => ({ startUtcMs: min(s), endUtcMs: min(e), value });
    const unsorted = { unit: 'kW', intervals: [iv(60, 120, 2), iv(0, 60, 1)] };
    expect(resampleToGrid(unsorted, grid(60), { toUnit: 'kW' })).toEqual([1, 2]);
    const overlapping = { unit: 'kW', intervals: [iv(0, 90, 1), iv(60, 120, 2)] };
    catchGridError(() => resampleToGrid(overlapping, grid(60), { toUnit: 'kW' }), 'V2G_ERR_SIGNAL_OVERLAP');
  });

  it('puts hourly UTC prices on a 92-slot Berlin spring day', () => {
    const day = localDaysSlotGrid({ firstDay: '2025-03-30', slotMinutes: 15, zone: 'Europe/Berlin' });
    const ivs: SeriesInterval[] = Array.from({ length: 23 }, (_, k) => ({ startUtcMs: day.startUtcMs + k * 3_600_000, endUtcMs: day.startUtcMs + (k + 1) * 3_600_000, value: k }));
    const out = resampleToGrid(createSignalSeries('EUR/MWh', ivs), day, { toUnit: 'EUR/MWh' });
    expect(out).toHaveLength(92);
    expect(out.slice(4, 12)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
  });
});

describe('resampling properties', () => {
  const hourly = fc.array(fc.double({ min: -500, max: 1000, noNaN: true }), { minLength: 1, maxLength: 48 });

  it('hourly -> 15 min -> hourly gives the original values back', () => {
    fc.assert(
      fc.property(hourly, (values) => {
        const s = createSignalSeries('EUR/MWh', values.map((value, k) => ({ startUtcMs: t0 + k * 3_600_000, endUtcMs: t0 + (k + 1) * 3_600_000, value })));
        const quarter = resampleToGrid(s, grid(15, values.length * 60), { toUnit: 'EUR/MWh' });
        expect(quarter).toHaveLength(values.length * 4);
        const back = createSignalSeries('EUR/MWh', quarter.map((value, k) => ({ startUtcMs: t0 + k * 900_000, endUtcMs: t0 + (k + 1) * 900_000, value })));
        const hours = resampleToGrid(back, grid(60, values.length * 60), { toUnit: 'EUR/MWh' });
        hours.forEach((v, k) => expect(v).toBeCloseTo(values[k]!, 6));
      }),
    );
  });

  it('energy is conserved: sum of slot energies = sum of interval energies', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.double({ min: 0, max: 50, noNaN: true })), { minLength: 1, maxLength: 20 }), (parts) => {
        // Intervals of 5-minute multiples tiling a whole number of hours.
        let at = 0;
        const ivs: SeriesInterval[] = parts.map(([n, kwh]) => {
          const iv = { startUtcMs: min(at), endUtcMs: min(at + n * 5), value: kwh };
          at += n * 5;
          return iv;
        });
        const total = Math.ceil(at / 60) * 60;
        if (total > at) ivs.push({ startUtcMs: min(at), endUtcMs: min(total), value: 0 });
        const kwhPerSlot = resampleToGrid(createSignalSeries('kWh', ivs), grid(15, total), { toUnit: 'kWh' });
        const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
        expect(sum(kwhPerSlot)).toBeCloseTo(sum(ivs.map((i) => i.value)), 6);
        for (const x of kwhPerSlot) expect(Number.isFinite(x)).toBe(true);
      }),
    );
  });
});
