import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completeForecast } from '../../grid/forecast-fallback.ts';
import { findGaps, type SeriesInterval, type SignalSeries } from '../../grid/signal-series.ts';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.parse('2025-06-02T00:00:00Z');

/** Hourly kW values from `from`, one per entry. */
function hourly(from: number, values: readonly number[]): SignalSeries {
  return { unit: 'kW', intervals: values.map((value, i) => ({ startUtcMs: from + i * H, endUtcMs: from + (i + 1) * H, value })) };
}

function valueAt(series: SignalSeries, t: number): number | undefined {
  return series.intervals.find((iv) => iv.startUtcMs <= t && t < iv.endUtcMs)?.value;
}

describe('completeForecast', () => {
  it('leaves a forecast that covers the window untouched', () => {
    const s = hourly(T0, [1, 2, 3, 4]);
    const r = completeForecast(s, T0 + H, T0 + 3 * H, 'same-time-nearest-day');
    expect(r.series).toBe(s);
    expect(r.fills).toEqual([]);
  });

  it('zero: an expired PV forecast plans with no sun, and says from when', () => {
    const pv = hourly(T0, [0, 5, 9]);
    const r = completeForecast(pv, T0 + 2 * H, T0 + 6 * H, 'zero');
    expect([2, 3, 4, 5].map((h) => valueAt(r.series, T0 + h * H))).toEqual([9, 0, 0, 0]);
    expect(r.fills).toEqual([{ startUtcMs: T0 + 3 * H, endUtcMs: T0 + 6 * H, rule: 'zero' }]);
  });

  it('same-time-nearest-day: an expired base-load forecast repeats yesterday at the same hours', () => {
    const day1 = Array.from({ length: 24 }, (_, h) => 10 + h);
    const load = hourly(T0, day1);
    const r = completeForecast(load, T0 + 20 * H, T0 + 30 * H, 'same-time-nearest-day');
    expect([20, 23, 24, 25, 29].map((h) => valueAt(r.series, T0 + h * H))).toEqual([30, 33, 10, 11, 15]);
    expect(r.fills).toEqual([{ startUtcMs: T0 + DAY, endUtcMs: T0 + 30 * H, rule: 'same-time-nearest-day' }]);
  });

  it('same-time-nearest-day: a forecast that starts later is filled from the next day first', () => {
    const load = hourly(T0 + DAY, Array.from({ length: 24 }, (_, h) => h));
    const r = completeForecast(load, T0 + 22 * H, T0 + DAY + 2 * H, 'same-time-nearest-day');
    expect([22, 23, 24, 25].map((h) => valueAt(r.series, T0 + h * H))).toEqual([22, 23, 0, 1]);
    expect(r.fills).toEqual([{ startUtcMs: T0 + 22 * H, endUtcMs: T0 + DAY, rule: 'same-time-nearest-day' }]);
  });

  it('holds the nearest value where no day shift reaches (a forecast shorter than a day), and names it', () => {
    const load = hourly(T0, [7, 8]);
    const r = completeForecast(load, T0, T0 + 5 * H, 'same-time-nearest-day');
    expect([0, 1, 2, 4].map((h) => valueAt(r.series, T0 + h * H))).toEqual([7, 8, 8, 8]);
    expect(r.fills).toEqual([{ startUtcMs: T0 + 2 * H, endUtcMs: T0 + 5 * H, rule: 'nearest-value' }]);
  });

  it('an empty series is completed with zeros', () => {
    const r = completeForecast({ unit: 'kW', intervals: [] }, T0, T0 + H, 'same-time-nearest-day');
    expect(r.series.intervals).toEqual([{ startUtcMs: T0, endUtcMs: T0 + H, value: 0 }]);
    expect(r.fills).toEqual([{ startUtcMs: T0, endUtcMs: T0 + H, rule: 'zero' }]);
  });

  it('property: the result covers the window without gap or overlap, keeps every forecast value, and fills exactly the gaps', () => {
    const interval = fc.record({ startH: fc.integer({ min: -72, max: 96 }), lengthH: fc.integer({ min: 1, max: 6 }), value: fc.integer({ min: -50, max: 50 }) });
    fc.assert(
      fc.property(
        fc.array(interval, { maxLength: 12 }),
        fc.integer({ min: -24, max: 48 }),
        fc.integer({ min: 1, max: 72 }),
        fc.constantFrom('zero' as const, 'same-time-nearest-day' as const),
        (raw, fromH, lengthH, policy) => {
          // Disjoint intervals: keep each one that does not overlap an earlier kept one.
          const kept: SeriesInterval[] = [];
          for (const r of raw) {
            const iv = { startUtcMs: T0 + r.startH * H, endUtcMs: T0 + (r.startH + r.lengthH) * H, value: r.value };
            if (kept.every((k) => iv.endUtcMs <= k.startUtcMs || iv.startUtcMs >= k.endUtcMs)) kept.push(iv);
          }
          const series: SignalSeries = { unit: 'kW', intervals: kept.sort((a, b) => a.startUtcMs - b.startUtcMs) };
          const from = T0 + fromH * H;
          const to = from + lengthH * H;
          const r = completeForecast(series, from, to, policy);
          expect(findGaps(r.series, from, to)).toEqual([]);
          for (const iv of series.intervals) expect(r.series.intervals).toContainEqual(iv);
          const filledMs = r.fills.reduce((sum, f) => sum + (f.endUtcMs - f.startUtcMs), 0);
          const gapMs = findGaps(series, from, to).reduce((sum, g) => sum + (g.endUtcMs - g.startUtcMs), 0);
          expect(filledMs).toBe(gapMs);
          for (const f of r.fills) {
            if (f.rule === 'zero') expect(valueAt(r.series, f.startUtcMs)).toBe(0);
            if (f.rule === 'same-time-nearest-day') {
              const v = valueAt(r.series, f.startUtcMs);
              const sources = [1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7].map((k) => valueAt(series, f.startUtcMs - k * DAY));
              expect(sources.find((x) => x !== undefined)).toBe(v);
            }
          }
        },
      ),
      { seed: 20261124, numRuns: 300 },
    );
  });
});
