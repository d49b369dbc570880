/**
 * What only the BullMQ queue has: several processes on one Redis (API producers, several workers),
 * fail-fast with a coded error, prefix isolation, recovery from a lost producer step, and Redis restarts.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BullmqQueue, type BullmqQueueOptions } from '../../../adapters/queue/bullmq-queue.ts';
import type { Job } from '../../../adapters/queue/queue.ts';
import { createRedisClient, waitForRedis } from '../../../adapters/store/redis-connection.ts';
import { StoreUnavailableError } from '../../../adapters/store/redis-errors.ts';
import { RedisKeys } from '../../../adapters/store/redis-keys.ts';
import { RedisServerProcess, redisServerAvailable } from '../store/redis-server-process.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, keysOf, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';
import { mergeData, type Data } from './queue-conformance.ts';
import { describeNeeding } from '../../ci-env.ts';
import { hangGuard } from '../../hang-guard.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + hangGuard(timeoutMs);
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${hangGuard(timeoutMs)} ms waiting for ${what}`);
    await sleep(10);
  }
}

async function rejectsFast(p: Promise<unknown>): Promise<void> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect(error).toMatchObject({ code: 'V2G_ERR_STORE_UNAVAILABLE', retryable: true, statusCode: 503 });
  // Refused at once, not by the client's 5 s command timeout: the error names the mechanism (holds at any load).
  expect(String((error as Error).message)).not.toMatch(/timed out/i);
}

describe('BullmqQueue: fail fast when Redis is unreachable (127.0.0.1:1)', () => {
  it('add, getJob, counts and schedulers reject at once with V2G_ERR_STORE_UNAVAILABLE', async () => {
    const client = createRedisClient('redis://127.0.0.1:1', 'producer', { connectTimeoutMs: 200 });
    const queue = new BullmqQueue<Data, string>({ name: 'replan', connection: client, prefix: randomPrefix() });
    try {
      await rejectsFast(queue.add('replan', { site: 'a', reasons: [] }, { deduplicationId: 'replan-a' }));
      await rejectsFast(queue.add('replan', { site: 'a', reasons: [] }));
      await rejectsFast(queue.getJob('replan-a-1'));
      await rejectsFast(queue.waitUntilFinished('replan-a-1', 5000));
      await rejectsFast(queue.counts());
      await rejectsFast(queue.upsertJobScheduler('s', { pattern: '0 13 * * *', tz: 'Europe/Berlin' }, { name: 'replan', data: { site: 'a', reasons: [] } }));
      await rejectsFast(queue.listJobSchedulers());
    } finally {
      await queue.close();
      client.disconnect();
    }
  });
});

describeWithRedis('BullmqQueue: several processes on one Redis', () => {
  let client: Redis;
  const open: { queue: BullmqQueue<Data, string>; prefix: string }[] = [];

  const queue = (prefix: string, options: Partial<BullmqQueueOptions<Data>> = {}) => {
    const q = new BullmqQueue<Data, string>({
      name: 'replan',
      connection: client,
      workerConnection: () => createRedisClient(redisTestUrl, 'worker'),
      prefix,
      merge: mergeData,
      finishedPollMs: 25,
      ...options,
    });
    open.push({ queue: q, prefix });
    return q;
  };

  beforeAll(async () => {
    client = await testClient('producer', 'v2g-test-bullmq');
  });

  afterEach(async () => {
    const prefixes = new Set(open.map((o) => o.prefix));
    for (const o of open.splice(0)) await o.queue.close();
    for (const p of prefixes) await deletePrefix(client, p);
  });

  afterAll(async () => {
    await closeRedisClient(client);
  });

  it('an API process adds, a worker process runs; parallel adds from two producers make one job', async () => {
    const prefix = randomPrefix();
    const api1 = queue(prefix);
    const api2 = queue(prefix);
    const worker = queue(prefix);
    const runs: Job<Data, string>[] = [];
    worker.process(async (job) => {
      runs.push(job);
      return `planned ${job.data.site}`;
    });
    const adds = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? api1 : api2).add('replan', { site: 'a', reasons: [`r${i}`] }, { deduplicationId: 'replan-a', delayMs: 300 })),
    );
    expect(new Set(adds.map((j) => j.id)).size).toBe(1);
    const done = await api2.waitUntilFinished(adds[0]!.id, hangGuard(5000));
    expect(done).toMatchObject({ state: 'completed', returnValue: 'planned a' });
    expect(runs).toHaveLength(1);
    expect([...runs[0]!.data.reasons].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`).sort());
    expect((await api1.getJob(adds[0]!.id))!.data.reasons).toHaveLength(20);
  });

  it('two worker processes never run two jobs of one deduplication id at the same time', async () => {
    const prefix = randomPrefix();
    const producer = queue(prefix);
    let running = 0;
    let maxRunning = 0;
    const finished: string[] = [];
    let releaseFirst!: () => void;
    const firstGate = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const processor = async (job: Job<Data, string>) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      if (finished.length === 0 && job.data.reasons.includes('first')) await firstGate;
      running--;
      finished.push(job.id);
      return 'ok';
    };
    queue(prefix).process(processor);
    queue(prefix).process(processor);
    const first = await producer.add('replan', { site: 'a', reasons: ['first'] }, { deduplicationId: 'replan-a' });
    await waitFor(async () => (await producer.getJob(first.id))?.state === 'active', 3000, 'the first job to run');
    const second = await producer.add('replan', { site: 'a', reasons: ['second'] }, { deduplicationId: 'replan-a' });
    // A negative check (the second job must NOT run while the first holds its slot): nothing to wait for, so a
    // fixed window; a slow machine can only make it miss a bug, never fail a correct queue.
    await sleep(300);
    expect(finished).toEqual([]);
    expect(maxRunning).toBe(1);
    releaseFirst();
    expect((await producer.waitUntilFinished(second.id, 60_000))!.state).toBe('completed');
    expect(finished).toEqual([first.id, second.id]);
    expect(maxRunning).toBe(1);
  });

  it('keeps every key under its prefix; two prefixes never see each other; ticks are not counted', async () => {
    const [p1, p2] = [randomPrefix(), randomPrefix()];
    const a = queue(p1);
    const b = queue(p2);
    const job = await a.add('replan', { site: 'a', reasons: [] }, { deduplicationId: 'replan-a', delayMs: 60_000 });
    await a.upsertJobScheduler('schedule-a-0', { pattern: '0 13 * * *', tz: 'Europe/Berlin' }, { name: 'replan', data: { site: 'a', reasons: [] } });
    expect(await b.getJob(job.id)).toBeUndefined();
    expect(await b.listJobSchedulers()).toEqual([]);
    expect(await a.counts()).toEqual({ delayed: 1, waiting: 0, active: 0, completed: 0, failed: 0 });
    const keys = await keysOf(client, p1);
    expect(keys.some((k) => k.startsWith(`${p1}:bull:replan:`))).toBe(true);
    expect(keys.some((k) => k.startsWith(`${p1}:bull:replan-schedules:`))).toBe(true);
    expect(keys.every((k) => k.startsWith(`${p1}:`))).toBe(true);
  });

  it('the slot record is the truth: a job BullMQ wakes before its runAt is parked until then', async () => {
    const prefix = randomPrefix();
    const q = queue(prefix);
    const runs: Job<Data, string>[] = [];
    q.process(async (job) => {
      runs.push(job);
      return 'ok';
    });
    const job = await q.add('replan', { site: 'a', reasons: [] }, { deduplicationId: 'replan-a', delayMs: 100 });
    // As if a producer's changeDelay had been lost: the record says later than BullMQ's wake-up.
    const runAt = Date.now() + 500;
    await client.hset(new RedisKeys(prefix).pending('replan', 'd:replan-a'), 'runAt', runAt);
    expect((await q.waitUntilFinished(job.id, hangGuard(5000)))!.state).toBe('completed');
    expect(runs).toHaveLength(1);
    expect(runs[0]!.processedAtUtcMs).toBeGreaterThanOrEqual(runAt - 5);
    expect(runs[0]!.attemptsMade).toBe(1);
  });

  it('a pending record left by a producer that died before adding its BullMQ job is dropped after the grace period', async () => {
    const prefix = randomPrefix();
    const keys = new RedisKeys(prefix);
    await client.hset(keys.pending('replan', 'd:replan-a'), { jobId: 'replan-a-999', data: JSON.stringify({ site: 'a', reasons: ['lost'] }), createdAt: Date.now() - 60_000, runAt: Date.now() - 60_000, maxRunAt: '', v: 1 });
    const q = queue(prefix, { orphanGraceMs: 1000 });
    const runs: Job<Data, string>[] = [];
    q.process(async (job) => {
      runs.push(job);
      return 'ok';
    });
    const job = await q.add('replan', { site: 'a', reasons: ['fresh'] }, { deduplicationId: 'replan-a' });
    expect(job.id).not.toBe('replan-a-999');
    expect((await q.waitUntilFinished(job.id, hangGuard(5000)))!.state).toBe('completed');
    expect(runs.map((r) => r.data.reasons)).toEqual([['fresh']]);
  });
});

describeNeeding('BullmqQueue: Redis restart (a throw-away redis-server)', redisServerAvailable ? undefined : 'redis-server is not installed: apt-get install redis-server (or set V2G_TEST_REDIS_SERVER)', () => {
  it('producers fail fast while Redis is down; the worker reconnects and carries on', async () => {
    const server = await RedisServerProcess.start();
    const producer = createRedisClient(server.url, 'producer', { maxReconnectDelayMs: 100 });
    const q = new BullmqQueue<Data, string>({
      name: 'replan',
      connection: producer,
      workerConnection: () => createRedisClient(server.url, 'worker', { maxReconnectDelayMs: 100 }),
      prefix: 'restart',
      finishedPollMs: 25,
    });
    try {
      await waitForRedis(producer, 5000);
      q.process(async (job) => `ok ${job.data.site}`);
      const before = await q.add('replan', { site: 'a', reasons: [] }, { deduplicationId: 'replan-a' });
      expect((await q.waitUntilFinished(before.id, hangGuard(5000)))!.state).toBe('completed');
      await server.stop();
      await rejectsFast(q.add('replan', { site: 'b', reasons: [] }, { deduplicationId: 'replan-b' }));
      await server.restart();
      await waitForRedis(producer, 5000);
      const after = await q.add('replan', { site: 'c', reasons: [] }, { deduplicationId: 'replan-c' });
      expect(await q.waitUntilFinished(after.id, hangGuard(8000))).toMatchObject({ state: 'completed', returnValue: 'ok c' });
    } finally {
      await q.close();
      producer.disconnect();
      await server.stop();
    }
  });
});
