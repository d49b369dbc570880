/**
 * The auth-failure throttle, in memory and on Redis (shared by two instances as two processes would):
 * free failures, then doubling blocks up to the cap, per identity and per address, successes clearing
 * the identity only, failures forgotten after the window.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockAfter, defaultAuthThrottlePolicy, type AuthThrottle, type AuthThrottlePolicy } from '../../../adapters/auth-throttle/auth-throttle.ts';
import { MemoryAuthThrottle } from '../../../adapters/auth-throttle/memory-auth-throttle.ts';
import { RedisAuthThrottle } from '../../../adapters/auth-throttle/redis-auth-throttle.ts';
import { ManualClock } from '../../../adapters/clock.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, testClient } from '../store/redis-test-env.ts';

const policy: AuthThrottlePolicy = { freeFailures: 3, addressFreeFailures: 6, baseBlockMs: 1_000, maxBlockMs: 8_000, windowMs: 60_000 };
const id = (value: string) => ({ kind: 'id' as const, value });
const address = (value: string) => ({ kind: 'address' as const, value });

function conformance(make: (clock: ManualClock) => { a: AuthThrottle; b: AuthThrottle }) {
  it('blocks an identity after its free failures, doubling up to the cap', async () => {
    const clock = new ManualClock(1_000_000);
    const { a, b } = make(clock);
    const key = [id('cp-1')];
    for (let i = 0; i < 3; i++) await (i % 2 ? b : a).failed(key);
    expect(await a.blockedForMs(key)).toBe(0);
    const blocks: number[] = [];
    for (let i = 0; i < 5; i++) {
      await (i % 2 ? a : b).failed(key);
      blocks.push(await b.blockedForMs(key));
    }
    expect(blocks).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    await clock.advanceBy(8_000);
    expect(await a.blockedForMs(key)).toBe(0);
  });

  it('counts an address separately, with its own free failures; a success clears the identity only', async () => {
    const clock = new ManualClock(1_000_000);
    const { a, b } = make(clock);
    for (let i = 0; i < 7; i++) await a.failed([id(`guess-${i}`), address('10.0.0.9')]);
    expect(await b.blockedForMs([id('guess-0'), address('10.0.0.9')])).toBe(1_000);
    expect(await b.blockedForMs([id('guess-0')])).toBe(0);
    for (let i = 0; i < 4; i++) await b.failed([id('cp-2')]);
    expect(await a.blockedForMs([id('cp-2')])).toBe(1_000);
    await a.succeeded([id('cp-2'), address('10.0.0.9')]);
    expect(await b.blockedForMs([id('cp-2')])).toBe(0);
    expect(await b.blockedForMs([address('10.0.0.9')])).toBe(1_000);
  });

  it('forgets failures a window after the last one (memory) and never blocks below the free count', async () => {
    const clock = new ManualClock(1_000_000);
    const { a } = make(clock);
    for (let i = 0; i < 3; i++) await a.failed([id('cp-3')]);
    expect(await a.blockedForMs([id('cp-3')])).toBe(0);
  });
}

describe('auth throttle policy', () => {
  it('blockAfter: free failures cost nothing, then base x 2^n up to the cap', () => {
    const p = defaultAuthThrottlePolicy;
    expect(blockAfter(p.freeFailures, 'id', p)).toBe(0);
    expect(blockAfter(p.freeFailures + 1, 'id', p)).toBe(p.baseBlockMs);
    expect(blockAfter(p.freeFailures + 2, 'id', p)).toBe(2 * p.baseBlockMs);
    expect(blockAfter(p.addressFreeFailures, 'address', p)).toBe(0);
    expect(blockAfter(10_000, 'id', p)).toBe(p.maxBlockMs);
  });
});

describe('MemoryAuthThrottle', () => {
  conformance((clock) => {
    const t = new MemoryAuthThrottle(clock, policy);
    return { a: t, b: t };
  });

  it('forgets a key after the window', async () => {
    const clock = new ManualClock(0);
    const t = new MemoryAuthThrottle(clock, policy);
    for (let i = 0; i < 3; i++) await t.failed([id('x')]);
    await clock.advanceBy(60_001);
    await t.failed([id('x')]);
    expect(await t.blockedForMs([id('x')])).toBe(0);
  });
});

describeWithRedis('RedisAuthThrottle (two processes sharing one Redis)', () => {
  let client: Redis;
  let other: Redis;
  const prefixes: string[] = [];

  beforeAll(async () => {
    client = await testClient();
    other = await testClient();
  });

  afterAll(async () => {
    for (const p of prefixes) await deletePrefix(client, p);
    await closeRedisClient(client);
    await closeRedisClient(other);
  });

  conformance((clock) => {
    const prefix = randomPrefix();
    prefixes.push(prefix);
    return { a: new RedisAuthThrottle({ client, prefix, clock, policy }), b: new RedisAuthThrottle({ client: other, prefix, clock, policy }) };
  });
});
