/**
 * CSV text to a signal series (pure: text in, series out; reading the file is the caller's job).
 *
 * Expected shape (research-data convention): UTF-8, a header row, `,` separated by default, `.` decimal
 * point, one row per interval; the interval start in RFC 3339 **with** an offset (`2022-01-01T00:00:00+01:00`
 * or `...Z`; a naive local time is an error); the interval end either in its own column or given once as a
 * fixed ISO 8601 `resolution`; the unit in the value column's name (`price_eur_per_mwh`, `power_kw`,
 * `energy_kwh`) unless given explicitly. Every bad row is reported with its line number. An empty text, a
 * header without data rows and a named column that appears twice in the header are errors.
 */
import { parse } from 'csv-parse/sync';
import { GridInputError, type GridIssue } from './errors.ts';
import { parseRfc3339 } from './instant.ts';
import { parseDurationMs } from './iso-duration.ts';
import { createSignalSeries, type SeriesInterval, type SignalSeries } from './signal-series.ts';
import { parseUnit, unitFromColumnName } from './units.ts';

/** Which columns hold what. Column names are matched exactly (after trimming). */
export interface CsvSeriesOptions {
  /** Column with the interval start (RFC 3339 with offset). */
  readonly startColumn: string;
  /** Column with the value. */
  readonly valueColumn: string;
  /** Column with the interval end (RFC 3339 with offset); or give `resolution`. */
  readonly endColumn?: string;
  /** Fixed interval length as an ISO 8601 duration (`PT60M`, `PT15M`) when there is no end column. */
  readonly resolution?: string;
  /** Unit of the value column; by default read from the column name's suffix (a different explicit unit is an error). */
  readonly unit?: string;
  /** Field separator, default `,`. */
  readonly delimiter?: string;
}

/** A plain decimal number: no empty string, no hex, no Infinity, no thousands separators. */
const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

type Row = { record: string[]; info: { lines: number } };

function fail(summary: string, issues: GridIssue[]): never {
  throw new GridInputError('V2G_ERR_CSV_FORMAT', summary, issues);
}

/** Parses raw CSV into rows with line numbers, or throws `V2G_ERR_CSV_FORMAT` at the broken line. */
function readRows(text: string, delimiter: string): Row[] {
  try {
    return parse(text, {
      delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as Row[];
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    return fail('The CSV text is malformed', [{ line: err.lines ?? 1, message: err.message ?? String(e) }]);
  }
}

/**
 * Reads one value column of a CSV text as a series.
 *
 * @example parseCsvSeries(text, { startColumn: 'start_utc', valueColumn: 'price_eur_per_mwh', resolution: 'PT60M' })
 */
export function parseCsvSeries(text: string, options: CsvSeriesOptions): SignalSeries {
  const rows = readRows(text, options.delimiter ?? ',');
  const header = rows[0];
  if (header === undefined) fail('The CSV text is empty', [{ line: 1, message: 'no header row' }]);
  const headerIssues: GridIssue[] = [];
  const column = (name: string | undefined, role: string): number => {
    if (name === undefined) return -1;
    const i = header.record.indexOf(name.trim());
    if (i < 0) headerIssues.push({ line: header.info.lines, message: `no ${role} column "${name}" (columns: ${header.record.join(', ')})` });
    else if (header.record.lastIndexOf(name.trim()) !== i) {
      const n = header.record.filter((c) => c === name.trim()).length;
      headerIssues.push({ line: header.info.lines, message: `the ${role} column "${name}" appears ${n} times in the header; which one is meant is unclear` });
    }
    return i;
  };
  const startCol = column(options.startColumn, 'start');
  const valueCol = column(options.valueColumn, 'value');
  const endCol = column(options.endColumn, 'end');
  let resolutionMs = 0;
  if (options.endColumn === undefined) {
    if (options.resolution === undefined) {
      headerIssues.push({ line: header.info.lines, message: 'the interval end is unknown: give an end column or a fixed resolution (e.g. PT60M)' });
    } else {
      const d = parseDurationMs(options.resolution);
      if (!d.ok || d.ms <= 0) headerIssues.push({ path: '/resolution', message: d.ok ? 'the resolution must be longer than zero' : d.message });
      else resolutionMs = d.ms;
    }
  }
  const named = unitFromColumnName(options.valueColumn);
  if (options.unit !== undefined && named !== undefined && named !== options.unit) {
    throw new GridInputError('V2G_ERR_UNIT_MISMATCH', 'The CSV value column names another unit than the one given', [
      { line: header.info.lines, message: `the column name "${options.valueColumn}" says ${named}, but the unit given is ${options.unit}; convert explicitly instead` },
    ]);
  }
  const unit = options.unit ?? named;
  if (unit === undefined || parseUnit(unit) === undefined) {
    const message = unit === undefined
      ? `the column name "${options.valueColumn}" names no known unit (e.g. price_eur_per_mwh, power_kw, energy_kwh); give the unit explicitly`
      : `"${unit}" is not a known unit`;
    throw new GridInputError('V2G_ERR_UNKNOWN_UNIT', 'The CSV value column has no usable unit', [{ line: header.info.lines, message }]);
  }
  if (headerIssues.length > 0) fail('The CSV header does not match the options', headerIssues);
  if (rows.length === 1) fail('The CSV text has no data', [{ line: header.info.lines + 1, message: 'the header is not followed by any data row' }]);

  const issues: GridIssue[] = [];
  const intervals: SeriesInterval[] = [];
  const lines: number[] = [];
  const width = header.record.length;
  for (const row of rows.slice(1)) {
    const line = row.info.lines;
    const r = row.record;
    if (r.length !== width) {
      issues.push({ line, message: `has ${r.length} fields, the header has ${width}` });
      continue;
    }
    const start = parseRfc3339(r[startCol]!);
    if (!start.ok) issues.push({ line, message: `${options.startColumn}: ${start.message}` });
    let endUtcMs: number | undefined;
    if (endCol >= 0) {
      const end = parseRfc3339(r[endCol]!);
      if (!end.ok) issues.push({ line, message: `${options.endColumn}: ${end.message}` });
      else endUtcMs = end.utcMs;
    } else if (start.ok) {
      endUtcMs = start.utcMs + resolutionMs;
    }
    const raw = r[valueCol]!;
    const valueOk = decimal.test(raw);
    if (!valueOk) issues.push({ line, message: `${options.valueColumn}: ${raw === '' ? 'is empty' : `"${raw}" is not a decimal number`}` });
    if (start.ok && endUtcMs !== undefined && valueOk) {
      if (endUtcMs <= start.utcMs) {
        issues.push({ line, message: 'the interval ends at or before it starts' });
        continue;
      }
      intervals.push({ startUtcMs: start.utcMs, endUtcMs, value: Number(raw) });
      lines.push(line);
    }
  }
  if (issues.length > 0) fail('The CSV rows could not all be read', issues);
  return createSignalSeries(unit, intervals, { locate: (i) => ({ line: lines[i] ?? 0 }), what: 'The CSV series' });
}
