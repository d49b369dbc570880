/**
 * Which of a coordinated portfolio plan's site plans the service may store (issue 17, session 15).
 *
 * A site solve that hit its time limit answers `timed_out` with the best valid plan it had by then (the solver's
 * repaired LP, or a baseline: optimizer/solve-problem.ts, never a plan the validator refuses), solved within the
 * site's share of the shared limits. Failing the whole coordination for it (what the service did until session 14)
 * threw away every other site's plan and retried into the same load; the share still holds, so the plan is kept
 * and NAMED: the portfolio plan lists each such site with its solver's message, its status is at best `feasible`,
 * and its cost (hence its gap) includes the dearer plan. The plan passed the validator against the site's capped,
 * priced problem like any other, and the portfolio's sum is checked against the shared limits as for every plan
 * (a slot above a limit is a named breach). A site answered `error` (the backend failed: retrying may help) still
 * fails the coordination loudly, V2G_ERR_SOLVE_FAILED.
 */
import type { PortfolioPlan } from '../../optimizer/portfolio/coordinate.ts';
import { serviceError } from '../errors.ts';

/** A site whose coordinated plan is the best its solve had when its time limit ran out. */
export interface TimedOutSite {
  readonly siteId: string;
  /** The solver's message (what the plan is, e.g. "fallback plan: the llf baseline"). */
  readonly message: string;
}

/** The sites kept with a timed-out plan; throws for a site the service must not store (see the file's comment). */
export function timedOutSites(result: Pick<PortfolioPlan<{ readonly message?: string }>, 'sites'>): TimedOutSite[] {
  const failed = result.sites.find((s) => s.solution.status === 'error');
  if (failed) throw serviceError('V2G_ERR_SOLVE_FAILED', `site "${failed.siteId}": the solver returned error: ${failed.solution.plan.message ?? 'no message'}`);
  const out: TimedOutSite[] = [];
  for (const s of result.sites) {
    if (s.solution.status === 'timed_out') out.push({ siteId: s.siteId, message: s.solution.plan.message ?? 'no message' });
  }
  return out;
}

/**
 * The time limit the timed-out sites' solves actually had (ms): the largest their plans record (`origin.timeLimitMs`),
 * undefined when none records one. The configured limit is not always the one a solve ran under (a sharded solver, a
 * solver injected by a test).
 */
export function timedOutLimitMs(result: Pick<PortfolioPlan<{ readonly origin?: { readonly timeLimitMs: number } }>, 'sites'>): number | undefined {
  const limits = result.sites.filter((s) => s.solution.status === 'timed_out').flatMap((s) => (s.solution.plan.origin ? [s.solution.plan.origin.timeLimitMs] : []));
  return limits.length > 0 ? Math.max(...limits) : undefined;
}

/** One sentence naming the timed-out sites (empty when none). */
export function describeTimedOutSites(sites: readonly TimedOutSite[], timeLimitMs: number | undefined): string {
  if (sites.length === 0) return '';
  const limit = timeLimitMs !== undefined ? ` of ${timeLimitMs} ms` : '';
  const named = sites.slice(0, 5).map((s) => `${s.siteId} (${s.message.slice(0, 120)})`).join('; ');
  return `${sites.length} site(s) hit their solve's time limit${limit} and keep the best plan they had by then, within their share: ${named}${sites.length > 5 ? `; and ${sites.length - 5} more` : ''}`;
}
