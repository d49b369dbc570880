/**
 * The Lagrangian bound of aggregate-first's uncapped round (aggregate-first.ts), site by site (issue 17 session 14).
 *
 * At feeder prices lambda (import row) and mu (export row), every site's priced optimum is bounded from below by any
 * proven lower bound of it, so
 *   sum_s LB_s - dt sum_t (lambda_t L_t + mu_t E_t)
 * is a certified lower bound of the portfolio optimum for ANY choice of LB_s among: the site solve's own proven
 * bound (`SiteSolution.pricedBound`: its LP relaxation's value, or its objective when optimal) or the site's
 * relaxation (site-relaxation.ts: a virtual battery per group of vehicles) solved alone at the same adder. The
 * second is weaker (the relaxation drops the per-vehicle split) but always there: a site solve that hit its time
 * limit before its LP relaxation was solved proves nothing, and without a stand-in one such site made the whole
 * Lagrangian value -Infinity (the Redis run at 16.8 % in bench/RESULTS.md, session 13: the loose relaxation bound
 * of the aggregate LP was reported instead).
 *
 * Every site is said: where its bound came from (`site-solve`, `relaxation`, `none`), and why a site solve proved
 * none (its status and the solver's message, e.g. the time limit).
 */
import type { LpBackend } from '../backends/lp-backend.ts';
import { LinearProgramBuilder } from '../linear-program.ts';
import type { Problem } from '../problem.ts';
import { resolveProblem } from '../resolved-problem.ts';
import { addSiteRelaxation, type RelaxationGrouping } from './site-relaxation.ts';
import type { SiteSolution } from './site-subproblem.ts';

/** One site's part of the Lagrangian bound. */
export interface LagrangianSite {
  readonly siteId: string;
  /** The site solve's status in the uncapped round. */
  readonly status: string;
  /** Where its lower bound came from: its own solve, its relaxation at the same prices (a stand-in), or none (-Infinity). */
  readonly source: 'site-solve' | 'relaxation' | 'none';
  /** Its lower bound of the priced problem (with the feeder adder), -Infinity with `none`. */
  readonly pricedBound: number;
  /** Its plan's cost at the same prices (objective plus the adder's cost), for the site's own gap. */
  readonly pricedObjective: number;
  /** Why the site solve proved no bound (absent when it did). */
  readonly reason?: string;
}

/** The uncapped round's Lagrangian value and how each site took part. */
export interface LagrangianBound {
  /** -Infinity when a site has no bound at all (neither its solve nor its relaxation). */
  readonly value: number;
  /** Sites whose own solve proved no bound (with or without a stand-in). */
  readonly sitesWithoutBound: number;
  /** Of those, the sites whose relaxation at the same prices stood in. */
  readonly standIns: number;
  readonly sites: readonly LagrangianSite[];
  /** One sentence: which sites proved no bound and why, and what stood in (empty when every site proved one). */
  readonly note: string;
}

/** Why a site solution carries no proven bound of its priced problem, in words. */
export function missingBoundReason(solution: Pick<SiteSolution<unknown>, 'status' | 'message'>): string {
  const why = solution.status === 'timed_out' ? 'time limit' : solution.status === 'error' ? 'solver error' : solution.status === 'feasible' ? 'time limit before its LP relaxation was solved' : `status ${solution.status}`;
  return solution.message ? `${why} (${solution.message.slice(0, 160)})` : why;
}

/**
 * The optimum of `problem`'s relaxation (site-relaxation.ts) with `adderPerKwh` on its import and export prices:
 * a lower bound of the site's priced optimum (README.md, "Aggregate first"), or undefined when the LP did not end optimal.
 */
export function siteRelaxationValue(problem: Problem, adderPerKwh: readonly number[], backend: LpBackend, options: { readonly grouping?: RelaxationGrouping; readonly timeLimitMs: number }): { value?: number; status: string; solveMs: number } {
  const started = performance.now();
  const b = new LinearProgramBuilder();
  addSiteRelaxation(b, resolveProblem(problem), { adderPerKwh, ...(options.grouping ? { grouping: options.grouping } : {}) });
  const session = backend.open(b.build());
  try {
    const answer = session.solve({ timeLimitMs: options.timeLimitMs, mipRelGap: 1e-4 });
    const solveMs = Math.round(performance.now() - started);
    return answer.status === 'optimal' && answer.objective !== undefined ? { value: answer.objective, status: 'optimal', solveMs } : { status: answer.status, solveMs };
  } finally {
    session.dispose();
  }
}

export interface LagrangianInput {
  readonly siteIds: readonly string[];
  /** The sites' own problems (for the relaxation stand-in). */
  readonly problems: readonly Problem[];
  /** The uncapped round's answers, in the sites' order. */
  readonly solutions: readonly Pick<SiteSolution<unknown>, 'status' | 'message' | 'pricedBound' | 'objective' | 'netImportKw'>[];
  /** The feeder adder per coordinator slot (lambda - mu) and its parts. */
  readonly adderPerKwh: readonly number[];
  readonly prices: { readonly importPerKwh: readonly number[]; readonly exportPerKwh: readonly number[] };
  readonly limits: { readonly importLimitKw: readonly number[]; readonly exportLimitKw: readonly number[] };
  readonly slotHours: number;
  /** Solves a site's relaxation at the adder (siteRelaxationValue); absent: no stand-in. */
  readonly relax?: (problem: Problem) => { value?: number; status: string };
}

/** See the file's comment. */
export function lagrangianBound(input: LagrangianInput): LagrangianBound {
  const { adderPerKwh: adder, prices, limits } = input;
  const dt = input.slotHours;
  const sites = input.solutions.map((sol, s): LagrangianSite => {
    const adderCost = sol.netImportKw.reduce((a, n, t) => a + dt * (adder[t] ?? 0) * n, 0);
    const base = { siteId: input.siteIds[s]!, status: sol.status, pricedObjective: sol.objective + adderCost };
    if (Number.isFinite(sol.pricedBound)) return { ...base, source: 'site-solve', pricedBound: sol.pricedBound };
    const reason = missingBoundReason(sol);
    const relaxed = input.relax?.(input.problems[s]!);
    if (relaxed?.value !== undefined && Number.isFinite(relaxed.value)) return { ...base, source: 'relaxation', pricedBound: Math.min(relaxed.value, base.pricedObjective), reason };
    return { ...base, source: 'none', pricedBound: -Infinity, reason: relaxed ? `${reason}; its relaxation ended ${relaxed.status}` : reason };
  });
  let value = sites.reduce((a, s) => a + s.pricedBound, 0);
  for (let t = 0; t < adder.length; t++) {
    const lambda = prices.importPerKwh[t] ?? 0;
    const mu = prices.exportPerKwh[t] ?? 0;
    value -= dt * ((lambda > 0 ? lambda * limits.importLimitKw[t]! : 0) + (mu > 0 ? mu * limits.exportLimitKw[t]! : 0));
  }
  const without = sites.filter((s) => s.source !== 'site-solve');
  const standIns = without.filter((s) => s.source === 'relaxation').length;
  return { value, sitesWithoutBound: without.length, standIns, sites, note: describeMissing(without) };
}

/** "3 sites without a proven bound: time limit (pf-1, pf-2), solver error (pf-3); the relaxation at the same prices stood in for 3". */
function describeMissing(without: readonly LagrangianSite[]): string {
  if (without.length === 0) return '';
  const byWhy = new Map<string, string[]>();
  for (const s of without) {
    const why = (s.reason ?? 'unknown').replace(/( \(|; ).*$/, '');
    byWhy.set(why, [...(byWhy.get(why) ?? []), s.siteId]);
  }
  const list = [...byWhy].map(([why, ids]) => `${why} (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? `, +${ids.length - 5} more` : ''})`).join(', ');
  const stood = without.filter((s) => s.source === 'relaxation').length;
  const none = without.length - stood;
  return `${without.length} site(s) without a proven bound of their own: ${list}; ${stood > 0 ? `their relaxation at the same prices stood in for ${stood}` : 'no stand-in'}${none > 0 ? `, ${none} with no bound at all (the Lagrangian value is -Infinity)` : ''}`;
}
