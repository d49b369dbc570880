import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsvSeries, type CsvSeriesOptions } from '../../grid/csv-series.ts';
import { resampleToGrid } from '../../grid/resample.ts';
import { findGaps, type SignalSeries } from '../../grid/signal-series.ts';
import { localDaysSlotGrid } from '../../grid/slot-grid.ts';
import { catchGridError } from './catch-grid-error.ts';
import { readRealData, realDataMissingLocally } from './grid-test-data.ts';

const hourly: CsvSeriesOptions = { startColumn: 'interval_start', valueColumn: 'price_eur_per_mwh', resolution: 'PT60M' };

describe('parseCsvSeries', () => {
  it('reads a header, RFC 3339 starts with offsets, and the unit from the column name', () => {
    const s = parseCsvSeries(
      ['interval_start,price_eur_per_mwh', '2025-10-26T02:00:00+02:00,50.5', '2025-10-26T02:00:00+01:00,-3.25', '2025-10-26T03:00:00+01:00,.5'].join('\n'),
      hourly,
    );
    expect(s.unit).toBe('EUR/MWh');
    expect(s.intervals).toEqual([
      { startUtcMs: Date.parse('2025-10-26T00:00:00Z'), endUtcMs: Date.parse('2025-10-26T01:00:00Z'), value: 50.5 },
      { startUtcMs: Date.parse('2025-10-26T01:00:00Z'), endUtcMs: Date.parse('2025-10-26T02:00:00Z'), value: -3.25 },
      { startUtcMs: Date.parse('2025-10-26T02:00:00Z'), endUtcMs: Date.parse('2025-10-26T03:00:00Z'), value: 0.5 },
    ]);
  });

  it('reads an end column, a semicolon separator, a BOM, CRLF and an explicit unit', () => {
    const text = '\uFEFFfrom;to;load\r\n2025-01-01T00:00:00Z;2025-01-01T00:15:00Z;1500\r\n2025-01-01T00:15:00Z;2025-01-01T00:30:00Z;900\r\n';
    const s = parseCsvSeries(text, { startColumn: 'from', endColumn: 'to', valueColumn: 'load', unit: 'W', delimiter: ';' });
    expect(s.unit).toBe('W');
    expect(s.intervals.map((i) => [i.endUtcMs - i.startUtcMs, i.value])).toEqual([[900_000, 1500], [900_000, 900]]);
  });

  const bad: [string, string, CsvSeriesOptions, string, { line?: number; message: RegExp }[]][] = [
    [
      'every bad row is listed with its line number',
      [
        'interval_start,price_eur_per_mwh',
        '2025-01-01T00:00:00Z,10',
        '2025-01-01T01:00:00,11',
        '2025-01-01T02:00:00Z,',
        '2025-01-01T03:00:00Z,1e3,extra',
        '2025-01-01T04:00:00Z,12 EUR',
        '2025-13-01T05:00:00Z,NaN',
      ].join('\n'),
      hourly,
      'V2G_ERR_CSV_FORMAT',
      [
        { line: 3, message: /no UTC offset/ },
        { line: 4, message: /is empty/ },
        { line: 5, message: /3 fields, the header has 2/ },
        { line: 6, message: /"12 EUR" is not a decimal number/ },
        { line: 7, message: /month 13/ },
        { line: 7, message: /"NaN" is not a decimal number/ },
      ],
    ],
    ['a missing column', 'start,price_eur_per_mwh\n2025-01-01T00:00:00Z,1', hourly, 'V2G_ERR_CSV_FORMAT', [{ line: 1, message: /no start column "interval_start"/ }]],
    ['no interval end', 'interval_start,price_eur_per_mwh\n2025-01-01T00:00:00Z,1', { ...hourly, resolution: undefined }, 'V2G_ERR_CSV_FORMAT', [{ line: 1, message: /interval end is unknown/ }]],
    ['a calendar resolution', 'interval_start,price_eur_per_mwh\n2025-01-01T00:00:00Z,1', { ...hourly, resolution: 'P1M' }, 'V2G_ERR_CSV_FORMAT', [{ message: /no fixed length/ }]],
    ['an unclosed quote, at its line', 'interval_start,price_eur_per_mwh\n"2025-01-01T00:00:00Z,1\n', hourly, 'V2G_ERR_CSV_FORMAT', [{ line: 2, message: /Quote Not Closed/ }]],
    ['a column name without a unit', 'interval_start,price\n2025-01-01T00:00:00Z,1', { ...hourly, valueColumn: 'price' }, 'V2G_ERR_UNKNOWN_UNIT', [{ line: 1, message: /names no known unit/ }]],
    ['an explicit unknown unit', 'interval_start,price\n2025-01-01T00:00:00Z,1', { ...hourly, valueColumn: 'price', unit: 'EUR/MWH' }, 'V2G_ERR_UNKNOWN_UNIT', [{ line: 1, message: /"EUR\/MWH" is not a known unit/ }]],
    [
      'an explicit unit contradicting the column name',
      'interval_start,price_eur_per_mwh\n2025-01-01T00:00:00Z,1',
      { ...hourly, unit: 'EUR/kWh' },
      'V2G_ERR_UNIT_MISMATCH',
      [{ line: 1, message: /"price_eur_per_mwh" says EUR\/MWh, but the unit given is EUR\/kWh/ }],
    ],
    ['an empty text', '', hourly, 'V2G_ERR_CSV_FORMAT', [{ line: 1, message: /no header row/ }]],
    ['a header without data rows', 'interval_start,price_eur_per_mwh\n', hourly, 'V2G_ERR_CSV_FORMAT', [{ line: 2, message: /not followed by any data row/ }]],
    [
      'a named column that appears twice',
      'interval_start,price_eur_per_mwh,price_eur_per_mwh\n2025-01-01T00:00:00Z,1,2',
      hourly,
      'V2G_ERR_CSV_FORMAT',
      [{ line: 1, message: /value column "price_eur_per_mwh" appears 2 times/ }],
    ],
    [
      'duplicate hours, named by line',
      'interval_start,price_eur_per_mwh\n2025-01-01T00:00:00Z,1\n2025-01-01T01:00:00+01:00,2',
      hourly,
      'V2G_ERR_SIGNAL_OVERLAP',
      [{ line: 3, message: /overlaps .* at line 2/ }],
    ],
  ];
  it.each(bad)('rejects %s', (_name, text, options, code, expected) => {
    const err = catchGridError(() => parseCsvSeries(text, options), code as never);
    expect(err.issues).toHaveLength(expected.length);
    expected.forEach((e, k) => {
      if (e.line !== undefined) expect(err.issues[k]!.line).toBe(e.line);
      expect(err.issues[k]!.message).toMatch(e.message);
    });
  });
});

const belgian = 'entsoe_dayahead_BE_2022-01_2024-07_hourly.csv';
describe.skipIf(realDataMissingLocally(belgian))('the real Belgian day-ahead file', () => {
  let text = '';
  let series: SignalSeries;
  beforeAll(() => {
    text = readRealData(belgian);
    series = parseCsvSeries(text, { startColumn: 'start_utc', valueColumn: 'price_eur_per_mwh', resolution: 'PT60M' });
  });

  it('has 22,583 hourly values with no gap', () => {
    expect(series.unit).toBe('EUR/MWh');
    expect(series.intervals).toHaveLength(22_583);
    expect(findGaps(series)).toEqual([]);
    expect(new Date(series.intervals[0]!.startUtcMs).toISOString()).toBe('2021-12-31T23:00:00.000Z');
    expect(new Date(series.intervals.at(-1)!.startUtcMs).toISOString()).toBe('2024-07-29T21:00:00.000Z');
    for (const iv of series.intervals) expect(iv.endUtcMs - iv.startUtcMs).toBe(3_600_000);
  });

  it('matches the documented range and the local-time column', () => {
    const values = series.intervals.map((i) => i.value);
    expect(Math.min(...values)).toBe(-140);
    expect(Math.max(...values)).toBe(871);
    const local = parseCsvSeries(text, { startColumn: 'start_local', valueColumn: 'source_price_eur_per_kwh', resolution: 'PT1H' });
    expect(local.unit).toBe('EUR/kWh');
    expect(local.intervals.map((i) => i.startUtcMs)).toEqual(series.intervals.map((i) => i.startUtcMs));
  });

  it.each([
    ['2022-03-27', 92],
    ['2022-10-30', 100],
    ['2023-06-15', 96],
  ])('fills the Brussels delivery day %s with %d quarter-hours', (day, count) => {
    const grid = localDaysSlotGrid({ firstDay: day, slotMinutes: 15, zone: 'Europe/Brussels' });
    const prices = resampleToGrid(series, grid, { toUnit: 'EUR/kWh' });
    expect(prices).toHaveLength(count);
    for (const p of prices) expect(Number.isFinite(p)).toBe(true);
    expect(prices[0]).toBe(prices[3]); // an hourly price repeats over its four quarter-hours
  });
});
