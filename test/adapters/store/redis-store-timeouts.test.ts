/**
 * A put whose reply is lost to the command timeout is not guessed at: the store reads the record back
 * on the same connection and answers truthfully. Written but unanswered -> the put resolves with the
 * stored record (no 503 for a stored write, so no duplicate on a client's retry); not written -> the put
 * rejects with StoreUnavailableError saying a retry is safe.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../adapters/store/redis-errors.ts';
import { RedisStore } from '../../../adapters/store/redis-store.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, testClient } from './redis-test-env.ts';
import { sessionRecord, siteRecord } from './store-fixtures.ts';

/** The real client, except that scripts (the puts) answer "Command timed out" before or after running. */
function losingReplies(client: Redis, mode: 'after-write' | 'before-write'): Redis {
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key === 'evalsha' || key === 'eval') {
        return async (...args: unknown[]) => {
          if (mode === 'after-write') await (target[key] as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          throw new Error('Command timed out');
        };
      }
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describeWithRedis('Redis store: a put whose reply timed out', () => {
  let client: Redis;
  const prefix = randomPrefix();

  beforeAll(async () => {
    client = await testClient();
    await new RedisStore({ client, prefix }).putSite(siteRecord('s1'));
  });

  afterAll(async () => {
    await deletePrefix(client, prefix);
    await closeRedisClient(client);
  });

  it('resolves with the record when the write was made', async () => {
    const store = new RedisStore({ client: losingReplies(client, 'after-write'), prefix });
    const stored = await store.putSession(sessionRecord('s1', 'made'), { expectedRevision: 0 });
    expect(stored).toMatchObject({ id: 'made', revision: 1 });
    expect(await new RedisStore({ client, prefix }).getSession('s1', 'made')).toEqual(stored);
  });

  it('rejects with "not made, a retry is safe" when it was not', async () => {
    const store = new RedisStore({ client: losingReplies(client, 'before-write'), prefix });
    const error = await store.putSession(sessionRecord('s1', 'lost'), { expectedRevision: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/not made, a retry is safe/);
    expect(await new RedisStore({ client, prefix }).getSession('s1', 'lost')).toBeUndefined();
  });
});
