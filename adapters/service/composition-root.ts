/**
 * The composition root of the service: the ONE place that creates the store, the queue, the solver pool,
 * the metrics, the HTTP app and the re-plan worker, and wires them together. Embedded mode (the only one
 * in this version): in-memory store and in-process queue. The OCPP module (a later issue) takes
 * `service.ctx` (store, queue, clock, config with `ocppPort`) from here.
 *
 * Lifecycle: `createService` (nothing runs yet) -> `start` (warm the solver pool with a realistic solve per
 * worker, start the re-plan worker,
 * ready) -> `listen` -> `close` (not ready, stop HTTP and wait for requests in flight, wait for the active
 * re-plan, close the pool).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { optimize } from '../../optimizer/optimize.ts';
import { SolverPool } from '../../optimizer/solver-pool.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { systemClock, type Clock, type Timers } from '../clock.ts';
import type { ApiToken, ServiceConfig } from '../config.ts';
import { buildHttpApp } from '../http/app.ts';
import { MemoryQueue } from '../queue/memory-queue.ts';
import { MemoryIdempotencyStore } from '../store/memory-idempotency-store.ts';
import { MemoryStore } from '../store/memory-store.ts';
import type { IdempotencyStore, Store } from '../store/store.ts';
import type { Readiness, ServiceContext } from './context.ts';
import { ServiceMetrics } from './metrics.ts';
import { mergeReplanData, requestReplan, type ReplanJobData, type ReplanJobResult } from './replan-job.ts';
import { createReplanProcessor, type PlanSolver, type WorkerLog } from './replan-worker.ts';

export interface ServiceDeps {
  /** Default: the system clock and Node timers. */
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** Default: HiGHS on a solver pool of SOLVER_POOL_SIZE workers created here. */
  readonly solve?: PlanSolver;
  /** A pino logger; default: silent. */
  readonly logger?: FastifyBaseLogger;
  readonly store?: Store;
  readonly idempotency?: IdempotencyStore;
  /** Collect prom-client's default process metrics (default true). */
  readonly defaultMetrics?: boolean;
}

export interface Service {
  readonly ctx: ServiceContext;
  readonly app: FastifyInstance;
  /** The solver pool, when this service created one. */
  readonly pool: SolverPool | undefined;
  /** Only in demo mode: a random token with every scope, printed at boot. */
  readonly demoToken: string | undefined;
  start(): Promise<void>;
  /** Listens on HOST:PORT; returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

const silentLog: WorkerLog = { info: () => undefined, warn: () => undefined };

export async function createService(config: ServiceConfig, deps: ServiceDeps = {}): Promise<Service> {
  if (config.redisUrl !== undefined) throw new Error('distributed mode (REDIS_URL) is not available yet');
  const clock = deps.clock ?? systemClock;
  const timers = deps.timers ?? systemClock;
  const pool = deps.solve ? undefined : new SolverPool({ size: config.solverPoolSize });
  const solve: PlanSolver = deps.solve ?? ((problem) => optimize(problem, { solver: 'highs', pool: pool!, timeLimitMs: config.solveTimeLimitMs }));
  const metrics = new ServiceMetrics({ defaultMetrics: deps.defaultMetrics ?? true });
  const store = deps.store ?? new MemoryStore();
  const queue = new MemoryQueue<ReplanJobData, ReplanJobResult>({ clock, timers, concurrency: config.solverPoolSize, merge: mergeReplanData });
  const readiness: Readiness = { started: false, closing: false };
  const ctx: ServiceContext = {
    config,
    clock,
    timers,
    store,
    idempotency: deps.idempotency ?? new MemoryIdempotencyStore(clock),
    queue,
    metrics,
    readiness,
  };
  const demoToken = config.demo ? `demo-${randomBytes(16).toString('hex')}` : undefined;
  const tokens: ApiToken[] = [...config.apiTokens, ...(demoToken ? [{ name: 'demo', token: demoToken, scopes: ['read', 'dispatch', 'admin'] as const }] : [])];
  const app = await buildHttpApp({ ctx, tokens, ...(deps.logger ? { logger: deps.logger } : {}) });
  const log: WorkerLog = deps.logger ? deps.logger.child({ module: 'replan' }) : silentLog;
  queue.on((event) => {
    if (event.type === 'completed') metrics.replanJobs.labels('completed').inc();
    else metrics.replanJobs.labels(event.willRetry ? 'retried' : 'failed').inc();
  });

  let started = false;
  let closed: Promise<void> | undefined;
  return {
    ctx,
    app,
    pool,
    demoToken,
    async start() {
      if (started) return;
      started = true;
      if (pool) {
        await pool.warmUp();
        // One realistic solve per worker (minimum current, repair rounds) so the first dispatch does not pay
        // for the JIT of the solver's code paths (measured: ~250 ms first vs ~75 ms after).
        const warm = generateDepot({ vehicles: 30, slots: 96, seed: 99 });
        await Promise.all(Array.from({ length: config.solverPoolSize }, () => optimize(warm, { solver: 'highs', pool, timeLimitMs: config.solveTimeLimitMs })));
      }
      queue.process(createReplanProcessor({ store, clock, config, metrics, solve, log }));
      for (const site of await store.listSites()) await requestReplan(queue, config, site.id, 'service started');
      readiness.started = true;
    },
    async listen() {
      return app.listen({ host: config.host, port: config.port });
    },
    close() {
      closed ??= (async () => {
        readiness.closing = true;
        await app.close();
        await queue.close();
        await pool?.close();
      })();
      return closed;
    },
  };
}
