/** The portfolio store conformance suite on the real Redis (random prefix; a second client stands for another process). */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisPortfolioStore } from '../../../adapters/store/redis-portfolio-store.ts';
import { aPortfolioRecord, describePortfolioStoreConformance } from './portfolio-store-conformance.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, keysOf, randomPrefix, testClient } from './redis-test-env.ts';

describeWithRedis('RedisPortfolioStore on Redis', () => {
  let client: Redis;
  let peerClient: Redis;
  beforeAll(async () => {
    client = await testClient('producer', 'v2g-test-portfolios');
    peerClient = await testClient('producer', 'v2g-test-portfolios-peer');
  });
  afterAll(async () => {
    await closeRedisClient(client);
    await closeRedisClient(peerClient);
  });

  describePortfolioStoreConformance('RedisPortfolioStore', async () => {
    const prefix = randomPrefix();
    return {
      store: new RedisPortfolioStore({ client, prefix }),
      peer: new RedisPortfolioStore({ client: peerClient, prefix }),
      cleanup: async () => void (await deletePrefix(client, prefix)),
    };
  });

  it('keeps portfolios in one hash and one order zset under the prefix', async () => {
    const prefix = randomPrefix();
    try {
      await new RedisPortfolioStore({ client, prefix }).put(aPortfolioRecord('a:b/c'));
      expect(await keysOf(client, prefix)).toEqual([`${prefix}:portfolio-order`, `${prefix}:portfolios`, `${prefix}:seq`]);
    } finally {
      await deletePrefix(client, prefix);
    }
  });
});
