/**
 * The decomposition's shards as BullMQ flow children in real worker processes (adapters/decomposition-flow/):
 * the same plan as one thread with the same shards, bit for bit; and a worker process killed mid-solve makes
 * the solve fail loudly, naming the shard and why (its kept answers are gone), never hang or return a plan
 * from partial sums.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { flowShardExecutor, type FlowExecutorOptions, type StepRecord } from '../../../adapters/decomposition-flow/flow-executor.ts';
import { createRedisClient } from '../../../adapters/store/redis-connection.ts';
import { solveWithDecomposition } from '../../../optimizer/decomposition/decompose.ts';
import { LocalShardExecutor } from '../../../optimizer/decomposition/local-shard-executor.ts';
import type { ShardExecutor, ShardExecutorFactory } from '../../../optimizer/decomposition/shard-executor.ts';
import { planPortfolioByVehicleColumns } from '../../../optimizer/portfolio/vehicle-columns.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';
import { expectGoodPlan } from '../../optimizer/solve-helpers.ts';
import { deletePrefix, describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';
import { startShardProcess, stopShardProcess, type ShardProcess } from './shard-processes.ts';

describeWithRedis('decomposition shards as BullMQ flows in worker processes', () => {
  const prefix = randomPrefix();
  const queues = [`shard-${randomUUID()}`, `shard-${randomUUID()}`];
  let workers: ShardProcess[] = [];
  const executorOptions = (extra: Partial<FlowExecutorOptions> = {}): FlowExecutorOptions => ({
    connection: () => createRedisClient(redisTestUrl, 'worker', { connectionName: 'v2g-test-coordinator' }),
    prefix,
    shardQueues: queues,
    ...extra,
  });

  beforeAll(async () => {
    workers = await Promise.all(queues.map((q) => startShardProcess(q, prefix, redisTestUrl)));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopShardProcess(w)));
    const client = await testClient();
    await deletePrefix(client, prefix);
    client.disconnect();
  });

  it('two worker processes give the same plan as one thread with the same shards (seed 7)', async () => {
    const problem = generateDepot({ vehicles: 80, seed: 7 });
    const options = { maxIterations: 12 };
    const steps: StepRecord[] = [];
    const local = await solveWithDecomposition(problem, { ...options, shardExecutor: (input) => new LocalShardExecutor(input, 2) });
    const flow = await solveWithDecomposition(problem, { ...options, shardExecutor: flowShardExecutor(executorOptions({ onStep: (s) => steps.push(s) })) });
    expectGoodPlan(problem, flow);
    expect(flow.stats.relaxationObjective).toBe(local.stats.relaxationObjective);
    expect(flow.cost).toEqual(local.cost);
    expect(flow.vehicles.map((v) => v.powerKw)).toEqual(local.vehicles.map((v) => v.powerKw));
    // One open, one flow per pricing, one plan, one close; per pricing only prices out, sums back.
    expect(steps.map((s) => s.step)).toEqual(['open', ...Array<string>(flow.stats.iterations).fill('price'), 'plan', 'close']);
    const price = steps.find((s) => s.step === 'price')!;
    expect(price.computeMs).toHaveLength(2);
    expect(price.bytesOut).toBeLessThan(4 * 1024);
  });

  it('a portfolio (3 sites, one feeder limit): the vehicle shards on two worker processes give the same plan as in this process (each vehicle priced at its site\'s prices over the wire)', async () => {
    const sites = [31, 32, 33].map((seed, i) => ({ siteId: `site-${i}`, problem: generateDepot({ vehicles: 10, slots: 24, seed }) }));
    const floor = Array.from({ length: 24 }, (_, t) => sites.reduce((a, s) => a + Math.max(0, (s.problem.baseLoadKw?.[t] ?? 0) - (s.problem.pvKw?.[t] ?? 0)), 0));
    const limits = { importLimitKw: floor.map((f) => f + 40), exportLimitKw: new Array<number>(24).fill(Infinity) };
    const options = { maxIterations: 10, targetGap: 0 };
    const embedded = await planPortfolioByVehicleColumns(sites, limits, { ...options, shardExecutor: (input) => new LocalShardExecutor(input, 2) });
    const redis = await planPortfolioByVehicleColumns(sites, limits, { ...options, shardExecutor: flowShardExecutor(executorOptions()) });
    expect(redis.bound).toBe(embedded.bound);
    expect(redis.objective).toBe(embedded.objective);
    expect(redis.sites.map((s) => s.solution.plan.vehicles.map((v) => v.powerKw))).toEqual(embedded.sites.map((s) => s.solution.plan.vehicles.map((v) => v.powerKw)));
    redis.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(limits.importLimitKw[t]! + 1e-5));
  });

  it('a worker process killed mid-solve fails the solve with V2G_ERR_DECOMPOSITION_SHARD_LOST naming the shard', async () => {
    const problem = generateDepot({ vehicles: 80, seed: 11 });
    const inner = flowShardExecutor(executorOptions({ livenessIntervalMs: 100 }));
    let pricings = 0;
    // Kills shard 1's process between the third and the fourth pricing (the solve is mid-way: its answers are kept there).
    const killing: ShardExecutorFactory = async (input) => {
      const executor = await inner(input);
      return {
        async priceColumns(lambdaKw) {
          if (++pricings === 4) await stopShardProcess(workers[1]!, 'SIGKILL');
          return executor.priceColumns(lambdaKw);
        },
        plan: (weights) => executor.plan(weights),
        close: () => executor.close!(),
      } satisfies ShardExecutor;
    };
    const solving = solveWithDecomposition(problem, { maxIterations: 50, targetGap: 0, shardExecutor: killing });
    await expect(solving).rejects.toMatchObject({ code: 'V2G_ERR_DECOMPOSITION_SHARD_LOST' });
    await expect(solving).rejects.toThrow(/shard 1/);
    expect(pricings).toBe(4);
  });

  it('a restarted worker process (its state gone) fails the solve with the child job reason', async () => {
    workers[1] = await startShardProcess(queues[1]!, prefix, redisTestUrl);
    const problem = generateDepot({ vehicles: 80, seed: 12 });
    // A liveness check slower than any test: the failure must come from the child job itself.
    const inner = flowShardExecutor(executorOptions({ livenessIntervalMs: 10 * 60_000 }));
    let pricings = 0;
    const restarting: ShardExecutorFactory = async (input) => {
      const executor = await inner(input);
      return {
        async priceColumns(lambdaKw) {
          if (++pricings === 3) {
            await stopShardProcess(workers[1]!, 'SIGKILL');
            workers[1] = await startShardProcess(queues[1]!, prefix, redisTestUrl);
          }
          return executor.priceColumns(lambdaKw);
        },
        plan: (weights) => executor.plan(weights),
        close: () => executor.close!(),
      } satisfies ShardExecutor;
    };
    const solving = solveWithDecomposition(problem, { maxIterations: 50, targetGap: 0, shardExecutor: restarting });
    await expect(solving).rejects.toMatchObject({ code: 'V2G_ERR_DECOMPOSITION_SHARD_LOST' });
    await expect(solving).rejects.toThrow(/shard 1 of solve .*does not hold it/);
  });
});
