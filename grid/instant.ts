/**
 * Instants at the edges: RFC 3339 text with a UTC offset in, UTC epoch milliseconds inside.
 *
 * A timestamp without an offset is local time of an unknown zone and is rejected here; local times are
 * accepted only together with an IANA zone (see `local-time.ts`).
 */
import { DateTime } from 'luxon';
import { GridInputError, type GridIssue } from './errors.ts';
import { assertZone } from './zone.ts';

// date T time with optional seconds and fraction, then Z or +hh:mm. Seconds are optional because
// ENTSO-E writes `2025-03-29T23:00Z`; everything else follows RFC 3339 (T, t or a space; Z or z).
const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const naive = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;

/** Outcome of parsing one timestamp: the instant, or a sentence saying why it is not one. */
export type InstantParse = { readonly ok: true; readonly utcMs: number } | { readonly ok: false; readonly message: string };

/**
 * UTC epoch ms of calendar fields (`month` 1-12; fields out of range roll over, as in `Date.UTC`). Unlike
 * `Date.UTC`, years 0-99 are taken as they are: `Date.UTC(50, 0)` is 1950, this gives the year 50.
 */
export function utcMsFromFields(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

/** Days in a month of the proleptic Gregorian calendar (year 0 is a leap year, 1900 is not). */
export function daysInMonth(year: number, month: number): number {
  return new Date(utcMsFromFields(year, month + 1, 0)).getUTCDate();
}

/**
 * Parses RFC 3339 text with a UTC offset (`2025-03-30T01:00:00+01:00`, `2025-03-29T23:00Z`) to UTC epoch ms.
 * Never throws; field ranges are checked (month 1-12, day within the month, hour <= 23, offset <= 23:59).
 */
export function parseRfc3339(text: string): InstantParse {
  const m = rfc3339.exec(text);
  if (!m) {
    if (naive.test(text)) {
      return { ok: false, message: `"${text}" has no UTC offset; give an offset (Z, +01:00) or a local time with a zone` };
    }
    return { ok: false, message: `"${text}" is not an RFC 3339 timestamp with an offset (e.g. 2025-03-30T01:00:00+01:00)` };
  }
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  if (month < 1 || month > 12) return { ok: false, message: `"${text}" has month ${month}, outside 1-12` };
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false, message: `"${text}" has day ${day}, outside its month` };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, message: `"${text}" has a time of day out of range` };
  let offsetMin = 0;
  if (z === undefined) {
    const offH = Number(oh);
    const offM = Number(om);
    if (offH > 23 || offM > 59) return { ok: false, message: `"${text}" has an offset out of range` };
    offsetMin = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  const utcMs = utcMsFromFields(year, month, day, hour, minute, second, ms) - offsetMin * 60_000;
  return { ok: true, utcMs };
}

/** Parses RFC 3339 text or throws `V2G_ERR_TIME_FORMAT` naming `path`. */
export function rfc3339ToUtcMs(text: string, path = ''): number {
  const parsed = parseRfc3339(text);
  if (!parsed.ok) throw new GridInputError('V2G_ERR_TIME_FORMAT', 'A timestamp could not be read', [{ path, message: parsed.message }]);
  return parsed.utcMs;
}

/** Checks that a number is a usable epoch-ms instant (an integer within the range of `Date`). */
export function epochMsIssue(value: number, path: string): GridIssue | undefined {
  if (!Number.isSafeInteger(value) || Math.abs(value) > 8.64e15) {
    return { path, message: `${value} is not an integer epoch-millisecond instant` };
  }
  return undefined;
}

/**
 * Formats a UTC instant as RFC 3339 with the offset that `zone` has at that instant, to the second
 * (milliseconds only when non-zero): `2025-10-26T02:30:00+01:00`.
 */
export function formatInstant(utcMs: number, zone: string): string {
  assertZone(zone);
  const dt = DateTime.fromMillis(utcMs, { zone });
  return dt.toISO({ suppressMilliseconds: true, includeOffset: true }) ?? String(utcMs);
}
