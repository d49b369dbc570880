/**
 * Cron occurrences in a site's time zone (cron-parser, DST-aware: a time skipped by a spring-forward
 * change runs at the next existing instant).
 *
 * cron-parser (and the CommonJS copy of luxon it brings) loads at the first cron pattern checked, not with the
 * service: most starts have none (start-up time: bench/cli-startup-bench.ts).
 */
import { createRequire } from 'node:module';
import type { CronExpressionParser as Parser } from 'cron-parser';
import { isKnownZone } from '../../grid/zone.ts';

const require = createRequire(import.meta.url);
let parser: typeof Parser | undefined;
const cron = (): typeof Parser => (parser ??= (require('cron-parser') as { CronExpressionParser: typeof Parser }).CronExpressionParser);

/** Why a cron pattern cannot be used in `zone`, or undefined when it can. */
export function cronIssue(pattern: string, zone: string): string | undefined {
  if (pattern.trim() === '') return 'is empty';
  if (!isKnownZone(zone)) return `the zone "${zone}" is not an IANA time zone`;
  const parse = cron(); // outside the try: a failure to load cron-parser is not the pattern's fault
  try {
    parse.parse(pattern, { tz: zone, currentDate: new Date(0) }).next();
    return undefined;
  } catch (e) {
    return `is not a cron expression: ${(e as Error).message}`;
  }
}

/** The first occurrence strictly after `afterUtcMs` (UTC epoch ms). The pattern must pass `cronIssue`. */
export function nextCronRunUtcMs(pattern: string, zone: string, afterUtcMs: number): number {
  return cron().parse(pattern, { tz: zone, currentDate: new Date(afterUtcMs) }).next().getTime();
}
