/**
 * The plan bus on Redis: every subscriber (gateway) sees every announcement in order, a reader whose
 * connection drops reads on from where it stopped (nothing published meanwhile is lost), a publish while
 * Redis is unreachable fails fast with the coded retryable error, and keys stay under the prefix.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../../adapters/clock.ts';
import type { PlanReady } from '../../../adapters/service/plan-bus.ts';
import { MemoryPlanBus } from '../../../adapters/service/plan-bus.ts';
import { RedisPlanBus } from '../../../adapters/service/redis-plan-bus.ts';
import { createRedisClient } from '../../../adapters/store/redis-connection.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, keysOf, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';
import { waitFor } from './service-process-kit.ts';

const event = (n: number): PlanReady => ({ siteId: `site-${n % 3}`, planId: `plan-${n}`, createdAtUtcMs: 1_700_000_000_000 + n });

it('MemoryPlanBus: listeners get each event after publish resolves; a throwing listener harms no one', async () => {
  const errors: Error[] = [];
  const bus = new MemoryPlanBus((e) => errors.push(e));
  const seen: string[] = [];
  bus.subscribe(() => {
    throw new Error('boom');
  });
  bus.subscribe((e) => {
    seen.push(e.planId);
  });
  await bus.publish(event(1));
  expect(seen).toEqual([]);
  await waitFor('delivery', () => seen.length === 1, 1000, 5);
  expect(errors.map((e) => e.message)).toEqual(['boom']);
  await bus.close();
  await expect(bus.publish(event(2))).rejects.toThrow(/closed/);
});

describeWithRedis('RedisPlanBus', () => {
  let producer: Redis;
  let admin: Redis;
  const buses: RedisPlanBus[] = [];

  beforeAll(async () => {
    producer = await testClient('producer', 'v2g-test-plan-bus');
    admin = await testClient('producer', 'v2g-test-plan-bus-admin');
  });

  afterAll(async () => {
    for (const b of buses) await b.close();
    await closeRedisClient(producer);
    await closeRedisClient(admin);
  });

  const bus = (prefix: string, name: string, onReconnect?: () => void) => {
    const b = new RedisPlanBus({
      producer,
      readerConnection: () => createRedisClient(redisTestUrl, 'worker', { connectionName: name }),
      prefix,
      timers: systemClock,
      blockMs: 200,
      ...(onReconnect ? { onReconnect } : {}),
    });
    buses.push(b);
    return b;
  };

  it('every gateway sees every announcement, in order; keys stay under the prefix', async () => {
    const prefix = randomPrefix();
    const a: string[] = [];
    const b: string[] = [];
    const gatewayA = bus(prefix, 'v2g-test-gw-a');
    const gatewayB = bus(prefix, 'v2g-test-gw-b');
    gatewayA.subscribe((e) => void a.push(e.planId));
    gatewayB.subscribe((e) => void b.push(e.planId));
    await Promise.all([gatewayA.ready(), gatewayB.ready()]); // both readers positioned at the stream's end
    const publisher = bus(prefix, 'v2g-test-worker');
    for (let n = 1; n <= 20; n++) await publisher.publish(event(n));
    const all = Array.from({ length: 20 }, (_, i) => `plan-${i + 1}`);
    await waitFor('gateway A', () => a.length === 20, 5000);
    await waitFor('gateway B', () => b.length === 20, 5000);
    expect(a).toEqual(all);
    expect(b).toEqual(all);
    expect(await keysOf(admin, prefix)).toEqual([`${prefix}:plan-ready`]);
    await deletePrefix(admin, prefix);
  });

  it('a reader whose connection is killed reconnects and reads on: nothing published meanwhile is lost', async () => {
    const prefix = randomPrefix();
    const seen: string[] = [];
    let reconnects = 0;
    const gateway = bus(prefix, 'v2g-test-gw-killed', () => reconnects++);
    gateway.subscribe((e) => void seen.push(e.planId));
    await gateway.ready();
    const publisher = bus(prefix, 'v2g-test-worker-2');
    await publisher.publish(event(1));
    await waitFor('first', () => seen.length === 1, 5000);
    // Kill only the reader's connection (by its name), as a network drop would.
    const line = String(await admin.client('LIST')).split('\n').find((l) => l.includes(' name=v2g-test-gw-killed '));
    const id = /(?:^|\s)id=(\d+)/.exec(line ?? '')?.[1];
    expect(id).toBeDefined();
    expect(await admin.client('KILL', 'ID', id!)).toBe(1);
    for (let n = 2; n <= 5; n++) await publisher.publish(event(n));
    await waitFor('all five', () => seen.length === 5, 10_000);
    expect(seen).toEqual(['plan-1', 'plan-2', 'plan-3', 'plan-4', 'plan-5']);
    expect(reconnects).toBeGreaterThanOrEqual(1);
    await deletePrefix(admin, prefix);
  });

  it('publish fails fast with V2G_ERR_STORE_UNAVAILABLE when Redis is unreachable', async () => {
    const down = createRedisClient('redis://127.0.0.1:1', 'producer', { connectTimeoutMs: 200 });
    const b = new RedisPlanBus({ producer: down, readerConnection: () => down, prefix: randomPrefix(), timers: systemClock });
    const error = await b.publish(event(1)).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'V2G_ERR_STORE_UNAVAILABLE', retryable: true, statusCode: 503 });
    // Refused at once, not by the client's 5 s command timeout: the error names the mechanism (holds at any load).
    expect(String((error as Error).message)).not.toMatch(/timed out/i);
    await b.close();
    down.disconnect();
  });
});
