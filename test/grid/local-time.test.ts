import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  localTimeCandidates,
  localToUtcMs,
  parseLocalDateTime,
  resolveLocalTime,
  startOfLocalDayUtcMs,
  type LocalDateTime,
} from '../../grid/local-time.ts';
import { offsetMs, zoneTransitions } from '../../grid/zone.ts';
import { catchGridError } from './catch-grid-error.ts';

function local(text: string): LocalDateTime {
  const r = parseLocalDateTime(text);
  if (!r.ok) throw new Error(r.message);
  return r.local;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

describe('localTimeCandidates: every instant a wall clock shows a local time', () => {
  const cases: [string, string, string, string[]][] = [
    ['Berlin spring forward: 02:30 does not exist', 'Europe/Berlin', '2025-03-30T02:30', []],
    ['Berlin spring forward: 03:00 is the first time after the gap', 'Europe/Berlin', '2025-03-30T03:00', ['2025-03-30T01:00:00Z']],
    ['Berlin fall back: 02:30 happens twice', 'Europe/Berlin', '2025-10-26T02:30', ['2025-10-26T00:30:00Z', '2025-10-26T01:30:00Z']],
    ['Berlin fall back: 03:00 happens once', 'Europe/Berlin', '2025-10-26T03:00', ['2025-10-26T02:00:00Z']],
    ['New York spring forward: 02:30 does not exist', 'America/New_York', '2025-03-09T02:30', []],
    ['New York fall back: 01:30 happens twice', 'America/New_York', '2025-11-02T01:30', ['2025-11-02T05:30:00Z', '2025-11-02T06:30:00Z']],
    ['Sydney DST end: 02:30 happens twice', 'Australia/Sydney', '2026-04-05T02:30', ['2026-04-04T15:30:00Z', '2026-04-04T16:30:00Z']],
    ['Sydney DST start: 02:30 does not exist', 'Australia/Sydney', '2025-10-05T02:30', []],
    ['Lord Howe: a 30-minute gap', 'Australia/Lord_Howe', '2025-10-05T02:15', []],
    ['Santiago: midnight itself is skipped', 'America/Santiago', '2025-09-07T00:00', []],
    ['an ordinary time', 'Europe/Berlin', '2025-06-01T12:00', ['2025-06-01T10:00:00Z']],
  ];
  it.each(cases)('%s', (_name, zone, text, expected) => {
    expect(localTimeCandidates(local(text), zone).map(iso)).toEqual(expected);
  });
});

describe('resolveLocalTime: the stated DST policies', () => {
  const cases: [string, string, string, Parameters<typeof resolveLocalTime>[2], string | 'V2G_ERR_NONEXISTENT_LOCAL_TIME' | 'V2G_ERR_AMBIGUOUS_LOCAL_TIME'][] = [
    ['nonexistent, default policy rejects', 'Europe/Berlin', '2025-03-30T02:30', {}, 'V2G_ERR_NONEXISTENT_LOCAL_TIME'],
    ['nonexistent, gap-end moves to the transition (not 03:30 as luxon does)', 'Europe/Berlin', '2025-03-30T02:30', { nonexistent: 'gap-end' }, '2025-03-30T01:00:00.000Z'],
    ['nonexistent in New York, gap-end', 'America/New_York', '2025-03-09T02:59', { nonexistent: 'gap-end' }, '2025-03-09T07:00:00.000Z'],
    ['Lord Howe 30-minute gap, gap-end', 'Australia/Lord_Howe', '2025-10-05T02:15', { nonexistent: 'gap-end' }, '2025-10-04T15:30:00.000Z'],
    ['ambiguous, default policy rejects', 'Europe/Berlin', '2025-10-26T02:30', {}, 'V2G_ERR_AMBIGUOUS_LOCAL_TIME'],
    ['ambiguous, earlier = summer time', 'Europe/Berlin', '2025-10-26T02:30', { ambiguous: 'earlier' }, '2025-10-26T00:30:00.000Z'],
    ['ambiguous, later = standard time', 'Europe/Berlin', '2025-10-26T02:30', { ambiguous: 'later' }, '2025-10-26T01:30:00.000Z'],
    ['ambiguous in Sydney, later', 'Australia/Sydney', '2026-04-05T02:30', { ambiguous: 'later' }, '2026-04-04T16:30:00.000Z'],
    ['unique times ignore the policy', 'Europe/Berlin', '2025-06-01T12:00', {}, '2025-06-01T10:00:00.000Z'],
  ];
  it.each(cases)('%s', (_name, zone, text, policy, expected) => {
    const r = resolveLocalTime(local(text), zone, policy);
    if (expected.startsWith('V2G_ERR')) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.code).toBe(expected);
        expect(r.message).toContain(text);
      }
    } else {
      expect(r.ok && new Date(r.utcMs).toISOString()).toBe(expected);
    }
  });

  it('localToUtcMs throws the coded error with the path', () => {
    const err = catchGridError(() => localToUtcMs('2025-10-26T02:30', 'Europe/Berlin', {}, '/departure'), 'V2G_ERR_AMBIGUOUS_LOCAL_TIME');
    expect(err.issues[0]).toMatchObject({ path: '/departure' });
    expect(err.issues[0]!.message).toMatch(/occurs twice in Europe\/Berlin/);
    catchGridError(() => localToUtcMs('2025-10-26 25:00', 'Europe/Berlin'), 'V2G_ERR_TIME_FORMAT');
    catchGridError(() => localToUtcMs('2025-10-26T01:00', 'Europe/Nowhere'), 'V2G_ERR_UNKNOWN_ZONE');
  });

  it('reads a year below 100 as that year, not as 19xx', () => {
    expect(new Date(localToUtcMs('0050-06-01T12:00', 'UTC')).toISOString()).toBe('0050-06-01T12:00:00.000Z');
  });
});

describe('day starts and transitions', () => {
  it.each([
    ['Berlin', 'Europe/Berlin', 2025, 3, 30, '2025-03-29T23:00:00.000Z'],
    ['Santiago, where midnight is skipped, starts at 01:00', 'America/Santiago', 2025, 9, 7, '2025-09-07T04:00:00.000Z'],
    ['Sydney', 'Australia/Sydney', 2026, 4, 5, '2026-04-04T13:00:00.000Z'],
  ])('start of the local day in %s', (_name, zone, y, m, d, expected) => {
    expect(new Date(startOfLocalDayUtcMs(y, m, d, zone)).toISOString()).toBe(expected);
  });

  it('finds the two Berlin transitions of 2025', () => {
    const ts = zoneTransitions(Date.parse('2025-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z'), 'Europe/Berlin');
    expect(ts.map((t) => new Date(t).toISOString())).toEqual(['2025-03-30T01:00:00.000Z', '2025-10-26T01:00:00.000Z']);
    expect(zoneTransitions(Date.parse('2025-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z'), 'Asia/Tokyo')).toEqual([]);
  });
});

describe('properties', () => {
  const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'];
  it('every instant is among the candidates of its own wall-clock reading, with its offset', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.parse('2020-01-01T00:00:00Z') / 60_000, max: Date.parse('2035-12-31T00:00:00Z') / 60_000 }), (zone, minute) => {
        const t = minute * 60_000;
        const wall = DateTime.fromMillis(t, { zone });
        const candidates = localTimeCandidates({ year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute }, zone);
        expect(candidates).toContain(t);
        expect(candidates.length).toBeLessThanOrEqual(2);
        for (const c of candidates) expect(offsetMs(c, zone) / 60_000).toBe(DateTime.fromMillis(c, { zone }).offset);
      }),
      { numRuns: 500 },
    );
  });
});
