/** The meter log (memory and Redis): samples kept as given (repeats too), read back by time window, sorted, capped per site. */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMeterLog, type MeterLog } from '../../../adapters/store/meter-log.ts';
import { RedisMeterLog } from '../../../adapters/store/redis-meter-log.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, testClient } from './redis-test-env.ts';

const s = (atUtcMs: number, importWh: number) => ({ meterId: 'cp-1', atUtcMs, importWh });

function meterLogSuite(make: (limit: number) => Promise<MeterLog>) {
  it('keeps repeats, sorts by reading time, reads a half-open window, keeps sites apart', async () => {
    const log = await make(100);
    await log.append('a', [s(30, 3), s(10, 1), s(10, 1)]);
    await log.append('a', [s(20, 2)]);
    await log.append('b', [s(15, 9)]);
    expect(await log.list('a', 10, 30)).toEqual([s(10, 1), s(10, 1), s(20, 2)]);
    expect(await log.list('b', 0, 100)).toEqual([s(15, 9)]);
    expect(await log.list('nope', 0, 100)).toEqual([]);
  });

  it('keeps at most the limit per site, the oldest readings go first', async () => {
    const log = await make(3);
    await log.append('a', [s(5, 5), s(1, 1), s(4, 4), s(2, 2), s(3, 3)]);
    expect((await log.list('a', 0, 100)).map((x) => x.atUtcMs)).toEqual([3, 4, 5]);
  });
}

describe('MemoryMeterLog', () => meterLogSuite(async (limit) => new MemoryMeterLog(limit)));

describeWithRedis('RedisMeterLog on Redis', () => {
  let client: Redis;
  const prefixes: string[] = [];
  beforeAll(async () => {
    client = await testClient('producer', 'v2g-test-meter-log');
  });
  afterAll(async () => {
    for (const p of prefixes) await deletePrefix(client, p);
    await closeRedisClient(client);
  });
  meterLogSuite(async (limit) => {
    const prefix = randomPrefix();
    prefixes.push(prefix);
    return new RedisMeterLog(client, prefix, limit);
  });
});
