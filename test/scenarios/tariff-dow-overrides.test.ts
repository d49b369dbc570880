/** A scenario can correct a tariff file's weekday masks (PG&E A-10 marks both winter schedules "all days"). */
import { describe, expect, it } from 'vitest';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import type { SignalSeries } from '../../grid/signal-series.ts';
import { readRealData, realDataMissingLocally } from '../grid/grid-test-data.ts';
import { demoScenario } from './scenario-test-helpers.ts';

const pge = 'pge_a10_tou_aug_2019.json';

function priceAt(series: SignalSeries, iso: string): number | undefined {
  const t = Date.parse(iso);
  return series.intervals.find((iv) => iv.startUtcMs <= t && t < iv.endUtcMs)?.value;
}

function winterWeek(dowMaskOverrides?: Record<string, 'WEEKDAYS' | 'WEEKENDS' | 'ALL'>) {
  const scenario = demoScenario({
    site: { zone: 'America/Los_Angeles', currency: 'USD' },
    period: { start: '2019-12-09T00:00:00-08:00', end: '2019-12-16T00:00:00-08:00' },
    data: {
      prices: { kind: 'tou-tariff', path: pge, overlapPolicy: 'first-listed-wins', useDemandCharge: false, ...(dowMaskOverrides ? { dowMaskOverrides } : {}) },
    },
  } as never);
  return loadReplayInputs(scenario, new Map([[pge, readRealData(pge)]]));
}

describe.skipIf(realDataMissingLocally(pge))('scenario tariff dowMaskOverrides (real PG&E A-10)', () => {
  it('without overrides the first-listed winter weekday schedule also prices weekends; with them, weekends are flat', () => {
    const plain = winterWeek().marketPrice;
    const fixed = winterWeek({ 'Winter-Weekday': 'WEEKDAYS', 'Winter-Weekend': 'WEEKENDS' }).marketPrice;
    // Saturday 14 December 2019, 10:00 local: part-peak under the file's masks, off-peak once corrected.
    expect(priceAt(plain, '2019-12-14T10:00:00-08:00')).toBeCloseTo(0.1477, 6);
    expect(priceAt(fixed, '2019-12-14T10:00:00-08:00')).toBeCloseTo(0.13064, 6);
    // Wednesday 11 December 2019, 10:00 local: part-peak either way.
    expect(priceAt(plain, '2019-12-11T10:00:00-08:00')).toBeCloseTo(0.1477, 6);
    expect(priceAt(fixed, '2019-12-11T10:00:00-08:00')).toBeCloseTo(0.1477, 6);
  });

  it('an override naming a schedule the file does not have is refused with its field', () => {
    expect(() => winterWeek({ 'Winter-Weekdays': 'WEEKDAYS' })).toThrow(/dowMaskOverrides/);
  });
});
