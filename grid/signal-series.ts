/**
 * The one series type of grid/: values over half-open UTC intervals [start, end), with a unit.
 *
 * Prices, loads, PV, energy per interval and limits all use it; parsers (CSV, ENTSO-E, OpenADR, tariffs)
 * produce it and `resample.ts` puts it on a slot grid. A series may have gaps (they are found and reported
 * when the series is resampled), but never overlaps and never a non-finite value.
 */
import { GridInputError, type GridIssue } from './errors.ts';
import { formatInstant } from './instant.ts';
import { conversionFactor, requireUnit } from './units.ts';

/** One value over [startUtcMs, endUtcMs). Instants are integer UTC epoch ms, start < end. */
export interface SeriesInterval {
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  /** In the series' unit; always finite. */
  readonly value: number;
}

/**
 * A signal. Invariants (enforced by `createSignalSeries`): `unit` is in the unit table; intervals are sorted
 * by start, do not overlap and have finite values. For `energy` units the value is the energy delivered over
 * the interval (kWh per interval), for every other unit it holds at each instant of the interval.
 */
export interface SignalSeries {
  readonly unit: string;
  readonly intervals: readonly SeriesInterval[];
}

/** A half-open stretch of time [startUtcMs, endUtcMs) that no interval covers. */
export interface TimeGap {
  readonly startUtcMs: number;
  readonly endUtcMs: number;
}

/** Where interval `index` (in input order) came from, e.g. `{ line: 12 }` or `{ path: '/intervals/3' }`. */
export type IntervalLocator = (index: number) => Omit<GridIssue, 'message'>;

const defaultLocator: IntervalLocator = (i) => ({ path: `/intervals/${i}` });

/** Human form of an instant in messages: RFC 3339 in UTC. */
export function utcText(utcMs: number): string {
  return formatInstant(utcMs, 'UTC');
}

/**
 * Validates and sorts intervals into a series. Throws `V2G_ERR_UNKNOWN_UNIT`, `V2G_ERR_SIGNAL_VALUE`
 * (non-finite value, bad bounds) or `V2G_ERR_SIGNAL_OVERLAP` (each overlapping pair listed).
 */
export function createSignalSeries(
  unit: string,
  intervals: readonly SeriesInterval[],
  options: { readonly locate?: IntervalLocator; readonly what?: string } = {},
): SignalSeries {
  const locate = options.locate ?? defaultLocator;
  const what = options.what ?? 'The signal';
  requireUnit(unit);
  if (!Array.isArray(intervals)) throw new GridInputError('V2G_ERR_SIGNAL_VALUE', `${what} has no intervals`, [{ path: '/intervals', message: 'must be an array of { startUtcMs, endUtcMs, value }' }]);
  const valueIssues: GridIssue[] = [];
  intervals.forEach((iv, i) => {
    if (iv === null || typeof iv !== 'object') {
      valueIssues.push({ ...locate(i), message: 'is not an interval { startUtcMs, endUtcMs, value }' });
      return;
    }
    if (!Number.isSafeInteger(iv.startUtcMs) || !Number.isSafeInteger(iv.endUtcMs)) {
      valueIssues.push({ ...locate(i), message: 'interval bounds must be integer epoch milliseconds' });
    } else if (iv.endUtcMs <= iv.startUtcMs) {
      valueIssues.push({ ...locate(i), message: `interval ends (${utcText(iv.endUtcMs)}) at or before it starts (${utcText(iv.startUtcMs)})` });
    }
    if (typeof iv.value !== 'number' || !Number.isFinite(iv.value)) {
      valueIssues.push({ ...locate(i), message: `value ${String(iv.value)} is not a finite number` });
    }
  });
  if (valueIssues.length > 0) throw new GridInputError('V2G_ERR_SIGNAL_VALUE', `${what} has bad intervals`, valueIssues);

  const order = intervals.map((_, i) => i).sort((a, b) => intervals[a]!.startUtcMs - intervals[b]!.startUtcMs || a - b);
  const overlapIssues: GridIssue[] = [];
  let reach = -1; // index (input order) of the interval reaching furthest so far
  for (const i of order) {
    const iv = intervals[i]!;
    if (reach >= 0) {
      const prev = intervals[reach]!;
      if (iv.startUtcMs < prev.endUtcMs) {
        const prevAt = locate(reach);
        const prevWhere = prevAt.line !== undefined ? `line ${prevAt.line}` : prevAt.path ?? `#${reach}`;
        overlapIssues.push({
          ...locate(i),
          message: `[${utcText(iv.startUtcMs)}, ${utcText(iv.endUtcMs)}) overlaps [${utcText(prev.startUtcMs)}, ${utcText(prev.endUtcMs)}) at ${prevWhere}`,
        });
      }
      if (iv.endUtcMs > prev.endUtcMs) reach = i;
    } else {
      reach = i;
    }
  }
  if (overlapIssues.length > 0) throw new GridInputError('V2G_ERR_SIGNAL_OVERLAP', `${what} has overlapping intervals`, overlapIssues);
  return { unit, intervals: order.map((i) => intervals[i]!) };
}

/**
 * The stretches of [fromUtcMs, toUtcMs) that no interval covers, ascending. Without bounds: only the gaps
 * between the first and the last interval.
 */
export function findGaps(series: SignalSeries, fromUtcMs?: number, toUtcMs?: number): TimeGap[] {
  const ivs = series.intervals;
  const first = ivs[0];
  const last = ivs[ivs.length - 1];
  const from = fromUtcMs ?? first?.startUtcMs ?? 0;
  const to = toUtcMs ?? last?.endUtcMs ?? 0;
  const gaps: TimeGap[] = [];
  let covered = from;
  for (const iv of ivs) {
    if (iv.endUtcMs <= covered) continue;
    if (iv.startUtcMs >= to) break;
    if (iv.startUtcMs > covered) gaps.push({ startUtcMs: covered, endUtcMs: Math.min(iv.startUtcMs, to) });
    covered = Math.max(covered, iv.endUtcMs);
    if (covered >= to) break;
  }
  if (covered < to) gaps.push({ startUtcMs: covered, endUtcMs: to });
  return gaps;
}

/**
 * The same series in another unit of the same quantity (and currency), e.g. EUR/MWh to EUR/kWh or W to kW.
 * Throws `V2G_ERR_UNKNOWN_UNIT` or `V2G_ERR_UNIT_MISMATCH`. Energy to power needs the interval length:
 * see `resampleToGrid`.
 */
export function convertSeries(series: SignalSeries, toUnit: string): SignalSeries {
  const factor = conversionFactor(series.unit, toUnit);
  return { unit: toUnit, intervals: series.intervals.map((iv) => ({ ...iv, value: iv.value * factor })) };
}
