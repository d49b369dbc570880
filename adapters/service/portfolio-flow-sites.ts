/**
 * The portfolio's sites as the coordinator sees them when their solves run as BullMQ flows
 * (portfolio-flow.ts). coordinate.ts asks every site to solve at once (`Promise.all` over the sites); the
 * calls made in one turn of the event loop are gathered into ONE round (one flow: a parent, a child per
 * site). A child answers the sums only, so a coordinated solution carries its request and, by default
 * (`carryPlans`), where the child kept its plan (`FlowSiteRef.planKey`); `materialise` takes the chosen plans
 * from there, exactly as the children made them: **no site is solved again**. Each taken plan is checked: it
 * passes the plan validator against the priced problem it was made for, and its sums are the coordinated
 * solution's; a plan that fails either fails the coordination loudly (nothing stored). A chosen plan whose key is
 * gone (expired) is re-solved in one round and checked the same way (counted in `plansResolved`).
 * `carryPlans: false` is the old path (session 8): one last round re-solves every chosen request with its plan.
 */
import type { Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';
import type { PortfolioPlan } from '../../optimizer/portfolio/coordinate.ts';
import { problemSubproblem, uncappedAdderOf, type SiteRequest, type SiteSolution, type SiteSubproblem } from '../../optimizer/portfolio/site-subproblem.ts';
import { validatePlan } from '../../optimizer/plan-validator.ts';
import { serviceError } from '../errors.ts';
import type { SiteRoundRunner, SiteSolveAnswer } from './portfolio-flow.ts';

/** A coordinated solution of a flow site: the request it answered and where its child kept the plan. */
export interface FlowSiteRef {
  readonly request: SiteRequest;
  /** Redis key of the child's plan (`keepPlan`); absent: `materialise` solves the request again. */
  readonly planKey?: string;
}

/**
 * How the site solves ran: flows (rounds), child jobs, and child jobs per worker process; how the chosen
 * plans were obtained: taken as their child made them (`plansCarried`) or solved again (`plansResolved`).
 */
export interface FlowSiteStats {
  rounds: number;
  childJobs: number;
  readonly byWorker: Map<string, number>;
  plansCarried: number;
  plansResolved: number;
  /**
   * Resident site models (PORTFOLIO_SITE_MODELS=resident): answers by how they were made, cold ones by reason;
   * `replaced`: first solves on a model opened again because the site's problem changed since its last one.
   */
  readonly resident: { warm: number; first: number; cold: number; replaced: number; readonly coldReasons: Map<string, number> };
  /** Process CPU ms (see PortfolioSiteSolves.cpuMs). */
  readonly cpuMs: { childSolves: number; keepPlans: number; takeAndCheck: number };
}

export interface FlowSitesOptions {
  /** Children keep their plans and the chosen ones are taken, not re-solved (default true). */
  readonly carryPlans?: boolean;
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

export function flowSites(runner: SiteRoundRunner, members: readonly { readonly siteId: string; readonly problem: Problem }[], options: FlowSitesOptions = {}): FlowSites {
  const carry = (options.carryPlans ?? true) && runner.takePlans !== undefined;
  const stats: FlowSiteStats = { rounds: 0, childJobs: 0, byWorker: new Map(), plansCarried: 0, plansResolved: 0, resident: { warm: 0, first: 0, cold: 0, replaced: 0, coldReasons: new Map() }, cpuMs: { childSolves: 0, keepPlans: 0, takeAndCheck: 0 } };
  const count = (solvedBy: string, resident?: SiteSolveAnswer['resident'], cpuMs?: SiteSolveAnswer['cpuMs']) => {
    stats.byWorker.set(solvedBy, (stats.byWorker.get(solvedBy) ?? 0) + 1);
    stats.cpuMs.childSolves += cpuMs?.solve ?? 0;
    stats.cpuMs.keepPlans += cpuMs?.keep ?? 0;
    if (!resident) return;
    stats.resident[resident.how]++;
    if (resident.replaced !== undefined) stats.resident.replaced++;
    if (resident.coldReason !== undefined) {
      const reason = resident.coldReason.replace(/^slot \d+: /, '');
      stats.resident.coldReasons.set(reason, (stats.resident.coldReasons.get(reason) ?? 0) + 1);
    }
  };
  let batch: Pending[] | undefined;
  const flush = () => {
    const pending = batch!;
    batch = undefined;
    stats.rounds++;
    stats.childJobs += pending.length;
    runner.runRound(pending.map((p) => ({ siteId: members[p.index]!.siteId, request: p.request, withPlan: false, ...(carry ? { keepPlan: true } : {}) }))).then(
      (answers) => pending.forEach((p, k) => {
        count(answers[k]!.solvedBy, answers[k]!.resident, answers[k]!.cpuMs);
        const { planKey, bestResponsePlanKey } = answers[k]!;
        const { bestResponse, ...solution } = answers[k]!.solution;
        // A best response (SiteRequest.uncappedPlan) only with the key of its kept plan: the uncapped request it answered.
        const best = bestResponse && bestResponsePlanKey ? { bestResponse: { ...bestResponse, plan: { request: { adderPerKwh: uncappedAdderOf(p.request) }, planKey: bestResponsePlanKey } } } : {};
        p.resolve({ ...solution, plan: { request: p.request, ...(planKey ? { planKey } : {}) }, ...best });
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

  /** The chosen plans: taken where their children kept them; re-solved (one round, with plans) only where none was kept. */
  async function chosenPlans(coordinated: PortfolioPlan<FlowSiteRef>): Promise<Plan[]> {
    const refs = coordinated.sites.map((s) => s.solution.plan);
    const taken = carry ? await runner.takePlans!(refs.flatMap((r) => (r.planKey ? [r.planKey] : []))) : [];
    const plans = new Array<Plan | undefined>(refs.length);
    let next = 0;
    refs.forEach((r, k) => {
      if (r.planKey) plans[k] = taken[next++];
    });
    const again = refs.flatMap((_, k) => (plans[k] ? [] : [k]));
    stats.plansCarried += refs.length - again.length;
    if (again.length === 0) return plans as Plan[];
    const answers = await runner.runRound(again.map((k) => ({ siteId: coordinated.sites[k]!.siteId, request: refs[k]!.request, withPlan: true })));
    stats.rounds++;
    stats.childJobs += answers.length;
    stats.plansResolved += answers.length;
    again.forEach((k, i) => {
      const answer = answers[i]!;
      count(answer.solvedBy, answer.resident, answer.cpuMs);
      if (!answer.plan) throw serviceError('V2G_ERR_SOLVE_FAILED', `site "${coordinated.sites[k]!.siteId}": its final site solve answered without a plan`);
      plans[k] = answer.plan;
    });
    return plans as Plan[];
  }

  async function materialise(coordinated: PortfolioPlan<FlowSiteRef>) {
    const byId = new Map(members.map((m) => [m.siteId, m.problem]));
    const resolvedBefore = stats.plansResolved;
    const cpu0 = process.cpuUsage();
    const plans = await chosenPlans(coordinated);
    const pricedProblems = new Map<Plan, Problem>();
    const sites = await Promise.all(coordinated.sites.map(async (share, k) => {
      const made = plans[k]!;
      let priced: Problem | undefined;
      // The same local arithmetic as the child's (problemSubproblem), around the plan the child made.
      const full = await problemSubproblem(share.siteId, byId.get(share.siteId)!, async (p) => {
        priced = p;
        return made;
      }).solve(share.solution.plan.request);
      const T = share.solution.netImportKw.length;
      const worst = Math.max(0, ...share.solution.netImportKw.map((n, t) => Math.abs(n - full.netImportKw[t]!) - toleranceKw(n)));
      if (worst > 0) {
        throw serviceError('V2G_ERR_SOLVE_FAILED', `site "${share.siteId}": the plan taken for storing differs from its coordinated solution by ${worst.toFixed(6)} kW in a slot; nothing stored`);
      }
      const violations = validatePlan(priced!, made);
      if (violations.length > 0) {
        throw serviceError('V2G_ERR_SOLVE_FAILED', `site "${share.siteId}": its chosen plan fails the plan validator against its priced problem (${violations.length}: ${violations.slice(0, 2).map((v) => v.message).join('; ')}); nothing stored`);
      }
      pricedProblems.set(full.plan, priced!);
      const solution: SiteSolution<Plan> = { ...full, netImportKw: full.netImportKw.slice(0, T), importKw: full.importKw.slice(0, T), exportKw: full.exportKw.slice(0, T), importExcessKw: full.importExcessKw.slice(0, T) };
      return { ...share, solution };
    }));
    const cpu = process.cpuUsage(cpu0);
    stats.cpuMs.takeAndCheck += (cpu.user + cpu.system) / 1000;
    return { plan: { ...coordinated, sites, solves: coordinated.solves + (stats.plansResolved - resolvedBefore) }, pricedProblems };
  }

  return { subproblems, stats, materialise };
}

/** One line for the plan: how many flows and child jobs, and which worker processes solved them. */
export function describeFlowStats(stats: FlowSiteStats, routing?: SiteRoundRunner['routing']): string {
  const by = [...stats.byWorker.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([w, n]) => `${w} ${n}`).join(', ');
  const r = stats.resident;
  const resident = r.warm + r.first + r.cold > 0
    ? `; resident site models: ${r.warm} warm (from the last LP basis), ${r.first} first solves on a new model${r.replaced > 0 ? ` (${r.replaced} of them replacing a model of the site's earlier problem)` : ''}, ${r.cold} cold${r.coldReasons.size > 0 ? ` (${[...r.coldReasons].map(([why, n]) => `${n}x ${why}`).join('; ')})` : ''}`
    : '; site solves cold (no resident models)';
  const routed = routing ? `; children routed to the worker holding the site ${routing.routed}, to the shared queue ${routing.shared}, sent again after a worker stopped beating ${routing.reassigned}${routing.deadWorkers.size > 0 ? ` (dead: ${[...routing.deadWorkers].join(', ')})` : ''}` : '';
  return `${stats.rounds} flows, ${stats.childJobs} child jobs (solved by: ${by || 'none'}); chosen plans: ${stats.plansCarried} taken as their child made them, ${stats.plansResolved} solved again${resident}${routed}`;
}
