/**
 * The composition root of the service: the ONE place that creates the backend (store, queue, plan bus:
 * in memory, or on Redis when REDIS_URL is set; service-backend.ts), the solver pool, the metrics, the
 * HTTP app, the re-plan worker and the OCPP gateway, and wires them together.
 *
 * Roles (`deps.roles`, default all three = `v2g start`):
 * - `api`: the HTTP API on HOST:PORT. Writes state, queues re-plans, reads plans.
 * - `worker`: takes re-plan jobs, solves on a pool of SOLVER_POOL_SIZE HiGHS threads, saves the plan and
 *   announces it on the plan bus; re-plans every site once at start.
 * - `gateway`: the OCPP server on HOST:OCPP_PORT (gateway.ts); chargers' sessions become store sessions
 *   and trigger re-plans; announced plans go to the chargers connected here.
 * A process without `api` serves only /health, /metrics and /problems on HOST:PORT (ops-app.ts).
 * Embedded (no REDIS_URL) the roles must run in one process (they share memory); with Redis any number
 * of processes of each role share one Redis.
 *
 * Lifecycle: `createService` (nothing runs yet) -> `start` (Redis answers; worker: start taking jobs, and
 * warm the solver pool in the background, a few realistic solves per thread; gateway: follow the plan bus; ready) ->
 * `listen` (HTTP; gateway: the OCPP port; the CLI listens once `connect` (the first part of `start`) is done and
 * calls `start` after: /health/ready answers 503 until `start` is done, and shows the pool's warm-up without
 * waiting for it) -> `close` (not ready; OCPP and HTTP stop; the active re-plans finish,
 * or after 60 % of SHUTDOWN_GRACE_MS are handed back to the queue for another worker; the pool and the
 * connections close).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { optimize } from '../../optimizer/optimize.ts';
import { SolverPool } from '../../optimizer/solver-pool.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { systemClock, type Clock, type Timers } from '../clock.ts';
import type { ApiToken, ServiceConfig } from '../config.ts';
import { changeNotifyingPortfolioStore, changeNotifyingStatusBoard, changeNotifyingStore } from '../change-feed/change-notifying-store.ts';
import { dashboardRoutes } from '../dashboard/routes.ts';
import { buildHttpApp } from '../http/app.ts';
import { buildOpsApp } from '../http/ops-app.ts';
import type { OcppServer } from '../ocpp/server.ts';
import type { ChargerCredentials } from '../store/charger-credentials.ts';
import type { IdempotencyStore, Store } from '../store/store.ts';
import type { Readiness, ServiceContext } from '../service/context.ts';
import { createGateway, type Gateway } from '../service/gateway.ts';
import { withGatewayLiveness } from '../service/gateway-liveness.ts';
import { ServiceMetrics } from '../service/metrics.ts';
import { createPortfolioBackend } from '../service/portfolio-backend.ts';
import { createPortfolioPlanProcessor, watchPortfolioJobFailures } from '../service/portfolio-plan-worker.ts';
import type { ResidentSiteSolver } from '../service/portfolio-flow.ts';
import type { SiteBoundSolver } from '../../optimizer/portfolio/site-subproblem.ts';
import { requestReplan } from '../service/replan-job.ts';
import { ReplansAfterWrite } from '../service/replan-after-write.ts';
import { createReplanProcessor, type PlanSolver } from '../service/replan-worker.ts';
import { portfolioShardExecutor, shardedPlanSolver } from '../decomposition-flow/sharded-plan-solver.ts';
import { createServiceBackend, type ServiceBackend } from '../service/service-backend.ts';
import { listenOrExplain } from './port-unavailable.ts';

/** What a process does (see above). */
export type ServiceRole = 'api' | 'worker' | 'gateway';
export const allRoles: readonly ServiceRole[] = ['api', 'worker', 'gateway'];

/** Realistic solves per solver thread in the pool's background warm-up (the JIT settles after about 6). */
export const warmUpRounds = 6;

export interface ServiceDeps {
  /** Default: the system clock and Node timers (with REDIS_URL they must follow wall time). */
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** Default: HiGHS on a solver pool of SOLVER_POOL_SIZE workers created here (worker role only). */
  readonly solve?: PlanSolver;
  /** The solver pool to use instead of creating one (worker role; the service closes it). */
  readonly pool?: SolverPool;
  /**
   * aggregate-first's warm bound (PORTFOLIO_BOUND_SOLVE=warm): a site's capped plan and its uncapped LP on one model.
   * Default: on this service's solver pool (SolverPool.solveWithBound); none when `solve` is given without it (then the
   * uncapped LPs are a cold round, said in the plan).
   */
  readonly siteBoundSolve?: SiteBoundSolver;
  /** A pino logger; default: silent. */
  readonly logger?: Logger;
  /** Embedded only: stores to use (tests). */
  readonly store?: Store;
  readonly idempotency?: IdempotencyStore;
  readonly chargerCredentials?: ChargerCredentials;
  /** Collect prom-client's default process metrics (default true). */
  readonly defaultMetrics?: boolean;
  /** Default: all three. */
  readonly roles?: readonly ServiceRole[];
  /** Shown in Redis `CLIENT LIST`; default `v2g-<roles>`. */
  readonly processName?: string;
}

export interface Service {
  readonly ctx: ServiceContext;
  /** The HTTP API (api role) or the operations endpoint (health, metrics). */
  readonly app: FastifyInstance;
  readonly roles: readonly ServiceRole[];
  readonly backend: ServiceBackend;
  /** The solver pool, when this service created one. */
  readonly pool: SolverPool | undefined;
  /** The OCPP gateway (gateway role). */
  readonly gateway: Gateway | undefined;
  /** The OCPP server while listening (gateway role). */
  readonly ocpp: OcppServer | undefined;
  /** Only in demo mode: a random token with every scope, printed at boot. */
  readonly demoToken: string | undefined;
  /** Waits until the backend answers (Redis: within REDIS_READY_TIMEOUT_MS, else StoreUnavailableError) and, gateway
   * role, follows the plan bus: what must hold before listening. `start` does it first. */
  connect(): Promise<void>;
  /** `connect`, then (worker role) takes jobs and starts warming the solver pool (in the background); then ready
   * (/health/ready 200). */
  start(): Promise<void>;
  /** Worker role, after `start`: the solver pool's warm-up, resolved with its outcome ('warm', or why not; also
   * in /health/ready) once it is over. Undefined without a pool or before `start`. */
  poolWarmUp(): Promise<string> | undefined;
  /** Listens on HOST:PORT (and, gateway role, HOST:OCPP_PORT); returns the HTTP base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createService(config: ServiceConfig, deps: ServiceDeps = {}): Promise<Service> {
  const roles = deps.roles ?? allRoles;
  const has = (role: ServiceRole) => roles.includes(role);
  const clock = deps.clock ?? systemClock;
  const timers = deps.timers ?? systemClock;
  const logger = deps.logger ?? pino({ level: 'silent' });
  let gateway: Gateway | undefined;
  const backend = await createServiceBackend(config, {
    clock,
    timers,
    processName: deps.processName ?? `v2g-${roles.join('-')}`,
    ...(deps.store ? { store: deps.store } : {}),
    ...(deps.idempotency ? { idempotency: deps.idempotency } : {}),
    ...(deps.chargerCredentials ? { chargerCredentials: deps.chargerCredentials } : {}),
    onError: (err) => logger.warn({ err, code: 'V2G_ERR_STORE_UNAVAILABLE' }, 'redis'),
    onHandBack: (jobIds) => logger.warn({ jobIds }, 'shutdown: running re-plans handed back to the queue'),
    onPlanBusReconnect: () => void gateway?.plans.reconcile().catch((err: unknown) => logger.warn({ err }, 're-applying plans after a reconnect failed')),
  });
  const portfolioPlanning = await createPortfolioBackend(config, backend, { clock, timers, processName: deps.processName ?? `v2g-${roles.join('-')}`, onError: (err) => logger.warn({ err }, 'portfolio queue') });
  const pool = has('worker') && !deps.solve ? (deps.pool ?? new SolverPool({ size: config.solverPoolSize })) : undefined;
  const threadSolve: PlanSolver = (problem, onProgress) => optimize(problem, { solver: 'highs', pool: pool!, timeLimitMs: config.solveTimeLimitMs, ...(onProgress ? { onProgress } : {}) });
  // DECOMPOSITION_SHARD_QUEUES (distributed mode): decomposed sites price their shards in `v2g shard-worker` processes.
  const shardQueues = config.redisUrl !== undefined ? config.decompositionShardQueues : undefined;
  const solve: PlanSolver =
    deps.solve ??
    (shardQueues
      ? shardedPlanSolver({ redisUrl: config.redisUrl!, prefix: config.redisPrefix, shardQueues, timeLimitMs: config.solveTimeLimitMs, local: threadSolve, onError: (err) => logger.warn({ err }, 'decomposition shard flow') })
      : threadSolve);
  // A portfolio coordination's site solves: PORTFOLIO_SITE_TIME_LIMIT_MS (queue work, not interactive).
  const portfolioSolve: PlanSolver = deps.solve ?? (shardQueues ? solve : (problem, onProgress) => optimize(problem, { solver: 'highs', pool: pool!, timeLimitMs: config.portfolioSiteTimeLimitMs, ...(onProgress ? { onProgress } : {}) }));
  const metrics = new ServiceMetrics({ defaultMetrics: deps.defaultMetrics ?? true });
  const readiness: Readiness = { started: false, closing: false };
  const { queue, planBus, changes } = backend;
  // Every write to the store and the charger status board is announced on the change feed (dashboard live updates).
  const store = changeNotifyingStore(backend.store, changes, clock);
  const replans = new ReplansAfterWrite({
    queue, config, timers,
    onDeferred: (siteId, err) => logger.warn({ siteId, err }, 're-plan after a write deferred (retried in the background)'),
  });
  const ctx: ServiceContext = {
    config, clock, timers, store, idempotency: backend.idempotency, portfolios: changeNotifyingPortfolioStore(backend.portfolios, changes, clock), portfolioPlanning, meterLog: backend.meterLog, chargerCredentials: backend.chargerCredentials, queue, replans, metrics, readiness, changes, authThrottle: backend.authThrottle,
    // Readers see a crashed gateway's chargers as not connected after 3 missed beats (gateway-liveness.ts).
    chargerStatus: withGatewayLiveness(changeNotifyingStatusBoard(backend.chargerStatus, changes, clock), clock, 3 * config.ocppGatewayBeatMs),
  };
  const demoToken = config.demo && has('api') ? `demo-${randomBytes(16).toString('hex')}` : undefined;
  const tokens: ApiToken[] = [...config.apiTokens, ...(demoToken ? [{ name: 'demo', token: demoToken, scopes: ['read', 'dispatch', 'admin'] as const }] : [])];
  const httpLogger = deps.logger ? { logger: deps.logger } : {};
  const queueDashboard = config.queueDashboard !== 'off' && backend.bullQueues.length > 0 ? { queues: backend.bullQueues, allowActions: config.queueDashboard === 'actions' } : undefined;
  const app = has('api') ? await buildHttpApp({ ctx, tokens, ...httpLogger, moreRoutes: [async (http) => void (await http.register(dashboardRoutes, { ctx }))], ...(queueDashboard ? { queueDashboard } : {}), ...(backend.redis ? { rateLimitRedis: backend.redis } : {}) }) : await buildOpsApp({ ctx, ...httpLogger });
  gateway = has('gateway') ? createGateway(ctx, logger) : undefined;
  queue.on((event) => {
    if (event.type === 'completed') metrics.replanJobs.labels('completed').inc();
    else metrics.replanJobs.labels(event.willRetry ? 'retried' : 'failed').inc();
  });

  /** Starts every solver thread, then `warmUpRounds` realistic solves per thread (minimum current, repair rounds) so
   * that the first dispatches do not pay for the JIT of the solver's code paths (measured: ~250 ms first vs ~75 ms
   * after one; a 50-vehicle solve costs 2-4x its steady CPU for its first ~6 solves in a thread: bench/RESULTS.md,
   * issue 12 session 8). Resolves with the pool's state for /health/ready ('warm', or why not); never rejects. */
  const warmUpPool = async (p: SolverPool): Promise<string> => {
    await p.warmUp();
    if (readiness.closing) return 'closed during warm-up';
    const warm = generateDepot({ vehicles: 30, slots: 96, seed: 99 });
    for (let round = 0; round < warmUpRounds; round++) {
      const plans = await Promise.all(Array.from({ length: config.solverPoolSize }, () => optimize(warm, { solver: 'highs', pool: p, timeLimitMs: config.solveTimeLimitMs })));
      if (readiness.closing) return 'closed during warm-up';
      const failed = plans.find((plan) => plan.status === 'error');
      if (failed) return `warm-up solve failed: ${failed.message ?? failed.status}`;
    }
    return 'warm';
  };
  let started = false;
  let warming: Promise<string> | undefined;
  let connected: Promise<void> | undefined;
  let unsubscribe: (() => void) | undefined;
  let closed: Promise<void> | undefined;
  const connect = () => {
    connected ??= (async () => {
      await backend.ready(config.redisReadyTimeoutMs);
      if (gateway) {
        const g = gateway;
        unsubscribe = planBus.subscribe((event) => g.planReady(event));
      }
    })();
    return connected;
  };
  return {
    ctx,
    app,
    roles,
    backend,
    pool,
    gateway,
    get ocpp() {
      return gateway?.server;
    },
    demoToken,
    connect,
    poolWarmUp: () => warming,
    async start() {
      if (started) return;
      started = true;
      await connect();
      if (has('worker')) {
        // Closed meanwhile (a port could not be taken, a signal): take no jobs.
        if (readiness.closing) return;
        // The solver threads warm up in the background: ready means the service answers and takes jobs; a job that
        // comes meanwhile waits in the pool's queue for a thread (the first solves are slower, never wrong).
        if (pool) {
          readiness.solverPool = 'warming up';
          warming = warmUpPool(pool).then((state) => {
            readiness.solverPool = state;
            if (state !== 'warm' && !readiness.closing) logger.warn({ solverPool: state }, 'solver pool warm-up');
            return state;
          });
        }
        const onPlanSaved = async (plan: { siteId: string; id: string; createdAtUtcMs: number }) =>
          planBus.publish({ siteId: plan.siteId, planId: plan.id, createdAtUtcMs: plan.createdAtUtcMs });
        queue.process(createReplanProcessor({ store, clock, config, metrics, solve, log: logger.child({ module: 'replan' }), onPlanSaved, chargerStatus: ctx.chargerStatus, portfolios: backend.portfolios, portfolioRuns: portfolioPlanning.runs }));
        // Redis: this process takes site solves of any coordination (flow children) and coordinates whole jobs.
        const flow = portfolioPlanning.flow;
        // PORTFOLIO_SITE_MODELS=resident: site LPs kept open on this process's solver threads, the sites routed here.
        const resident: ResidentSiteSolver | undefined = config.portfolioSiteModels === 'resident' && pool
          ? (problem, key, request, version) => request.uncappedBound
              ? pool.solveWithBound(problem, request, { timeLimitMs: config.portfolioSiteTimeLimitMs }, { key, maxBytes: config.portfolioResidentMib * 2 ** 20, ...(version !== undefined ? { version } : {}) })
              : pool.solveResident(problem, { key, request, maxBytes: config.portfolioResidentMib * 2 ** 20, ...(version !== undefined ? { version } : {}) }, { timeLimitMs: config.portfolioSiteTimeLimitMs })
          : undefined;
        // aggregate-first's warm bound (PORTFOLIO_BOUND_SOLVE=warm): a site's capped plan and its uncapped LP on one model, on a solver thread.
        const siteBoundSolve: SiteBoundSolver | undefined = deps.siteBoundSolve ?? (pool && !deps.solve ? (problem, request) => pool.solveWithBound(problem, request, { timeLimitMs: config.portfolioSiteTimeLimitMs }) : undefined);
        flow?.process(portfolioSolve, config.solverPoolSize, resident, siteBoundSolve);
        // A coordination failed for good by anything (its own error, or BullMQ giving up a stalled job) answers its pending dispatches.
        watchPortfolioJobFailures(portfolioPlanning.queue, portfolioPlanning.runs, clock, (err) => logger.warn({ err }, 'portfolio dispatches not answered failed'));
        portfolioPlanning.queue.process(createPortfolioPlanProcessor({
          store, portfolios: backend.portfolios, runs: portfolioPlanning.runs, clock, config, solve: portfolioSolve, log: logger.child({ module: 'portfolio' }), onPlanSaved, chargerStatus: ctx.chargerStatus,
          ...(flow ? { flow } : {}),
          coordination: config.portfolioCoordination,
          priceStep: config.portfolioPriceStep,
          priceStepThreads: config.portfolioPriceStepThreads,
          boundSolve: config.portfolioBoundSolve,
          cappedPriceFactor: config.portfolioCappedPriceFactor,
          swapBestResponses: config.portfolioBestResponseSwap,
          ...(siteBoundSolve ? { siteBoundSolve } : {}),
          carryPlans: config.portfolioFlowPlans === 'carry',
          warmPrices: config.portfolioWarmPrices,
          // PORTFOLIO_VEHICLE_COLUMNS_FROM with shard workers (DECOMPOSITION_SHARD_QUEUES, Redis): large portfolios by one vehicle column generation on them.
          ...(shardQueues && config.portfolioVehicleColumnsFrom > 0
            ? { vehicleColumns: { fromVehicles: config.portfolioVehicleColumnsFrom, shardExecutor: portfolioShardExecutor({ redisUrl: config.redisUrl!, prefix: config.redisPrefix, shardQueues, onError: (err) => logger.warn({ err }, 'portfolio vehicle shards') }), executorLabel: `${shardQueues.length} BullMQ shard worker process(es) as flow children (queues ${shardQueues.join(', ')})` } }
            : {}),
          solvedOn: flow
            ? `${flow.describe(config.solverPoolSize)} (${backend.mode})`
            : `one worker process (${backend.mode}), sites solved on its solver pool of ${config.solverPoolSize} thread(s); not a BullMQ flow`,
        }));
        for (const site of await store.listSites()) await requestReplan(queue, config, site.id, 'service started');
      }
      readiness.started = true;
    },
    async listen() {
      // A port that cannot be taken is a PortUnavailableError naming it and its setting; the caller closes the service.
      const url = await listenOrExplain('http', config.host, config.port, () => app.listen({ host: config.host, port: config.port }));
      if (gateway) {
        const g = gateway;
        await listenOrExplain('ocpp', config.host, config.ocppPort, () => g.listen());
      }
      return url;
    },
    close() {
      closed ??= (async () => {
        // Running re-plans get 60 % of the grace from now; what HTTP takes to drain comes out of it.
        const handBackAtUtcMs = clock.nowUtcMs() + Math.floor(config.shutdownGraceMs * 0.6);
        readiness.closing = true;
        unsubscribe?.();
        await gateway?.close();
        await app.close();
        replans.close();
        await portfolioPlanning.queue.close({ handBackAfterMs: Math.max(0, handBackAtUtcMs - clock.nowUtcMs()) });
        await portfolioPlanning.flow?.close();
        await backend.close({ handBackAfterMs: Math.max(0, handBackAtUtcMs - clock.nowUtcMs()) });
        await pool?.close();
        await warming;
      })();
      return closed;
    },
  };
}
