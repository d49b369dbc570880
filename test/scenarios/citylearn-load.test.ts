import { describe, expect, it } from 'vitest';
import { cityLearnRow, cityLearnSeries } from '../../scenarios/citylearn-load.ts';
import { readRealData, realDataMissingLocally } from '../grid/grid-test-data.ts';

const file = 'citylearn2022_fontana_17homes_hourly_load_pv.csv';

describe('CityLearn calendar rule', () => {
  it.each([
    ['1 August 00:00 is row 1', 8, 1, 0, 1],
    ['31 July 23:00 is row 0', 7, 31, 23, 0],
    ['31 July 22:00 is the last row', 7, 31, 22, 8759],
    ['1 January 00:00', 1, 1, 0, 1 + 153 * 24],
  ])('%s', (_name, month, day, hour, row) => {
    expect(cityLearnRow(month, day, hour)).toBe(row);
  });

  it('maps 29 February to 28 February', () => {
    expect(cityLearnRow(2, 29, 5)).toBe(cityLearnRow(2, 28, 5));
  });
});

describe.skipIf(realDataMissingLocally(file))('CityLearn load and PV (real file)', () => {
  const from = Date.parse('2023-01-01T00:00:00Z');
  const to = Date.parse('2024-01-01T00:00:00Z');

  it('sums the 17 homes: mean 19.37 kW and peak 54.68 kW over a year, as SOURCES.md verified', () => {
    const s = cityLearnSeries(readRealData(file), { column: 'load', homes: 'all', scaleFactor: 1, zone: 'UTC', fromUtcMs: from, toUtcMs: to });
    const values = s.intervals.map((iv) => iv.value);
    expect(values).toHaveLength(8760);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(19.37, 2);
    expect(Math.max(...values)).toBeCloseTo(54.68, 2);
  });

  it('scales by the stated factor and picks the row by the site wall clock', () => {
    const text = readRealData(file);
    const one = cityLearnSeries(text, { column: 'load', homes: ['b01'], scaleFactor: 1, zone: 'Europe/Brussels', fromUtcMs: Date.parse('2023-08-07T06:00:00Z'), toUtcMs: Date.parse('2023-08-07T07:00:00Z') });
    const two = cityLearnSeries(text, { column: 'load', homes: ['b01'], scaleFactor: 2, zone: 'Europe/Brussels', fromUtcMs: Date.parse('2023-08-07T06:00:00Z'), toUtcMs: Date.parse('2023-08-07T07:00:00Z') });
    // 06:00Z = 08:00 in Brussels on 7 August: the row of 7 August 08:00.
    const utc = cityLearnSeries(text, { column: 'load', homes: ['b01'], scaleFactor: 1, zone: 'UTC', fromUtcMs: Date.parse('2023-08-07T08:00:00Z'), toUtcMs: Date.parse('2023-08-07T09:00:00Z') });
    expect(one.intervals[0]!.value).toBe(utc.intervals[0]!.value);
    expect(two.intervals[0]!.value).toBeCloseTo(2 * one.intervals[0]!.value, 12);
  });

  it('turns PV in W per kW into kW with each home installed kWp', () => {
    const s = cityLearnSeries(readRealData(file), { column: 'pv', homes: ['b01'], scaleFactor: 1, zone: 'UTC', fromUtcMs: from, toUtcMs: to });
    const peak = Math.max(...s.intervals.map((iv) => iv.value));
    expect(peak).toBeGreaterThan(3);
    expect(peak).toBeLessThanOrEqual(4 * 0.97625 + 1e-9);
  });

  it('names a home that is not in the file', () => {
    expect(() => cityLearnSeries(readRealData(file), { column: 'load', homes: ['b99'], scaleFactor: 1, zone: 'UTC', fromUtcMs: from, toUtcMs: to })).toThrow(/no column "b99_non_shiftable_load_kwh"/);
  });
});
