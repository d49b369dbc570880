/** Small helpers shared by the route plugins. */
import { randomBytes } from 'node:crypto';
import { notFound, serviceError, type FieldIssue } from '../errors.ts';
import type { FastifyReply } from 'fastify';
import type { ServiceContext } from '../service/context.ts';
import type { ReplanOutcome } from '../service/replan-after-write.ts';
import type { PlanRecord, SiteRecord } from '../store/records.ts';

/** The site, or a 404 naming `/params/siteId`. */
export async function requireSite(ctx: ServiceContext, siteId: string): Promise<SiteRecord> {
  const site = await ctx.store.getSite(siteId);
  if (!site) throw notFound('site', siteId, 'siteId');
  return site;
}

/** Throws 422 `V2G_ERR_REQUEST_INVALID` when there are issues (nothing has been changed yet). */
export function rejectIfIssues(issues: readonly FieldIssue[], what: string): void {
  if (issues.length > 0) {
    const first = issues.slice(0, 3).map((i) => `${i.pointer}: ${i.detail}`).join('; ');
    throw serviceError('V2G_ERR_REQUEST_INVALID', `${what}: ${first}${issues.length > 3 ? `; and ${issues.length - 3} more` : ''}`, issues);
  }
}

/** Throws 409 `V2G_ERR_CONFLICT` when there are conflicts. */
export function conflictIfIssues(issues: readonly FieldIssue[], what: string): void {
  if (issues.length > 0) throw serviceError('V2G_ERR_CONFLICT', `${what}: ${issues.map((i) => i.detail).join('; ')}`, issues);
}

/** A new id: `<prefix>-<12 hex>`. */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/**
 * Requests the re-plan that a committed write needs, and says in `Replan-Status` (`queued` or `deferred`)
 * what became of it. Never throws: the write is done, so its answer is a success (see replan-after-write.ts).
 */
export async function replanAfterWrite(ctx: ServiceContext, reply: FastifyReply, siteId: string, reason: string, options: { immediate?: boolean } = {}): Promise<ReplanOutcome> {
  const outcome = await ctx.replans.request(siteId, reason, options);
  reply.header('replan-status', outcome.status);
  return outcome;
}

/** The site's plan in force, or undefined. */
export async function currentPlan(ctx: ServiceContext, siteId: string): Promise<PlanRecord | undefined> {
  const state = await ctx.store.getPlanState(siteId);
  return state.currentPlanId ? ctx.store.getPlan(siteId, state.currentPlanId) : undefined;
}
