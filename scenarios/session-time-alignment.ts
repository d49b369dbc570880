/**
 * Moving sessions recorded at one site and time (Caltech, 2021, America/Los_Angeles) to another
 * (a Belgian depot in 2023, Europe/Brussels) so that they meet that site's prices and loads.
 *
 * Rule (stated in scenarios/README.md): the arrival keeps its **local wall-clock time** and moves by
 * `shiftDays` whole days on the local calendar; the wall-clock time is then read in the site zone. A shift
 * that is a multiple of 7 keeps the weekday (2021-08-09, a Monday, + 728 days = 2023-08-07, a Monday).
 * The stay keeps its exact length: departure = new arrival + (departure - arrival), and the same for the
 * declared departure. A wall-clock time that does not exist in the site zone (spring-forward gap) moves to
 * the end of the gap; one that occurs twice takes the earlier instant.
 */
import { DateTime } from 'luxon';
import { resolveLocalTime } from '../grid/local-time.ts';
import type { SourceSession } from './replay-session.ts';
import type { TimeAlignment } from './scenario-schema.ts';

/** The instant whose wall clock in `toZone` shows the wall clock of `utcMs` in `fromZone`, `shiftDays` later. */
export function alignInstant(utcMs: number, alignment: TimeAlignment, toZone: string): number {
  const local = DateTime.fromMillis(utcMs, { zone: alignment.fromZone }).plus({ days: alignment.shiftDays });
  const r = resolveLocalTime(
    { year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute, second: local.second, millisecond: local.millisecond },
    toZone,
    { nonexistent: 'gap-end', ambiguous: 'earlier' },
  );
  // Both policies are set, so the resolution cannot fail.
  if (!r.ok) throw new Error(`unreachable: ${r.message}`);
  return r.utcMs;
}

/** A session moved by the alignment rule; the stay and the declared stay keep their lengths. */
export function alignSession(s: SourceSession, alignment: TimeAlignment, toZone: string): SourceSession {
  const arrivalUtcMs = alignInstant(s.arrivalUtcMs, alignment, toZone);
  const shift = arrivalUtcMs - s.arrivalUtcMs;
  return {
    ...s,
    arrivalUtcMs,
    departureUtcMs: s.departureUtcMs + shift,
    declaredDepartureUtcMs: s.declaredDepartureUtcMs === undefined ? undefined : s.declaredDepartureUtcMs + shift,
  };
}
