/**
 * The real Redis the Redis/BullMQ tests run against (`V2G_TEST_REDIS_URL`, default
 * redis://127.0.0.1:6379), with a random key prefix per test and cleanup of that prefix.
 *
 * Reachability policy (test/ci-env.ts `describeNeeding`): in CI an unreachable Redis FAILS the suites (a failing test says
 * why); elsewhere they are skipped with a message, and only when Redis is unreachable.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisClient, closeRedisClient, waitForRedis, type RedisRole } from '../../../adapters/store/redis-connection.ts';
import { describeNeeding } from '../../ci-env.ts';

export const redisTestUrl = process.env.V2G_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why Redis cannot be used, or undefined when it answers PING. */
async function probe(url: string): Promise<string | undefined> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let lastError: Error | undefined;
  client.on('error', (e: Error) => {
    lastError = e;
  });
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return (lastError ?? (error instanceof Error ? error : new Error(String(error)))).message;
  } finally {
    client.disconnect();
  }
}

export const redisUnreachable = await probe(redisTestUrl);

/**
 * `describe` for suites that need Redis: runs them when Redis answers; otherwise fails (CI) or skips
 * (elsewhere) with the reason.
 */
export function describeWithRedis(name: string, body: () => void): void {
  const missing =
    redisUnreachable === undefined
      ? undefined
      : `Redis at ${redisTestUrl} is unreachable (${redisUnreachable}); start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`;
  describeNeeding(name, missing, body);
}

/** A fresh prefix, e.g. `v2g-test-3f2c...`, so tests never see each other's keys. */
export function randomPrefix(): string {
  return `v2g-test-${randomUUID()}`;
}

/** A ready client of `role` to the test Redis. */
export async function testClient(role: RedisRole = 'producer', name = 'v2g-test'): Promise<Redis> {
  const client = createRedisClient(redisTestUrl, role, { connectionName: name });
  await waitForRedis(client, 5000);
  return client;
}

/** Deletes every key of `prefix` (SCAN + UNLINK). */
export async function deletePrefix(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await client.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Every key of `prefix`. */
export async function keysOf(client: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out.sort();
}

export { closeRedisClient };
