/**
 * The portfolio plan job's processor (portfolio-job.ts): one plan across the portfolio.
 *
 * 1. Members: the portfolio's sites, each with its problem from now (portfolio-site-problems.ts); those that
 *    cannot take part are named in the plan (`excludedSites`).
 * 2. Dispatches: a split dispatch whose share-carrying site is gone (deleted, left the portfolio), or that a
 *    member joined since (it carries no share: its load would come on top), is split again: its remaining site
 *    shares are cancelled and it becomes `pending`. Pending dispatches become
 *    shared limits (portfolio-dispatch-split.ts) beside the portfolio's own (grid/portfolio-limits.ts).
 * 3. Coordination (optimizer/portfolio/coordinate.ts), warm-started from the last plan's prices. Embedded, the
 *    sites are solved in this process (`solve`); in Redis mode every round of site solves is a BullMQ flow
 *    (portfolio-flow.ts: a parent per round, a child per site, taken by any worker process). The plan says
 *    which (`siteSolves`).
 * 4. Each pending dispatch's shares become site dispatches; every member's coordinated plan is stored as
 *    its plan in force, its dispatches acknowledged, and announced (site-plan-save.ts).
 * 5. The portfolio plan and the dispatches' outcomes are stored.
 *
 * Faults: a site solve that hit its time limit (PORTFOLIO_SITE_TIME_LIMIT_MS) keeps the best valid plan it had by
 * then, within its share, named in the plan (`timedOutSites`, portfolio-site-outcomes.ts); a site solve that
 * fails (error, or a flow child that throws) fails the attempt (retryable); when no retry follows,
 * every pending dispatch is marked `failed` with the code and reason (never left pending silently). A
 * worker killed mid-job: BullMQ's stalled-job check gives the job to another worker, which starts over
 * (nothing is stored before step 4, and step 4 is idempotent per new plan).
 */
import { randomUUID } from 'node:crypto';
import { coordinatePortfolio, type PortfolioPlan, type SharedRowLimits } from '../../optimizer/portfolio/coordinate.ts';
import { coordinateBySiteColumns } from '../../optimizer/portfolio/site-columns.ts';
import { coordinateAggregateFirst, describeCappedRound, describeLagrangianLps, type AggregateFirstPlan } from '../../optimizer/portfolio/aggregate-first.ts';
import { solveAggregateOnWorkerThread } from '../../optimizer/portfolio/aggregate-thread.ts';
import type { PriceStepChoice } from '../../optimizer/portfolio/price-step.ts';
import { firstSlotsOf, pricedProblem, problemSubproblem, uncappedAdderOf, type SiteBoundSolver } from '../../optimizer/portfolio/site-subproblem.ts';
import { planPortfolioByVehicleColumns, vehicleColumnsRefusal } from '../../optimizer/portfolio/vehicle-columns.ts';
import type { ShardExecutorFactory } from '../../optimizer/decomposition/shard-executor.ts';
import type { Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { sharedLimitsPerSlot } from '../../grid/portfolio-limits.ts';
import type { Clock } from '../clock.ts';
import type { ServiceConfig } from '../config.ts';
import { serviceError } from '../errors.ts';
import { isPermanent, PermanentJobError } from '../queue/job-errors.ts';
import type { JobQueue, Processor } from '../queue/queue.ts';
import type { ChargerStatusBoard } from '../store/charger-status.ts';
import type { PortfolioStore } from '../store/portfolio-store.ts';
import type { PortfolioDispatchRecord, PortfolioPlanRecord, PortfolioRuns, PortfolioSiteSolves, SiteShareDispatch } from '../store/portfolio-runs.ts';
import type { DispatchRecord, PlanRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { planSnapshot } from './plan-snapshot.ts';
import { aggregateBoundDetail } from './portfolio-bound-detail.ts';
import { dispatchNetImportLimit, dispatchOutcome, shareDispatches } from './portfolio-dispatch-split.ts';
import type { PortfolioFlow } from './portfolio-flow.ts';
import { describeFlowStats, flowSites } from './portfolio-flow-sites.ts';
import { describeTimedOutSites, timedOutLimitMs, timedOutSites } from './portfolio-site-outcomes.ts';
import { sitePriceFactors } from './portfolio-site-price-factor.ts';
import type { PortfolioJobData, PortfolioJobResult } from './portfolio-job.ts';
import { portfolioProblems } from './portfolio-site-problems.ts';
import type { PlanSolver, WorkerLog } from './replan-worker.ts';
import { saveSitePlan } from './site-plan-save.ts';

export interface PortfolioPlanDeps {
  readonly store: Store;
  readonly portfolios: PortfolioStore;
  readonly runs: PortfolioRuns;
  readonly clock: Clock;
  readonly config: ServiceConfig;
  readonly solve: PlanSolver;
  readonly log: WorkerLog;
  readonly chargerStatus?: ChargerStatusBoard;
  readonly onPlanSaved?: (plan: PlanRecord) => Promise<void>;
  /** Said in every portfolio plan: where the site solves ran. */
  readonly solvedOn: string;
  /** Redis mode: site solves as BullMQ flow children (portfolio-flow.ts); absent: solved in this process with `solve`. */
  readonly flow?: Pick<PortfolioFlow, 'begin'>;
  /**
   * How sites are coordinated: `price-loop` (default, coordinate.ts), `site-columns` (Dantzig-Wolfe over
   * whole-site plans, site-columns.ts) or `aggregate-first` (the aggregate LP of the sites' relaxations, then one
   * round of site solves within its caps; aggregate-first.ts); all run their rounds as flows in Redis mode.
   */
  readonly coordination?: 'price-loop' | 'site-columns' | 'aggregate-first';
  /** With `aggregate-first`: how its price step is solved (optimizer/portfolio/price-step.ts); default `auto` (its size rule). */
  readonly priceStep?: PriceStepChoice;
  /** The decomposed price step: threads solving the sites' relaxations (PORTFOLIO_PRICE_STEP_THREADS); default 1. */
  readonly priceStepThreads?: number;
  /** aggregate-first: its uncapped LPs warm on each site's capped model (default) or a cold round (AggregateFirstOptions.boundSolve). */
  readonly boundSolve?: 'warm' | 'cold-round';
  /** aggregate-first: its capped plans at this share of the feeder prices (AggregateFirstOptions.cappedPriceFactor; default the optimizer's). */
  readonly cappedPriceFactor?: number;
  /** aggregate-first: swap capped plans for best responses where the limits still hold (AggregateFirstOptions.swapBestResponses). */
  readonly swapBestResponses?: boolean;
  /**
   * In process: a site's capped plan and its uncapped LP on the same model (SolverPool.solveWithBound); without it,
   * aggregate-first solves the uncapped problems cold (said in the plan).
   */
  readonly siteBoundSolve?: SiteBoundSolver;
  /** Redis mode: the chosen site plans are taken as their flow child made them, not re-solved (default true; portfolio-flow-sites.ts). */
  readonly carryPlans?: boolean;
  /** Where a coordination starts its feeder prices: the portfolio plan in force's (default) or zero. */
  readonly warmPrices?: 'last-plan' | 'none';
  /** Coordinator iterations at most (default 40). */
  readonly maxIterations?: number;
  /**
   * Large portfolios by one column generation over their vehicles (optimizer/portfolio/vehicle-columns.ts)
   * instead of site solves per feeder-price round: from `fromVehicles` vehicles in all (default 2,000, where
   * the single-site engine also turns to the decomposition), with its shards on `shardExecutor` (Redis mode:
   * BullMQ shard workers) or on worker threads of this process.
   */
  readonly vehicleColumns?: {
    readonly fromVehicles?: number;
    readonly shardExecutor?: ShardExecutorFactory;
    /** Where the shards run, in words (said in the plan). */
    readonly executorLabel?: string;
    /** Default 10 minutes. */
    readonly timeLimitMs?: number;
  };
}

/** The aggregate LP's algorithm in words (`dual simplex, `, `interior point without crossover (35 iterations), `), or nothing for the decomposed step. */
function describeLpSolver(a: AggregateFirstPlan<unknown>['aggregate']): string {
  if (a.method === 'decomposed') return `by decomposition (${a.rounds ?? 0} rounds, ${a.siteSolves ?? 0} relaxation LPs on ${a.threads ?? 1} thread(s), first prices ${a.warmStart ?? 'zero'}), `;
  const s = a.lpSolver;
  if (!s) return '';
  return s.solver === 'ipm' ? `interior point ${s.crossover ? `with crossover (${s.ipmIterations ?? 0} + ${s.crossoverIterations ?? 0} iterations)` : `without crossover (${s.ipmIterations ?? 0} iterations)`}, ` : `simplex (${a.simplexIterations} iterations), `;
}

/** What the portfolio plan record keeps of the price step (aggregate-first). */
function priceStepOf(plan: AggregateFirstPlan<unknown>): NonNullable<PortfolioPlanRecord['priceStep']> {
  const a = plan.aggregate;
  return {
    step: plan.priceStep.step,
    asked: plan.priceStep.asked,
    why: plan.priceStep.why,
    lpSolver: a.method === 'decomposed' ? 'decomposed' : a.lpSolver?.solver === 'ipm' ? (a.lpSolver.crossover ? 'ipm-crossover' : 'ipm') : 'simplex',
    status: a.status,
    solveMs: a.solveMs,
    boundKind: plan.boundKind ?? 'none',
    ...(a.boundNote ? { boundNote: a.boundNote } : {}),
    ...(a.method === 'decomposed' ? { rounds: a.rounds ?? 0, threads: a.threads ?? 1, warmStart: a.warmStart ?? 'zero' } : {}),
  };
}

/** Total vehicles from which a portfolio is planned by vehicle column generation unless told otherwise. */
export const vehicleColumnsFromVehicles = 2000;

const shareId = () => `dispatch-${randomUUID().replaceAll('-', '').slice(0, 12)}`;

/** Split dispatches whose share-carrying site is gone, or that a new member joined, go back to `pending` (their remaining shares cancelled). */
async function resplitOrphans(deps: PortfolioPlanDeps, dispatches: PortfolioDispatchRecord[], present: ReadonlySet<string>, nowUtcMs: number): Promise<PortfolioDispatchRecord[]> {
  const out: PortfolioDispatchRecord[] = [];
  for (const d of dispatches) {
    const gone = [...new Set((d.outcome?.siteDispatches ?? []).map((s) => s.siteId).filter((id) => !present.has(id)))];
    // A member that joined after the split carries no share: its load would come on top of the others' shares.
    const covered = new Set((d.outcome?.slots ?? []).flatMap((s) => s.sites.map((x) => x.siteId)));
    const joined = covered.size > 0 ? [...present].filter((id) => !covered.has(id)) : [];
    if (d.status !== 'planned' || (gone.length === 0 && joined.length === 0)) {
      out.push(d);
      continue;
    }
    for (const share of d.outcome!.siteDispatches) {
      const sd = await deps.store.getDispatch(share.siteId, share.dispatchId);
      if (sd && sd.status === 'active') await deps.store.putDispatch({ ...sd, status: 'cancelled', cancelledAtUtcMs: nowUtcMs }, { expectedRevision: sd.revision });
    }
    const { outcome: _old, ...rest } = d;
    const changes = [...(gone.length > 0 ? [`${gone.join(', ')} no longer in the portfolio`] : []), ...(joined.length > 0 ? [`${joined.join(', ')} joined the portfolio`] : [])];
    const why = `split again at ${new Date(nowUtcMs).toISOString()}: ${changes.join('; ')}`;
    out.push(await deps.runs.putDispatch({ ...rest, status: 'pending', resplits: [...(d.resplits ?? []), why] }));
  }
  return out;
}

/**
 * Every pending dispatch of the portfolio answered `failed` with the coordination's error (its code, else
 * `V2G_ERR_INTERNAL`). Called when a coordination fails for good: from the processor's own catch, and from the
 * queue's `failed` event (`watchPortfolioJobFailures`), which also sees failures the processor never sees.
 */
export async function failPendingPortfolioDispatches(runs: PortfolioRuns, clock: Clock, portfolioId: string, error: unknown): Promise<void> {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  for (const d of await runs.listDispatches(portfolioId)) {
    if (d.status === 'pending') await runs.putDispatch({ ...d, status: 'failed', failure: { code: typeof code === 'string' ? code : 'V2G_ERR_INTERNAL', message, atUtcMs: clock.nowUtcMs() } });
  }
}

/** BullMQ's reason for a job whose lock expired more often than allowed (its worker stopped renewing it). */
const stalledReason = 'job stalled more than allowable limit';

/**
 * Answers the pending dispatches of a portfolio whose coordination job failed for good, whatever failed it. The
 * processor's catch covers its own errors; this covers the rest, e.g. BullMQ failing a job whose lock expired
 * (its worker killed, or its event loop blocked past the lock: session 14's 200 x 500 run left its dispatch
 * `pending` for ever). A stall is said as such: `V2G_ERR_PORTFOLIO_STALLED`, retryable.
 */
export function watchPortfolioJobFailures(queue: Pick<JobQueue<PortfolioJobData, PortfolioJobResult>, 'on'>, runs: PortfolioRuns, clock: Clock, onError: (err: unknown) => void, onHandled?: () => void): void {
  queue.on((event) => {
    if (event.type !== 'failed' || event.willRetry) return onHandled?.();
    const message = event.error instanceof Error ? event.error.message : String(event.error);
    const error = message.includes(stalledReason)
      ? serviceError('V2G_ERR_PORTFOLIO_STALLED', `the portfolio coordination (job ${event.job.id}) was given up: its worker stopped renewing the job's lock (${message}); a worker killed or blocked mid-coordination, retry the dispatch`)
      : event.error;
    failPendingPortfolioDispatches(runs, clock, event.job.data.portfolioId, error).catch(onError).finally(() => onHandled?.());
  });
}

export function createPortfolioPlanProcessor(deps: PortfolioPlanDeps): Processor<PortfolioJobData, PortfolioJobResult> {
  const { store, runs, clock, config } = deps;

  const failPending = (portfolioId: string, error: unknown) => failPendingPortfolioDispatches(runs, clock, portfolioId, error);

  const run = async (job: Parameters<Processor<PortfolioJobData, PortfolioJobResult>>[0]): Promise<PortfolioJobResult> => {
    const { portfolioId } = job.data;
    const started = performance.now();
    const nowUtcMs = clock.nowUtcMs();
    deps.log.info({ portfolioId, jobId: job.id, attempt: job.attemptsMade, reasons: job.data.reasons }, 'portfolio coordination started');
    const portfolio = await deps.portfolios.get(portfolioId);
    if (!portfolio) throw new PermanentJobError('V2G_ERR_NOT_FOUND', `portfolio "${portfolioId}" no longer exists`);
    const loaded = await portfolioProblems(deps, portfolio, nowUtcMs, config.horizonHours);
    const { grid } = loaded;
    if (!grid || loaded.members.length === 0) {
      throw new PermanentJobError('V2G_ERR_PORTFOLIO_NOT_PLANNABLE', `no member of portfolio "${portfolioId}" can be planned: ${loaded.excluded.map((e) => `${e.siteId}: ${e.reason}`).join('; ') || 'it has no sites'}`);
    }
    const present = new Set(loaded.members.map((m) => m.site.id));
    const live = (await runs.listDispatches(portfolioId)).filter((d) => (d.status === 'pending' || d.status === 'planned') && d.endUtcMs > nowUtcMs);
    const dispatches = await resplitOrphans(deps, live, present, nowUtcMs);
    const pending = dispatches.filter((d) => d.status === 'pending');

    // Shared limits: the portfolio's, then each pending dispatch (tightest wins, its source named).
    const perSlot = sharedLimitsPerSlot(grid, portfolio.sharedLimits ?? {});
    const importLimit = perSlot.importLimits.map((l) => ({ ...l }));
    for (const d of pending) {
      dispatchNetImportLimit(d, grid).limitKw.forEach((kw, t) => {
        if (kw < importLimit[t]!.limitKw) importLimit[t] = { limitKw: kw, source: `dispatch ${d.id}` };
      });
    }
    const limits: SharedRowLimits = { importLimitKw: importLimit.map((l) => l.limitKw), exportLimitKw: perSlot.exportLimits.map((l) => l.limitKw) };

    // Coordination: every site solves its own problem; the priced problem of each plan is kept for its record.
    const solvedProblems = new WeakMap<Plan, Problem>();
    const solve = async (p: Problem) => {
      const plan = await deps.solve(p);
      solvedProblems.set(plan, p);
      return plan;
    };
    const previous = await runs.getLatestPlan(portfolioId);
    const warmStart = previous && previous.slotMs === grid.slotMs && deps.warmPrices !== 'none' ? shiftedPrices(previous, grid.startUtcMs, grid.slotCount) : undefined;
    const warmFrom = warmStart
      ? `feeder prices started from those of portfolio plan ${previous!.id} (the plan in force)`
      : `feeder prices started from zero (${!previous ? 'no plan in force' : deps.warmPrices === 'none' ? 'PORTFOLIO_WARM_PRICES=none' : 'the plan in force has another slot length'})`;
    // aggregate-first's price step on a thread of its own: minutes of LP at 200 sites must not block this event loop (the job lock).
    const options = {
      ...(warmStart ? { warmStart, warmStartFrom: `the feeder prices of portfolio plan ${previous!.id} (the plan in force)` } : {}),
      ...(deps.maxIterations ? { maxIterations: deps.maxIterations } : {}),
      solveAggregate: solveAggregateOnWorkerThread,
      ...(deps.coordination === 'aggregate-first' ? { priceStep: deps.priceStep ?? 'auto', ...(deps.priceStepThreads ? { priceStepThreads: deps.priceStepThreads } : {}) } : {}),
      ...(deps.boundSolve ? { boundSolve: deps.boundSolve } : {}),
      ...(deps.cappedPriceFactor !== undefined ? { cappedPriceFactor: deps.cappedPriceFactor } : {}),
      ...(deps.swapBestResponses !== undefined ? { swapBestResponses: deps.swapBestResponses } : {}),
    };
    const siteBoundSolve: SiteBoundSolver | undefined = deps.siteBoundSolve
      ? async (base, request) => {
          const both = await deps.siteBoundSolve!(base, request);
          solvedProblems.set(both.plan, pricedProblem(base, request).problem);
          // Its best response (SiteRequest.uncappedPlan) answers the uncapped problem at the feeder prices.
          if (both.uncapped.plan) solvedProblems.set(both.uncapped.plan, pricedProblem(base, { adderPerKwh: uncappedAdderOf(request) }).problem);
          return both;
        }
      : undefined;
    const coordinate =
      deps.coordination === 'site-columns' ? coordinateBySiteColumns : deps.coordination === 'aggregate-first' ? coordinateAggregateFirst : coordinatePortfolio;
    const coordinationName =
      deps.coordination === 'site-columns' ? 'Dantzig-Wolfe over whole-site plans (PORTFOLIO_COORDINATION=site-columns)' : deps.coordination === 'aggregate-first' ? 'aggregate LP first, then one round within its caps (PORTFOLIO_COORDINATION=aggregate-first)' : 'feeder-price loop';
    let result: PortfolioPlan<Plan>;
    let siteSolves: PortfolioSiteSolves;
    const problems = loaded.members.map((m) => m.built.problem);
    const vehicleCount = problems.reduce((n, p) => n + p.vehicles.length, 0);
    const byVehicles = deps.vehicleColumns && vehicleCount >= (deps.vehicleColumns.fromVehicles ?? vehicleColumnsFromVehicles) ? vehicleColumnsRefusal(problems) ?? 'yes' : undefined;
    if (byVehicles === 'yes') {
      // One column generation over every vehicle of the portfolio (its shards on the shard workers or threads).
      const vc = deps.vehicleColumns!;
      const made = await planPortfolioByVehicleColumns(loaded.members.map((m) => ({ siteId: m.site.id, problem: m.built.problem })), limits, {
        timeLimitMs: vc.timeLimitMs ?? 600_000,
        ...(vc.shardExecutor ? { shardExecutor: vc.shardExecutor } : {}),
        ...(vc.executorLabel ? { executorLabel: vc.executorLabel } : {}),
        ...(warmStart ? { warmStart } : {}),
      });
      result = made;
      siteSolves = { mode: 'vehicle-columns', flows: 0, childJobs: 0, byWorker: {}, summary: `path: ${made.describe} (${vehicleCount} vehicles >= ${vc.fromVehicles ?? vehicleColumnsFromVehicles})` };
    } else if (deps.flow) {
      // Redis mode: every round of site solves is a BullMQ flow (portfolio-flow.ts) taken by any worker process.
      const members = loaded.members.map((m) => ({ siteId: m.site.id, problem: m.built.problem }));
      const flowRun = await deps.flow.begin(`pc-${randomUUID().replaceAll('-', '').slice(0, 16)}`, members);
      try {
        const sites = flowSites(flowRun, members, { carryPlans: deps.carryPlans ?? true });
        const coordinated = await coordinate(sites.subproblems.map((s) => firstSlotsOf(s, grid.slotCount)), limits, options);
        const made = await sites.materialise(coordinated);
        result = made.plan;
        for (const [plan, problem] of made.pricedProblems) solvedProblems.set(plan, problem);
        siteSolves = { mode: 'bullmq-flow', flows: sites.stats.rounds, childJobs: sites.stats.childJobs, byWorker: Object.fromEntries(sites.stats.byWorker), plansCarried: sites.stats.plansCarried, plansResolved: sites.stats.plansResolved, ...(sites.stats.resident.warm + sites.stats.resident.first + sites.stats.resident.cold > 0 ? { resident: { warm: sites.stats.resident.warm, first: sites.stats.resident.first, cold: sites.stats.resident.cold, replaced: sites.stats.resident.replaced } } : {}), cpuMs: { childSolves: Math.round(sites.stats.cpuMs.childSolves), keepPlans: Math.round(sites.stats.cpuMs.keepPlans), takeAndCheck: Math.round(sites.stats.cpuMs.takeAndCheck) }, summary: describeFlowStats(sites.stats, flowRun.routing) };
      } finally {
        await flowRun.end();
      }
    } else {
      const subproblems = loaded.members.map((m) => firstSlotsOf(problemSubproblem(m.site.id, m.built.problem, solve, siteBoundSolve), grid.slotCount));
      result = await coordinate(subproblems, limits, options);
      // In process every solution carries its plan: the chosen ones are stored as solved, none solved again.
      siteSolves = { mode: 'in-process', flows: 0, childJobs: 0, byWorker: {}, plansCarried: result.sites.length, plansResolved: 0, summary: `${result.solves} site solves in this process` };
    }
    if (byVehicles === undefined || byVehicles !== 'yes') {
      const why = byVehicles ?? (deps.vehicleColumns ? `${vehicleCount} vehicles, below ${deps.vehicleColumns.fromVehicles ?? vehicleColumnsFromVehicles}` : 'vehicle column generation not configured');
      const aggregate = 'aggregate' in result ? (result as AggregateFirstPlan<unknown>) : undefined;
      const aggregateSays = aggregate
        ? `; price step ${aggregate.priceStep.step} (PORTFOLIO_PRICE_STEP=${aggregate.priceStep.asked}${aggregate.priceStep.asked === 'auto' ? `, ${aggregate.priceStep.why}` : ''}); aggregate LP ${aggregate.aggregate.rows} rows x ${aggregate.aggregate.cols} columns (${aggregate.aggregate.method}, on a worker thread of its own), ${describeLpSolver(aggregate.aggregate)}${aggregate.aggregate.status} in ${aggregate.aggregate.solveMs} ms${aggregate.aggregate.boundNote ? ` (${aggregate.aggregate.boundNote})` : ''}; bound: ${aggregate.boundKind ?? 'none'}${aggregate.lagrangian ? ` (Lagrangian value ${aggregate.lagrangian.value.toFixed(2)}, ${aggregate.lagrangian.sitesWithoutBound} site(s) without a proven bound${aggregate.lagrangian.standIns > 0 ? `, ${aggregate.lagrangian.standIns} with their relaxation standing in` : ''}); uncapped LPs ${describeLagrangianLps(aggregate.lagrangian)}${aggregate.lagrangian.note ? `; ${aggregate.lagrangian.note}` : ''}` : ''}; ${describeCappedRound(aggregate)}${aggregate.handover ? `; handed over to ${aggregate.handover}` : ''}`
        : '';
      siteSolves = { ...siteSolves, summary: `path: site solves per feeder-price round, ${coordinationName} (${why}); ${siteSolves.summary}${aggregateSays}` };
    }
    // aggregate-first: only the decomposed price step starts from the warm prices (the monolithic LP takes no start).
    const agg = 'aggregate' in result ? (result as AggregateFirstPlan<unknown>).aggregate : undefined;
    const warmSays = !agg || !warmStart
      ? warmFrom
      : agg.warmStart?.startsWith('warm')
        ? `${warmFrom}: the decomposed price step's first round at them (${agg.rounds ?? 0} rounds; ${agg.warmStart})`
        : `the feeder prices of portfolio plan ${previous!.id} (the plan in force) not used: the ${agg.method} price step starts from none`;
    const boundDetail = 'aggregate' in result ? aggregateBoundDetail(result as AggregateFirstPlan<unknown>) : undefined;
    // The share of the feeder prices the sites' plans were made at (aggregate-first's capped plans; 1 otherwise).
    const factors = sitePriceFactors(result);
    const sitePriceFactor = factors.coordination;
    const priceStepRecord = 'priceStep' in result ? priceStepOf(result as AggregateFirstPlan<unknown>) : undefined;
    // A site answered `error` fails the coordination; one that hit its time limit keeps its best plan, named (portfolio-site-outcomes.ts).
    const timedOut = timedOutSites(result);
    const timedOutNote = describeTimedOutSites(timedOut, timedOutLimitMs(result) ?? config.portfolioSiteTimeLimitMs);

    // Shares of pending dispatches as site dispatches, then every member's plan.
    const portfolioPlanId = `pplan-${randomUUID()}`;
    const siteIds = result.sites.map((s) => s.siteId);
    const caps = result.sites.map((s) => s.importCapKw);
    const shares = new Map<string, SiteShareDispatch[]>();
    const newShareIds = new Map<string, string[]>();
    for (const d of pending) {
      const list = shareDispatches(d, grid, siteIds, caps, shareId);
      shares.set(d.id, list);
      for (const sd of list) newShareIds.set(sd.siteId, [...(newShareIds.get(sd.siteId) ?? []), sd.dispatchId]);
    }
    const createdAtUtcMs = clock.nowUtcMs();
    const planIds = new Map<string, string>();
    for (const [i, member] of loaded.members.entries()) {
      const share = result.sites[i]!;
      const siteId = member.site.id;
      if (!(await store.getSite(siteId))) continue;
      const plan = share.solution.plan;
      const factor = factors.perSite[i] ?? sitePriceFactor;
      const record: PlanRecord = {
        id: `plan-${randomUUID()}`,
        siteId,
        createdAtUtcMs,
        jobId: job.id,
        reasons: [`portfolio ${portfolioId}`, ...job.data.reasons],
        grid: member.built.assembled.grid,
        horizonLimitedBy: member.built.horizonLimitedBy,
        problem: solvedProblems.get(plan) ?? member.built.problem,
        importPricePerKwh: member.built.assembled.problem.importPricePerKwh,
        exportPricePerKwh: member.built.assembled.problem.exportPricePerKwh ?? new Array<number>(member.built.problem.slotCount).fill(0),
        incentives: member.built.incentives,
        plan,
        limits: member.built.assembled.limits,
        droppedSessions: member.built.assembled.droppedVehicles,
        dispatchIds: [...member.built.dispatchIds, ...(newShareIds.get(siteId) ?? [])],
        forecastFills: member.built.forecastFills,
        ...(member.built.uncontrolledSessions.length > 0 ? { uncontrolledSessions: member.built.uncontrolledSessions } : {}),
        coordination: {
          portfolioId,
          portfolioPlanId,
          mode: 'coordinated',
          priceAdderPerKwh: result.prices.importPerKwh.map((l, t) => factor * (l - result.prices.exportPerKwh[t]!)),
          importCapKw: share.importCapKw,
          exportCapKw: share.exportCapKw,
          siteObjective: share.solution.objective,
          note: `planned with the ${loaded.members.length} sites of portfolio ${portfolioId} (${result.method}, gap ${Number.isFinite(result.gap) ? (100 * result.gap).toFixed(2) : '?'} %); ${result.method === 'vehicle-columns' ? 'its costs are at its own prices (the feeder priced in the portfolio master)' : `its costs are at its prices plus ${factor === 1 ? `the feeder price${sitePriceFactor !== 1 ? ' (its best response at the prices, swapped in: PORTFOLIO_BEST_RESPONSE_SWAP)' : ''}` : `${factor} x the feeder price (PORTFOLIO_CAPPED_PRICE_FACTOR: the caps keep the shared limits)`}`}`,
        },
      };
      for (const sd of [...shares.values()].flat().filter((x) => x.siteId === siteId)) {
        const d: DispatchRecord = {
          id: sd.dispatchId,
          siteId,
          kind: sd.kind,
          powerKw: sd.powerKw,
          startUtcMs: sd.startUtcMs,
          endUtcMs: sd.endUtcMs,
          reference: `portfolio ${portfolioId} dispatch ${[...shares.entries()].find(([, l]) => l.includes(sd))![0]}`,
          status: 'active',
          requestedBy: `portfolio ${portfolioId}`,
          createdAtUtcMs,
          revision: 0,
          ...(member.planInForce ? { baseline: planSnapshot(member.planInForce, sd.startUtcMs, sd.endUtcMs) } : {}),
        };
        await store.putDispatch(d, { expectedRevision: 0 });
      }
      await saveSitePlan(deps, record);
      planIds.set(siteId, record.id);
    }

    const slots = Array.from({ length: grid.slotCount }, (_, t) => ({
      startUtcMs: grid.startUtcMs + t * grid.slotMs,
      endUtcMs: grid.startUtcMs + (t + 1) * grid.slotMs,
      netImportKw: result.netImportKw[t]!,
      importLimitKw: importLimit[t]!.limitKw,
      importLimitSource: importLimit[t]!.source,
      exportLimitKw: perSlot.exportLimits[t]!.limitKw,
      exportLimitSource: perSlot.exportLimits[t]!.source,
      priceAdderPerKwh: result.prices.importPerKwh[t]! - result.prices.exportPerKwh[t]!,
    }));
    const record: PortfolioPlanRecord = {
      id: portfolioPlanId,
      portfolioId,
      createdAtUtcMs,
      jobId: job.id,
      reasons: job.data.reasons,
      startUtcMs: grid.startUtcMs,
      slotMs: grid.slotMs,
      // A timed-out site's plan is not its solver's optimum: the portfolio plan is then at best feasible.
      status: timedOut.length > 0 && result.status === 'optimal' ? 'feasible' : result.status,
      ...(timedOut.length > 0 ? { timedOutSites: timedOut } : {}),
      method: result.method,
      stopReason: result.stopReason,
      objective: result.objective,
      bound: result.bound,
      gap: result.gap,
      ...(boundDetail ? { boundDetail } : {}),
      iterations: result.iterations,
      solves: result.solves,
      wallMs: Math.round(performance.now() - started),
      solvedOn: `${siteSolves.mode === 'vehicle-columns' ? siteSolves.summary : `${deps.solvedOn}; ${siteSolves.summary}`}; ${warmSays}${timedOutNote ? `; ${timedOutNote}` : ''}`,
      siteSolves,
      ...(priceStepRecord ? { priceStep: priceStepRecord } : {}),
      slots,
      ...(sitePriceFactor !== 1 ? { sitePriceFactor } : {}),
      sites: result.sites.map((s) => ({
        siteId: s.siteId,
        planId: planIds.get(s.siteId) ?? '',
        planStatus: s.solution.status,
        objective: s.solution.objective,
        netImportKw: s.solution.netImportKw,
        importCapKw: s.importCapKw,
        exportCapKw: s.exportCapKw,
      })),
      breaches: result.breaches,
      excludedSites: loaded.excluded,
      dispatchIds: pending.map((d) => d.id),
    };
    await runs.putPlan(record);
    // Kept with each dispatch's outcome (plans in force are replaced; M&V reads it later): how this plan was made.
    const planHowMade = `${record.method} (${coordinationName}), ${record.status}, ${Number.isFinite(record.gap) ? `${(100 * record.gap).toFixed(2)} % above its certified bound (${record.boundDetail?.kind ?? 'Lagrangian'})` : 'no certified bound'}, stopped on ${record.stopReason}, ${record.solves} site solves${timedOutNote ? `; ${timedOutNote}` : ''}`;
    const withoutShare = [...loaded.excluded.map((e) => e.siteId)];
    for (const d of pending) {
      const fresh = await runs.getDispatch(portfolioId, d.id);
      if (!fresh || fresh.status !== 'pending') continue;
      const joined = loaded.members.map((m) => m.site.id).filter((id) => !fresh.siteIds.includes(id));
      await runs.putDispatch({ ...fresh, status: 'planned', outcome: { ...dispatchOutcome(fresh, grid, result, portfolioPlanId, shares.get(d.id) ?? [], withoutShare), planHowMade }, ...(joined.length > 0 ? { resplits: [...(fresh.resplits ?? []), `planned with sites that joined after it arrived: ${joined.join(', ')}`] } : {}) });
    }
    deps.log.info({ portfolioId, jobId: job.id, portfolioPlanId, status: result.status, gap: result.gap, solves: result.solves, wallMs: record.wallMs }, 'portfolio plan saved');
    return { portfolioPlanId };
  };

  return async (job) => {
    try {
      return await run(job);
    } catch (error) {
      const willRetry = !isPermanent(error) && job.attemptsMade < job.attempts;
      deps.log.warn({ portfolioId: job.data.portfolioId, jobId: job.id, willRetry, err: error }, 'portfolio coordination failed');
      if (!willRetry) await failPending(job.data.portfolioId, error).catch(() => undefined);
      throw error;
    }
  };
}

/** The last plan's feeder prices moved to a grid starting at `startUtcMs` (slots it did not cover: 0). */
function shiftedPrices(previous: PortfolioPlanRecord, startUtcMs: number, slotCount: number) {
  const offset = Math.round((startUtcMs - previous.startUtcMs) / previous.slotMs);
  const at = (t: number) => previous.slots[t + offset];
  return {
    importPerKwh: Array.from({ length: slotCount }, (_, t) => Math.max(0, at(t)?.priceAdderPerKwh ?? 0)),
    exportPerKwh: Array.from({ length: slotCount }, (_, t) => Math.max(0, -(at(t)?.priceAdderPerKwh ?? 0))),
  };
}
