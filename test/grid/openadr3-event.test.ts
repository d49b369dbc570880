import { describe, expect, it } from 'vitest';
import { parseOpenAdr3Event, readOpenAdr3Event } from '../../grid/openadr3-event.ts';
import { resampleToGrid } from '../../grid/resample.ts';
import { findGaps } from '../../grid/signal-series.ts';
import { localDaysSlotGrid } from '../../grid/slot-grid.ts';
import { catchGridError } from './catch-grid-error.ts';
import { fixture } from './grid-test-data.ts';

describe('OpenADR 3 price events (continuous intervals)', () => {
  it.each([
    ['the 25-hour Berlin day 2025-10-26', 'openadr3-price-event-2025-10-26-berlin.json', '2025-10-26', 25, 100, '2025-10-26T23:00:00.000Z'],
    ['the 23-hour Berlin day 2025-03-30', 'openadr3-price-event-2025-03-30-berlin.json', '2025-03-30', 23, 92, '2025-03-30T22:00:00.000Z'],
  ])('reads %s: hourly PRICE and EXPORT_PRICE covering the local day', (_name, file, day, hours, slots, end) => {
    const e = parseOpenAdr3Event(fixture(file));
    expect(e.programId).toBe('dynamic-tariff-de');
    expect(e.unsupported).toEqual([]);
    expect(e.capacityLimits).toEqual([]);
    expect(e.importPrice!.unit).toBe('EUR/kWh');
    expect(e.importPrice!.intervals).toHaveLength(hours);
    expect(findGaps(e.importPrice!)).toEqual([]);
    expect(new Date(e.importPrice!.intervals.at(-1)!.endUtcMs).toISOString()).toBe(end);
    const grid = localDaysSlotGrid({ firstDay: day, slotMinutes: 15, zone: 'Europe/Berlin' });
    const prices = resampleToGrid(e.importPrice!, grid, { toUnit: 'EUR/kWh' });
    const exportPrices = resampleToGrid(e.exportPrice!, grid, { toUnit: 'EUR/kWh' });
    expect(prices).toHaveLength(slots);
    expect(exportPrices).toHaveLength(slots);
    // Interval i has price 0.20 + i/100; the fourth hour starts at slot 12.
    expect(prices.slice(11, 13)).toEqual([0.22, 0.23]);
  });
});

describe('OpenADR 3 capacity events (separated intervals)', () => {
  const e = parseOpenAdr3Event(fixture('openadr3-capacity-event.json'));

  it('turns IMPORT_/EXPORT_CAPACITY_LIMIT into kW limits with their source', () => {
    expect(e.eventId).toBe('gac-17');
    expect(e.priority).toBe(1);
    expect(e.importPrice).toBeUndefined();
    expect(e.capacityLimits).toEqual([
      { source: 'openadr3:gac-17/interval 0', direction: 'import', startUtcMs: Date.parse('2025-10-26T16:00:00Z'), endUtcMs: Date.parse('2025-10-26T18:00:00Z'), limitKw: 40 },
      { source: 'openadr3:gac-17/interval 1', direction: 'import', startUtcMs: Date.parse('2025-10-26T18:00:00Z'), endUtcMs: Date.parse('2025-10-26T18:30:00Z'), limitKw: 60 },
      { source: 'openadr3:gac-17/interval 2', direction: 'export', startUtcMs: Date.parse('2025-10-26T01:15:00Z'), endUtcMs: Date.parse('2025-10-26T02:00:00Z'), limitKw: 0 },
    ]);
  });

  it('reports the unsupported SIMPLE payload instead of ignoring it', () => {
    expect(e.unsupported).toEqual([{ path: '/intervals/0/payloads/1/type', message: expect.stringMatching(/SIMPLE is not supported/) }]);
    const err = catchGridError(() => parseOpenAdr3Event(fixture('openadr3-capacity-event.json'), { onUnsupported: 'error' }), 'V2G_ERR_OPENADR_UNSUPPORTED_PAYLOAD');
    expect(err.issues[0]!.path).toBe('/intervals/0/payloads/1/type');
  });
});

const base = {
  programID: 'p1',
  payloadDescriptors: [{ payloadType: 'PRICE', units: 'KWH', currency: 'EUR' }],
  intervalPeriod: { start: '2025-06-01T00:00:00Z', duration: 'PT1H' },
  intervals: [{ id: 0, payloads: [{ type: 'PRICE', values: [0.3] }] }],
};

describe('OpenADR 3 rules and errors', () => {
  it('uses an interval period over the event one, and the event duration when the interval has none', () => {
    const e = readOpenAdr3Event({
      ...base,
      intervals: [
        { id: 7, payloads: [{ type: 'PRICE', values: [1] }] },
        { id: 3, intervalPeriod: { start: '2025-06-01T05:00:00Z' }, payloads: [{ type: 'PRICE', values: [2] }] },
        { id: 1, payloads: [{ type: 'PRICE', values: [3] }] },
      ],
    });
    expect(e.importPrice!.intervals.map((i) => [new Date(i.startUtcMs).toISOString().slice(11, 16), (i.endUtcMs - i.startUtcMs) / 60_000, i.value])).toEqual([
      ['00:00', 60, 1],
      ['01:00', 60, 3],
      ['05:00', 60, 2],
    ]);
  });

  it('takes units from the program when the event has none, and converts MWh prices', () => {
    const e = readOpenAdr3Event({ ...base, payloadDescriptors: null }, { programDescriptors: [{ payloadType: 'PRICE', units: 'MWH', currency: 'USD' }] });
    expect(e.importPrice!.unit).toBe('USD/MWh');
  });

  it('ends open-ended (PT0S) intervals where the caller says', () => {
    const event = { ...base, intervalPeriod: { start: '2025-06-01T00:00:00Z', duration: 'PT0S' } };
    catchGridError(() => readOpenAdr3Event(event), 'V2G_ERR_OPENADR_FORMAT');
    const e = readOpenAdr3Event(event, { openEndedUntilUtcMs: Date.parse('2025-06-02T00:00:00Z') });
    expect(e.importPrice!.intervals[0]!.endUtcMs - e.importPrice!.intervals[0]!.startUtcMs).toBe(86_400_000);
  });

  const bad: [string, unknown, string, { path?: string; line?: number; message: RegExp }[]][] = [
    [
      'schema problems, all listed with JSON Pointers',
      { intervals: [{ id: 'x', payloads: [{ values: [1] }] }], priority: -1 },
      'V2G_ERR_OPENADR_FORMAT',
      [
        { path: '/', message: /programID/ },
        { path: '/priority', message: /.+/ },
        { path: '/intervals/0/id', message: /integer/ },
        { path: '/intervals/0/payloads/0', message: /type/ },
      ],
    ],
    [
      'bad times and values',
      {
        ...base,
        intervalPeriod: { start: '2025-06-01T00:00:00', duration: 'P1M' },
        intervals: [{ id: 0, payloads: [{ type: 'PRICE', values: [1, 2] }] }, { id: 1, intervalPeriod: { start: '2025-06-01T00:00:00Z', duration: 'PT1H' }, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: ['high'] }] }],
      },
      'V2G_ERR_OPENADR_FORMAT',
      [
        { path: '/intervalPeriod/start', message: /no UTC offset/ },
        { path: '/intervalPeriod/duration', message: /no fixed length/ },
        { path: '/intervals/1/payloads/0/values', message: /exactly one finite number/ },
      ],
    ],
    ['no period anywhere', { programID: 'p', intervals: [{ id: 0, payloads: [] }] }, 'V2G_ERR_OPENADR_FORMAT', [{ path: '/intervals/0', message: /no intervalPeriod/ }]],
    ['a price without currency', { ...base, payloadDescriptors: [{ payloadType: 'PRICE', units: 'KWH' }] }, 'V2G_ERR_UNKNOWN_UNIT', [{ path: '/payloadDescriptors', message: /ISO 4217 currency/ }]],
    [
      'a capacity limit in KVA',
      { ...base, payloadDescriptors: [{ payloadType: 'IMPORT_CAPACITY_LIMIT', units: 'KVA' }], intervals: [{ id: 0, payloads: [{ type: 'IMPORT_CAPACITY_LIMIT', values: [10] }] }] },
      'V2G_ERR_UNKNOWN_UNIT',
      [{ path: '/payloadDescriptors', message: /units KW \(found units KVA\)/ }],
    ],
    [
      'overlapping price intervals',
      { ...base, intervals: [{ id: 0, payloads: [{ type: 'PRICE', values: [1] }] }, { id: 1, intervalPeriod: { start: '2025-06-01T00:30:00Z' }, payloads: [{ type: 'PRICE', values: [2] }] }] },
      'V2G_ERR_SIGNAL_OVERLAP',
      [{ path: '/intervals/1/payloads/0', message: /overlaps/ }],
    ],
  ];
  it.each(bad)('rejects %s', (_name, value, code, expected) => {
    const err = catchGridError(() => readOpenAdr3Event(value), code as never);
    expect(err.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual(expected.map((e) => ({ path: e.path, message: expect.stringMatching(e.message) })));
  });

  it('treats the specification\'s infinite duration P9999Y as open-ended, like PT0S', () => {
    const event = {
      ...base,
      payloadDescriptors: [{ payloadType: 'EXPORT_CAPACITY_LIMIT', units: 'KW' }],
      intervalPeriod: { start: '2025-06-01T00:00:00Z', duration: 'P9999Y' },
      intervals: [{ id: 0, payloads: [{ type: 'EXPORT_CAPACITY_LIMIT', values: [0] }] }],
    };
    const err = catchGridError(() => readOpenAdr3Event(event), 'V2G_ERR_OPENADR_FORMAT');
    expect(err.issues[0]).toMatchObject({ path: '/intervals/0', message: expect.stringMatching(/open-ended \(duration PT0S or P9999Y\)/) });
    const e = readOpenAdr3Event(event, { openEndedUntilUtcMs: Date.parse('2025-06-03T00:00:00Z') });
    expect(e.capacityLimits.map((l) => [l.direction, l.endUtcMs - l.startUtcMs, l.limitKw])).toEqual([['export', 2 * 86_400_000, 0]]);
  });

  it.each([
    ['a start of 0001-01-01 ("now" in the specification: no clock here)', { ...base, intervalPeriod: { start: '0001-01-01T00:00:00Z', duration: 'PT1H' } }, {}, '/intervalPeriod/start', /means "now"/],
    ['a malformed randomizeStart', { ...base, intervalPeriod: { ...base.intervalPeriod, randomizeStart: 'soon' } }, {}, '/intervalPeriod/randomizeStart', /not an ISO 8601 duration/],
    ['a duration past the range of dates', { ...base, intervalPeriod: { ...base.intervalPeriod, duration: 'P99999999999999D' } }, {}, '/intervalPeriod/duration', /longer than the range of dates/],
    ['an open end that is not an instant', { ...base, intervalPeriod: { start: '2025-06-01T00:00:00Z' } }, { openEndedUntilUtcMs: Number.NaN }, '/intervals/0', /\(got NaN\)/],
  ] as const)('rejects %s', (_name, value, options, path, message) => {
    const err = catchGridError(() => readOpenAdr3Event(value, options), 'V2G_ERR_OPENADR_FORMAT');
    expect(err.issues).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('reports a truncated event where it ends', () => {
    const text = fixture('openadr3-capacity-event.json');
    const cut = text.slice(0, text.indexOf('"intervals"') + 20);
    const err = catchGridError(() => parseOpenAdr3Event(cut), 'V2G_ERR_OPENADR_FORMAT');
    const lines = cut.trimEnd().split('\n');
    expect(err.issues[0]).toMatchObject({ line: lines.length, column: lines.at(-1)!.length + 1, message: expect.stringMatching(/is it truncated/) });
  });

  it('reports invalid JSON with line and column', () => {
    const err = catchGridError(() => parseOpenAdr3Event('{\n  "programID": "p",\n  "intervals": [,]\n}'), 'V2G_ERR_OPENADR_FORMAT');
    expect(err.issues[0]).toMatchObject({ line: 3, column: 17 }); // the comma in [,]
  });
});
