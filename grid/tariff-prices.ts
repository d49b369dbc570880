/**
 * A time-of-use tariff as a price series over a UTC range, DST-safe.
 *
 * The price at an instant is the block price for the local wall-clock time at that instant. The series
 * changes value only where the wall clock crosses a block start or midnight, or jumps (a DST transition).
 * So each block start is mapped to *every* instant the wall clock shows it:
 * - twice on a fall-back day (America/New_York 2025-11-02: a block starting at 01:30 starts at 01:30 EDT and
 *   again at 01:30 EST; the repeated hour is priced by its wall-clock time both times);
 * - never on a spring-forward day if it lies in the gap: then the block starts when the clocks jump
 *   (Europe/Berlin 2025-03-30: a block starting at 02:30 starts at 03:00+02:00).
 */
import { DateTime } from 'luxon';
import { localTimeCandidates, resolveLocalTime } from './local-time.ts';
import { GridInputError } from './errors.ts';
import { createSignalSeries, utcText, type SeriesInterval, type SignalSeries } from './signal-series.ts';
import { requireInstant, scheduleOn, tariffRateAt, type TouTariff } from './tariff.ts';
import { zoneTransitions } from './zone.ts';

const dayMs = 86_400_000;

/** Every instant at which a local wall-clock hour (fractional) of a date is shown, or the gap end. */
function instantsOf(year: number, month: number, day: number, hourOfDay: number, zone: string): number[] {
  const totalSeconds = Math.round(hourOfDay * 3600);
  const local = { year, month, day, hour: Math.floor(totalSeconds / 3600), minute: Math.floor((totalSeconds % 3600) / 60), second: totalSeconds % 60 };
  const c = localTimeCandidates(local, zone);
  if (c.length > 0) return c;
  const r = resolveLocalTime(local, zone, { nonexistent: 'gap-end' });
  return r.ok ? [r.utcMs] : [];
}

/**
 * The tariff's energy price over [fromUtcMs, toUtcMs) as a series in `<currency>/kWh`, with no gaps;
 * adjacent intervals of equal price are merged. Throws `V2G_ERR_TIME_FORMAT` unless from < to are integer
 * epoch ms.
 */
export function tariffPriceSeries(tariff: TouTariff, fromUtcMs: number, toUtcMs: number): SignalSeries {
  requireInstant(fromUtcMs, '/fromUtcMs');
  requireInstant(toUtcMs, '/toUtcMs');
  if (toUtcMs <= fromUtcMs) {
    throw new GridInputError('V2G_ERR_TIME_FORMAT', `The tariff "${tariff.name}" cannot be priced over this range`, [
      { path: '/toUtcMs', message: `${utcText(toUtcMs)} is not after ${utcText(fromUtcMs)}` },
    ]);
  }
  const points = new Set<number>([fromUtcMs, toUtcMs]);
  for (const t of zoneTransitions(fromUtcMs, toUtcMs, tariff.zone)) points.add(t);
  // Local dates from the day before the range to the day after it (offsets are below 1 day).
  const first = DateTime.fromMillis(fromUtcMs - dayMs, { zone: tariff.zone }).startOf('day');
  for (let d = first; d.toMillis() < toUtcMs + dayMs; d = d.plus({ days: 1 })) {
    const schedule = scheduleOn(tariff, { month: d.month, day: d.day }, d.weekday);
    const starts = new Set([0, ...schedule.blocks.map((b) => b.startHour)]);
    for (const h of starts) {
      for (const t of instantsOf(d.year, d.month, d.day, h, tariff.zone)) {
        if (t > fromUtcMs && t < toUtcMs) points.add(t);
      }
    }
  }
  const sorted = [...points].sort((a, b) => a - b);
  const intervals: SeriesInterval[] = [];
  for (let k = 0; k + 1 < sorted.length; k++) {
    const startUtcMs = sorted[k]!;
    const endUtcMs = sorted[k + 1]!;
    const value = tariffRateAt(tariff, startUtcMs).pricePerKwh;
    const last = intervals[intervals.length - 1];
    if (last !== undefined && last.value === value && last.endUtcMs === startUtcMs) {
      intervals[intervals.length - 1] = { ...last, endUtcMs };
    } else {
      intervals.push({ startUtcMs, endUtcMs, value });
    }
  }
  return createSignalSeries(`${tariff.currency}/kWh`, intervals, { what: `The tariff "${tariff.name}"` });
}
