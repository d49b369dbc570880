/**
 * What only the Redis store has: fail-fast with a coded error when Redis is unreachable or restarting,
 * recovery after a restart, key namespacing by prefix, and state shared between processes.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../adapters/clock.ts';
import { createRedisClient, waitForRedis } from '../../../adapters/store/redis-connection.ts';
import { StoreUnavailableError, isRedisUnavailable } from '../../../adapters/store/redis-errors.ts';
import { RedisIdempotencyStore } from '../../../adapters/store/redis-idempotency-store.ts';
import { RedisKeys, redisPrefixIssue } from '../../../adapters/store/redis-keys.ts';
import { RedisStore } from '../../../adapters/store/redis-store.ts';
import { RedisServerProcess, redisServerAvailable } from './redis-server-process.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, keysOf, randomPrefix, testClient } from './redis-test-env.ts';
import { sessionRecord, siteRecord } from './store-fixtures.ts';
import { describeNeeding } from '../../ci-env.ts';

// "At once" = refused because the command cannot be queued (offline queue off), not by the client's 5 s command
// timeout (what a queued command would wait for). The error names the mechanism, so the check holds at any load;
// how fast it is belongs in benchmarks.
function expectNotTimedOut(error: unknown): void {
  expect(String((error as Error).message)).not.toMatch(/timed out/i);
}

async function timed<T>(p: Promise<T>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  try {
    await p;
    return { ms: performance.now() - started, error: undefined };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

function expectUnavailable(error: unknown): void {
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect(error).toMatchObject({ code: 'V2G_ERR_STORE_UNAVAILABLE', retryable: true, statusCode: 503 });
}

describe('Redis store: fail fast when Redis is unreachable (127.0.0.1:1)', () => {
  let client: Redis;

  beforeAll(() => {
    client = createRedisClient('redis://127.0.0.1:1', 'producer', { connectTimeoutMs: 200 });
  });

  afterAll(() => {
    client.disconnect();
  });

  it('every store call rejects at once with V2G_ERR_STORE_UNAVAILABLE (retryable, 503), never hangs', async () => {
    const store = new RedisStore({ client, prefix: randomPrefix() });
    const idempotency = new RedisIdempotencyStore({ client, clock: systemClock, prefix: randomPrefix() });
    const calls: (() => Promise<unknown>)[] = [
      () => store.putSite(siteRecord('a')),
      () => store.getSite('a'),
      () => store.listSites(),
      () => store.putSession(sessionRecord('a', 's1')),
      () => store.ping(),
      () => idempotency.claim('k', 'fp', 1000),
    ];
    for (const call of calls) {
      const { error } = await timed(call());
      expectUnavailable(error);
      expectNotTimedOut(error);
    }
  });

  it('waitForRedis gives up after its timeout with the coded error and the cause', async () => {
    const { ms, error } = await timed(waitForRedis(client, 300));
    expectUnavailable(error);
    expect(String((error as Error).message)).toMatch(/within 300 ms/);
    expect(ms).toBeGreaterThanOrEqual(290);
  });

  it('classifies ioredis and Redis failures, and nothing else, as "unavailable"', () => {
    expect(isRedisUnavailable(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(true);
    expect(isRedisUnavailable(new Error('Command timed out'))).toBe(true);
    expect(isRedisUnavailable(new Error('OOM command not allowed when used memory > maxmemory'))).toBe(true);
    expect(isRedisUnavailable(new Error('READONLY You can not write against a read only replica.'))).toBe(true);
    expect(isRedisUnavailable(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isRedisUnavailable(new Error('RedisStore: site "a" does not exist'))).toBe(false);
  });
});

describe('Redis key prefixes', () => {
  it('accepts plain and hash-tagged prefixes and refuses glob characters', () => {
    expect(redisPrefixIssue('v2g')).toBeUndefined();
    expect(redisPrefixIssue('{v2g}:prod')).toBeUndefined();
    expect(redisPrefixIssue('v2g*')).toMatch(/only/);
    expect(redisPrefixIssue('')).toMatch(/1-100/);
    expect(() => new RedisKeys('a b')).toThrow(/prefix/);
  });
});

describeWithRedis('Redis store on the shared Redis', () => {
  let client: Redis;
  const prefixes: string[] = [];
  const prefix = () => {
    const p = randomPrefix();
    prefixes.push(p);
    return p;
  };

  beforeAll(async () => {
    client = await testClient('producer', 'v2g-test-store-faults');
  });

  afterEach(async () => {
    for (const p of prefixes.splice(0)) await deletePrefix(client, p);
  });

  afterAll(async () => {
    await closeRedisClient(client);
  });

  it('writes only keys under its prefix, and two prefixes never see each other', async () => {
    const [p1, p2] = [prefix(), prefix()];
    const a = new RedisStore({ client, prefix: p1 });
    const b = new RedisStore({ client, prefix: p2 });
    await a.putSite(siteRecord('x'));
    await a.putSession(sessionRecord('x', 's1'));
    await new RedisIdempotencyStore({ client, clock: systemClock, prefix: p1 }).claim('k', 'fp', 10_000);
    expect(await b.getSite('x')).toBeUndefined();
    expect(await b.listSites()).toEqual([]);
    const keys = await keysOf(client, p1);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(`${p1}:`))).toBe(true);
    expect(await keysOf(client, p2)).toEqual([]);
  });

  it('another process (another client) sees the same state', async () => {
    const p = prefix();
    const other = await testClient('producer', 'v2g-test-other-process');
    try {
      await new RedisStore({ client, prefix: p }).putSite(siteRecord('x'));
      await new RedisStore({ client: other, prefix: p }).putSession(sessionRecord('x', 's1'));
      expect((await new RedisStore({ client, prefix: p }).listSessions('x')).map((s) => s.id)).toEqual(['s1']);
    } finally {
      await closeRedisClient(other);
    }
  });
});

describeNeeding('Redis restart (a throw-away redis-server)', redisServerAvailable ? undefined : 'redis-server is not installed: apt-get install redis-server (or set V2G_TEST_REDIS_SERVER)', () => {
  it('fails fast while Redis is down, then reconnects and serves again', async () => {
    const server = await RedisServerProcess.start();
    const client = createRedisClient(server.url, 'producer', { maxReconnectDelayMs: 100 });
    try {
      await waitForRedis(client, 5000);
      const store = new RedisStore({ client, prefix: 'restart' });
      await store.putSite(siteRecord('a'));
      await server.stop();
      const { error } = await timed(store.putSession(sessionRecord('a', 's1')));
      expectUnavailable(error);
      expectNotTimedOut(error);
      await server.restart();
      await waitForRedis(client, 5000);
      await store.putSite(siteRecord('a'));
      await store.putSession(sessionRecord('a', 's1'));
      expect((await store.listSessions('a')).map((s) => s.id)).toEqual(['s1']);
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});
