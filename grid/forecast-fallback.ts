/**
 * Completing a forecast that does not cover the whole planning window (it expired, starts later, or has
 * holes), by a named policy, with every filled range reported.
 *
 * A forecast (PV, base load, export price) is a best guess; when it runs out, a plan can still be made
 * from a stated assumption, and the plan names the assumption and where it applies. Policies:
 * - `zero`: the value 0 (PV: no sun assumed, so the plan never counts on generation it was not told
 *   about; export price: no export revenue assumed). This is what a site without the signal gets.
 * - `same-time-nearest-day`: the value at the same instant 1 day earlier, else 1 day later, then 2
 *   days earlier, 2 later, ... up to `maxDayShift` days (a "seasonal naive" load forecast; days are
 *   24 h in UTC, so across a DST change the profile is one hour off for that day). What no shift covers
 *   holds the value of the nearest interval in time (`nearest-value`), so a series shorter than a day
 *   still gives a complete forecast.
 *
 * Pure; works on any series (power, energy per interval or price), since filled intervals keep the
 * length of the intervals they copy.
 */
import type { SeriesInterval, SignalSeries, TimeGap } from './signal-series.ts';
import { createSignalSeries, findGaps } from './signal-series.ts';

export type ForecastFallbackPolicy = 'zero' | 'same-time-nearest-day';

/** One range of the window filled by an assumption instead of the forecast: [startUtcMs, endUtcMs). */
export interface ForecastFill {
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  /** `nearest-value` is the last resort of `same-time-nearest-day`. */
  readonly rule: 'zero' | 'same-time-nearest-day' | 'nearest-value';
}

export interface CompletedForecast {
  /** The series with the fills added: covers [fromUtcMs, toUtcMs) without a gap. */
  readonly series: SignalSeries;
  /** Filled ranges in time order, adjacent ranges of one rule merged; empty when the forecast covered all. */
  readonly fills: readonly ForecastFill[];
}

const DAY_MS = 86_400_000;

/** Parts of `gap` covered by `intervals` shifted by `shiftMs`, as intervals with their copied values. */
function shiftedCover(intervals: readonly SeriesInterval[], shiftMs: number, gap: TimeGap): SeriesInterval[] {
  const out: SeriesInterval[] = [];
  for (const iv of intervals) {
    const startUtcMs = Math.max(iv.startUtcMs + shiftMs, gap.startUtcMs);
    const endUtcMs = Math.min(iv.endUtcMs + shiftMs, gap.endUtcMs);
    if (endUtcMs > startUtcMs) out.push({ startUtcMs, endUtcMs, value: iv.value });
  }
  return out;
}

/** Subtracts the (sorted, disjoint) `covered` intervals from `gap`. */
function remaining(gap: TimeGap, covered: readonly SeriesInterval[]): TimeGap[] {
  const out: TimeGap[] = [];
  let at = gap.startUtcMs;
  for (const c of covered) {
    if (c.startUtcMs > at) out.push({ startUtcMs: at, endUtcMs: c.startUtcMs });
    at = Math.max(at, c.endUtcMs);
  }
  if (at < gap.endUtcMs) out.push({ startUtcMs: at, endUtcMs: gap.endUtcMs });
  return out;
}

/** The value of the interval nearest in time to the gap (the one ending before it wins a tie). */
function nearestValue(intervals: readonly SeriesInterval[], gap: TimeGap): number {
  let best = intervals[0]!;
  let bestDistance = Infinity;
  for (const iv of intervals) {
    const distance = iv.endUtcMs <= gap.startUtcMs ? gap.startUtcMs - iv.endUtcMs : iv.startUtcMs - gap.endUtcMs;
    if (distance < bestDistance) {
      best = iv;
      bestDistance = distance;
    }
  }
  return best.value;
}

function mergeFills(fills: readonly ForecastFill[]): ForecastFill[] {
  const sorted = [...fills].sort((a, b) => a.startUtcMs - b.startUtcMs);
  const out: ForecastFill[] = [];
  for (const f of sorted) {
    const last = out[out.length - 1];
    if (last && last.rule === f.rule && last.endUtcMs === f.startUtcMs) out[out.length - 1] = { ...last, endUtcMs: f.endUtcMs };
    else out.push(f);
  }
  return out;
}

/**
 * `series` completed over [fromUtcMs, toUtcMs) by `policy`. An empty series can only be completed by
 * `zero`; with `same-time-nearest-day` it is filled with zeros too, reported as `zero`.
 */
export function completeForecast(
  series: SignalSeries,
  fromUtcMs: number,
  toUtcMs: number,
  policy: ForecastFallbackPolicy,
  maxDayShift = 7,
): CompletedForecast {
  const gaps = toUtcMs > fromUtcMs ? findGaps(series, fromUtcMs, toUtcMs) : [];
  if (gaps.length === 0) return { series, fills: [] };
  const added: SeriesInterval[] = [];
  const fills: ForecastFill[] = [];
  const fillWith = (gap: TimeGap, value: number, rule: ForecastFill['rule']): void => {
    added.push({ startUtcMs: gap.startUtcMs, endUtcMs: gap.endUtcMs, value });
    fills.push({ startUtcMs: gap.startUtcMs, endUtcMs: gap.endUtcMs, rule });
  };
  for (const gap of gaps) {
    if (policy === 'zero' || series.intervals.length === 0) {
      fillWith(gap, 0, 'zero');
      continue;
    }
    let open: TimeGap[] = [gap];
    for (let k = 1; k <= maxDayShift && open.length > 0; k++) {
      for (const shiftMs of [k * DAY_MS, -k * DAY_MS]) {
        open = open.flatMap((g) => {
          const cover = shiftedCover(series.intervals, shiftMs, g);
          for (const c of cover) {
            added.push(c);
            fills.push({ startUtcMs: c.startUtcMs, endUtcMs: c.endUtcMs, rule: 'same-time-nearest-day' });
          }
          return remaining(g, cover);
        });
      }
    }
    for (const g of open) fillWith(g, nearestValue(series.intervals, g), 'nearest-value');
  }
  const completed = createSignalSeries(series.unit, [...series.intervals, ...added], { what: 'The completed forecast' });
  return { series: completed, fills: mergeFills(fills) };
}
