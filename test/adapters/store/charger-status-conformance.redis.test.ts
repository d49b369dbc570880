/**
 * The charger status board conformance suite against RedisChargerStatusBoard on the real Redis (random
 * prefix; a second connection stands for another gateway process), plus its key layout.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisChargerStatusBoard } from '../../../adapters/store/redis-charger-status.ts';
import { describeChargerStatusConformance } from './charger-status-conformance.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, keysOf, randomPrefix, testClient } from './redis-test-env.ts';

describeWithRedis('RedisChargerStatusBoard on Redis', () => {
  let client: Redis;
  let peerClient: Redis;

  beforeAll(async () => {
    client = await testClient('producer', 'v2g-test-charger-status');
    peerClient = await testClient('producer', 'v2g-test-charger-status-peer');
  });

  afterAll(async () => {
    await closeRedisClient(client);
    await closeRedisClient(peerClient);
  });

  describeChargerStatusConformance('RedisChargerStatusBoard', async () => {
    const prefix = randomPrefix();
    return {
      board: new RedisChargerStatusBoard({ client, prefix }),
      peer: new RedisChargerStatusBoard({ client: peerClient, prefix }),
      cleanup: async () => void (await deletePrefix(client, prefix)),
    };
  });

  it('keeps one hash per charge point under the prefix (ids URI-encoded)', async () => {
    const prefix = randomPrefix();
    try {
      const board = new RedisChargerStatusBoard({ client, prefix });
      await board.putLink('CP:1/a', { connected: true, sinceUtcMs: 1 });
      await board.putDelivery('CP:1/a', { evseId: 1, status: 'applied', attempts: 1, atUtcMs: 2 });
      expect(await keysOf(client, prefix)).toEqual([`${prefix}:charger-status:CP%3A1%2Fa`]);
    } finally {
      await deletePrefix(client, prefix);
    }
  });
});
