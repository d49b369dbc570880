/**
 * The portfolio's sites as the coordinator sees them when their solves run as BullMQ flows
 * (portfolio-flow.ts). coordinate.ts asks every site to solve at once (`Promise.all` over the sites); the
 * calls made in one turn of the event loop are gathered into ONE round (one flow: a parent, a child per
 * site). A child answers the sums only, so a coordinated solution carries its request (`FlowSiteRef`), not
 * its plan; `materialise` then runs one last round with plans for the chosen solutions and checks that each
 * plan is the solution that was coordinated (the same problem and request solve to the same plan; a
 * difference fails the coordination loudly, never replaced silently).
 */
import type { Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';
import type { PortfolioPlan } from '../../optimizer/portfolio/coordinate.ts';
import { problemSubproblem, type SiteRequest, type SiteSolution, type SiteSubproblem } from '../../optimizer/portfolio/site-subproblem.ts';
import { serviceError } from '../errors.ts';
import type { SiteRoundRunner } from './portfolio-flow.ts';

/** A coordinated solution of a flow site: the request it answered (its plan is made by `materialise`). */
export interface FlowSiteRef {
  readonly request: SiteRequest;
}

/** How the site solves ran: flows (rounds), child jobs, and child jobs per worker process. */
export interface FlowSiteStats {
  rounds: number;
  childJobs: number;
  readonly byWorker: Map<string, number>;
}

export interface FlowSites {
  readonly subproblems: readonly SiteSubproblem<FlowSiteRef>[];
  readonly stats: FlowSiteStats;
  /** The coordinated plan with every site's plan made (one more round) and the priced problem it solved. */
  materialise(plan: PortfolioPlan<FlowSiteRef>): Promise<{ readonly plan: PortfolioPlan<Plan>; readonly pricedProblems: ReadonlyMap<Plan, Problem> }>;
}

interface Pending {
  readonly index: number;
  readonly request: SiteRequest;
  readonly resolve: (s: SiteSolution<FlowSiteRef>) => void;
  readonly reject: (e: unknown) => void;
}

const toleranceKw = (x: number) => 1e-6 * Math.max(1, Math.abs(x));

export function flowSites(runner: SiteRoundRunner, members: readonly { readonly siteId: string; readonly problem: Problem }[]): FlowSites {
  const stats: FlowSiteStats = { rounds: 0, childJobs: 0, byWorker: new Map() };
  const count = (solvedBy: string) => stats.byWorker.set(solvedBy, (stats.byWorker.get(solvedBy) ?? 0) + 1);
  let batch: Pending[] | undefined;
  const flush = () => {
    const pending = batch!;
    batch = undefined;
    stats.rounds++;
    stats.childJobs += pending.length;
    runner.runRound(pending.map((p) => ({ siteId: members[p.index]!.siteId, request: p.request, withPlan: false }))).then(
      (answers) => pending.forEach((p, k) => {
        count(answers[k]!.solvedBy);
        p.resolve({ ...answers[k]!.solution, plan: { request: p.request } });
      }),
      (error: unknown) => pending.forEach((p) => p.reject(error)),
    );
  };
  const subproblems = members.map((m, index): SiteSubproblem<FlowSiteRef> => {
    // The local subproblem gives the site's shape (floors, price scale); its solves run remotely.
    const { solve: _local, ...shape } = problemSubproblem(m.siteId, m.problem, () => Promise.reject(new Error('solved by a flow child')));
    return {
      ...shape,
      solve: (request) => new Promise((resolve, reject) => {
        if (!batch) {
          batch = [];
          setImmediate(flush);
        }
        batch.push({ index, request, resolve, reject });
      }),
    };
  });

  async function materialise(coordinated: PortfolioPlan<FlowSiteRef>) {
    const byId = new Map(members.map((m) => [m.siteId, m.problem]));
    const answers = await runner.runRound(coordinated.sites.map((s) => ({ siteId: s.siteId, request: s.solution.plan.request, withPlan: true })));
    stats.rounds++;
    stats.childJobs += answers.length;
    const pricedProblems = new Map<Plan, Problem>();
    const sites = await Promise.all(coordinated.sites.map(async (share, k) => {
      const answer = answers[k]!;
      count(answer.solvedBy);
      if (!answer.plan) throw serviceError('V2G_ERR_SOLVE_FAILED', `site "${share.siteId}": its final site solve answered without a plan`);
      let priced: Problem | undefined;
      // The same local arithmetic as the child's (problemSubproblem), around the plan the child made.
      const full = await problemSubproblem(share.siteId, byId.get(share.siteId)!, async (p) => {
        priced = p;
        return answer.plan!;
      }).solve(share.solution.plan.request);
      const T = share.solution.netImportKw.length;
      const worst = Math.max(0, ...share.solution.netImportKw.map((n, t) => Math.abs(n - full.netImportKw[t]!) - toleranceKw(n)));
      if (worst > 0) {
        throw serviceError('V2G_ERR_SOLVE_FAILED', `site "${share.siteId}": the plan made for storing differs from its coordinated solution by ${worst.toFixed(6)} kW in a slot (the same request solved twice gave two answers); nothing stored`);
      }
      pricedProblems.set(full.plan, priced!);
      const solution: SiteSolution<Plan> = { ...full, netImportKw: full.netImportKw.slice(0, T), importKw: full.importKw.slice(0, T), exportKw: full.exportKw.slice(0, T), importExcessKw: full.importExcessKw.slice(0, T) };
      return { ...share, solution };
    }));
    return { plan: { ...coordinated, sites, solves: coordinated.solves + answers.length }, pricedProblems };
  }

  return { subproblems, stats, materialise };
}

/** One line for the plan: how many flows and child jobs, and which worker processes solved them. */
export function describeFlowStats(stats: FlowSiteStats): string {
  const by = [...stats.byWorker.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([w, n]) => `${w} ${n}`).join(', ');
  return `${stats.rounds} flows, ${stats.childJobs} child jobs (solved by: ${by || 'none'})`;
}
