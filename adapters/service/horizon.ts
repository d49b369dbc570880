/**
 * The planning horizon of a re-plan: from "now" floored to a slot boundary, for the configured hours, but
 * never past what the site's signals cover without a gap (a plan over slots without a price would be a
 * guess). The series that cuts it short is named, so the plan can say why it ends where it does.
 */
import { findGaps, type SignalSeries } from '../../grid/signal-series.ts';
import type { HorizonLimit, SignalKind } from '../store/records.ts';

/** End of the gap-free coverage of `series` from `fromUtcMs` (at most `toUtcMs`); `fromUtcMs` = none. */
export function coverageEndUtcMs(series: SignalSeries, fromUtcMs: number, toUtcMs: number): number {
  const gaps = findGaps(series, fromUtcMs, toUtcMs);
  return gaps.length > 0 ? gaps[0]!.startUtcMs : toUtcMs;
}

export interface Horizon {
  readonly startUtcMs: number;
  /** A whole number of slots after the start; equal to the start when nothing is covered. */
  readonly endUtcMs: number;
  readonly limitedBy: HorizonLimit;
}

/**
 * The horizon over `[startUtcMs, startUtcMs + horizonHours)` cut to the coverage of every series given
 * (in order; the first that ends earliest is named) and floored to a whole slot.
 */
export function planningHorizon(
  startUtcMs: number,
  horizonHours: number,
  slotMs: number,
  series: readonly (readonly [SignalKind, SignalSeries])[],
): Horizon {
  let endUtcMs = startUtcMs + horizonHours * 3_600_000;
  let limitedBy: HorizonLimit = 'configured-horizon';
  for (const [kind, s] of series) {
    const end = coverageEndUtcMs(s, startUtcMs, endUtcMs);
    if (end < endUtcMs) {
      endUtcMs = end;
      limitedBy = kind;
    }
  }
  const slots = Math.max(0, Math.floor((endUtcMs - startUtcMs) / slotMs));
  return { startUtcMs, endUtcMs: startUtcMs + slots * slotMs, limitedBy };
}
