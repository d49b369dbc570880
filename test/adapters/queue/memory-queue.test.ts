/**
 * The embedded queue's contract (adapters/queue/queue.ts): deduplication, debounce, one job per
 * deduplication id at a time, retries with backoff, permanent errors, cron schedulers in a zone.
 * Time is a ManualClock; processors are controlled with deferred promises.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, flushPromises } from '../../../adapters/clock.ts';
import { backoffDelayMs } from '../../../adapters/queue/backoff.ts';
import { cronIssue, nextCronRunUtcMs } from '../../../adapters/queue/cron-schedule.ts';
import { PermanentJobError } from '../../../adapters/queue/job-errors.ts';
import { MemoryQueue } from '../../../adapters/queue/memory-queue.ts';
import type { Job, QueueEvent } from '../../../adapters/queue/queue.ts';

type Data = { site: string; reasons: string[] };

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

function setup(concurrency = 2) {
  const clock = new ManualClock(Date.parse('2025-03-29T12:00:00Z'));
  const queue = new MemoryQueue<Data, string>({
    clock,
    timers: clock,
    concurrency,
    merge: (a, b) => ({ site: a.site, reasons: [...a.reasons, ...b.reasons] }),
    random: () => 0.5,
  });
  const runs: Job<Data, string>[] = [];
  const gates: ReturnType<typeof deferred>[] = [];
  queue.process(async (job) => {
    runs.push(job);
    const gate = deferred();
    gates.push(gate);
    await gate.promise;
    return `done ${job.id}`;
  });
  const events: QueueEvent<Data, string>[] = [];
  queue.on((e) => events.push(e));
  return { clock, queue, runs, gates, events };
}

const add = (q: MemoryQueue<Data, string>, site: string, reason: string, delayMs = 1_000, maxDelayMs = 5_000) =>
  q.add('replan', { site, reasons: [reason] }, { deduplicationId: `replan-${site}`, delayMs, maxDelayMs, attempts: 3, backoff: { type: 'exponential', delayMs: 100 } });

describe('MemoryQueue deduplication and debounce', () => {
  it('merges adds of one site into the pending job and runs it once, after the last change plus the debounce', async () => {
    const { clock, queue, runs } = setup();
    const a = await add(queue, 'a', 'one');
    await clock.advanceBy(600);
    const b = await add(queue, 'a', 'two');
    expect(b.id).toBe(a.id);
    await clock.advanceBy(600); // 1200 ms after the first add, 600 after the second: still waiting
    expect(runs).toHaveLength(0);
    await clock.advanceBy(400);
    expect(runs.map((j) => [j.id, j.data.reasons])).toEqual([[a.id, ['one', 'two']]]);
  });

  it('never postpones a job past maxDelayMs after its first add', async () => {
    const { clock, queue, runs } = setup();
    await add(queue, 'a', 'r0');
    for (let i = 1; i <= 10; i++) {
      await clock.advanceBy(900);
      await add(queue, 'a', `r${i}`);
      if (runs.length > 0) break;
    }
    expect(runs).toHaveLength(1);
    expect(runs[0]!.processedAtUtcMs! - runs[0]!.createdAtUtcMs).toBeLessThanOrEqual(5_000);
  });

  it('an immediate add runs the pending job now', async () => {
    const { clock, queue, runs } = setup();
    const a = await add(queue, 'a', 'debounced');
    const b = await add(queue, 'a', 'dispatch', 0);
    await flushPromises();
    expect(b.id).toBe(a.id);
    expect(runs.map((j) => j.data.reasons)).toEqual([['debounced', 'dispatch']]);
    expect(clock.nowUtcMs()).toBe(Date.parse('2025-03-29T12:00:00Z'));
  });

  it('keeps sites apart and runs one job per site at a time; a change during a run gets a follow-up job', async () => {
    const { clock, queue, runs, gates } = setup(2);
    const a1 = await add(queue, 'a', 'a1', 0);
    await add(queue, 'b', 'b1', 0);
    await flushPromises();
    expect(runs.map((j) => j.data.site)).toEqual(['a', 'b']);
    const a2 = await add(queue, 'a', 'a2', 0);
    expect(a2.id).not.toBe(a1.id);
    await clock.advanceBy(10);
    expect(runs).toHaveLength(2); // a2 waits for a1
    gates[0]!.resolve();
    await flushPromises();
    await flushPromises();
    expect(runs.map((j) => j.id)).toEqual([a1.id, expect.any(String), a2.id]);
    expect((await queue.getJob(a1.id))!.state).toBe('completed');
    expect((await queue.getJob(a1.id))!.returnValue).toBe(`done ${a1.id}`);
  });

  it('job ids are BullMQ-safe and adds with ":" are refused', async () => {
    const { queue } = setup();
    const job = await add(queue, 'depot-1', 'x');
    expect(job.id).toMatch(/^replan-depot-1-\d+$/);
    await expect(queue.add('a:b', { site: 'x', reasons: [] })).rejects.toThrow(/":"/);
  });
});

describe('MemoryQueue retries', () => {
  it('retries a failing job with exponential backoff, then fails it', async () => {
    const clock = new ManualClock(0);
    const queue = new MemoryQueue<Data, string>({ clock, timers: clock });
    const attemptsAt: number[] = [];
    queue.process(async () => {
      attemptsAt.push(clock.nowUtcMs());
      throw new Error('solver crashed');
    });
    const events: QueueEvent<Data, string>[] = [];
    queue.on((e) => events.push(e));
    const job = await queue.add('replan', { site: 'a', reasons: [] }, { attempts: 3, backoff: { type: 'exponential', delayMs: 100 } });
    await clock.advanceBy(10_000);
    expect(attemptsAt).toEqual([0, 100, 300]);
    const failed = (await queue.getJob(job.id))!;
    expect(failed).toMatchObject({ state: 'failed', attemptsMade: 3, failedReason: 'solver crashed' });
    expect(events.map((e) => (e.type === 'failed' ? e.willRetry : 'completed'))).toEqual([true, true, false]);
  });

  it('does not retry a permanent error (PermanentJobError or retryable: false)', async () => {
    const clock = new ManualClock(0);
    const queue = new MemoryQueue<Data, string>({ clock, timers: clock });
    let calls = 0;
    queue.process(async (job) => {
      calls++;
      if (job.data.site === 'a') throw new PermanentJobError('V2G_ERR_SIGNALS_MISSING', 'no prices');
      throw Object.assign(new Error('bad input'), { retryable: false, code: 'V2G_ERR_SITE_INPUT' });
    });
    const a = await queue.add('replan', { site: 'a', reasons: [] }, { attempts: 5 });
    const b = await queue.add('replan', { site: 'b', reasons: [] }, { attempts: 5 });
    await clock.advanceBy(60_000);
    expect(calls).toBe(2);
    expect(await queue.getJob(a.id)).toMatchObject({ state: 'failed', failedCode: 'V2G_ERR_SIGNALS_MISSING', attemptsMade: 1 });
    expect(await queue.getJob(b.id)).toMatchObject({ state: 'failed', failedCode: 'V2G_ERR_SITE_INPUT' });
  });

  it('backoff strategies', () => {
    expect(backoffDelayMs({ type: 'fixed', delayMs: 500 }, 4)).toBe(500);
    expect([1, 2, 3].map((n) => backoffDelayMs({ type: 'exponential', delayMs: 1000 }, n))).toEqual([1000, 2000, 4000]);
    expect(backoffDelayMs({ type: 'exponential', delayMs: 1000, jitter: 0.5 }, 1, () => 1)).toBe(500);
  });
});

describe('MemoryQueue waiting and closing', () => {
  it('waitUntilFinished resolves on completion, or with the current state on timeout', async () => {
    const { clock, queue, gates } = setup();
    const job = await add(queue, 'a', 'x', 0);
    const timedOut = await Promise.all([queue.waitUntilFinished(job.id, 50), clock.advanceBy(60)]);
    expect(timedOut[0]!.state).toBe('active');
    const done = queue.waitUntilFinished(job.id, 10_000);
    gates[0]!.resolve();
    expect((await done)!.state).toBe('completed');
    expect(await queue.waitUntilFinished('nope-1', 10)).toBeUndefined();
  });

  it('close waits for active jobs and stops schedulers', async () => {
    const { queue, gates } = setup();
    await add(queue, 'a', 'x', 0);
    await flushPromises();
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    await flushPromises();
    expect(closed).toBe(false);
    gates[0]!.resolve();
    await closing;
    expect(closed).toBe(true);
    await expect(add(queue, 'a', 'late')).rejects.toThrow(/closed/);
  });

  it('counts jobs by state', async () => {
    const { queue } = setup();
    await add(queue, 'a', 'x');
    await add(queue, 'b', 'x', 0);
    await flushPromises();
    expect(await queue.counts()).toEqual({ delayed: 1, waiting: 0, active: 1, completed: 0, failed: 0 });
  });
});

describe('MemoryQueue job schedulers (cron in the site zone)', () => {
  it('adds the template job at each occurrence in the zone, across the spring-forward night', async () => {
    const clock = new ManualClock(Date.parse('2025-03-29T12:00:00Z'));
    const queue = new MemoryQueue<Data, string>({ clock, timers: clock });
    const at: string[] = [];
    queue.process(async (job) => {
      at.push(new Date(clock.nowUtcMs()).toISOString());
      return job.id;
    });
    const info = await queue.upsertJobScheduler('schedule-a-0', { pattern: '0 13 * * *', tz: 'Europe/Berlin' }, { name: 'replan', data: { site: 'a', reasons: ['schedule'] } });
    // now is 13:00 CET on the 29th exactly: the next run is strictly later, 13:00 CEST on the 30th
    expect(new Date(info.nextRunUtcMs).toISOString()).toBe('2025-03-30T11:00:00.000Z');
    await clock.advanceBy(3 * 86_400_000);
    // 13:00 local is 11:00Z from the 30th (CEST)
    expect(at).toEqual(['2025-03-30T11:00:00.000Z', '2025-03-31T11:00:00.000Z', '2025-04-01T11:00:00.000Z']);
    expect(await queue.removeJobScheduler('schedule-a-0')).toBe(true);
    await clock.advanceBy(86_400_000);
    expect(at).toHaveLength(3);
  });

  it('upserting replaces a scheduler; a bad pattern is refused', async () => {
    const clock = new ManualClock(0);
    const queue = new MemoryQueue<Data, string>({ clock, timers: clock });
    await queue.upsertJobScheduler('s', { pattern: '*/15 * * * *', tz: 'UTC' }, { name: 'replan', data: { site: 'a', reasons: [] } });
    await queue.upsertJobScheduler('s', { pattern: '0 * * * *', tz: 'UTC' }, { name: 'replan', data: { site: 'a', reasons: [] } });
    expect((await queue.listJobSchedulers()).map((s) => [s.id, s.pattern, s.nextRunUtcMs])).toEqual([['s', '0 * * * *', 3_600_000]]);
    await expect(queue.upsertJobScheduler('t', { pattern: '61 * * * *', tz: 'UTC' }, { name: 'replan', data: { site: 'a', reasons: [] } })).rejects.toThrow(/not a cron/);
  });

  it('cronIssue and nextCronRunUtcMs', () => {
    expect(cronIssue('5 13 * * *', 'Europe/Berlin')).toBeUndefined();
    expect(cronIssue('', 'UTC')).toBe('is empty');
    expect(cronIssue('* * * * *', 'Mars/Base')).toMatch(/not an IANA/);
    expect(nextCronRunUtcMs('30 2 * * *', 'Europe/Berlin', Date.parse('2025-03-29T12:00:00Z'))).toBe(Date.parse('2025-03-30T01:30:00Z'));
  });
});
