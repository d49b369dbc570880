import { describe, expect, it } from 'vitest';
import { createSignalSeries } from '../../grid/signal-series.ts';
import { priceUpdateInstants, pricesKnownUntilUtcMs, visibleSeries } from '../../scenarios/price-visibility.ts';

const dayAhead = { kind: 'day-ahead' as const, publicationLocalTime: '13:00' };
const zone = 'Europe/Brussels';
const hourMs = 3_600_000;
const at = (s: string) => Date.parse(s);

describe('day-ahead price visibility', () => {
  it.each([
    ['before publication: to the end of today', '2023-08-07T12:45:00+02:00', '2023-08-08T00:00:00+02:00'],
    ['at publication: to the end of tomorrow', '2023-08-07T13:00:00+02:00', '2023-08-09T00:00:00+02:00'],
    ['on a 23-hour day', '2023-03-26T14:00:00+02:00', '2023-03-28T00:00:00+02:00'],
  ])('%s', (_name, now, until) => {
    expect(pricesKnownUntilUtcMs(dayAhead, at(now), zone)).toBe(at(until));
  });

  it('knows everything with perfect visibility', () => {
    expect(pricesKnownUntilUtcMs({ kind: 'perfect' }, at('2023-08-07T12:00:00Z'), zone)).toBe(Infinity);
    expect(priceUpdateInstants({ kind: 'perfect' }, 0, 1e12, zone)).toEqual([]);
  });

  it('publishes once a day at the local publication time', () => {
    expect(priceUpdateInstants(dayAhead, at('2023-08-07T00:00:00+02:00'), at('2023-08-09T00:00:00+02:00'), zone)).toEqual([
      at('2023-08-07T13:00:00+02:00'),
      at('2023-08-08T13:00:00+02:00'),
    ]);
  });

  it('plans beyond the known prices with the last known day repeated', () => {
    const start = at('2023-08-07T00:00:00Z');
    const series = createSignalSeries('EUR/MWh', Array.from({ length: 72 }, (_, h) => ({ startUtcMs: start + h * hourMs, endUtcMs: start + (h + 1) * hourMs, value: h })));
    const known = start + 30 * hourMs;
    const seen = visibleSeries(series, known, start + 20 * hourMs, start + 44 * hourMs);
    const valueAt = (h: number) => seen.intervals.find((iv) => iv.startUtcMs <= start + h * hourMs && iv.endUtcMs > start + h * hourMs)!.value;
    expect(valueAt(20)).toBe(20);
    expect(valueAt(29)).toBe(29);
    expect(valueAt(30)).toBe(6); // hour 30 repeats hour 6 (24 h before the end of what is known)
    expect(valueAt(43)).toBe(19);
    expect(createSignalSeries(seen.unit, seen.intervals).intervals.length).toBe(seen.intervals.length); // no overlaps
  });
});
