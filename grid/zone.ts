/**
 * IANA time zones: validation, UTC offsets and the instants where a zone's offset changes (DST
 * transitions). Backed by luxon's `IANAZone`, which reads the tz database of the runtime's ICU.
 */
import { IANAZone } from 'luxon';
import { GridInputError } from './errors.ts';

const zones = new Map<string, IANAZone>();

function zoneOf(name: string): IANAZone {
  let z = zones.get(name);
  if (z === undefined) {
    z = IANAZone.create(name);
    zones.set(name, z);
  }
  return z;
}

/** Answers of `isKnownZone` (luxon builds an Intl.DateTimeFormat per call: a replay asks at every decision). */
const known = new Map<string, boolean>();

/** Whether `zone` is a known IANA zone name (e.g. `Europe/Berlin`; `UTC` is accepted too). */
export function isKnownZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.length === 0) return false;
  let answer = known.get(zone);
  if (answer === undefined) {
    answer = IANAZone.isValidZone(zone);
    if (known.size < 1_000) known.set(zone, answer);
  }
  return answer;
}

/** Throws `V2G_ERR_UNKNOWN_ZONE` unless `zone` is a known IANA zone. */
export function assertZone(zone: string, path = '/zone'): void {
  if (!isKnownZone(zone)) {
    throw new GridInputError('V2G_ERR_UNKNOWN_ZONE', 'A time zone is unknown', [
      { path, message: `"${zone}" is not an IANA time zone name (e.g. Europe/Berlin, America/New_York)` },
    ]);
  }
}

/** The last answer of `offsetMs` (a replay's controllers ask twice about each decision's instant). */
let lastOffset: { zone: string; utcMs: number; offsetMs: number } | undefined;

/** The zone's offset from UTC at `utcMs`, in ms (positive east of Greenwich: Berlin in winter = 3 600 000). */
export function offsetMs(utcMs: number, zone: string): number {
  if (lastOffset !== undefined && lastOffset.utcMs === utcMs && lastOffset.zone === zone) return lastOffset.offsetMs;
  const answer = zoneOf(zone).offset(utcMs) * 60_000;
  lastOffset = { zone, utcMs, offsetMs: answer };
  return answer;
}

/** Step of the scan for transitions; no zone changes its offset twice within 6 hours. */
const scanStepMs = 6 * 3_600_000;

/** The first instant in (lowMs, highMs] whose offset differs from the offset at lowMs (binary search). */
function firstChange(lowMs: number, highMs: number, zone: string): number {
  const before = offsetMs(lowMs, zone);
  let lo = lowMs;
  let hi = highMs;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMs(mid, zone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The instants in [fromUtcMs, toUtcMs) at which `zone`'s UTC offset changes (the first instant with the new
 * offset), ascending. Europe/Berlin in 2025: 2025-03-30T01:00Z and 2025-10-26T01:00Z.
 */
export function zoneTransitions(fromUtcMs: number, toUtcMs: number, zone: string): number[] {
  const out: number[] = [];
  let t = fromUtcMs;
  while (t < toUtcMs) {
    const next = Math.min(t + scanStepMs, toUtcMs);
    if (offsetMs(t, zone) !== offsetMs(next, zone)) {
      const change = firstChange(t, next, zone);
      out.push(change);
      t = change;
    } else {
      t = next;
    }
  }
  return out.filter((x) => x >= fromUtcMs && x < toUtcMs);
}
