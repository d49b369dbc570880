/**
 * The queue conformance suite against BullmqQueue on the real Redis (a random prefix per queue, deleted
 * afterwards), proving it behaves as MemoryQueue does.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { BullmqQueue } from '../../../adapters/queue/bullmq-queue.ts';
import { createRedisClient } from '../../../adapters/store/redis-connection.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';
import { describeQueueConformance, mergeData, type Data } from './queue-conformance.ts';

describeWithRedis('BullmqQueue on Redis', () => {
  let client: Redis;

  beforeAll(async () => {
    client = await testClient('producer', 'v2g-test-queue');
  });

  afterAll(async () => {
    await closeRedisClient(client);
  });

  describeQueueConformance('BullmqQueue', async ({ concurrency, keepFinished }) => {
    const prefix = randomPrefix();
    const queue = new BullmqQueue<Data, string>({
      name: 'replan',
      connection: client,
      workerConnection: () => createRedisClient(redisTestUrl, 'worker', { connectionName: 'v2g-test-worker' }),
      prefix,
      concurrency: concurrency ?? 1,
      merge: mergeData,
      random: () => 0.5,
      finishedPollMs: 25,
      ...(keepFinished !== undefined ? { keepFinished } : {}),
    });
    return {
      queue,
      cleanup: async () => {
        await queue.close();
        await deletePrefix(client, prefix);
      },
    };
  });
});
