/**
 * Local wall-clock times in an IANA zone, with DST detected instead of silently shifted.
 *
 * A local time maps to 0, 1 or 2 instants:
 * - 0 = nonexistent (spring forward: Europe/Berlin 2025-03-30 02:30 never happens);
 * - 2 = ambiguous (fall back: Europe/Berlin 2025-10-26 02:30 happens at +02:00 and again at +01:00).
 * luxon resolves both silently (02:30 becomes 03:30+02:00; the ambiguous one becomes the *later* +01:00),
 * so the candidates are computed here by round trip through the zone's offsets, and a stated policy decides.
 */
import { GridInputError, type GridIssue } from './errors.ts';
import { daysInMonth, utcMsFromFields } from './instant.ts';
import { assertZone, offsetMs } from './zone.ts';

/** A wall-clock reading without a zone. `month` 1-12, `hour` 0-23. */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second?: number;
  readonly millisecond?: number;
}

/**
 * What to do with a local time inside a spring-forward gap.
 * - `reject`: throw `V2G_ERR_NONEXISTENT_LOCAL_TIME` (default);
 * - `gap-end`: use the first instant after the gap, i.e. the transition itself
 *   (Berlin 2025-03-30 02:30 becomes 03:00+02:00 = 01:00Z). A wall clock passes every time in the gap at
 *   that instant, so this is also how tariff blocks starting inside a gap take effect.
 */
export type NonexistentTimePolicy = 'reject' | 'gap-end';

/**
 * What to do with a local time that occurs twice (fall back).
 * - `reject`: throw `V2G_ERR_AMBIGUOUS_LOCAL_TIME` (default);
 * - `earlier`: the first occurrence (summer time, Berlin 02:30+02:00);
 * - `later`: the second occurrence (standard time, Berlin 02:30+01:00).
 */
export type AmbiguousTimePolicy = 'reject' | 'earlier' | 'later';

/** Both DST policies. Defaults: reject both. */
export interface LocalTimePolicy {
  readonly nonexistent?: NonexistentTimePolicy;
  readonly ambiguous?: AmbiguousTimePolicy;
}

const dayMs = 86_400_000;

/** The wall-clock reading as if it were UTC (ms); subtracting the zone offset gives a candidate instant. */
function wallAsUtcMs(t: LocalDateTime): number {
  return utcMsFromFields(t.year, t.month, t.day, t.hour, t.minute, t.second ?? 0, t.millisecond ?? 0);
}

/**
 * Every instant (UTC epoch ms, ascending) at which the zone's wall clock reads `local`: one normally, none in
 * a spring-forward gap, two in a fall-back overlap.
 */
export function localTimeCandidates(local: LocalDateTime, zone: string): number[] {
  const wall = wallAsUtcMs(local);
  const offsets = new Set([offsetMs(wall - dayMs, zone), offsetMs(wall, zone), offsetMs(wall + dayMs, zone)]);
  const out = new Set<number>();
  for (const off of offsets) {
    const t = wall - off;
    if (offsetMs(t, zone) === off) out.add(t);
  }
  return [...out].sort((a, b) => a - b);
}

/** The instant a nonexistent local time's gap ends (the transition), found between its two neighbours. */
function gapEnd(local: LocalDateTime, zone: string): number {
  const wall = wallAsUtcMs(local);
  const offBefore = offsetMs(wall - dayMs, zone);
  const offAfter = offsetMs(wall + dayMs, zone);
  // Before the gap the clock runs at offBefore, after it at offAfter (> offBefore in a gap).
  let lo = wall - offAfter; // has the old offset
  let hi = wall - offBefore; // has the new offset
  if (lo > hi) [lo, hi] = [hi, lo];
  const atLo = offsetMs(lo, zone);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMs(mid, zone) === atLo) lo = mid;
    else hi = mid;
  }
  return hi;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2025-03-30T02:30` (seconds when set), for messages. */
export function formatLocal(t: LocalDateTime): string {
  const sec = t.second !== undefined && t.second !== 0 ? `:${two(t.second)}` : '';
  return `${t.year}-${two(t.month)}-${two(t.day)}T${two(t.hour)}:${two(t.minute)}${sec}`;
}

/**
 * Resolves a wall-clock time in `zone` to one instant under the stated policy, or returns the issue that
 * the policy turns into an error (code and message).
 */
export function resolveLocalTime(
  local: LocalDateTime,
  zone: string,
  policy: LocalTimePolicy = {},
): { ok: true; utcMs: number } | { ok: false; code: 'V2G_ERR_NONEXISTENT_LOCAL_TIME' | 'V2G_ERR_AMBIGUOUS_LOCAL_TIME'; message: string } {
  const c = localTimeCandidates(local, zone);
  if (c.length === 1) return { ok: true, utcMs: c[0]! };
  if (c.length === 0) {
    if (policy.nonexistent === 'gap-end') return { ok: true, utcMs: gapEnd(local, zone) };
    return {
      ok: false,
      code: 'V2G_ERR_NONEXISTENT_LOCAL_TIME',
      message: `${formatLocal(local)} does not exist in ${zone} (the clocks spring forward over it); choose another time or the 'gap-end' policy`,
    };
  }
  const earlier = c[0]!;
  const later = c[c.length - 1]!;
  if (policy.ambiguous === 'earlier') return { ok: true, utcMs: earlier };
  if (policy.ambiguous === 'later') return { ok: true, utcMs: later };
  return {
    ok: false,
    code: 'V2G_ERR_AMBIGUOUS_LOCAL_TIME',
    message: `${formatLocal(local)} occurs twice in ${zone} (the clocks fall back); give a UTC offset or the 'earlier'/'later' policy`,
  };
}

const localPattern = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Parses `YYYY-MM-DDTHH:mm[:ss]` (no offset) into fields, or a sentence saying why it cannot. */
export function parseLocalDateTime(text: string): { ok: true; local: LocalDateTime } | { ok: false; message: string } {
  const m = localPattern.exec(text);
  if (!m) return { ok: false, message: `"${text}" is not a local date-time YYYY-MM-DDTHH:mm[:ss] without offset` };
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, message: `"${text}" has a field out of range` };
  }
  return { ok: true, local: { year, month, day, hour, minute, second } };
}

/**
 * Converts a local date-time text in `zone` to UTC epoch ms, applying the DST policy; throws
 * `V2G_ERR_TIME_FORMAT`, `V2G_ERR_NONEXISTENT_LOCAL_TIME` or `V2G_ERR_AMBIGUOUS_LOCAL_TIME`.
 *
 * @example localToUtcMs('2025-10-26T02:30', 'Europe/Berlin', { ambiguous: 'earlier' }) // 2025-10-26T00:30Z
 */
export function localToUtcMs(text: string, zone: string, policy: LocalTimePolicy = {}, path = ''): number {
  assertZone(zone);
  const parsed = parseLocalDateTime(text);
  if (!parsed.ok) throw new GridInputError('V2G_ERR_TIME_FORMAT', 'A local time could not be read', [{ path, message: parsed.message }]);
  const r = resolveLocalTime(parsed.local, zone, policy);
  if (!r.ok) throw new GridInputError(r.code, 'A local time cannot be mapped to one instant', [{ path, message: r.message }]);
  return r.utcMs;
}

/** The local calendar date `YYYY-MM-DD` as fields, or an issue. */
export function parseLocalDate(text: string, path = ''): { year: number; month: number; day: number } | GridIssue {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const fields = m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : undefined;
  if (!fields || fields.month < 1 || fields.month > 12 || fields.day < 1 || fields.day > daysInMonth(fields.year, fields.month)) {
    return { path, message: `"${text}" is not a calendar date YYYY-MM-DD` };
  }
  return fields;
}

/**
 * The first instant of a local calendar day: local midnight, or (where midnight itself is skipped, as in
 * America/Santiago) the end of the gap; where midnight occurs twice, the earlier one.
 */
export function startOfLocalDayUtcMs(year: number, month: number, day: number, zone: string): number {
  const r = resolveLocalTime({ year, month, day, hour: 0, minute: 0 }, zone, { nonexistent: 'gap-end', ambiguous: 'earlier' });
  // Both policies are set, so resolution cannot fail.
  if (!r.ok) throw new Error(`unreachable: ${r.message}`);
  return r.utcMs;
}
