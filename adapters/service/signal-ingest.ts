/**
 * Signals into the store: every series is normalised at upload (prices to `<site currency>/kWh`, base
 * load and PV to kW, energy per interval becoming its average power) so stored series of one kind share a
 * unit and lie within the optimizer's magnitude bounds (optimizer/problem.ts `limits`), then merged: a new
 * upload replaces everything in its own span [first start, last end) and keeps the rest. History older than `keepMs` is dropped. Parsing stays in grid/ (csv-series, entsoe-a44,
 * openadr3-event); this file only converts units and merges.
 */
import { GridInputError } from '../../grid/errors.ts';
import { convertSeries, createSignalSeries, type SeriesInterval, type SignalSeries } from '../../grid/signal-series.ts';
import { requireUnit } from '../../grid/units.ts';
import { limits } from '../../optimizer/problem.ts';
import { formatInstant } from '../../grid/instant.ts';
import type { FieldIssue } from '../errors.ts';
import type { SignalKind } from '../store/records.ts';

/** History kept behind now (ms). */
export const signalHistoryMs = 2 * 86_400_000;

/**
 * Why an upload whose every interval ends before `keepFromUtcMs` (older than the history kept) cannot be
 * stored, or undefined when some of it is kept (or it has no interval). Such an upload would be dropped at once by `mergeSeries`;
 * it is refused (422) instead of answered 200 with nothing stored.
 */
export function staleIssue(lastEndUtcMs: number, keepFromUtcMs: number, zone: string, pointer: string): FieldIssue | undefined {
  if (lastEndUtcMs > keepFromUtcMs || !Number.isFinite(lastEndUtcMs)) return undefined;
  return { pointer, detail: `ends at ${formatInstant(lastEndUtcMs, zone)}, before ${formatInstant(keepFromUtcMs, zone)}: older than the ${signalHistoryMs / 3_600_000} h of history kept, so nothing of it would be stored` };
}

/** The end of a series' last interval (UTC ms); -Infinity when it has none. */
export function seriesEndUtcMs(series: SignalSeries): number {
  return series.intervals.reduce((end, iv) => Math.max(end, iv.endUtcMs), -Infinity);
}

/** Most intervals kept per series (the oldest go first). */
export const maxStoredIntervals = 100_000;

export function isPriceKind(kind: SignalKind): boolean {
  return kind === 'import-price' || kind === 'export-price';
}

/** The series in the unit stored for `kind`; throws grid's coded errors (unit, currency, negative power). */
export function normaliseSeries(kind: SignalKind, series: SignalSeries, currency: string): SignalSeries {
  if (isPriceKind(kind)) {
    const out = convertSeries(series, `${currency}/kWh`);
    const max = limits.maxPricePerKwh;
    const bad = out.intervals.flatMap((iv, i) =>
      Math.abs(iv.value) > max ? [{ path: `/intervals/${i}/value`, message: `${iv.value} ${currency}/kWh is outside +-${max} ${currency}/kWh (the optimizer's bound)` }] : [],
    );
    if (bad.length > 0) throw new GridInputError('V2G_ERR_SIGNAL_VALUE', `The ${kind} signal has prices out of range`, bad);
    return out;
  }
  const info = requireUnit(series.unit);
  let out: SignalSeries;
  if (info.quantity === 'power') out = convertSeries(series, 'kW');
  else if (info.quantity === 'energy') {
    out = {
      unit: 'kW',
      intervals: series.intervals.map((iv) => ({ ...iv, value: (iv.value * info.toCanonical) / ((iv.endUtcMs - iv.startUtcMs) / 3_600_000) })),
    };
  } else {
    throw new GridInputError('V2G_ERR_UNIT_MISMATCH', `A ${kind} signal must be a power or an energy per interval`, [
      { path: '/unit', message: `"${series.unit}" is a ${info.quantity}; use kW, W, MW, or kWh per interval` },
    ]);
  }
  // A site meter reads net import: negative while the site exports.
  const floorKw = kind === 'site-meter' ? -limits.maxPowerKw : 0;
  const bad = out.intervals.flatMap((iv, i) =>
    iv.value < floorKw
      ? [{ path: `/intervals/${i}/value`, message: kind === 'site-meter' ? `${iv.value} kW is below -${limits.maxPowerKw} kW (the optimizer's bound)` : `${iv.value} is negative; give load and PV as separate, non-negative series` }]
      : iv.value > limits.maxPowerKw
        ? [{ path: `/intervals/${i}/value`, message: `${iv.value} kW is above ${limits.maxPowerKw} kW (the optimizer's bound)` }]
        : [],
  );
  if (bad.length > 0) throw new GridInputError('V2G_ERR_SIGNAL_VALUE', `The ${kind} signal has values out of range`, bad);
  return out;
}

/** `incoming` over its span, `existing` elsewhere (clipped at the span), history before `keepFromUtcMs` dropped. */
export function mergeSeries(existing: SignalSeries | undefined, incoming: SignalSeries, keepFromUtcMs: number): SignalSeries {
  const first = incoming.intervals[0];
  const last = incoming.intervals[incoming.intervals.length - 1];
  if (!first || !last) return existing ?? incoming;
  const from = first.startUtcMs;
  const to = Math.max(...incoming.intervals.map((iv) => iv.endUtcMs));
  const kept: SeriesInterval[] = [];
  for (const iv of existing?.intervals ?? []) {
    if (iv.endUtcMs <= from || iv.startUtcMs >= to) kept.push(iv);
    else {
      if (iv.startUtcMs < from) kept.push({ ...iv, endUtcMs: from });
      if (iv.endUtcMs > to) kept.push({ ...iv, startUtcMs: to });
    }
  }
  let merged = [...kept, ...incoming.intervals].filter((iv) => iv.endUtcMs > keepFromUtcMs).sort((a, b) => a.startUtcMs - b.startUtcMs);
  if (merged.length > maxStoredIntervals) merged = merged.slice(merged.length - maxStoredIntervals);
  return createSignalSeries(incoming.unit, merged, { what: 'The merged signal' });
}
