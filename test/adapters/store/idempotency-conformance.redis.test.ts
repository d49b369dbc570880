/** The idempotency conformance suite against RedisIdempotencyStore on the real Redis (random prefix). */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { RedisIdempotencyStore } from '../../../adapters/store/redis-idempotency-store.ts';
import { describeIdempotencyConformance } from './idempotency-conformance.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, testClient } from './redis-test-env.ts';

describeWithRedis('RedisIdempotencyStore on Redis', () => {
  let client: Redis;

  beforeAll(async () => {
    client = await testClient('producer', 'v2g-test-idempotency');
  });

  afterAll(async () => {
    await closeRedisClient(client);
  });

  describeIdempotencyConformance('RedisIdempotencyStore', async (clock) => {
    const prefix = randomPrefix();
    return { store: new RedisIdempotencyStore({ client, clock, prefix }), cleanup: async () => void (await deletePrefix(client, prefix)) };
  });
});
