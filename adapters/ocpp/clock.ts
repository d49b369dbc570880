/**
 * The clock the OCPP adapter reads "now" from: the service's `Clock` (adapters/clock.ts), injected
 * everywhere (server, delivery, simulator) so tests and replays control time. Retry and refresh timers
 * use Node's timers (faked by the test runner in the backoff tests).
 */
export type { Clock } from '../clock.ts';
export { systemClock } from '../clock.ts';

/** RFC 3339 UTC text of an instant, as OCPP `dateTime` fields want it. */
export function isoUtc(utcMs: number): string {
  return new Date(utcMs).toISOString();
}

/** Parses an OCPP `dateTime`; undefined when absent or malformed. */
export function parseUtcMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}
