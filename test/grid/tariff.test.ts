import { describe, expect, it } from 'vitest';
import { tariffDemandCharge } from '../../grid/demand-charge.ts';
import { resampleToGrid } from '../../grid/resample.ts';
import { localDaysSlotGrid } from '../../grid/slot-grid.ts';
import { parseTouTariff, readTouTariff, tariffRateAt, type TouTariff } from '../../grid/tariff.ts';
import { tariffPriceSeries } from '../../grid/tariff-prices.ts';
import { catchGridError } from './catch-grid-error.ts';
import { readRealData, realDataMissingLocally } from './grid-test-data.ts';

const la = { currency: 'USD', zone: 'America/Los_Angeles' } as const;
const sceFile = 'sce_tou_ev_4_march_2019.json';
const pgeFile = 'pge_a10_tou_aug_2019.json';

describe.skipIf(realDataMissingLocally(sceFile))('the real SCE TOU-EV-4 tariff', () => {
  const sce = (): TouTariff => parseTouTariff(readRealData(sceFile), la).tariff;
  // Checked by hand against the JSON: Summer (06-01..09-30) weekday blocks at 0, 8, 12, 18, 23 h.
  it.each([
    ['summer weekday 14:00 (on-peak 12-18)', '2019-07-17T14:00:00-07:00', 0.26668, 'Summer-Weekday'],
    ['summer weekday 07:59 (before 8)', '2019-07-17T07:59:00-07:00', 0.05623, 'Summer-Weekday'],
    ['summer weekday 08:00', '2019-07-17T08:00:00-07:00', 0.0925, 'Summer-Weekday'],
    ['summer weekday 18:00', '2019-07-17T18:00:00-07:00', 0.0925, 'Summer-Weekday'],
    ['summer weekday 23:30', '2019-07-17T23:30:00-07:00', 0.05623, 'Summer-Weekday'],
    ['summer Saturday 14:00', '2019-07-20T14:00:00-07:00', 0.05623, 'Summer-Weekend'],
    ['winter weekday 14:00', '2019-12-11T14:00:00-08:00', 0.0869, 'Winter-Weekday'],
    ['winter Sunday 14:00', '2019-12-15T14:00:00-08:00', 0.06087, 'Winter-Weekend'],
    ['last summer day (Mon 09-30)', '2019-09-30T14:00:00-07:00', 0.26668, 'Summer-Weekday'],
    ['first winter day (Tue 10-01)', '2019-10-01T14:00:00-07:00', 0.0869, 'Winter-Weekday'],
    ['winter season wraps the year end (Fri 05-31)', '2019-05-31T14:00:00-07:00', 0.0869, 'Winter-Weekday'],
  ])('prices a %s', (_name, at, price, schedule) => {
    const r = tariffRateAt(sce(), Date.parse(at));
    expect(r.pricePerKwh).toBe(price);
    expect(r.schedule.id).toBe(schedule);
  });

  it('has a 15.51 USD/kW demand charge over the local calendar month', () => {
    const dc = tariffDemandCharge(sce(), Date.parse('2019-11-15T12:00:00-08:00'));
    expect(dc.pricePerKw).toBe(15.51);
    expect(new Date(dc.billingPeriodStartUtcMs).toISOString()).toBe('2019-11-01T07:00:00.000Z');
    expect(new Date(dc.billingPeriodEndUtcMs).toISOString()).toBe('2019-12-01T08:00:00.000Z');
  });

  it('puts a summer weekday on 96 quarter-hours', () => {
    const grid = localDaysSlotGrid({ firstDay: '2019-07-17', slotMinutes: 15, zone: la.zone });
    const s = tariffPriceSeries(sce(), grid.startUtcMs, grid.endUtcMs);
    const q = resampleToGrid(s, grid, { toUnit: 'USD/kWh' });
    expect(q.slice(31, 33)).toEqual([0.05623, 0.0925]);
    expect(q[14 * 4]).toBe(0.26668);
  });
});

describe.skipIf(realDataMissingLocally(pgeFile))('the real PG&E A-10 tariff', () => {
  it('is ambiguous in winter: rejected by default with the overlap named', () => {
    const err = catchGridError(() => parseTouTariff(readRealData(pgeFile), la), 'V2G_ERR_TARIFF_FORMAT');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]!.message).toMatch(/"Winter-Weekday" .*11-01 to 04-30.* and "Winter-Weekend" .* both apply on Mon, Tue, Wed, Thu, Fri, Sat, Sun/);
    expect(err.message).toMatch(/first-listed-wins/);
  });

  const pge = (): TouTariff => parseTouTariff(readRealData(pgeFile), { ...la, overlapPolicy: 'first-listed-wins' }).tariff;
  it('loads with the named first-listed-wins policy and a warning', () => {
    const load = parseTouTariff(readRealData(pgeFile), { ...la, overlapPolicy: 'first-listed-wins' });
    expect(load.warnings).toHaveLength(1);
    expect(load.warnings[0]!.message).toMatch(/the first listed applies$/);
  });

  // Summer (05-01..10-31) weekday blocks at 0, 8.5, 12, 18, 21.5 h: half hours are honoured.
  it.each([
    ['summer weekday 14:00 (peak)', '2019-08-14T14:00:00-07:00', 0.23223],
    ['summer weekday 08:15 (before 08:30)', '2019-08-14T08:15:00-07:00', 0.14903],
    ['summer weekday 08:30', '2019-08-14T08:30:00-07:00', 0.1771],
    ['summer weekday 21:15', '2019-08-14T21:15:00-07:00', 0.1771],
    ['summer weekday 21:30', '2019-08-14T21:30:00-07:00', 0.14903],
    ['summer Saturday 14:00', '2019-08-17T14:00:00-07:00', 0.14903],
    ['last summer day (Thu 10-31) 14:00', '2019-10-31T14:00:00-07:00', 0.23223],
    ['first winter day (Fri 11-01) 14:00', '2019-11-01T14:00:00-07:00', 0.1477],
    ['winter weekday 22:00', '2019-12-11T22:00:00-08:00', 0.13064],
    ['winter Saturday 10:00 (first listed: "Winter-Weekday", mask ALL)', '2019-12-14T10:00:00-08:00', 0.1477],
  ])('prices a %s', (_name, at, price) => {
    expect(tariffRateAt(pge(), Date.parse(at)).pricePerKwh).toBe(price);
  });

  describe('with the winter weekday masks corrected (PG&E tariff book: winter weekends off-peak all day)', () => {
    const corrected = { 'Winter-Weekday': 'WEEKDAYS', 'Winter-Weekend': 'WEEKENDS' } as const;
    const load = () => parseTouTariff(readRealData(pgeFile), { ...la, dowMaskOverrides: corrected });

    it('loads under the default overlap policy, each correction reported', () => {
      expect(load().warnings.map((w) => [w.path, w.message])).toEqual([
        ['/schedule/2/dow_mask', 'the dow_mask of "Winter-Weekday" is replaced by WEEKDAYS (Mon, Tue, Wed, Thu, Fri)'],
        ['/schedule/3/dow_mask', 'the dow_mask of "Winter-Weekend" is replaced by WEEKENDS (Sat, Sun)'],
      ]);
    });

    // By hand from the JSON: Winter-Weekday blocks 0 / 8.5 / 21.5 h at 0.13064 / 0.1477 / 0.13064; Winter-Weekend flat 0.13064.
    it.each([
      ['winter Wednesday 10:00 (part-peak 08:30-21:30)', '2019-12-11T10:00:00-08:00', 0.1477, 'Winter-Weekday'],
      ['winter Wednesday 08:00 (before 08:30)', '2019-12-11T08:00:00-08:00', 0.13064, 'Winter-Weekday'],
      ['winter Saturday 10:00', '2019-12-14T10:00:00-08:00', 0.13064, 'Winter-Weekend'],
      ['winter Sunday 14:00 (wrapping season, 2020-01-05)', '2020-01-05T14:00:00-08:00', 0.13064, 'Winter-Weekend'],
      ['summer weekday 14:00 is unchanged', '2019-08-14T14:00:00-07:00', 0.23223, 'Summer-Weekday'],
    ])('prices a %s', (_name, at, price, schedule) => {
      const r = tariffRateAt(load().tariff, Date.parse(at));
      expect([r.pricePerKwh, r.schedule.id]).toEqual([price, schedule]);
    });

    it('rejects a correction naming a schedule the file does not have, or a malformed mask', () => {
      const err = catchGridError(
        () => parseTouTariff(readRealData(pgeFile), { ...la, dowMaskOverrides: { 'Winter-Weekdays': 'WEEKDAYS', 'Winter-Weekend': 'SUNDAYS' as 'ALL' } }),
        'V2G_ERR_TARIFF_FORMAT',
      );
      expect(err.issues.map((i) => [i.path, i.message])).toEqual([
        ['/dowMaskOverrides/Winter-Weekdays', expect.stringMatching(/has no schedule "Winter-Weekdays" \(schedules: Summer-Weekday, Summer-Weekend, Winter-Weekday, Winter-Weekend\)/)],
        ['/dowMaskOverrides/Winter-Weekend', expect.stringMatching(/must be WEEKDAYS, WEEKENDS, ALL or 7 booleans/)],
      ]);
    });
  });

  it('averages the 08:30 boundary into an hourly slot and has seasonal demand charges', () => {
    const grid = localDaysSlotGrid({ firstDay: '2019-08-14', slotMinutes: 60, zone: la.zone });
    const hourly = resampleToGrid(tariffPriceSeries(pge(), grid.startUtcMs, grid.endUtcMs), grid, { toUnit: 'USD/kWh' });
    expect(hourly[8]).toBeCloseTo((0.14903 + 0.1771) / 2, 12);
    expect(tariffDemandCharge(pge(), Date.parse('2019-08-14T12:00:00-07:00')).pricePerKw).toBe(19.99);
    expect(tariffDemandCharge(pge(), Date.parse('2019-12-14T12:00:00-08:00')).pricePerKw).toBe(11.66);
  });
});

const allYear = (times: number[], tariffs: number[]) => ({
  name: 'test',
  schedule: [{ id: 'all', effective_start: '01-01', effective_end: '12-31', dow_mask: 'ALL', times, tariffs, demand_charge: 0 }],
});
const iso = (ms: number): string => new Date(ms).toISOString().replace(':00.000Z', 'Z');

describe('tariff prices across DST (wall-clock rule)', () => {
  const ny = readTouTariff(allYear([0, 1.5, 2.5], [1, 2, 3]), { currency: 'USD', zone: 'America/New_York' }).tariff;
  it.each([
    [
      'fall back: the repeated 01:00 hour is priced by its wall clock both times',
      '2025-11-02',
      [['2025-11-02T04:00Z', 1], ['2025-11-02T05:30Z', 2], ['2025-11-02T06:00Z', 1], ['2025-11-02T06:30Z', 2], ['2025-11-02T07:30Z', 3]],
    ],
    [
      'spring forward: the block starting at 02:30 (in the gap) starts when the clocks jump',
      '2025-03-09',
      [['2025-03-09T05:00Z', 1], ['2025-03-09T06:30Z', 2], ['2025-03-09T07:00Z', 3]],
    ],
  ] as const)('%s', (_name, day, expected) => {
    const grid = localDaysSlotGrid({ firstDay: day, slotMinutes: 15, zone: 'America/New_York' });
    const s = tariffPriceSeries(ny, grid.startUtcMs, grid.endUtcMs);
    expect(s.intervals.map((i) => [iso(i.startUtcMs), i.value])).toEqual(expected);
    expect(s.intervals.at(-1)!.endUtcMs).toBe(grid.endUtcMs);
    expect(resampleToGrid(s, grid, { toUnit: 'USD/kWh' })).toHaveLength(grid.slotCount);
  });
});

describe('tariff errors', () => {
  it('lists every rule problem of every schedule', () => {
    const bad = {
      name: 'bad',
      schedule: [
        { id: 'a', effective_start: '13-01', effective_end: '02-30', dow_mask: 'ALL', times: [1, 8, 8], tariffs: [0.1, 0.2], demand_charge: 1 },
      ],
    };
    const err = catchGridError(() => readTouTariff(bad, la), 'V2G_ERR_TARIFF_FORMAT');
    expect(err.issues.map((i) => i.path)).toEqual([
      '/schedule/0/tariffs',
      '/schedule/0/times/0',
      '/schedule/0/times/2',
      '/schedule/0/effective_start',
      '/schedule/0/effective_end',
    ]);
  });

  it('lists schema problems (unknown field, bad mask, negative demand charge)', () => {
    const bad = { name: 'bad', schedule: [{ id: 'a', effective_start: '01-01', effective_end: '12-31', dow_mask: 'MONDAYS', times: [0], tariffs: [0.1], demand_charge: -1, demand_charges: 2 }] };
    const err = catchGridError(() => readTouTariff(bad, la), 'V2G_ERR_TARIFF_FORMAT');
    expect(err.issues.map((i) => i.path).sort()).toEqual(['/schedule/0/demand_charge', '/schedule/0/demand_charges', '/schedule/0/dow_mask']);
  });

  it('lists the days no schedule covers, grouped', () => {
    const summerWeekdays = { name: 'gappy', schedule: [{ id: 's', effective_start: '06-01', effective_end: '09-30', dow_mask: 'WEEKDAYS', times: [0], tariffs: [0.1], demand_charge: 0 }] };
    const err = catchGridError(() => readTouTariff(summerWeekdays, la), 'V2G_ERR_TARIFF_FORMAT');
    expect(err.issues.map((i) => i.message)).toEqual([
      'no schedule applies from 01-01 to 05-31 on Mon, Tue, Wed, Thu, Fri, Sat, Sun',
      'no schedule applies from 06-01 to 09-30 on Sat, Sun',
      'no schedule applies from 10-01 to 12-31 on Mon, Tue, Wed, Thu, Fri, Sat, Sun',
    ]);
  });

  it('rejects a demand charge that changes within a billing month', () => {
    const split = {
      name: 'split',
      schedule: [
        { id: 'early', effective_start: '01-01', effective_end: '06-14', dow_mask: 'ALL', times: [0], tariffs: [0.1], demand_charge: 5 },
        { id: 'late', effective_start: '06-15', effective_end: '12-31', dow_mask: 'ALL', times: [0], tariffs: [0.1], demand_charge: 9 },
      ],
    };
    const t = readTouTariff(split, la).tariff;
    const err = catchGridError(() => tariffDemandCharge(t, Date.parse('2025-06-20T12:00:00-07:00')), 'V2G_ERR_TARIFF_FORMAT');
    expect(err.issues[0]!.message).toMatch(/5 \(early\), 9 \(late\)/);
    expect(tariffDemandCharge(t, Date.parse('2025-07-20T12:00:00-07:00')).pricePerKw).toBe(9);
  });

  it.each([
    ['an unknown zone', { currency: 'USD', zone: 'America/Gotham' }, 'V2G_ERR_UNKNOWN_ZONE'],
    ['a bad currency', { currency: 'usd', zone: 'America/Los_Angeles' }, 'V2G_ERR_TARIFF_FORMAT'],
  ] as const)('rejects %s', (_name, options, code) => {
    catchGridError(() => readTouTariff(allYear([0], [0.1]), options), code);
  });

  it('rejects instants and ranges that are not usable with coded errors, never a crash or a NaN', () => {
    const t = readTouTariff(allYear([0], [0.1]), la).tariff;
    catchGridError(() => tariffRateAt(t, Number.NaN), 'V2G_ERR_TIME_FORMAT');
    catchGridError(() => tariffPriceSeries(t, Number.NaN, 0), 'V2G_ERR_TIME_FORMAT');
    const reversed = catchGridError(() => tariffPriceSeries(t, Date.parse('2025-07-02T00:00:00Z'), Date.parse('2025-07-01T00:00:00Z')), 'V2G_ERR_TIME_FORMAT');
    expect(reversed.issues[0]).toMatchObject({ path: '/toUtcMs', message: '2025-07-01T00:00:00Z is not after 2025-07-02T00:00:00Z' });
    catchGridError(() => tariffDemandCharge(t, Number.NaN), 'V2G_ERR_TIME_FORMAT');
    catchGridError(() => tariffDemandCharge(t, Date.parse('2025-07-02T00:00:00Z'), Number.NaN), 'V2G_ERR_SITE_INPUT');
  });

  it('reports JSON syntax errors at their line and column', () => {
    const err = catchGridError(() => parseTouTariff('{\n  "name": }', la), 'V2G_ERR_TARIFF_FORMAT');
    expect(err.issues[0]).toMatchObject({ line: 2, column: 11 });
    const cut = catchGridError(() => parseTouTariff('{\n  "name": "x",\n  "schedule": [', la), 'V2G_ERR_TARIFF_FORMAT');
    expect(cut.issues[0]).toMatchObject({ line: 3, column: 16, message: expect.stringMatching(/is it truncated/) });
  });
});
