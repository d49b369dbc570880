/**
 * The re-plan job processor (the queue's worker, kept thin): read the site's state, build its problem
 * from now, solve it on the solver pool, store the plan with its problem, acknowledge the dispatches.
 *
 * Faults:
 * - Bad or missing input (no price covering now, input grid/ refuses) is permanent: no retry; the attempt
 *   is recorded and the plan in force (if any) stays.
 * - A failed solve (plan status `error` or `timed_out`) is retryable: the last good plan stays in force,
 *   the attempt is recorded with whether a retry follows, and the queue retries with backoff.
 * - After the plan is saved, `onPlanSaved` announces it (the plan bus, to the OCPP gateways). If that
 *   fails (Redis down), the attempt fails with its retryable error and the job is retried: a saved plan
 *   is never left unannounced silently.
 */
import { randomUUID } from 'node:crypto';
import type { Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';
import type { SolveProgressListener } from '../../optimizer/solve-progress.ts';
import type { Clock } from '../clock.ts';
import type { ServiceConfig } from '../config.ts';
import { serviceError } from '../errors.ts';
import { PermanentJobError } from '../queue/job-errors.ts';
import type { Job, Processor } from '../queue/queue.ts';
import type { PlanRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { ReplanJobData, ReplanJobResult } from './replan-job.ts';
import { buildSiteProblem } from './site-problem.ts';
import { saveSitePlan } from './site-plan-save.ts';
import { warmReplan } from './portfolio-warm-replan.ts';
import type { PortfolioStore } from '../store/portfolio-store.ts';
import type { PortfolioRuns } from '../store/portfolio-runs.ts';
import { unmanagedChargersOf } from './unmanaged-chargers.ts';
import type { ChargerStatusBoard } from '../store/charger-status.ts';

/** Solves a validated problem, reporting progress to `onProgress` when given; never rejects for solver outcomes (see `Plan.status`). */
export type PlanSolver = (problem: Problem, onProgress?: SolveProgressListener) => Promise<Plan>;

/** The few logger methods the worker uses (pino-compatible). */
export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ReplanDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: ServiceConfig;
  readonly metrics: ServiceMetrics;
  readonly solve: PlanSolver;
  readonly log: WorkerLog;
  /** The OCPP charger status board: sessions on `unmanaged` chargers are planned as uncontrolled load. */
  readonly chargerStatus?: ChargerStatusBoard;
  /** Announces a saved plan (plan-bus.ts). */
  readonly onPlanSaved?: (plan: PlanRecord) => Promise<void>;
  /** With both: a member of a coordinated portfolio is re-planned at its last prices within its share (portfolio-warm-replan.ts). */
  readonly portfolios?: PortfolioStore;
  readonly portfolioRuns?: PortfolioRuns;
}

export function createReplanProcessor(deps: ReplanDeps): Processor<ReplanJobData, ReplanJobResult> {
  const { store, clock, config, metrics } = deps;

  const recordFailure = async (job: Job<ReplanJobData, ReplanJobResult>, error: unknown, willRetry: boolean) => {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    metrics.plans.labels('failed').inc();
    deps.log.warn({ siteId: job.data.siteId, jobId: job.id, code, willRetry }, `re-plan failed: ${message.split('\n')[0]}`);
    if (await store.getSite(job.data.siteId)) {
      await store.putPlanAttempt(job.data.siteId, {
        atUtcMs: clock.nowUtcMs(),
        jobId: job.id,
        ok: false,
        ...(typeof code === 'string' ? { code } : {}),
        message,
        willRetry,
      });
    }
  };

  return async (job, reportProgress) => {
    const { siteId } = job.data;
    const nowUtcMs = clock.nowUtcMs();
    deps.log.info({ siteId, jobId: job.id, attempt: job.attemptsMade, reasons: job.data.reasons }, 're-plan started');
    const site = await store.getSite(siteId);
    if (!site) throw new PermanentJobError('V2G_ERR_NOT_FOUND', `site "${siteId}" no longer exists`);
    const [sessions, signals, dispatches, state] = await Promise.all([
      store.listSessions(siteId),
      store.getSignals(siteId),
      store.listDispatches(siteId),
      store.getPlanState(siteId),
    ]);
    const planInForce = state.currentPlanId ? await store.getPlan(siteId, state.currentPlanId) : undefined;
    const unmanagedChargerIds = deps.chargerStatus ? await unmanagedChargersOf(site, deps.chargerStatus) : new Set<string>();
    const assembling = performance.now();
    let built;
    try {
      built = buildSiteProblem({ site, sessions, signals, dispatches, ...(planInForce ? { planInForce } : {}), unmanagedChargerIds }, nowUtcMs, config.horizonHours);
    } catch (error) {
      await recordFailure(job, error, false);
      throw error;
    }
    const started = performance.now();
    const assembleMs = started - assembling;
    const warm = deps.portfolios && deps.portfolioRuns
      ? await warmReplan({ portfolios: deps.portfolios, portfolioRuns: deps.portfolioRuns }, siteId, built.assembled.grid, built.problem, (p) => deps.solve(p))
      : undefined;
    // The solve's progress (phase, round, best plan, bound, gap) on the job resource, in order, while it runs.
    let reported = Promise.resolve();
    const onProgress: SolveProgressListener = (progress) => {
      reported = reported.then(() => reportProgress({ ...progress })).catch((err: unknown) => deps.log.warn({ siteId, jobId: job.id, err }, 're-plan progress not stored'));
    };
    const plan = warm ? warm.plan : await deps.solve(built.problem, onProgress);
    await reported;
    const solveWallMs = performance.now() - started;
    metrics.solveDuration.labels(plan.status).observe(solveWallMs / 1000);
    if (plan.status === 'error' || plan.status === 'timed_out') {
      const error = serviceError('V2G_ERR_SOLVE_FAILED', `the solver returned ${plan.status}: ${plan.message ?? 'no message'}`);
      await recordFailure(job, error, job.attemptsMade < job.attempts);
      throw error;
    }
    if (!(await store.getSite(siteId))) throw new PermanentJobError('V2G_ERR_NOT_FOUND', `site "${siteId}" was deleted during the re-plan`);
    const { assembled } = built;
    const record: PlanRecord = {
      id: `plan-${randomUUID()}`,
      siteId,
      createdAtUtcMs: clock.nowUtcMs(),
      jobId: job.id,
      reasons: job.data.reasons,
      grid: assembled.grid,
      horizonLimitedBy: built.horizonLimitedBy,
      problem: warm ? warm.problem : built.problem,
      importPricePerKwh: assembled.problem.importPricePerKwh,
      exportPricePerKwh: assembled.problem.exportPricePerKwh ?? new Array<number>(assembled.problem.slotCount).fill(0),
      incentives: built.incentives,
      plan,
      limits: assembled.limits,
      droppedSessions: assembled.droppedVehicles,
      dispatchIds: built.dispatchIds,
      forecastFills: built.forecastFills,
      ...(built.uncontrolledSessions.length > 0 ? { uncontrolledSessions: built.uncontrolledSessions } : {}),
      ...(warm ? { coordination: warm.coordination } : {}),
    };
    await saveSitePlan(deps, record);
    metrics.plans.labels('saved').inc();
    deps.log.info(
      {
        siteId,
        jobId: job.id,
        planId: record.id,
        status: plan.status,
        vehicles: plan.vehicles.length,
        slots: plan.slotCount,
        assembleMs: Math.round(assembleMs),
        solveWallMs: Math.round(solveWallMs),
        solverMs: Math.round(plan.stats.solveMs),
        rounds: plan.stats.rounds,
      },
      'plan saved',
    );
    return { planId: record.id };
  };
}
