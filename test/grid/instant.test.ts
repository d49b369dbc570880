import { describe, expect, it } from 'vitest';
import { formatInstant, parseRfc3339, rfc3339ToUtcMs } from '../../grid/instant.ts';
import { toUtcMs } from '../../grid/instant-input.ts';
import { catchGridError } from './catch-grid-error.ts';

describe('parseRfc3339', () => {
  const valid: [string, string, string][] = [
    ['UTC with Z', '2025-03-30T01:00:00Z', '2025-03-30T01:00:00.000Z'],
    ['positive offset', '2025-03-30T03:00:00+02:00', '2025-03-30T01:00:00.000Z'],
    ['negative offset', '2025-11-02T01:30:00-05:00', '2025-11-02T06:30:00.000Z'],
    ['minutes only, as ENTSO-E writes it', '2025-03-29T23:00Z', '2025-03-29T23:00:00.000Z'],
    ['fractional seconds', '2025-01-01T00:00:00.250+00:00', '2025-01-01T00:00:00.250Z'],
    ['lower-case t and z', '2025-01-01t12:00:00z', '2025-01-01T12:00:00.000Z'],
    ['space separator', '2025-01-01 12:00:00+01:00', '2025-01-01T11:00:00.000Z'],
    ['quarter-hour offset (Nepal)', '2025-01-01T05:45:00+05:45', '2025-01-01T00:00:00.000Z'],
    ['leap day', '2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['a year below 100 as that year (Date.UTC would make it 1950)', '0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
    ['the leap day of year 0 (1900 has none)', '0000-02-29T00:00:00Z', '0000-02-29T00:00:00.000Z'],
  ];
  it.each(valid)('reads %s', (_name, text, iso) => {
    const r = parseRfc3339(text);
    expect(r.ok).toBe(true);
    if (r.ok) expect(new Date(r.utcMs).toISOString()).toBe(iso);
  });

  const invalid: [string, string, RegExp][] = [
    ['naive local time', '2025-03-30T02:30:00', /no UTC offset/],
    ['naive date only', '2025-03-30', /no UTC offset/],
    ['month 13', '2025-13-01T00:00:00Z', /month 13/],
    ['February 30', '2025-02-30T00:00:00Z', /day 30/],
    ['February 29 of 1900 (not a leap year)', '1900-02-29T00:00:00Z', /day 29/],
    ['hour 24', '2025-01-01T24:00:00Z', /out of range/],
    ['offset +25:00', '2025-01-01T00:00:00+25:00', /offset out of range/],
    ['garbage', 'yesterday', /not an RFC 3339/],
    ['offset without colon', '2025-01-01T00:00:00+0100', /not an RFC 3339/],
  ];
  it.each(invalid)('rejects %s with a sentence', (_name, text, message) => {
    const r = parseRfc3339(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('throws V2G_ERR_TIME_FORMAT with the path', () => {
    const err = catchGridError(() => rfc3339ToUtcMs('2025-03-30T02:30', '/start'), 'V2G_ERR_TIME_FORMAT');
    expect(err.issues[0]!.path).toBe('/start');
  });
});

describe('formatInstant', () => {
  it.each([
    ['Berlin before fall back (CEST)', '2025-10-26T00:30:00Z', 'Europe/Berlin', '2025-10-26T02:30:00+02:00'],
    ['Berlin after fall back (CET), same wall clock', '2025-10-26T01:30:00Z', 'Europe/Berlin', '2025-10-26T02:30:00+01:00'],
    ['New York after spring forward', '2025-03-09T07:00:00Z', 'America/New_York', '2025-03-09T03:00:00-04:00'],
    ['UTC', '2025-01-01T00:00:00Z', 'UTC', '2025-01-01T00:00:00Z'],
  ])('%s', (_name, iso, zone, expected) => {
    expect(formatInstant(Date.parse(iso), zone)).toBe(expected);
  });
});

describe('toUtcMs (instant inputs)', () => {
  it.each([
    ['epoch ms', 1_743_296_400_000, '2025-03-30T01:00:00.000Z'],
    ['RFC 3339 text', '2025-03-30T03:00:00+02:00', '2025-03-30T01:00:00.000Z'],
    ['local time with its zone', { localTime: '2025-03-30T03:00', zone: 'Europe/Berlin' }, '2025-03-30T01:00:00.000Z'],
  ] as const)('accepts %s', (_name, input, iso) => {
    expect(new Date(toUtcMs(input)).toISOString()).toBe(iso);
  });

  it.each([
    ['a fractional epoch', 1.5, 'V2G_ERR_TIME_FORMAT'],
    ['a local time in an unknown zone', { localTime: '2025-03-30T03:00', zone: 'Mars/Olympus' }, 'V2G_ERR_UNKNOWN_ZONE'],
    ['a nonexistent local time', { localTime: '2025-03-30T02:30', zone: 'Europe/Berlin' }, 'V2G_ERR_NONEXISTENT_LOCAL_TIME'],
    ['an ambiguous local time', { localTime: '2025-10-26T02:30', zone: 'Europe/Berlin' }, 'V2G_ERR_AMBIGUOUS_LOCAL_TIME'],
  ] as const)('rejects %s', (_name, input, code) => {
    catchGridError(() => toUtcMs(input, '/t'), code);
  });
});
