/**
 * Test harness for the service: a ManualClock, one real HiGHS solver pool per test file (warmed once),
 * tokens for each scope, and helpers to inject authenticated requests and to let the re-plan queue settle.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { optimize } from '../../optimizer/optimize.ts';
import type { Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { SolverPool } from '../../optimizer/solver-pool.ts';
import type { SiteBoundSolver } from '../../optimizer/portfolio/site-subproblem.ts';
import { ManualClock } from '../../adapters/clock.ts';
import { defaultConfig, type ServiceConfig } from '../../adapters/config.ts';
import { createService, type Service } from '../../adapters/composition/composition-root.ts';
import type { PlanSolver } from '../../adapters/service/replan-worker.ts';
import { QueueEvents, untilIdle } from './queue-idle.ts';

export const tokens = {
  admin: 'admin-token-0123456789abcdef',
  dispatch: 'dispatch-token-0123456789abcdef',
  read: 'read-token-0123456789abcdef',
} as const;

export type Role = keyof typeof tokens;

let pool: SolverPool | undefined;

/** HiGHS on one pool shared by the test file (close it with `closeSharedPool` in afterAll). */
export function sharedSolver(): PlanSolver {
  pool ??= new SolverPool({ size: 1 });
  const p = pool;
  return (problem: Problem) => optimize(problem, { solver: 'highs', pool: p, timeLimitMs: 20_000 });
}

/** A site's capped plan and uncapped LP on one model (aggregate-first's warm bound), on the same shared pool. */
export function sharedBoundSolver(): SiteBoundSolver {
  pool ??= new SolverPool({ size: 1 });
  const p = pool;
  return (problem, request) => p.solveWithBound(problem, request, { timeLimitMs: 20_000 });
}

export async function closeSharedPool(): Promise<void> {
  await pool?.close();
  pool = undefined;
}

export const t0 = Date.parse('2025-06-02T08:00:00Z');

export interface Harness {
  readonly service: Service;
  readonly clock: ManualClock;
  readonly config: ServiceConfig;
  /** An injected request with the role's bearer token (none for `anonymous`). */
  request(role: Role | 'anonymous', options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Moves the clock past every debounce and waits until no re-plan job is waiting or running. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function createHarness(options: { solve?: PlanSolver; siteBoundSolve?: SiteBoundSolver; config?: Partial<ServiceConfig>; startUtcMs?: number } = {}): Promise<Harness> {
  const clock = new ManualClock(options.startUtcMs ?? t0);
  const config = defaultConfig({
    demo: false,
    apiTokens: [
      { name: 'ops', token: tokens.admin, scopes: ['admin'] },
      { name: 'utility', token: tokens.dispatch, scopes: ['dispatch', 'read'] },
      { name: 'viewer', token: tokens.read, scopes: ['read'] },
    ],
    replanBackoffMs: 1_000,
    ...options.config,
  });
  const service = await createService(config, { clock, timers: clock, solve: options.solve ?? sharedSolver(), ...(options.siteBoundSolve ? { siteBoundSolve: options.siteBoundSolve } : {}), defaultMetrics: false });
  await service.start();
  await service.app.ready();
  const idle = async () => {
    const c = await service.ctx.queue.counts();
    return c.active === 0 && c.waiting === 0;
  };
  const events = new QueueEvents(service.ctx.queue);
  return {
    service,
    clock,
    config,
    request(role, opts) {
      const headers = { ...(opts.headers ?? {}), ...(role === 'anonymous' ? {} : { authorization: `Bearer ${tokens[role]}` }) };
      return service.app.inject({ ...opts, headers });
    },
    async settle() {
      for (let round = 0; round < 50; round++) {
        await clock.advanceBy(config.replanMaxWaitMs + 1);
        await untilIdle(events, idle, 30_000, 'the re-plan queue to settle');
        const c = await service.ctx.queue.counts();
        if (c.delayed === 0 || round > 3) return;
      }
    },
    close: () => service.close(),
  };
}

/** A fast inline solver (the uncontrolled baseline) for tests that do not look at plan quality. */
export const baselineSolver: PlanSolver = (problem: Problem) => optimize(problem, { solver: 'uncontrolled' });

/** A plan solver that fails (as a crashed worker would), for fault tests. */
export const failingSolver: PlanSolver = async (problem: Problem): Promise<Plan> => {
  const plan = await optimize(problem, { solver: 'uncontrolled' });
  return { ...plan, status: 'error', message: 'solver worker exited with code 1 (test)' };
};

/** Prices per quarter-hour from `fromUtcMs` for `hours`, cheap at night and expensive 17-20 UTC (EUR/MWh). */
export function priceSeries(fromUtcMs: number, hours: number) {
  return {
    unit: 'EUR/MWh',
    intervals: Array.from({ length: hours * 4 }, (_, i) => {
      const start = fromUtcMs + i * 900_000;
      const hour = new Date(start).getUTCHours();
      return { start: new Date(start).toISOString(), end: new Date(start + 900_000).toISOString(), value: hour >= 17 && hour < 20 ? 320 : hour < 6 ? 60 : 140 };
    }),
  };
}

/** A site body with `n` 11 kW chargers (the first half bidirectional). */
export function aSite(override: Record<string, unknown> = {}, n = 4) {
  return {
    id: 'depot-1',
    name: 'Test depot',
    timeZone: 'Europe/Berlin',
    currency: 'EUR',
    connection: { importLimitKw: 100, exportLimitKw: 50 },
    chargers: Array.from({ length: n }, (_, i) => ({ id: `cp-${i + 1}`, maxPowerKw: 11, canDischarge: i < n / 2 })),
    tariff: { priceTerms: [{ name: 'network-fee', kind: 'per-kwh', pricePerKwh: 0.05 }] },
    ...override,
  };
}

/** A session body: plugged in now, leaving in 10 h, 40 % to 80 % of 60 kWh. */
export function aSession(override: Record<string, unknown> = {}) {
  return {
    chargerId: 'cp-1',
    departure: new Date(t0 + 10 * 3_600_000).toISOString(),
    capacityKwh: 60,
    socPercent: 40,
    targetSocPercent: 80,
    v2gConsent: true,
    ...override,
  };
}

export function json(res: LightMyRequestResponse): any {
  return JSON.parse(res.body);
}
