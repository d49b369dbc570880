/**
 * The store conformance suite against RedisStore on the real Redis (random prefix per store, deleted
 * afterwards), proving it behaves as MemoryStore does.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisStore } from '../../../adapters/store/redis-store.ts';
import { describeStoreConformance } from './store-conformance.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, testClient } from './redis-test-env.ts';

describeWithRedis('RedisStore on Redis', () => {
  let client: Redis;
  /** A second connection, standing for another process. */
  let peerClient: Redis;

  beforeAll(async () => {
    client = await testClient('producer', 'v2g-test-store');
    peerClient = await testClient('producer', 'v2g-test-store-peer');
  });

  afterAll(async () => {
    await closeRedisClient(client);
    await closeRedisClient(peerClient);
  });

  describeStoreConformance('RedisStore', async () => {
    const prefix = randomPrefix();
    return {
      store: new RedisStore({ client, prefix }),
      peer: new RedisStore({ client: peerClient, prefix }),
      cleanup: async () => void (await deletePrefix(client, prefix)),
    };
  });
});
