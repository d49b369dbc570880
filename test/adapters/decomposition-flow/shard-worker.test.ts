/**
 * A closed shard worker leaves nothing of its queue in Redis when the queue holds no job (BullMQ's meta,
 * stalled-check, events and id keys went too), touches no other prefix, and keeps a queue that still holds a
 * job (a failed child kept for diagnosis) whole.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { flowShardExecutor } from '../../../adapters/decomposition-flow/flow-executor.ts';
import { startShardWorker, type ShardWorker } from '../../../adapters/decomposition-flow/shard-worker.ts';
import { createRedisClient } from '../../../adapters/store/redis-connection.ts';
import { solveWithDecomposition } from '../../../optimizer/decomposition/decompose.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';
import { expectGoodPlan } from '../../optimizer/solve-helpers.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, keysOf, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';

describeWithRedis('shard worker close (Redis)', () => {
  let client: Redis;
  let prefixes: string[] = [];
  let connections: Redis[] = [];
  const workerConnection = (): Redis => {
    const connection = createRedisClient(redisTestUrl, 'worker', { connectionName: 'v2g-test-shard-worker' });
    connections.push(connection);
    return connection;
  };
  const startWorkers = async (prefix: string, queues: readonly string[]): Promise<ShardWorker[]> => {
    const workers = queues.map((queueName) => startShardWorker({ connection: workerConnection(), prefix, queueName }));
    await Promise.all(workers.map((w) => w.worker.waitUntilReady()));
    return workers;
  };
  const freshPrefix = (): string => {
    const prefix = randomPrefix();
    prefixes.push(prefix);
    return prefix;
  };

  beforeEach(async () => {
    client = await testClient();
  });

  afterEach(async () => {
    for (const prefix of prefixes) await deletePrefix(client, prefix);
    await Promise.all(connections.map((c) => closeRedisClient(c)));
    await closeRedisClient(client);
    prefixes = [];
    connections = [];
  });

  it('after a solve, closing the workers leaves no key of their prefix, and another prefix keeps its queue', async () => {
    const prefix = freshPrefix();
    const other = freshPrefix();
    const queues = [`shard-${randomUUID()}`, `shard-${randomUUID()}`];
    const workers = await startWorkers(prefix, queues);
    // Another deployment with a queue of the same name: its keys are not ours to delete.
    const [bystander] = await startWorkers(other, [queues[0]!]);
    const problem = generateDepot({ vehicles: 20, seed: 7 });
    const plan = await solveWithDecomposition(problem, {
      maxIterations: 4,
      shardExecutor: flowShardExecutor({ connection: workerConnection, prefix, shardQueues: queues }),
    });
    expectGoodPlan(problem, plan);
    // The solve went through the shard queues: BullMQ's bookkeeping keys are there while the workers run.
    const whileRunning = await keysOf(client, prefix);
    for (const q of queues) expect(whileRunning).toEqual(expect.arrayContaining([`${prefix}:bull:${q}:meta`, `${prefix}:bull:${q}:events`, `${prefix}:bull:${q}:id`]));
    const othersBefore = await keysOf(client, other);
    expect(othersBefore).toContain(`${other}:bull:${queues[0]}:meta`);

    await Promise.all(workers.map((w) => w.close()));
    expect(await keysOf(client, prefix)).toEqual([]);
    expect(await keysOf(client, other)).toEqual(othersBefore);
    await bystander!.close();
    expect(await keysOf(client, other)).toEqual([]);
  });

  it('a queue that still holds a job (a failed child kept) is left whole', async () => {
    const prefix = freshPrefix();
    const queueName = `shard-${randomUUID()}`;
    const [worker] = await startWorkers(prefix, [queueName]);
    const failed = new Promise<string>((resolve) => worker!.worker.once('failed', (_job, error) => resolve(error.message)));
    const queue = new Queue(queueName, { connection: workerConnection(), prefix: `${prefix}:bull` });
    // A pricing for a solve this worker never opened fails permanently and is kept (removeOnFail).
    const job = await queue.add('price', { solveId: 'never-opened', shard: 0, answerSet: 0 }, { removeOnFail: 100, attempts: 1 });
    await queue.close();
    expect(await failed).toMatch(/V2G_ERR_DECOMPOSITION_SHARD_LOST: shard 0 of solve never-opened/);
    const before = await keysOf(client, prefix);
    expect(before).toEqual(expect.arrayContaining([`${prefix}:bull:${queueName}:failed`, `${prefix}:bull:${queueName}:${job.id}`, `${prefix}:bull:${queueName}:meta`]));

    await worker!.close();
    // `:marker` is BullMQ's wake-up signal: the worker's own blocking fetch consumes it whenever it comes by.
    const unlessMarker = (keys: string[]) => keys.filter((k) => k !== `${prefix}:bull:${queueName}:marker`);
    expect(unlessMarker(await keysOf(client, prefix))).toEqual(unlessMarker(before));
  });
});
