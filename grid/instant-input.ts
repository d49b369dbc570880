/**
 * The instant forms accepted at the edges of grid/ and their conversion to UTC epoch ms.
 */
import { GridInputError, type GridErrorCode, type GridIssue } from './errors.ts';
import { epochMsIssue, parseRfc3339 } from './instant.ts';
import { parseLocalDateTime, resolveLocalTime, type LocalTimePolicy } from './local-time.ts';
import { isKnownZone } from './zone.ts';

/** A local wall-clock time, accepted only together with its IANA zone. */
export interface LocalTimeInput {
  /** `YYYY-MM-DDTHH:mm[:ss]` without offset. */
  readonly localTime: string;
  /** IANA zone, e.g. `Europe/Berlin`. */
  readonly zone: string;
}

/**
 * An instant: UTC epoch milliseconds (integer), RFC 3339 text with an offset
 * (`2025-10-26T02:30:00+01:00`), or a local time with its zone (`{ localTime, zone }`).
 */
export type InstantInput = number | string | LocalTimeInput;

/** Converts an instant input to UTC epoch ms, or returns the issue (with the code it maps to). */
export function instantInputToUtcMs(
  input: InstantInput,
  path: string,
  policy: LocalTimePolicy = {},
): { ok: true; utcMs: number } | { ok: false; code: GridErrorCode; issue: GridIssue } {
  if (typeof input === 'number') {
    const issue = epochMsIssue(input, path);
    return issue ? { ok: false, code: 'V2G_ERR_TIME_FORMAT', issue } : { ok: true, utcMs: input };
  }
  if (typeof input === 'string') {
    const r = parseRfc3339(input);
    return r.ok ? r : { ok: false, code: 'V2G_ERR_TIME_FORMAT', issue: { path, message: r.message } };
  }
  if (input === null || typeof input !== 'object' || typeof input.localTime !== 'string') {
    return { ok: false, code: 'V2G_ERR_TIME_FORMAT', issue: { path, message: 'must be epoch ms, RFC 3339 text with an offset, or { localTime, zone }' } };
  }
  if (!isKnownZone(input.zone)) {
    return { ok: false, code: 'V2G_ERR_UNKNOWN_ZONE', issue: { path: `${path}/zone`, message: `"${String(input.zone)}" is not an IANA time zone name; a local time needs its zone` } };
  }
  const local = parseLocalDateTime(input.localTime);
  if (!local.ok) return { ok: false, code: 'V2G_ERR_TIME_FORMAT', issue: { path: `${path}/localTime`, message: local.message } };
  const r = resolveLocalTime(local.local, input.zone, policy);
  return r.ok ? r : { ok: false, code: r.code, issue: { path: `${path}/localTime`, message: r.message } };
}

/** Like `instantInputToUtcMs` but throws the coded `GridInputError`. */
export function toUtcMs(input: InstantInput, path = '', policy: LocalTimePolicy = {}): number {
  const r = instantInputToUtcMs(input, path, policy);
  if (!r.ok) throw new GridInputError(r.code, 'An instant could not be read', [r.issue]);
  return r.utcMs;
}
