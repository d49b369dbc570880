import { describe, expect, it } from 'vitest';
import { convertSeries, createSignalSeries, findGaps } from '../../grid/signal-series.ts';
import { catchGridError } from './catch-grid-error.ts';

const h = (n: number): number => Date.UTC(2025, 0, 1) + n * 3_600_000;

describe('createSignalSeries', () => {
  it('sorts intervals by start', () => {
    const s = createSignalSeries('EUR/MWh', [
      { startUtcMs: h(1), endUtcMs: h(2), value: 2 },
      { startUtcMs: h(0), endUtcMs: h(1), value: 1 },
    ]);
    expect(s.intervals.map((i) => i.value)).toEqual([1, 2]);
  });

  it('lists every overlap, including an interval inside another', () => {
    const err = catchGridError(
      () =>
        createSignalSeries('kW', [
          { startUtcMs: h(0), endUtcMs: h(3), value: 1 },
          { startUtcMs: h(1), endUtcMs: h(2), value: 2 },
          { startUtcMs: h(2), endUtcMs: h(4), value: 3 },
          { startUtcMs: h(5), endUtcMs: h(6), value: 4 },
          { startUtcMs: h(5), endUtcMs: h(6), value: 5 },
        ]),
      'V2G_ERR_SIGNAL_OVERLAP',
    );
    expect(err.issues.map((i) => i.path)).toEqual(['/intervals/1', '/intervals/2', '/intervals/4']);
    expect(err.issues[0]!.message).toContain('overlaps [2025-01-01T00:00:00Z, 2025-01-01T03:00:00Z) at /intervals/0');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('rejects a %s value, never lets it through', (_name, value) => {
    const err = catchGridError(() => createSignalSeries('kW', [{ startUtcMs: h(0), endUtcMs: h(1), value }]), 'V2G_ERR_SIGNAL_VALUE');
    expect(err.issues[0]!.message).toMatch(/not a finite number/);
  });

  it('rejects empty and reversed intervals, all listed', () => {
    const err = catchGridError(
      () =>
        createSignalSeries('kW', [
          { startUtcMs: h(1), endUtcMs: h(1), value: 1 },
          { startUtcMs: h(2), endUtcMs: h(1), value: 1 },
          { startUtcMs: 0.5, endUtcMs: h(1), value: 1 },
        ]),
      'V2G_ERR_SIGNAL_VALUE',
    );
    expect(err.issues).toHaveLength(3);
  });

  it('rejects an unknown unit', () => {
    catchGridError(() => createSignalSeries('EUR/MWH', []), 'V2G_ERR_UNKNOWN_UNIT');
  });

  it('rejects intervals that are not an array, or not objects (hand-built input), with a coded error', () => {
    const notArray = catchGridError(() => createSignalSeries('kW', undefined as never), 'V2G_ERR_SIGNAL_VALUE');
    expect(notArray.issues[0]!.path).toBe('/intervals');
    const notObject = catchGridError(() => createSignalSeries('kW', [null as never, { startUtcMs: h(0), endUtcMs: h(1), value: 1 }]), 'V2G_ERR_SIGNAL_VALUE');
    expect(notObject.issues.map((i) => i.path)).toEqual(['/intervals/0']);
  });
});

describe('findGaps and convertSeries', () => {
  const s = createSignalSeries('EUR/MWh', [
    { startUtcMs: h(0), endUtcMs: h(1), value: 100 },
    { startUtcMs: h(2), endUtcMs: h(3), value: 200 },
  ]);
  it('finds the inner gap, and the edges when bounds are given', () => {
    expect(findGaps(s)).toEqual([{ startUtcMs: h(1), endUtcMs: h(2) }]);
    expect(findGaps(s, h(-1), h(4))).toEqual([
      { startUtcMs: h(-1), endUtcMs: h(0) },
      { startUtcMs: h(1), endUtcMs: h(2) },
      { startUtcMs: h(3), endUtcMs: h(4) },
    ]);
  });
  it('converts EUR/MWh to EUR/kWh', () => {
    expect(convertSeries(s, 'EUR/kWh').intervals.map((i) => i.value)).toEqual([0.1, 0.2]);
  });
});
