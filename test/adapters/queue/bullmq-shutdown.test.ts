/**
 * Graceful shutdown and lost workers on BullMQ: `close({ handBackAfterMs })` hands a job that is still
 * running back to the queue within the bound, and another worker completes it; a worker that stops
 * renewing its lock (as a killed process does) loses the job to another worker's stalled check.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BullmqQueue } from '../../../adapters/queue/bullmq-queue.ts';
import { createRedisClient } from '../../../adapters/store/redis-connection.ts';
import { closeRedisClient, deletePrefix, describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';
import { mergeData, type Data } from './queue-conformance.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describeWithRedis('BullmqQueue: shutdown and lost workers', () => {
  let client: Redis;

  beforeAll(async () => {
    client = await testClient('producer', 'v2g-test-shutdown');
  });

  afterAll(async () => {
    await closeRedisClient(client);
  });

  const queue = (prefix: string, handBacks: string[][] = [], extra: object = {}) =>
    new BullmqQueue<Data, string>({
      name: 'replan',
      connection: client,
      workerConnection: () => createRedisClient(redisTestUrl, 'worker'),
      prefix,
      merge: mergeData,
      finishedPollMs: 25,
      onHandBack: (ids) => handBacks.push([...ids]),
      ...extra,
    });

  it('close({ handBackAfterMs }) hands a running job back within the bound; another worker completes it', async () => {
    const prefix = randomPrefix();
    const handBacks: string[][] = [];
    const leaving = queue(prefix, handBacks);
    const staying = queue(prefix);
    try {
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      leaving.process(async () => {
        started();
        await new Promise(() => undefined); // a solve that would outlive the shutdown grace
        return 'never';
      });
      const job = await leaving.add('replan', { site: 'a', reasons: ['r1'] }, { deduplicationId: 'replan-a', attempts: 3 });
      await running;
      const closing = performance.now();
      await leaving.close({ handBackAfterMs: 300 });
      const closeMs = performance.now() - closing;
      expect(closeMs).toBeGreaterThanOrEqual(290);
      expect(handBacks).toEqual([[job.id]]);
      expect((await staying.getJob(job.id))?.state).toBe('waiting');

      staying.process(async (j) => `done ${j.data.reasons.join(',')}`);
      const done = await staying.waitUntilFinished(job.id, 10_000);
      expect(done).toMatchObject({ state: 'completed', returnValue: 'done r1' });
    } finally {
      await leaving.close();
      await staying.close();
      await deletePrefix(client, prefix);
    }
  });

  it('close({ handBackAfterMs }) waits for a job that finishes in time and hands nothing back', async () => {
    const prefix = randomPrefix();
    const handBacks: string[][] = [];
    const q = queue(prefix, handBacks);
    try {
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      q.process(async () => {
        started();
        await sleep(100); // simulated work; close waits for it however long it takes
        return 'ok';
      });
      const job = await q.add('replan', { site: 'b', reasons: ['r'] }, { deduplicationId: 'replan-b' });
      await running;
      await q.close({ handBackAfterMs: 5000 });
      expect(handBacks).toEqual([]);
      const other = queue(prefix);
      expect(await other.getJob(job.id)).toMatchObject({ state: 'completed', returnValue: 'ok' });
      await other.close();
    } finally {
      await deletePrefix(client, prefix);
    }
  });

  /** A job taken by `lost`, whose lock renewal then stops as a SIGKILL would stop it; answers the job. */
  const takenThenLost = async (lost: BullmqQueue<Data, string>, site: string, attempts: number) => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    lost.process(async () => {
      started();
      await new Promise(() => undefined);
      return 'never';
    });
    const job = await lost.add('replan', { site, reasons: ['r'] }, { deduplicationId: `replan-${site}`, attempts });
    await running;
    // Reaches into BullMQ's worker: its lock manager (test/adapters/scale-out.test.ts kills a real process instead).
    const bullWorker = (lost as unknown as { worker: { lockManager?: { close(): Promise<void> } } }).worker;
    await bullWorker.lockManager?.close();
    return job;
  };

  it('a job whose worker stops renewing its lock is recovered by another worker after lockDuration', async () => {
    const prefix = randomPrefix();
    // skipLockRenewal stands in for a killed process: the lock simply runs out.
    const lost = queue(prefix, [], { lockDurationMs: 1000, stalledIntervalMs: 500 });
    const rescuer = queue(prefix, [], { lockDurationMs: 1000, stalledIntervalMs: 500 });
    try {
      const job = await takenThenLost(lost, 'c', 2);
      rescuer.process(async () => 'rescued');
      const done = await rescuer.waitUntilFinished(job.id, 15_000);
      expect(done).toMatchObject({ state: 'completed', returnValue: 'rescued' });
    } finally {
      await lost.close({ handBackAfterMs: 0 }).catch(() => undefined);
      await rescuer.close();
      await deletePrefix(client, prefix);
    }
  });

  it('a job that stalled more often than maxStalledCount fails for good, and its failed event says no retry', async () => {
    const prefix = randomPrefix();
    const options = { lockDurationMs: 1000, stalledIntervalMs: 500, maxStalledCount: 0 };
    const lost = queue(prefix, [], options);
    const rescuer = queue(prefix, [], options);
    const events: { willRetry: boolean; message: string }[] = [];
    rescuer.on((e) => {
      if (e.type === 'failed') events.push({ willRetry: e.willRetry, message: e.error instanceof Error ? e.error.message : String(e.error) });
    });
    try {
      // attempts 3: a plain failure would be retried; BullMQ's stall limit is not (portfolio dispatches rely on the event saying so).
      const job = await takenThenLost(lost, 'd', 3);
      rescuer.process(async () => 'rescued');
      const done = await rescuer.waitUntilFinished(job.id, 15_000);
      expect(done).toMatchObject({ state: 'failed' });
      expect(events).toEqual([{ willRetry: false, message: 'job stalled more than allowable limit' }]);
    } finally {
      await lost.close({ handBackAfterMs: 0 }).catch(() => undefined);
      await rescuer.close();
      await deletePrefix(client, prefix);
    }
  });
});
