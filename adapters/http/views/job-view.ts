/** Re-plan jobs on the wire (instants in UTC: a job belongs to the queue, not to a site's zone). */
import type { Job } from '../../queue/queue.ts';
import type { ReplanJobData, ReplanJobResult } from '../../service/replan-job.ts';
import { wireInstant } from '../wire-time.ts';

export function jobLink(job: Job<ReplanJobData, ReplanJobResult>) {
  return { id: job.id, state: job.state, href: `/v1/jobs/${job.id}` };
}

export function jobView(job: Job<ReplanJobData, ReplanJobResult>) {
  const at = (key: string, ms: number | undefined) => (ms === undefined ? {} : { [key]: wireInstant(ms, 'UTC') });
  const planId = job.returnValue?.planId;
  return {
    id: job.id,
    name: job.name,
    state: job.state,
    siteId: job.data.siteId,
    reasons: [...job.data.reasons],
    attemptsMade: job.attemptsMade,
    attempts: job.attempts,
    createdAt: wireInstant(job.createdAtUtcMs, 'UTC'),
    ...at('runAt', job.runAtUtcMs),
    ...at('processedAt', job.processedAtUtcMs),
    ...at('finishedAt', job.finishedAtUtcMs),
    ...(job.failedReason !== undefined ? { failedReason: job.failedReason } : {}),
    ...(job.failedCode !== undefined ? { failedCode: job.failedCode } : {}),
    ...(planId !== undefined ? { planId, planHref: `/v1/sites/${job.data.siteId}/plans/${planId}` } : {}),
    ...(job.progress !== undefined ? { progress: solveProgressView(job.progress) } : {}),
  };
}

/** The solve's latest progress as stored on the job (numbers only where they are numbers). */
function solveProgressView(progress: Readonly<Record<string, unknown>>) {
  const num = (key: string) => (typeof progress[key] === 'number' && Number.isFinite(progress[key]) ? { [key]: progress[key] } : {});
  return {
    phase: typeof progress.phase === 'string' ? progress.phase : 'unknown',
    round: typeof progress.round === 'number' ? progress.round : 0,
    ...num('elapsedMs'),
    ...num('timeLimitMs'),
    ...num('bestObjective'),
    ...num('bound'),
    ...num('gapPct'),
  };
}
