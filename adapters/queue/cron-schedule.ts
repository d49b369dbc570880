/**
 * Cron occurrences in a site's time zone (cron-parser, DST-aware: a time skipped by a spring-forward
 * change runs at the next existing instant).
 */
import { CronExpressionParser } from 'cron-parser';
import { isKnownZone } from '../../grid/zone.ts';

/** Why a cron pattern cannot be used in `zone`, or undefined when it can. */
export function cronIssue(pattern: string, zone: string): string | undefined {
  if (pattern.trim() === '') return 'is empty';
  if (!isKnownZone(zone)) return `the zone "${zone}" is not an IANA time zone`;
  try {
    CronExpressionParser.parse(pattern, { tz: zone, currentDate: new Date(0) }).next();
    return undefined;
  } catch (e) {
    return `is not a cron expression: ${(e as Error).message}`;
  }
}

/** The first occurrence strictly after `afterUtcMs` (UTC epoch ms). The pattern must pass `cronIssue`. */
export function nextCronRunUtcMs(pattern: string, zone: string, afterUtcMs: number): number {
  return CronExpressionParser.parse(pattern, { tz: zone, currentDate: new Date(afterUtcMs) }).next().getTime();
}
