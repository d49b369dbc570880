/**
 * Instants between the wire and the inside: RFC 3339 with an offset out there, UTC epoch ms in here.
 * Schema validation (format date-time) runs first; `readInstant` then maps the text with grid's parser,
 * which also refuses what the format allows but an instant cannot be (e.g. second 60).
 *
 * `wireInstant` writes what grid's `formatInstant` writes (a test proves it over random instants and
 * zones) at a fraction of the cost: `formatInstant` validates the zone on every call, and luxon's zone
 * validation builds an Intl.DateTimeFormat each time (~0.4 ms), which made a plan view with 97 slot
 * boundaries cost ~60 ms. Zones reaching the wire were validated when their site was stored.
 */
import { parseRfc3339 } from '../../grid/instant.ts';
import { offsetMs } from '../../grid/zone.ts';
import type { FieldIssue } from '../errors.ts';

/** UTC epoch ms of an RFC 3339 text, or an issue at `pointer` pushed onto `issues` (then NaN). */
export function readInstant(text: string, pointer: string, issues: FieldIssue[]): number {
  const r = parseRfc3339(text);
  if (r.ok) return r.utcMs;
  issues.push({ pointer, detail: r.message });
  return Number.NaN;
}

const two = (n: number) => String(n).padStart(2, '0');

/** RFC 3339 with the offset `zone` has at that instant (`2025-10-26T02:30:00+01:00`; `Z` for UTC). */
export function wireInstant(utcMs: number, zone: string): string {
  const offset = zone === 'UTC' || zone === 'Etc/UTC' ? 0 : offsetMs(utcMs, zone);
  const local = new Date(utcMs + offset).toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ in local wall-clock time
  const millis = local.slice(19, 23) === '.000' ? '' : local.slice(19, 23);
  let suffix = 'Z';
  if (!(zone === 'UTC' || zone === 'Etc/UTC')) {
    const minutes = Math.abs(offset) / 60_000;
    suffix = `${offset < 0 ? '-' : '+'}${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`;
  }
  return `${local.slice(0, 19)}${millis}${suffix}`;
}
