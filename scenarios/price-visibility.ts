/**
 * What the controller knows of future prices at a decision instant.
 *
 * - `perfect`: every price of the horizon (right for a published TOU tariff).
 * - `day-ahead`: the day-ahead auction for local day D+1 is published at `publicationLocalTime` on day D
 *   (13:00 in Belgium's EPEX/ENTSO-E routine); before it, prices are known to the end of day D, after it to
 *   the end of D+1. Beyond that the controller plans with a persistence forecast: the last known day's
 *   prices repeated every 24 h (stated in scenarios/README.md). The publication is a decision trigger.
 * KPIs are always computed with the actual prices.
 */
import { DateTime } from 'luxon';
import { resolveLocalTime } from '../grid/local-time.ts';
import type { SeriesInterval, SignalSeries } from '../grid/signal-series.ts';
import type { ScenarioData } from './scenario-schema.ts';

/** `perfect`, or `day-ahead` with the local publication time (`HH:MM`). */
export type PriceVisibility = NonNullable<ScenarioData['priceVisibility']>;

const dayMs = 86_400_000;

function localInstant(d: DateTime, hour: number, minute: number, zone: string): number {
  const r = resolveLocalTime({ year: d.year, month: d.month, day: d.day, hour, minute }, zone, { nonexistent: 'gap-end', ambiguous: 'earlier' });
  if (!r.ok) throw new Error(`unreachable: ${r.message}`);
  return r.utcMs;
}

function publicationTime(v: PriceVisibility): { hour: number; minute: number } {
  if (v.kind !== 'day-ahead') return { hour: 0, minute: 0 };
  const [h, m] = v.publicationLocalTime.split(':').map(Number) as [number, number];
  return { hour: h, minute: m };
}

/** The instant (UTC ms, exclusive) up to which prices are known at `atUtcMs`; `Infinity` for `perfect`. */
export function pricesKnownUntilUtcMs(v: PriceVisibility, atUtcMs: number, zone: string): number {
  if (v.kind === 'perfect') return Infinity;
  const { hour, minute } = publicationTime(v);
  const today = DateTime.fromMillis(atUtcMs, { zone }).startOf('day');
  const published = atUtcMs >= localInstant(today, hour, minute, zone);
  return localInstant(today.plus({ days: published ? 2 : 1 }), 0, 0, zone);
}

/** Publication instants in [fromUtcMs, toUtcMs) (none for `perfect`). */
export function priceUpdateInstants(v: PriceVisibility, fromUtcMs: number, toUtcMs: number, zone: string): number[] {
  if (v.kind === 'perfect') return [];
  const { hour, minute } = publicationTime(v);
  const out: number[] = [];
  for (let d = DateTime.fromMillis(fromUtcMs, { zone }).startOf('day'); d.toMillis() < toUtcMs; d = d.plus({ days: 1 })) {
    const t = localInstant(d, hour, minute, zone);
    if (t >= fromUtcMs && t < toUtcMs) out.push(t);
  }
  return out;
}

/**
 * The series as the controller sees it over [fromUtcMs, toUtcMs): actual values before `knownUntilUtcMs`,
 * then the 24 h before `knownUntilUtcMs` repeated.
 */
export function visibleSeries(series: SignalSeries, knownUntilUtcMs: number, fromUtcMs: number, toUtcMs: number): SignalSeries {
  const known: SeriesInterval[] = [];
  for (const iv of series.intervals) {
    if (iv.endUtcMs <= fromUtcMs || iv.startUtcMs >= Math.min(toUtcMs, knownUntilUtcMs)) continue;
    known.push(iv.endUtcMs > knownUntilUtcMs ? { ...iv, endUtcMs: knownUntilUtcMs } : iv);
  }
  if (knownUntilUtcMs >= toUtcMs) return { unit: series.unit, intervals: known };
  const lastDay = series.intervals
    .filter((iv) => iv.endUtcMs > knownUntilUtcMs - dayMs && iv.startUtcMs < knownUntilUtcMs)
    .map((iv) => ({
      startUtcMs: Math.max(iv.startUtcMs, knownUntilUtcMs - dayMs),
      endUtcMs: Math.min(iv.endUtcMs, knownUntilUtcMs),
      value: iv.value,
    }));
  const forecast: SeriesInterval[] = [];
  for (let n = 1; knownUntilUtcMs + (n - 1) * dayMs < toUtcMs; n++) {
    for (const iv of lastDay) {
      const shifted = { startUtcMs: iv.startUtcMs + n * dayMs, endUtcMs: iv.endUtcMs + n * dayMs, value: iv.value };
      if (shifted.startUtcMs < toUtcMs) forecast.push(shifted);
    }
  }
  return { unit: series.unit, intervals: [...known, ...forecast] };
}
