/**
 * A site's re-plan schedules as queue job schedulers (cron in the site's time zone), kept in step with
 * the site record: `schedule-<siteId>-<index>`.
 */
import type { ServiceConfig } from '../config.ts';
import type { SiteRecord } from '../store/records.ts';
import { replanDeduplicationId, type ReplanQueue } from './replan-job.ts';

/** Most schedules a site has (the schema's limit). */
export const maxSchedulesPerSite = 10;

export function scheduleId(siteId: string, index: number): string {
  return `schedule-${siteId}-${index}`;
}

/** Replaces the site's job schedulers with those of `site` (none when `site` is undefined: deleted). */
export async function syncSiteSchedules(queue: ReplanQueue, config: ServiceConfig, siteId: string, site: SiteRecord | undefined): Promise<void> {
  for (let i = 0; i < maxSchedulesPerSite; i++) await queue.removeJobScheduler(scheduleId(siteId, i));
  if (!site) return;
  for (const [i, s] of site.replanSchedules.entries()) {
    await queue.upsertJobScheduler(scheduleId(siteId, i), { pattern: s.cron, tz: site.timeZone }, {
      name: 'replan',
      data: { siteId, reasons: [`schedule ${s.cron}${s.description ? ` (${s.description})` : ''}`] },
      options: {
        deduplicationId: replanDeduplicationId(siteId),
        maxDelayMs: config.replanMaxWaitMs,
        attempts: config.replanAttempts,
        backoff: { type: 'exponential', delayMs: config.replanBackoffMs, jitter: 0.2 },
      },
    });
  }
}
