/**
 * The service is ready (/health/ready 200) once it has started, without waiting for the solver threads' warm-up
 * (adapters/composition/composition-root.ts): the warm-up runs in the background and /health/ready shows it, and a
 * re-plan that comes meanwhile is solved on the pool all the same. The warm-up is held back by a gate here, so
 * "meanwhile" is certain whatever the machine's load.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../adapters/config.ts';
import { createService } from '../../../adapters/composition/composition-root.ts';
import { demoSiteId, seedDemoSite } from '../../../adapters/service/demo-site.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';

/** A pool whose warm-up starts only when the test opens the gate. */
class GatedPool extends SolverPool {
  open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  override async warmUp(): Promise<void> {
    await this.gate;
    return super.warmUp();
  }
}

describe('solver warm-up in the background', () => {
  const pool = new GatedPool({ size: 1 });
  const config = defaultConfig({ demo: false, solverPoolSize: 1, replanDebounceMs: 0, replanMaxWaitMs: 0 });
  const created = createService(config, { pool, roles: ['api', 'worker'], defaultMetrics: false });
  afterAll(async () => (await created).close());

  it('is ready while the pool warms up, solves a re-plan meanwhile, and reports the pool warm afterwards', async () => {
    const service = await created;
    await service.connect();
    const completed = new Promise<string>((resolve) => service.ctx.queue.on((event) => event.type === 'completed' && resolve(event.job.data.siteId)));
    await service.start();
    const health = async () => {
      const res = await service.app.inject({ method: 'GET', url: '/health/ready' });
      return { status: res.statusCode, body: res.json<{ checks?: Record<string, string> }>() };
    };
    expect(await health()).toEqual({ status: 200, body: { status: 'ready', checks: { solverPool: 'warming up', queue: 'ok', store: 'ok', shutdown: 'no' } } });

    await seedDemoSite(service.ctx, { vehicles: 5, schedules: false });
    expect(await completed).toBe(demoSiteId);
    const state = await service.ctx.store.getPlanState(demoSiteId);
    expect(state.currentPlanId).toBeDefined();
    const plan = await service.ctx.store.getPlan(demoSiteId, state.currentPlanId!);
    expect(plan?.plan.status).toMatch(/^(optimal|feasible)$/);
    expect((await health()).body.checks?.solverPool).toBe('warming up');

    pool.open();
    expect(await service.poolWarmUp()).toBe('warm');
    expect(await health()).toMatchObject({ status: 200, body: { checks: { solverPool: 'warm' } } });
  });
});
