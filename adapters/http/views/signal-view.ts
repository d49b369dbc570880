/** Signals on the wire. */
import type { SignalSeries } from '../../../grid/signal-series.ts';
import type { SignalKind, SiteSignalsRecord } from '../../store/records.ts';
import { wireInstant } from '../wire-time.ts';

export function seriesSummary(kind: SignalKind, s: SignalSeries, zone: string) {
  const first = s.intervals[0];
  const last = s.intervals[s.intervals.length - 1];
  return {
    kind,
    unit: s.unit,
    intervals: s.intervals.length,
    ...(first ? { from: wireInstant(first.startUtcMs, zone) } : {}),
    ...(last ? { to: wireInstant(last.endUtcMs, zone) } : {}),
  };
}

export function signalsOverview(signals: SiteSignalsRecord, zone: string) {
  return {
    series: (Object.entries(signals.series) as [SignalKind, SignalSeries][]).map(([kind, s]) => seriesSummary(kind, s, zone)),
    capacityLimits: signals.capacityLimits.map((l) => ({
      origin: l.origin,
      source: l.source,
      direction: l.direction,
      start: wireInstant(l.startUtcMs, zone),
      end: wireInstant(l.endUtcMs, zone),
      limitKw: l.limitKw,
    })),
    ...(signals.updatedAtUtcMs !== undefined ? { updatedAt: wireInstant(signals.updatedAtUtcMs, zone) } : {}),
  };
}

export function seriesView(kind: SignalKind, s: SignalSeries, zone: string) {
  return {
    kind,
    unit: s.unit,
    intervals: s.intervals.map((iv) => ({ start: wireInstant(iv.startUtcMs, zone), end: wireInstant(iv.endUtcMs, zone), value: iv.value })),
  };
}
