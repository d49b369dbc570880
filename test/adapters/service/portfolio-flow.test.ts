/**
 * Site solves as BullMQ flows (adapters/service/portfolio-flow.ts) on the real Redis: two "worker processes"
 * (two PortfolioFlow instances taking children) and a coordinator (a third, taking none). A round is one flow;
 * its answers equal the same solves made in process, in the order asked; a whole coordination over flows gives
 * the plan the in-process coordination gives; the chosen plans are taken as their children made them (no site
 * solved again: the workers' solver calls equal the coordinator's solves) and pass the validator, while the old
 * path (carryPlans false) re-solves them in one more round to the same plans; a kept plan that was tampered with
 * fails the coordination loudly, one that expired is re-solved and counted; a solve that throws fails the round;
 * a site whose problem is gone fails it naming the site; a round nobody takes fails with the reason. Numbers
 * JSON cannot carry survive the trip (property).
 */
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortfolioFlow, decodeNumbers, encodeNumbers } from '../../../adapters/service/portfolio-flow.ts';
import { flowSites } from '../../../adapters/service/portfolio-flow-sites.ts';
import { createRedisClient } from '../../../adapters/store/redis-connection.ts';
import { gzipSync } from 'node:zlib';
import { coordinatePortfolio } from '../../../optimizer/portfolio/coordinate.ts';
import { coordinateBySiteColumns } from '../../../optimizer/portfolio/site-columns.ts';
import { validatePlan } from '../../../optimizer/plan-validator.ts';
import type { Problem } from '../../../optimizer/problem.ts';
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
  /** Solver calls made by the two worker flows (every site solve of every test in this block). */
  let solverCalls = 0;
  const counted = (p: Problem) => {
    solverCalls++;
    return sharedSolver()(p);
  };

  beforeAll(async () => {
    admin = await testClient('producer', 'v2g-test-portfolio-flow');
    for (let i = 0; i < 3; i++) clients.push(await testClient('producer', `v2g-test-portfolio-flow-${i}`));
    flow('worker-a', clients[0]!).process(counted, 1);
    flow('worker-b', clients[1]!).process(counted, 1);
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

  const limits = { importLimitKw: new Array<number>(T).fill(60), exportLimitKw: new Array<number>(T).fill(Infinity) };

  it('a coordination over flows: the in-process plan; the chosen plans taken as made (no site solved again), valid against their priced problems', async () => {
    const local = await coordinatePortfolio(members.map((m) => problemSubproblem(m.siteId, m.problem, sharedSolver())), limits, { maxIterations: 8 });
    const run = await coordinator.begin('pc-test-2', members);
    const callsBefore = solverCalls;
    const sites = flowSites(run, members);
    const coordinated = await coordinatePortfolio(sites.subproblems, limits, { maxIterations: 8 });
    const { plan, pricedProblems } = await sites.materialise(coordinated);
    // Every solver call was one of the coordinator's solves: none for the plans stored.
    expect(solverCalls - callsBefore).toBe(coordinated.solves);
    expect(plan.solves).toBe(coordinated.solves);
    expect(sites.stats).toMatchObject({ rounds: coordinated.solves / members.length, plansCarried: members.length, plansResolved: 0 });
    expect(await admin.keys(`${prefix}:pflow:pc-test-2:*:plan:*`)).toHaveLength(coordinated.solves);
    await run.end();
    expect(await admin.keys(`${prefix}:pflow:pc-test-2:*`)).toEqual([]);
    expect(plan.objective).toBeCloseTo(local.objective, 6);
    expect(plan.netImportKw.every((n) => n <= 60 + 1e-6)).toBe(true);
    expect([...sites.stats.byWorker.values()].reduce((a, n) => a + n, 0)).toBe(plan.solves);
    for (const [k, s] of plan.sites.entries()) {
      expect(s.solution.plan.site.importKw.length).toBe(T);
      const priced = pricedProblems.get(s.solution.plan)!;
      expect(priced.vehicles.length).toBe(4);
      expect(validatePlan(priced, s.solution.plan)).toEqual([]);
      // The stored plan IS the coordinated answer, and the in-process coordination's plan.
      expect(s.solution.netImportKw).toEqual(coordinated.sites[k]!.solution.netImportKw);
      expect(s.solution.plan.vehicles).toEqual(local.sites[k]!.solution.plan.vehicles);
    }
  }, 300_000);

  it('site columns over flows: carried plans equal what the old path (one more round, re-solved) stores, with one round and S solves fewer', async () => {
    const coordinate = async (id: string, carryPlans: boolean) => {
      const run = await coordinator.begin(id, members);
      const callsBefore = solverCalls;
      const sites = flowSites(run, members, { carryPlans });
      const coordinated = await coordinateBySiteColumns(sites.subproblems, limits, { maxIterations: 6 });
      const made = await sites.materialise(coordinated);
      await run.end();
      return { coordinated, made, stats: sites.stats, calls: solverCalls - callsBefore };
    };
    const carried = await coordinate('pc-test-5', true);
    const resolved = await coordinate('pc-test-6', false);
    expect(carried.calls).toBe(carried.coordinated.solves);
    expect(resolved.calls).toBe(resolved.coordinated.solves + members.length);
    expect(carried.stats).toMatchObject({ plansCarried: members.length, plansResolved: 0 });
    expect(resolved.stats).toMatchObject({ plansCarried: 0, plansResolved: members.length, rounds: carried.stats.rounds + 1 });
    expect(resolved.made.plan.solves).toBe(carried.made.plan.solves + members.length);
    carried.made.plan.sites.forEach((s, k) => {
      expect(s.solution.plan.vehicles).toEqual(resolved.made.plan.sites[k]!.solution.plan.vehicles);
      expect(s.solution.plan.site).toEqual(resolved.made.plan.sites[k]!.solution.plan.site);
    });
  }, 300_000);

  it('a kept plan that differs from its coordinated answer fails loudly; one that expired is solved again and counted', async () => {
    const run = await coordinator.begin('pc-test-7', members);
    const sites = flowSites(run, members);
    const coordinated = await coordinatePortfolio(sites.subproblems, limits, { maxIterations: 2 });
    const [first, second] = coordinated.sites.map((s) => s.solution.plan.planKey!);
    // Site 1's key now holds site 2's plan: not the answer that was coordinated.
    const other = (await run.takePlans([second!]))[0]!;
    await admin.set(first!, gzipSync(encodeNumbers(other)));
    await expect(sites.materialise(coordinated)).rejects.toMatchObject({ code: 'V2G_ERR_SOLVE_FAILED', message: expect.stringMatching(/site "site-1".*differs from its coordinated solution|site "site-1".*validator/) });
    // Gone (expired): solved again in one round, checked, counted.
    await admin.del(first!);
    const callsBefore = solverCalls;
    const { plan } = await sites.materialise(coordinated);
    expect(solverCalls - callsBefore).toBe(1);
    expect(sites.stats).toMatchObject({ plansResolved: 1 });
    expect(plan.solves).toBe(coordinated.solves + 1);
    expect(plan.sites[0]!.solution.netImportKw).toEqual(coordinated.sites[0]!.solution.netImportKw);
    await run.end();
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
