/**
 * The charger credentials conformance suite against RedisChargerCredentials on the real Redis (random
 * prefix), plus what only Redis has: the key layout under the prefix, and fail-fast with the coded error
 * when Redis is unreachable.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../../adapters/store/redis-connection.ts';
import { StoreUnavailableError } from '../../../adapters/store/redis-errors.ts';
import { RedisKeys } from '../../../adapters/store/redis-keys.ts';
import { RedisChargerCredentials } from '../../../adapters/store/redis-charger-credentials.ts';
import { describeChargerCredentialsConformance, recordingVerifier } from './charger-credentials-conformance.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, keysOf, randomPrefix, testClient } from './redis-test-env.ts';

describeWithRedis('RedisChargerCredentials on Redis', () => {
  let client: Redis;

  beforeAll(async () => {
    client = await testClient('producer', 'v2g-test-charger-credentials');
  });

  afterAll(async () => {
    await closeRedisClient(client);
  });

  describeChargerCredentialsConformance('RedisChargerCredentials', async () => {
    const prefix = randomPrefix();
    const keys = new RedisKeys(prefix);
    const { verified, verify } = recordingVerifier();
    return {
      credentials: new RedisChargerCredentials({ client, prefix, hashCost: 1024, verify }),
      verified,
      storedHash: async (id) => (await client.hget(keys.charger(id), 'passwordHash')) ?? undefined,
      cleanup: async () => void (await deletePrefix(client, prefix)),
    };
  });

  it('keeps every key under the prefix (ids URI-encoded) and shares state between instances', async () => {
    const prefix = randomPrefix();
    try {
      const a = new RedisChargerCredentials({ client, prefix, hashCost: 1024 });
      const b = new RedisChargerCredentials({ client, prefix, hashCost: 1024 });
      await a.setPassword('CP:1|x', 'shared-password-0001', 'api', 1);
      expect(await b.verifyPassword('CP:1|x', 'shared-password-0001')).toBe(true);
      expect(await keysOf(client, prefix)).toEqual([`${prefix}:charger:CP%3A1%7Cx`, `${prefix}:chargers`]);
      expect(await new RedisChargerCredentials({ client, prefix: randomPrefix(), hashCost: 1024 }).get('CP:1|x')).toBeUndefined();
    } finally {
      await deletePrefix(client, prefix);
    }
  });
});

describe('RedisChargerCredentials when Redis is unreachable (127.0.0.1:1)', () => {
  let client: Redis;

  beforeAll(() => {
    client = createRedisClient('redis://127.0.0.1:1', 'producer', { connectTimeoutMs: 200 });
  });

  afterAll(() => {
    client.disconnect();
  });

  it('every call rejects at once with V2G_ERR_STORE_UNAVAILABLE (503, retryable)', async () => {
    const credentials = new RedisChargerCredentials({ client, prefix: randomPrefix(), hashCost: 1024 });
    const calls: (() => Promise<unknown>)[] = [
      () => credentials.get('CP-1'),
      () => credentials.list(),
      () => credentials.setPassword('CP-1', 'some-password-0001', 'api', 1),
      () => credentials.register('CP-1', 'some-password-0001', 1),
      () => credentials.verifyPassword('CP-1', 'some-password-0001'),
      () => credentials.delete('CP-1'),
    ];
    for (const call of calls) {
      const error = await call().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ code: 'V2G_ERR_STORE_UNAVAILABLE', statusCode: 503, retryable: true });
      // Refused at once, not by the client's 5 s command timeout: the error names the mechanism (holds at any load).
      expect(String((error as Error).message)).not.toMatch(/timed out/i);
    }
  });
});
