/**
 * The change feed on a real Redis: a change published by one process's feed reaches another's listeners; a
 * subscriber whose connection drops and comes back tells its listeners `resync` (changes may have been missed).
 * In CI a missing Redis fails this suite (describeWithRedis).
 */
import { afterEach, expect, it } from 'vitest';
import type { Change } from '../../../adapters/change-feed/change-feed.ts';
import { RedisChangeFeed } from '../../../adapters/change-feed/redis-change-feed.ts';
import { closeRedisClient, createRedisClient } from '../../../adapters/store/redis-connection.ts';
import { describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';

const clock = { nowUtcMs: () => 42 };
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function next(listen: (l: (c: Change) => void) => void, match: (c: Change) => boolean): Promise<Change> {
  return new Promise((resolve) => listen((c) => match(c) && resolve(c)));
}

describeWithRedis('RedisChangeFeed on Redis', () => {
  it('carries a change from one process to another, and announces resync after a reconnect', async () => {
    const prefix = randomPrefix();
    const producer = await testClient('producer', 'v2g-test-changes');
    closers.push(() => closeRedisClient(producer));
    const subscriber = createRedisClient(redisTestUrl, 'worker', { connectionName: 'v2g-test-changes-sub' });
    const reader = new RedisChangeFeed({ producer, subscriberConnection: () => subscriber, prefix, clock });
    const writer = new RedisChangeFeed({ producer, subscriberConnection: () => createRedisClient(redisTestUrl, 'worker'), prefix, clock });
    closers.push(() => reader.close(), () => writer.close());
    const listeners: ((c: Change) => void)[] = [];
    reader.subscribe((c) => listeners.forEach((l) => l(c)));
    await reader.ready();

    const arrived = next((l) => listeners.push(l), (c) => c.kind === 'plan');
    await writer.publish({ kind: 'plan', siteId: 's1', id: 'p1', atUtcMs: 7 });
    expect(await arrived).toEqual({ kind: 'plan', siteId: 's1', id: 'p1', atUtcMs: 7 });

    const resync = next((l) => listeners.push(l), (c) => c.kind === 'resync');
    subscriber.disconnect(true);
    expect(await resync).toEqual({ kind: 'resync', atUtcMs: 42 });

    // Still subscribed after the reconnect (ioredis re-subscribes).
    const again = next((l) => listeners.push(l), (c) => c.kind === 'session');
    await writer.publish({ kind: 'session', siteId: 's1', id: 'v1', atUtcMs: 8 });
    expect((await again).id).toBe('v1');
  });

  it('reports, never throws, when publishing fails', async () => {
    const errors: Error[] = [];
    const producer = await testClient('producer', 'v2g-test-changes-down');
    await closeRedisClient(producer);
    const feed = new RedisChangeFeed({ producer, subscriberConnection: () => createRedisClient(redisTestUrl, 'worker'), prefix: randomPrefix(), clock, onError: (e) => errors.push(e) });
    closers.push(() => feed.close());
    await feed.publish({ kind: 'dispatch', siteId: 's', atUtcMs: 1 });
    expect(errors[0]?.message).toMatch(/publishing a dispatch change failed/);
  });
});
