/**
 * Site solves as BullMQ flows (adapters/service/portfolio-flow.ts) on the real Redis: two "worker processes"
 * (two PortfolioFlow instances taking children) and a coordinator (a third, taking none). A round is one flow;
 * its answers equal the same solves made in process, in the order asked; a whole coordination over flows gives
 * the plan the in-process coordination gives; a solve that throws fails the round; a site whose problem is gone
 * fails it naming the site; a round nobody
 * takes fails with the reason. Numbers JSON cannot carry survive the trip (property).
 */
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortfolioFlow, decodeNumbers, encodeNumbers } from '../../../adapters/service/portfolio-flow.ts';
import { flowSites } from '../../../adapters/service/portfolio-flow-sites.ts';
import { createRedisClient } from '../../../adapters/store/redis-connection.ts';
import { coordinatePortfolio } from '../../../optimizer/portfolio/coordinate.ts';
import { problemSubproblem } from '../../../optimizer/portfolio/site-subproblem.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';
import { closeSharedPool, sharedSolver } from '../service-harness.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';

describe('encodeNumbers', () => {
  it('keeps every double, Infinity, -Infinity and NaN through JSON', () => {
    fc.assert(fc.property(fc.array(fc.double()), (xs) => {
      expect(decodeNumbers<number[]>(encodeNumbers(xs))).toEqual(xs);
    }));
  });
});

const T = 24;
const members = [1, 2, 3].map((seed) => ({ siteId: `site-${seed}`, problem: generateDepot({ vehicles: 4, slots: T, seed, minimumCurrent: false }) }));

describeWithRedis('portfolio site solves as BullMQ flows', () => {
  const prefix = randomPrefix();
  let admin: Redis;
  const clients: Redis[] = [];
  const flows: PortfolioFlow[] = [];
  const flow = (processName: string, producer: Redis, roundTimeoutMs?: number) => {
    const f = new PortfolioFlow({
      redis: producer,
      workerConnection: () => createRedisClient(redisTestUrl, 'worker', { connectionName: `v2g-test-${processName}` }),
      prefix,
      processName,
      onError: () => undefined,
      ...(roundTimeoutMs !== undefined ? { roundTimeoutMs } : {}),
    });
    flows.push(f);
    return f;
  };
  let coordinator: PortfolioFlow;

  beforeAll(async () => {
    admin = await testClient('producer', 'v2g-test-portfolio-flow');
    for (let i = 0; i < 3; i++) clients.push(await testClient('producer', `v2g-test-portfolio-flow-${i}`));
    flow('worker-a', clients[0]!).process(sharedSolver(), 1);
    flow('worker-b', clients[1]!).process(sharedSolver(), 1);
    coordinator = flow('coordinator', clients[2]!);
  });
  afterAll(async () => {
    for (const f of flows) await f.close();
    for (const c of clients) await closeRedisClient(c);
    await deletePrefix(admin, prefix);
    await closeRedisClient(admin);
    await closeSharedPool();
  });

  it('a round answers what the same solves answer in process, in the order asked, and who solved each', async () => {
    const run = await coordinator.begin('pc-test-1', members);
    const request = { adderPerKwh: Array.from({ length: T }, (_, t) => (t % 5) * 0.01), importCapKw: Array.from({ length: T }, (_, t) => (t < 3 ? Infinity : 40)) };
    const answers = await run.runRound(members.map((m) => ({ siteId: m.siteId, request, withPlan: false })));
    await run.end();
    expect(answers.map((a) => a.siteId)).toEqual(members.map((m) => m.siteId));
    for (const [k, m] of members.entries()) {
      const { plan: _plan, ...local } = await problemSubproblem(m.siteId, m.problem, sharedSolver()).solve(request);
      expect(answers[k]!.solution.objective).toBeCloseTo(local.objective, 6);
      expect(answers[k]!.solution.netImportKw).toEqual(local.netImportKw);
      expect(answers[k]!.plan).toBeUndefined();
      expect(['worker-a', 'worker-b']).toContain(answers[k]!.solvedBy);
    }
    // The problems are gone with the coordination.
    expect(await admin.exists(`${prefix}:pflow:pc-test-1:site-1`)).toBe(0);
  }, 120_000);

  it('a coordination over flows: the plan the in-process coordination makes, each site\'s plan materialised', async () => {
    const limits = { importLimitKw: new Array<number>(T).fill(60), exportLimitKw: new Array<number>(T).fill(Infinity) };
    const local = await coordinatePortfolio(members.map((m) => problemSubproblem(m.siteId, m.problem, sharedSolver())), limits, { maxIterations: 8 });
    const run = await coordinator.begin('pc-test-2', members);
    const sites = flowSites(run, members);
    const coordinated = await coordinatePortfolio(sites.subproblems, limits, { maxIterations: 8 });
    const { plan, pricedProblems } = await sites.materialise(coordinated);
    await run.end();
    expect(plan.objective).toBeCloseTo(local.objective, 6);
    expect(plan.netImportKw.every((n) => n <= 60 + 1e-6)).toBe(true);
    expect(sites.stats.rounds).toBe(coordinated.solves / members.length + 1);
    expect([...sites.stats.byWorker.values()].reduce((a, n) => a + n, 0)).toBe(plan.solves);
    for (const s of plan.sites) {
      expect(s.solution.plan.site.importKw.length).toBe(T);
      expect(pricedProblems.get(s.solution.plan)?.vehicles.length).toBe(4);
    }
  }, 300_000);

  it('a site whose problem is gone fails the round naming it (never answered silently)', async () => {
    const run = await coordinator.begin('pc-test-4', members);
    await run.end();
    await expect(run.runRound([{ siteId: 'site-2', request: { adderPerKwh: new Array<number>(T).fill(0) }, withPlan: false }])).rejects.toMatchObject({ code: 'V2G_ERR_SOLVE_FAILED', message: expect.stringMatching(/site "site-2".*is gone/) });
  }, 120_000);
});

describeWithRedis('portfolio site solves as BullMQ flows: faults', () => {
  it('a site solve that throws fails its round (its parent) with V2G_ERR_SOLVE_FAILED', async () => {
    const prefix = randomPrefix();
    const producer = await testClient('producer', 'v2g-test-portfolio-flow-throw');
    const make = (processName: string) => new PortfolioFlow({ redis: producer, workerConnection: () => createRedisClient(redisTestUrl, 'worker'), prefix, processName, onError: () => undefined });
    const worker = make('worker-throwing');
    worker.process(() => Promise.reject(new Error('HiGHS crashed (test)')), 1);
    const coordinatorFlow = make('coordinator');
    const run = await coordinatorFlow.begin('pc-throw', members);
    await expect(run.runRound(members.map((m) => ({ siteId: m.siteId, request: { adderPerKwh: new Array<number>(T).fill(0) }, withPlan: false })))).rejects.toMatchObject({ code: 'V2G_ERR_SOLVE_FAILED', message: expect.stringMatching(/a site solve failed/) });
    await run.end();
    await Promise.all([worker.close(), coordinatorFlow.close()]);
    await deletePrefix(producer, prefix);
    await closeRedisClient(producer);
  }, 60_000);

  it('the round fails after its timeout, saying no worker answered', async () => {
    const prefix = randomPrefix();
    const producer = await testClient('producer', 'v2g-test-portfolio-flow-idle');
    const lonely = new PortfolioFlow({ redis: producer, workerConnection: () => createRedisClient(redisTestUrl, 'worker'), prefix, processName: 'coordinator', onError: () => undefined, roundTimeoutMs: 300 });
    const run = await lonely.begin('pc-idle', members.slice(0, 1));
    await expect(run.runRound([{ siteId: 'site-1', request: { adderPerKwh: new Array<number>(T).fill(0) }, withPlan: false }])).rejects.toMatchObject({ code: 'V2G_ERR_SOLVE_FAILED', message: expect.stringMatching(/not every site solve answered within 300 ms/) });
    await run.end();
    await lonely.close();
    await deletePrefix(producer, prefix);
    await closeRedisClient(producer);
  }, 60_000);
});
