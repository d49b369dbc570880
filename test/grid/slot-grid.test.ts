import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  alignToSlotStart,
  boundaryAtOrAfter,
  boundaryAtOrBefore,
  createSlotGrid,
  localDaysSlotGrid,
  slotIndexAt,
  slotStartLabels,
  slotStartUtcMs,
} from '../../grid/slot-grid.ts';
import { zoneTransitions } from '../../grid/zone.ts';
import { catchGridError } from './catch-grid-error.ts';

describe('local delivery days: 92, 96 or 100 quarter-hours, computed', () => {
  const cases: [string, string, string, number, string, string][] = [
    ['Berlin spring forward (23 h)', 'Europe/Berlin', '2025-03-30', 92, '2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z'],
    ['Berlin fall back (25 h)', 'Europe/Berlin', '2025-10-26', 100, '2025-10-25T22:00:00.000Z', '2025-10-26T23:00:00.000Z'],
    ['Berlin ordinary summer day', 'Europe/Berlin', '2025-06-01', 96, '2025-05-31T22:00:00.000Z', '2025-06-01T22:00:00.000Z'],
    ['New York spring forward (23 h)', 'America/New_York', '2025-03-09', 92, '2025-03-09T05:00:00.000Z', '2025-03-10T04:00:00.000Z'],
    ['New York fall back (25 h)', 'America/New_York', '2025-11-02', 100, '2025-11-02T04:00:00.000Z', '2025-11-03T05:00:00.000Z'],
    ['Sydney DST end (25 h)', 'Australia/Sydney', '2026-04-05', 100, '2026-04-04T13:00:00.000Z', '2026-04-05T14:00:00.000Z'],
    ['Lord Howe DST end (24.5 h)', 'Australia/Lord_Howe', '2025-04-06', 98, '2025-04-05T13:00:00.000Z', '2025-04-06T13:30:00.000Z'],
    ['Santiago, midnight skipped (23 h)', 'America/Santiago', '2025-09-07', 92, '2025-09-07T04:00:00.000Z', '2025-09-08T03:00:00.000Z'],
    ['Havana, midnight repeated: the day starts at the first one (25 h)', 'America/Havana', '2025-11-02', 100, '2025-11-02T04:00:00.000Z', '2025-11-03T05:00:00.000Z'],
  ];
  it.each(cases)('%s', (_name, zone, day, count, start, end) => {
    const grid = localDaysSlotGrid({ firstDay: day, slotMinutes: 15, zone });
    expect(grid.slotCount).toBe(count);
    expect(new Date(grid.startUtcMs).toISOString()).toBe(start);
    expect(new Date(grid.endUtcMs).toISOString()).toBe(end);
  });

  it('labels the repeated Berlin hour with both offsets', () => {
    const labels = slotStartLabels(localDaysSlotGrid({ firstDay: '2025-10-26', slotMinutes: 15, zone: 'Europe/Berlin' }));
    expect(labels.slice(8, 16)).toEqual([
      '2025-10-26T02:00:00+02:00', '2025-10-26T02:15:00+02:00', '2025-10-26T02:30:00+02:00', '2025-10-26T02:45:00+02:00',
      '2025-10-26T02:00:00+01:00', '2025-10-26T02:15:00+01:00', '2025-10-26T02:30:00+01:00', '2025-10-26T02:45:00+01:00',
    ]);
    expect(labels[99]).toBe('2025-10-26T23:45:00+01:00');
  });

  it('labels the Berlin spring day without the missing hour', () => {
    const labels = slotStartLabels(localDaysSlotGrid({ firstDay: '2025-03-30', slotMinutes: 15, zone: 'Europe/Berlin' }));
    expect(labels.slice(7, 9)).toEqual(['2025-03-30T01:45:00+01:00', '2025-03-30T03:00:00+02:00']);
  });

  it('spans several days and hourly slots', () => {
    const g = localDaysSlotGrid({ firstDay: '2025-10-25', dayCount: 3, slotMinutes: 60, zone: 'Europe/Berlin' });
    expect(g.slotCount).toBe(24 + 25 + 24);
  });

  it.each([
    ['a slot length not dividing a day', { firstDay: '2025-06-01', slotMinutes: 7, zone: 'Europe/Berlin' }, 'V2G_ERR_SLOT_GRID'],
    ['a bad date', { firstDay: '2025-02-30', slotMinutes: 15, zone: 'Europe/Berlin' }, 'V2G_ERR_SLOT_GRID'],
    ['an unknown zone', { firstDay: '2025-06-01', slotMinutes: 15, zone: 'Europe/Atlantis' }, 'V2G_ERR_UNKNOWN_ZONE'],
    ['hourly slots on a 24.5 h day', { firstDay: '2025-04-06', slotMinutes: 60, zone: 'Australia/Lord_Howe' }, 'V2G_ERR_SLOT_GRID'],
    ['a day the calendar skips (Samoa, 2011-12-30)', { firstDay: '2011-12-30', slotMinutes: 15, zone: 'Pacific/Apia' }, 'V2G_ERR_SLOT_GRID'],
  ] as const)('rejects %s', (_name, spec, code) => {
    catchGridError(() => localDaysSlotGrid(spec), code);
  });

  it('names the skipped calendar day itself (not a horizon that "ends at its start")', () => {
    // Samoa moved west of the date line: 2011-12-29 23:59:59 -10:00 was followed by 2011-12-31 00:00 +14:00.
    const error = catchGridError(() => localDaysSlotGrid({ firstDay: '2011-12-30', slotMinutes: 15, zone: 'Pacific/Apia' }), 'V2G_ERR_SLOT_GRID');
    expect(error.issues).toEqual([{ path: '/firstDay', message: '2011-12-30 does not exist in Pacific/Apia: the calendar skips it' }]);
    // The days around it exist and have 24 h each.
    expect(localDaysSlotGrid({ firstDay: '2011-12-29', slotMinutes: 60, zone: 'Pacific/Apia' }).slotCount).toBe(24);
    expect(localDaysSlotGrid({ firstDay: '2011-12-31', slotMinutes: 60, zone: 'Pacific/Apia' }).slotCount).toBe(24);
  });
});

/**
 * Independent oracle of a local day: [start, end) is the stretch from the first instant whose wall clock
 * shows `day` to the first instant showing the next date. (luxon's startOf('day') picks the *later* of two
 * midnights where midnight repeats, as in America/Havana, so it is not used as the oracle.)
 */
function expectIsLocalDay(start: number, end: number, day: string, zone: string): void {
  const date = (ms: number): string => DateTime.fromMillis(ms, { zone }).toISODate()!;
  expect(date(start)).toBe(day);
  expect(date(start - 1) < day).toBe(true);
  expect(date(end - 1)).toBe(day);
  expect(date(end) > day).toBe(true);
}

describe('the tiling property over zones and dates 2020-2035', () => {
  const zones = Intl.supportedValuesOf('timeZone');
  it(`tiles every local day of ${zones.length} IANA zones with no gap and no overlap`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(15, 30),
        (zone, date, slotMinutes) => {
          const day = date.toISOString().slice(0, 10);
          const grid = localDaysSlotGrid({ firstDay: day, slotMinutes, zone });
          expectIsLocalDay(grid.startUtcMs, grid.endUtcMs, day, zone);
          expect(grid.slotCount).toBe((grid.endUtcMs - grid.startUtcMs) / (slotMinutes * 60_000));
          // The next day's grid starts where this one ends: days tile time.
          const nextDay = DateTime.fromISO(day, { zone: 'UTC' }).plus({ days: 1 }).toISODate()!;
          const following = localDaysSlotGrid({ firstDay: nextDay, slotMinutes, zone });
          expect(following.startUtcMs).toBe(grid.endUtcMs);
          // Slots are contiguous, equal, and each instant of the day is in exactly one slot.
          for (let i = 0; i < grid.slotCount; i++) expect(slotStartUtcMs(grid, i + 1) - slotStartUtcMs(grid, i)).toBe(grid.slotMs);
          const probe = grid.startUtcMs + Math.floor((grid.endUtcMs - grid.startUtcMs) * 0.37);
          const i = slotIndexAt(grid, probe)!;
          expect(slotStartUtcMs(grid, i) <= probe && probe < slotStartUtcMs(grid, i + 1)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('the tiling property on DST transition days 2020-2035', () => {
  const dstZones = ['Europe/Berlin', 'Europe/London', 'America/New_York', 'America/Los_Angeles', 'America/Santiago', 'America/Havana', 'Australia/Sydney', 'Australia/Lord_Howe', 'Pacific/Auckland', 'Pacific/Chatham', 'Asia/Jerusalem', 'Africa/Cairo'];
  it('gives day length / slot length slots on every transition day', () => {
    fc.assert(
      fc.property(fc.constantFrom(...dstZones), fc.integer({ min: 2020, max: 2035 }), (zone, year) => {
        const from = Date.UTC(year, 0, 1);
        for (const t of zoneTransitions(from, Date.UTC(year + 1, 0, 1), zone)) {
          const day = DateTime.fromMillis(t, { zone }).toISODate()!;
          const grid = localDaysSlotGrid({ firstDay: day, slotMinutes: 15, zone });
          expectIsLocalDay(grid.startUtcMs, grid.endUtcMs, day, zone);
          expect(grid.slotCount).not.toBe(96);
          expect(grid.startUtcMs <= t && t < grid.endUtcMs).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('slot index arithmetic', () => {
  const grid = createSlotGrid({ start: '2025-10-26T00:00:00+02:00', end: '2025-10-27T00:00:00+01:00', slotMinutes: 15, zone: 'Europe/Berlin' });
  it.each([
    ['exactly on a boundary', '2025-10-26T02:00:00+01:00', 12, 12, 12],
    ['inside a slot', '2025-10-26T02:07:00+01:00', 12, 13, 12],
    ['before the horizon', '2025-10-25T23:00:00+02:00', undefined, -4, -4],
    ['at the horizon end (exclusive)', '2025-10-27T00:00:00+01:00', undefined, 100, 100],
  ])('%s', (_name, at, containing, after, before) => {
    const t = Date.parse(at);
    expect(slotIndexAt(grid, t)).toBe(containing);
    expect(boundaryAtOrAfter(grid, t)).toBe(after);
    expect(boundaryAtOrBefore(grid, t)).toBe(before);
  });

  it.each([
    ['not a whole number of slots', { start: '2025-06-01T00:00:00Z', end: '2025-06-01T00:20:00Z', slotMinutes: 15, zone: 'UTC' }, /0.333.* h long/],
    ['end before start', { start: '2025-06-01T01:00:00Z', end: '2025-06-01T00:00:00Z', slotMinutes: 15, zone: 'UTC' }, /at or before its start/],
  ])('rejects %s', (_name, spec, message) => {
    const err = catchGridError(() => createSlotGrid(spec), 'V2G_ERR_SLOT_GRID');
    expect(err.issues[0]!.message).toMatch(message);
  });
});

describe('alignToSlotStart: floor on the local wall clock', () => {
  it.each([
    ['15 min in Berlin', '2025-10-26T02:07:30+01:00', 15, 'Europe/Berlin', '2025-10-26T01:00:00.000Z'],
    ['60 min in Kolkata falls on local full hours', '2025-06-01T10:10:00+05:30', 60, 'Asia/Kolkata', '2025-06-01T04:30:00.000Z'],
    ['already aligned', '2025-06-01T10:00:00+02:00', 15, 'Europe/Berlin', '2025-06-01T08:00:00.000Z'],
    ['before 1970 is floored too', '1969-12-31T23:59:00Z', 15, 'UTC', '1969-12-31T23:45:00.000Z'],
  ])('%s', (_name, at, minutes, zone, expected) => {
    expect(new Date(alignToSlotStart(Date.parse(at), minutes, zone)).toISOString()).toBe(expected);
  });
});
