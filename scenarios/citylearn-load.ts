/**
 * CityLearn 2022 (17 Fontana homes, hourly, one year without a year: see SOURCES.md) as a site's building
 * load or PV series. Pure: text in, series out.
 *
 * Calendar alignment (stated in scenarios/README.md): the file has no dates; row 1 is 1 August 00:00-01:00
 * and every month has its normal length (not a leap year), row 0 is 31 July 23:00-24:00. A target hour is
 * given the row with the **same month, day of month and hour of the local wall clock in the site zone**
 * (29 February uses 28 February). So a Belgian 2023-08-07 08:00 gets the Fontana row of 7 August 08:00.
 *
 * Values: load = sum of the homes' `bNN_non_shiftable_load_kwh` (kWh per hour = kW) x `scaleFactor`;
 * PV = sum of `bNN_solar_generation_w_per_kw` x the home's installed kWp (4.0 kW for b01-b03 and b05-b09,
 * 5.0 kW for b04 and b10-b17, from CityLearn's schema.json) / 1000 x `scaleFactor`. Near-zero hours are
 * kept as they are in the source.
 */
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { createSignalSeries, type SignalSeries } from '../grid/signal-series.ts';
import { ScenarioError, type ScenarioIssue } from './errors.ts';

const rowsPerYear = 8760;
const hourMs = 3_600_000;
/** Installed PV (kW) per home, from CityLearn's schema.json. */
const fourKwHomes = new Set(['b01', 'b02', 'b03', 'b05', 'b06', 'b07', 'b08', 'b09']);
/** The 17 homes of the file, `b01` to `b17`. */
export const cityLearnHomes: readonly string[] = Array.from({ length: 17 }, (_, i) => `b${String(i + 1).padStart(2, '0')}`);

/** Which column and homes, the scale factor, the site zone and the range of the series. */
export interface CityLearnOptions {
  readonly column: 'load' | 'pv';
  readonly homes: 'all' | readonly string[];
  readonly scaleFactor: number;
  /** Site zone whose wall clock picks the row. */
  readonly zone: string;
  /** The series covers the whole hours of [fromUtcMs, toUtcMs). */
  readonly fromUtcMs: number;
  readonly toUtcMs: number;
}

/** Hours from 1 August 00:00 of a non-leap reference year to the month-day-hour given. */
export function hoursSinceAugust1(month: number, day: number, hour: number): number {
  // Reference: August 2017 - July 2018 (February has 28 days); only differences of dates matter.
  const year = month >= 8 ? 2017 : 2018;
  const d = month === 2 && day === 29 ? 28 : day;
  return (Date.UTC(year, month - 1, d, hour) - Date.UTC(2017, 7, 1, 0)) / hourMs;
}

/** The row of the CityLearn file for a local month, day and hour (0-23). */
export function cityLearnRow(month: number, day: number, hour: number): number {
  return (hoursSinceAugust1(month, day, hour) + 1) % rowsPerYear;
}

/** Reads the file's per-row sums for the chosen homes and column (kW before scaling). */
function rowSums(text: string, column: 'load' | 'pv', homes: readonly string[], file: string): Float64Array {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    throw new ScenarioError('V2G_ERR_SCENARIO_DATA', `${file} is not CSV`, [{ line: 1, message: (e as Error).message }]);
  }
  const header = rows[0] ?? [];
  const suffix = column === 'load' ? '_non_shiftable_load_kwh' : '_solar_generation_w_per_kw';
  const issues: ScenarioIssue[] = [];
  const cols = homes.map((h) => {
    const i = header.indexOf(`${h}${suffix}`);
    if (i < 0) issues.push({ line: 1, message: `no column "${h}${suffix}"` });
    return i;
  });
  if (rows.length - 1 !== rowsPerYear) issues.push({ line: rows.length, message: `has ${rows.length - 1} data rows, expected ${rowsPerYear} (one year of hours)` });
  if (issues.length > 0) throw new ScenarioError('V2G_ERR_SCENARIO_DATA', `${file} is not the CityLearn 2022 file`, issues);
  const sums = new Float64Array(rowsPerYear);
  for (let r = 0; r < rowsPerYear; r++) {
    const row = rows[r + 1]!;
    let sum = 0;
    cols.forEach((c, k) => {
      const v = Number(row[c]);
      if (!Number.isFinite(v) || v < 0) issues.push({ line: r + 2, message: `${header[c]}: "${row[c]}" is not a non-negative number` });
      const home = homes[k]!;
      sum += column === 'load' ? v : (v * (fourKwHomes.has(home) ? 4 : 5)) / 1000;
    });
    sums[r] = sum;
  }
  if (issues.length > 0) throw new ScenarioError('V2G_ERR_SCENARIO_DATA', `${file}: rows could not all be read`, issues);
  return sums;
}

/** The CityLearn load or PV in kW, hourly over [fromUtcMs, toUtcMs) (whole UTC hours), by the calendar rule. */
export function cityLearnSeries(text: string, options: CityLearnOptions, file = 'the CityLearn CSV'): SignalSeries {
  const homes = options.homes === 'all' ? cityLearnHomes : options.homes;
  const sums = rowSums(text, options.column, homes, file);
  const intervals = [];
  for (let t = Math.floor(options.fromUtcMs / hourMs) * hourMs; t < options.toUtcMs; t += hourMs) {
    const local = DateTime.fromMillis(t, { zone: options.zone });
    const row = cityLearnRow(local.month, local.day, local.hour);
    intervals.push({ startUtcMs: t, endUtcMs: t + hourMs, value: sums[row]! * options.scaleFactor });
  }
  return createSignalSeries('kW', intervals, { what: `The CityLearn ${options.column}` });
}
