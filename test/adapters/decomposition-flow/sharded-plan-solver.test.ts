/**
 * The service's re-plan solver with DECOMPOSITION_SHARD_QUEUES: a site the engine decomposes is priced in a
 * real shard worker process (the same plan as the in-thread decomposition, and the message says how it was
 * made and why); any other site goes to the local solver; a queue nobody serves fails the re-plan with
 * V2G_ERR_DECOMPOSITION_NO_SHARD_WORKER (never a silent fallback). CI=true never skips.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shardedPlanSolver } from '../../../adapters/decomposition-flow/sharded-plan-solver.ts';
import { solveWithDecomposition } from '../../../optimizer/decomposition/decompose.ts';
import type { EngineChoice } from '../../../optimizer/engine.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';
import { expectGoodPlan } from '../../optimizer/solve-helpers.ts';
import { deletePrefix, describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';
import { startShardProcess, stopShardProcess, type ShardProcess } from './shard-processes.ts';

describeWithRedis('shardedPlanSolver (DECOMPOSITION_SHARD_QUEUES)', () => {
  const prefix = randomPrefix();
  const queue = `shard-${randomUUID()}`;
  let worker: ShardProcess;
  const decompose = (): EngineChoice => ({ engine: 'decomposition', reason: 'test: decompose', overridden: false });
  const localCalls: Problem[] = [];
  const local = async (problem: Problem): Promise<Plan> => {
    localCalls.push(problem);
    return solveWithDecomposition(problem);
  };

  beforeAll(async () => {
    worker = await startShardProcess(queue, prefix, redisTestUrl);
  });

  afterAll(async () => {
    if (worker) await stopShardProcess(worker);
    const client = await testClient();
    await deletePrefix(client, prefix);
    client.disconnect();
  });

  it('a decomposed site is priced in the shard worker process: the in-thread plan, and the message says how and why', async () => {
    const problem = generateDepot({ vehicles: 30, seed: 5 });
    const solve = shardedPlanSolver({ redisUrl: redisTestUrl, prefix, shardQueues: [queue], timeLimitMs: 60_000, local, choose: decompose });
    const plan = await solve(problem);
    const inThread = await solveWithDecomposition(problem, { timeLimitMs: 60_000 });
    expectGoodPlan(problem, plan);
    expect(localCalls).toHaveLength(0);
    expect(plan.message).toMatch(/^engine decomposition \(test: decompose\) over 1 BullMQ shard worker process/);
    expect(plan.cost).toEqual(inThread.cost);
    expect(plan.vehicles.map((v) => v.powerKw)).toEqual(inThread.vehicles.map((v) => v.powerKw));
  });

  it('a site the engine keeps monolithic goes to the local solver', async () => {
    const problem = generateDepot({ vehicles: 5, seed: 1 });
    const solve = shardedPlanSolver({ redisUrl: redisTestUrl, prefix, shardQueues: [queue], timeLimitMs: 60_000, local });
    await solve(problem);
    expect(localCalls).toEqual([problem]);
  });

  it('a shard queue nobody serves fails the re-plan with V2G_ERR_DECOMPOSITION_NO_SHARD_WORKER', async () => {
    const solve = shardedPlanSolver({ redisUrl: redisTestUrl, prefix, shardQueues: [`shard-${randomUUID()}`], timeLimitMs: 60_000, local, choose: decompose });
    await expect(solve(generateDepot({ vehicles: 5, seed: 2 }))).rejects.toMatchObject({ code: 'V2G_ERR_DECOMPOSITION_NO_SHARD_WORKER', retryable: true });
  });
});
