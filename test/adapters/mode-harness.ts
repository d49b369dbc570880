/**
 * A service in either mode for end-to-end tests through the API: `embedded` (ManualClock, in-memory
 * store and queue: the service harness) or `redis` (the real Redis at V2G_TEST_REDIS_URL under a random
 * prefix, BullMQ queue, system clock; the prefix is deleted on close). Same `Harness` surface for both,
 * so one suite body runs in both modes.
 */
import { systemClock } from '../../adapters/clock.ts';
import { defaultConfig, type ServiceConfig } from '../../adapters/config.ts';
import { createService } from '../../adapters/composition/composition-root.ts';
import type { PlanSolver } from '../../adapters/service/replan-worker.ts';
import type { SiteBoundSolver } from '../../optimizer/portfolio/site-subproblem.ts';
import { QueueEvents, untilIdle } from './queue-idle.ts';
import { createHarness, tokens, type Harness } from './service-harness.ts';
import { deletePrefix, randomPrefix, redisTestUrl, testClient, closeRedisClient } from './store/redis-test-env.ts';

export type ServiceMode = 'embedded' | 'redis';

export interface ModeHarness extends Omit<Harness, 'clock'> {
  readonly mode: ServiceMode;
  /** Wall time in Redis mode, the manual clock's time when embedded. */
  nowUtcMs(): number;
}

/** `overrides`: service options on top of the mode's (e.g. `portfolioCoordination`); `deps`: extra service deps. */
export async function createModeHarness(mode: ServiceMode, solve: PlanSolver, startUtcMs?: number, overrides: Partial<ServiceConfig> = {}, deps: { readonly siteBoundSolve?: SiteBoundSolver } = {}): Promise<ModeHarness> {
  if (mode === 'embedded') {
    const h = await createHarness({ solve, ...deps, ...(startUtcMs !== undefined ? { startUtcMs } : {}), config: overrides });
    return { ...h, mode, nowUtcMs: () => h.clock.nowUtcMs(), request: h.request, settle: h.settle, close: h.close };
  }
  const prefix = randomPrefix();
  const config = defaultConfig({
    demo: false,
    redisUrl: redisTestUrl,
    redisPrefix: prefix,
    redisCommandTimeoutMs: 60_000,
    apiTokens: [
      { name: 'ops', token: tokens.admin, scopes: ['admin'] },
      { name: 'utility', token: tokens.dispatch, scopes: ['dispatch', 'read'] },
      { name: 'viewer', token: tokens.read, scopes: ['read'] },
    ],
    replanDebounceMs: 0,
    replanMaxWaitMs: 0,
    solverPoolSize: 1,
    // A waiting POST answers as soon as its job is done; on a loaded machine a portfolio coordination over
    // BullMQ flows can take longer than the default 10 s, and a test must not depend on the machine's speed.
    dispatchAckTimeoutMs: 600_000,
    ...overrides,
  });
  const service = await createService(config, { solve, ...deps, defaultMetrics: false, processName: 'v2g-test-mode' });
  await service.start();
  await service.app.ready();
  const idle = async () => {
    const c = await service.ctx.queue.counts();
    return c.active === 0 && c.waiting === 0 && c.delayed === 0;
  };
  const events = new QueueEvents(service.ctx.queue);
  return {
    mode,
    service,
    config,
    nowUtcMs: () => systemClock.nowUtcMs(),
    request(role, opts) {
      const headers = { ...(opts.headers ?? {}), ...(role === 'anonymous' ? {} : { authorization: `Bearer ${tokens[role]}` }) };
      return service.app.inject({ ...opts, headers });
    },
    async settle() {
      await untilIdle(events, idle, 60_000, 'the re-plan queue to settle');
    },
    async close() {
      await service.close();
      const client = await testClient('producer', 'v2g-test-mode-cleanup');
      await deletePrefix(client, prefix);
      await closeRedisClient(client);
    },
  };
}
