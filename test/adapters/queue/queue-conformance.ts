/**
 * The JobQueue port's conformance suite (adapters/queue/queue.ts), run against the embedded MemoryQueue
 * and the BullMQ queue so that "the same behaviour" is proven: deduplication with merged data, debounce
 * with a cap, one job per deduplication id at a time, retries with backoff, permanent errors, "a newer
 * pending job is the retry", schedulers with a time zone, counts, events and close.
 *
 * Time is real and short (50-500 ms): BullMQ schedules on the wall clock and Redis, so fake timers cannot
 * drive it (BullMQ's own suite does the same). Tolerances allow for a loaded 2-core machine.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextCronRunUtcMs } from '../../../adapters/queue/cron-schedule.ts';
import { PermanentJobError } from '../../../adapters/queue/job-errors.ts';
import type { Job, JobQueue, QueueEvent } from '../../../adapters/queue/queue.ts';
import { hangGuard } from '../../hang-guard.ts';

export interface Data {
  readonly site: string;
  readonly reasons: readonly string[];
}

export type TestQueue = JobQueue<Data, string>;

export interface QueueHarness {
  readonly queue: TestQueue;
  /** Closes the queue and drops what it stored. */
  cleanup(): Promise<void>;
}

/** Makes a queue whose `merge` concatenates reasons (pending first) and whose jitter random is 0.5. */
export type QueueFactory = (options: { readonly concurrency?: number; readonly keepFinished?: number }) => Promise<QueueHarness>;

export const mergeData = (pending: Data, incoming: Data): Data => ({ site: pending.site, reasons: [...pending.reasons, ...incoming.reasons] });

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 60_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + hangGuard(timeoutMs);
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${hangGuard(timeoutMs)} ms waiting for ${what}`);
    await sleep(10);
  }
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const data = (site: string, ...reasons: string[]): Data => ({ site, reasons });
const dedup = (site: string) => `replan-${site}`;

export function describeQueueConformance(label: string, factory: QueueFactory): void {
  describe(`JobQueue conformance: ${label}`, () => {
    const harnesses: QueueHarness[] = [];
    const make = async (concurrency = 1, keepFinished?: number) => {
      const h = await factory({ concurrency, ...(keepFinished !== undefined ? { keepFinished } : {}) });
      harnesses.push(h);
      return h.queue;
    };

    afterEach(async () => {
      for (const h of harnesses.splice(0)) await h.cleanup();
    });

    describe('adding and reading jobs', () => {
      let queue: TestQueue;
      beforeEach(async () => {
        queue = await make();
      });

      it('returns the pending job with a BullMQ-safe id; unknown ids read as undefined', async () => {
        const before = Date.now();
        const job = await queue.add('replan', data('depot-1', 'one'), { deduplicationId: dedup('depot-1'), delayMs: 5000, attempts: 3 });
        expect(job).toMatchObject({ name: 'replan', state: 'delayed', deduplicationId: 'replan-depot-1', attemptsMade: 0, attempts: 3, data: data('depot-1', 'one') });
        expect(job.id).toMatch(/^replan-depot-1-\d+$/);
        expect(job.runAtUtcMs! - before).toBeGreaterThanOrEqual(4990);
        expect(job.runAtUtcMs! - Date.now()).toBeLessThanOrEqual(5000);
        expect(job.createdAtUtcMs).toBeGreaterThanOrEqual(before - 5);
        expect(await queue.getJob(job.id)).toMatchObject({ id: job.id, state: 'delayed', runAtUtcMs: job.runAtUtcMs, data: data('depot-1', 'one') });
        const plain = await queue.add('replan', data('depot-2'));
        expect(plain.id).toMatch(/^replan-\d+$/);
        expect(plain.id).not.toMatch(/^\d+$/);
        expect(plain).toMatchObject({ state: 'waiting', attempts: 1 });
        expect((await queue.getJob(plain.id))!.state).toBe('waiting');
        expect(await queue.getJob('replan-nope-1')).toBeUndefined();
        expect(await queue.waitUntilFinished('replan-nope-1', 10)).toBeUndefined();
      });

      it('refuses names and deduplication ids with ":"', async () => {
        await expect(queue.add('a:b', data('x'))).rejects.toThrow(/":"/);
        await expect(queue.add('replan', data('x'), { deduplicationId: 'replan:x' })).rejects.toThrow(/":"/);
      });

      it('counts jobs per state', async () => {
        await queue.add('replan', data('a'), { delayMs: 60_000 });
        await queue.add('replan', data('b'));
        expect(await queue.counts()).toEqual({ delayed: 1, waiting: 1, active: 0, completed: 0, failed: 0 });
      });

      it('waitUntilFinished answers with the current state after its timeout', async () => {
        const job = await queue.add('replan', data('a'), { delayMs: 60_000 });
        const started = Date.now();
        const seen = await queue.waitUntilFinished(job.id, 150);
        expect(seen).toMatchObject({ id: job.id, state: 'delayed' });
        expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      });
    });

    describe('processing', () => {
      it('runs a job; waitUntilFinished returns it completed with its result; events tell', async () => {
        const queue = await make();
        const events: QueueEvent<Data, string>[] = [];
        queue.on((e) => events.push(e));
        const seen: Job<Data, string>[] = [];
        queue.process(async (job) => {
          seen.push(job);
          return `done ${job.id}`;
        });
        const job = await queue.add('replan', data('a', 'r'), { deduplicationId: dedup('a') });
        const done = await queue.waitUntilFinished(job.id, hangGuard(5000));
        expect(done).toMatchObject({ id: job.id, state: 'completed', attemptsMade: 1, returnValue: `done ${job.id}`, data: data('a', 'r') });
        expect(done!.processedAtUtcMs).toBeGreaterThanOrEqual(done!.createdAtUtcMs);
        expect(done!.finishedAtUtcMs).toBeGreaterThanOrEqual(done!.processedAtUtcMs!);
        expect(seen.map((j) => [j.id, j.state, j.attemptsMade])).toEqual([[job.id, 'active', 1]]);
        await waitFor(() => events.length === 1, 2000, 'the completed event');
        expect(events[0]).toMatchObject({ type: 'completed', job: { id: job.id, state: 'completed', returnValue: `done ${job.id}` } });
        expect((await queue.counts()).completed).toBe(1);
      });

      it('keeps the newest keepFinished finished jobs', async () => {
        const queue = await make(1, 2);
        queue.process(async () => 'ok');
        const ids: string[] = [];
        for (let i = 0; i < 4; i++) {
          const job = await queue.add('replan', data('a'));
          ids.push(job.id);
          await queue.waitUntilFinished(job.id, hangGuard(5000));
        }
        await waitFor(async () => (await queue.counts()).completed === 2, 2000, 'two completed jobs kept');
        expect(await queue.getJob(ids[0]!)).toBeUndefined();
        expect((await queue.getJob(ids[3]!))!.state).toBe('completed');
      });

      it('refuses a second processor', async () => {
        const queue = await make();
        queue.process(async () => 'x');
        expect(() => queue.process(async () => 'y')).toThrow(/already/);
      });

      it('a throwing listener does not break the queue', async () => {
        const queue = await make();
        queue.on(() => {
          throw new Error('listener bug');
        });
        queue.process(async () => 'ok');
        const job = await queue.add('replan', data('a'));
        expect((await queue.waitUntilFinished(job.id, hangGuard(5000)))!.state).toBe('completed');
        const next = await queue.add('replan', data('a'));
        expect((await queue.waitUntilFinished(next.id, hangGuard(5000)))!.state).toBe('completed');
      });

      it('close waits for the active job, and refuses adds afterwards', async () => {
        const queue = await make();
        const g = gate();
        const active = gate();
        let finished = false;
        queue.process(async () => {
          active.open();
          await g.opened;
          await sleep(50); // simulated work after the gate: close must wait for it, however long it takes
          finished = true;
          return 'ok';
        });
        await queue.add('replan', data('a'));
        await active.opened;
        const closing = queue.close();
        g.open();
        await closing;
        expect(finished).toBe(true);
        await expect(queue.add('replan', data('a'))).rejects.toThrow(/closed/);
      });
    });

    describe('deduplication and debounce', () => {
      it('merges deduplicated adds into the pending job, which runs once with all the data', async () => {
        const queue = await make();
        const runs: Job<Data, string>[] = [];
        queue.process(async (job) => {
          runs.push(job);
          return 'ok';
        });
        const a = await queue.add('replan', data('a', 'one'), { deduplicationId: dedup('a'), delayMs: 300 });
        const b = await queue.add('replan', data('a', 'two'), { deduplicationId: dedup('a'), delayMs: 300 });
        const c = await queue.add('replan', data('a', 'three'), { deduplicationId: dedup('a'), delayMs: 300 });
        expect([b.id, c.id]).toEqual([a.id, a.id]);
        expect(c.data).toEqual(data('a', 'one', 'two', 'three'));
        expect((await queue.getJob(a.id))!.data).toEqual(data('a', 'one', 'two', 'three'));
        await queue.waitUntilFinished(a.id, hangGuard(5000));
        // Nothing is left to run (no job waiting, delayed or active): no second run can come, however long one waits.
        expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, active: 0, completed: 1 });
        expect(runs.map((j) => [j.id, j.data.reasons])).toEqual([[a.id, ['one', 'two', 'three']]]);
      });

      it('parallel adds of one id: one job, no data lost (concurrent merges are compare-and-set)', async () => {
        const queue = await make();
        const runs: Job<Data, string>[] = [];
        queue.process(async (job) => {
          runs.push(job);
          return 'ok';
        });
        const jobs = await Promise.all(Array.from({ length: 30 }, (_, i) => queue.add('replan', data('a', `r${i}`), { deduplicationId: dedup('a'), delayMs: 400 })));
        expect(new Set(jobs.map((j) => j.id)).size).toBe(1);
        await queue.waitUntilFinished(jobs[0]!.id, hangGuard(5000));
        expect(runs).toHaveLength(1);
        expect([...runs[0]!.data.reasons].sort()).toEqual(Array.from({ length: 30 }, (_, i) => `r${i}`).sort());
      });

      it('debounce: a later add moves the run to its own time + delayMs', async () => {
        const queue = await make();
        const runs: Job<Data, string>[] = [];
        queue.process(async (job) => {
          runs.push(job);
          return 'ok';
        });
        // A 3 s debounce: the second add lands within it even when a loaded machine delays this test by seconds.
        const first = await queue.add('replan', data('a', 'one'), { deduplicationId: dedup('a'), delayMs: 3000 });
        await sleep(200); // debounce timing is the subject: the second add comes later than the first, by any amount
        const secondAt = Date.now();
        const second = await queue.add('replan', data('a', 'two'), { deduplicationId: dedup('a'), delayMs: 3000 });
        expect(second.id).toBe(first.id);
        expect(second.runAtUtcMs! - secondAt).toBeGreaterThanOrEqual(2990);
        await queue.waitUntilFinished(first.id, 60_000);
        expect(runs[0]!.processedAtUtcMs! - secondAt).toBeGreaterThanOrEqual(2980);
      });

      it('maxDelayMs caps the debounce: a stream of adds cannot starve the job', async () => {
        const queue = await make();
        const runs: Job<Data, string>[] = [];
        queue.process(async (job) => {
          runs.push(job);
          return 'ok';
        });
        const started = Date.now();
        const first = await queue.add('replan', data('a', 'r0'), { deduplicationId: dedup('a'), delayMs: 300, maxDelayMs: 500 });
        expect(first.runAtUtcMs! - first.createdAtUtcMs).toBeLessThanOrEqual(310);
        const schedules: number[] = [first.runAtUtcMs!];
        for (let i = 1; runs.length === 0 && Date.now() - started < 2000; i++) {
          const added = await queue.add('replan', data('a', `r${i}`), { deduplicationId: dedup('a'), delayMs: 300, maxDelayMs: 500 });
          if (added.id === first.id && added.runAtUtcMs !== undefined) schedules.push(added.runAtUtcMs);
          await sleep(60); // the stream's pace (debounce timing is the subject); the cap is checked on the schedules
        }
        await waitFor(() => runs.length >= 1, 60_000, 'the capped job to run');
        expect(runs[0]!.id).toBe(first.id);
        expect(runs[0]!.processedAtUtcMs! - runs[0]!.createdAtUtcMs).toBeGreaterThanOrEqual(450);
        // The cap is in the job's schedule, whatever a loaded machine adds before it runs.
        for (const runAt of schedules) expect(runAt - first.createdAtUtcMs).toBeLessThanOrEqual(500);
      });

      it('an immediate add runs the pending job now, with the merged data', async () => {
        const queue = await make();
        const runs: Job<Data, string>[] = [];
        queue.process(async (job) => {
          runs.push(job);
          return 'ok';
        });
        const a = await queue.add('replan', data('a', 'debounced'), { deduplicationId: dedup('a'), delayMs: 60_000 });
        const b = await queue.add('replan', data('a', 'dispatch'), { deduplicationId: dedup('a'), delayMs: 0 });
        expect(b.id).toBe(a.id);
        expect(b.state === 'waiting' || b.state === 'active').toBe(true);
        const done = await queue.waitUntilFinished(a.id, hangGuard(3000));
        expect(done!.state).toBe('completed');
        expect(runs.map((j) => j.data.reasons)).toEqual([['debounced', 'dispatch']]);
      });

      it('a change during a run gets a follow-up job that never runs at the same time; other ids run in parallel', async () => {
        const queue = await make(2);
        const running = new Map<string, number>();
        let maxSameSite = 0;
        let maxTotal = 0;
        const gates = new Map<string, ReturnType<typeof gate>>();
        const started: string[] = [];
        queue.process(async (job) => {
          running.set(job.data.site, (running.get(job.data.site) ?? 0) + 1);
          maxSameSite = Math.max(maxSameSite, ...running.values());
          maxTotal = Math.max(maxTotal, [...running.values()].reduce((s, n) => s + n, 0));
          started.push(job.id);
          const g = gate();
          gates.set(job.id, g);
          await g.opened;
          running.set(job.data.site, running.get(job.data.site)! - 1);
          return 'ok';
        });
        const a1 = await queue.add('replan', data('a', 'a1'), { deduplicationId: dedup('a') });
        await waitFor(() => started.includes(a1.id), 3000, 'a1 to start');
        const a2 = await queue.add('replan', data('a', 'a2'), { deduplicationId: dedup('a') });
        expect(a2.id).not.toBe(a1.id);
        const b1 = await queue.add('replan', data('b', 'b1'), { deduplicationId: dedup('b') });
        await waitFor(() => started.includes(b1.id), 3000, 'b1 to start beside a1');
        // A negative check (a2 must NOT start while a1 runs): a fixed window, so a slow machine can only miss a bug.
        await sleep(250);
        expect(started).not.toContain(a2.id);
        expect((await queue.getJob(a2.id))!.state).toBe('waiting');
        gates.get(a1.id)!.open();
        await waitFor(() => started.includes(a2.id), 3000, 'a2 to start after a1');
        gates.get(b1.id)!.open();
        gates.get(a2.id)!.open();
        expect((await queue.waitUntilFinished(a2.id, hangGuard(3000)))!.state).toBe('completed');
        expect(maxSameSite).toBe(1);
        expect(maxTotal).toBe(2);
      });
    });

    describe('retries', () => {
      it('retries with fixed backoff until the job succeeds; attempts count from 1', async () => {
        const queue = await make();
        const events: QueueEvent<Data, string>[] = [];
        queue.on((e) => events.push(e));
        const attempts: { at: number; made: number }[] = [];
        queue.process(async (job) => {
          attempts.push({ at: Date.now(), made: job.attemptsMade });
          if (attempts.length < 3) throw new Error(`flaky ${attempts.length}`);
          return 'ok';
        });
        const job = await queue.add('replan', data('a'), { deduplicationId: dedup('a'), attempts: 3, backoff: { type: 'fixed', delayMs: 150 } });
        const done = await queue.waitUntilFinished(job.id, hangGuard(5000));
        expect(done).toMatchObject({ state: 'completed', attemptsMade: 3, returnValue: 'ok', failedReason: 'flaky 2' });
        expect(attempts.map((a) => a.made)).toEqual([1, 2, 3]);
        expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(140);
        expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(140);
        await waitFor(() => events.length === 3, 2000, 'three events');
        expect(events.map((e) => (e.type === 'failed' ? `failed:${e.willRetry}:${e.job.state}` : e.type))).toEqual(['failed:true:delayed', 'failed:true:delayed', 'completed']);
        const first = events[0]!;
        expect(first.type === 'failed' && (first.error as Error).message).toBe('flaky 1');
      });

      it('exponential backoff doubles the delay; after the last attempt the job fails with reason and code', async () => {
        const queue = await make();
        const events: QueueEvent<Data, string>[] = [];
        queue.on((e) => events.push(e));
        const at: number[] = [];
        queue.process(async () => {
          at.push(Date.now());
          throw Object.assign(new Error('solver crashed'), { code: 'V2G_ERR_SOLVE_FAILED' });
        });
        const job = await queue.add('replan', data('a'), { attempts: 3, backoff: { type: 'exponential', delayMs: 100 } });
        const done = await queue.waitUntilFinished(job.id, hangGuard(5000));
        expect(done).toMatchObject({ state: 'failed', attemptsMade: 3, failedReason: 'solver crashed', failedCode: 'V2G_ERR_SOLVE_FAILED' });
        expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(95);
        expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(195);
        await waitFor(() => events.length === 3, 2000, 'three events');
        expect(events.map((e) => e.type === 'failed' && e.willRetry)).toEqual([true, true, false]);
        expect((await queue.counts()).failed).toBe(1);
      });

      it('a permanent error (PermanentJobError or retryable: false) fails the job at once', async () => {
        const queue = await make();
        let calls = 0;
        queue.process(async (job) => {
          calls++;
          if (job.data.site === 'a') throw new PermanentJobError('V2G_ERR_SIGNALS_MISSING', 'no prices');
          throw Object.assign(new Error('bad input'), { retryable: false, code: 'V2G_ERR_SITE_INPUT' });
        });
        const a = await queue.add('replan', data('a'), { attempts: 5, backoff: { type: 'fixed', delayMs: 10 } });
        const b = await queue.add('replan', data('b'), { attempts: 5 });
        expect(await queue.waitUntilFinished(a.id, hangGuard(5000))).toMatchObject({ state: 'failed', attemptsMade: 1, failedCode: 'V2G_ERR_SIGNALS_MISSING', failedReason: 'no prices' });
        expect(await queue.waitUntilFinished(b.id, hangGuard(5000))).toMatchObject({ state: 'failed', attemptsMade: 1, failedCode: 'V2G_ERR_SITE_INPUT' });
        // No retry is scheduled (nothing waiting, delayed or active): no third call can come.
        expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0, active: 0, failed: 2 });
        expect(calls).toBe(2);
      });

      it('when a newer job of the id is pending, it is the retry (with the failed job\'s data first)', async () => {
        const queue = await make();
        const events: QueueEvent<Data, string>[] = [];
        queue.on((e) => events.push(e));
        const g = gate();
        const runs: Job<Data, string>[] = [];
        queue.process(async (job) => {
          runs.push(job);
          if (runs.length === 1) {
            await g.opened;
            throw new Error('solver crashed');
          }
          return 'ok';
        });
        const first = await queue.add('replan', data('a', 'first'), { deduplicationId: dedup('a'), attempts: 3, backoff: { type: 'fixed', delayMs: 5000 } });
        await waitFor(() => runs.length === 1, 3000, 'the first run');
        const newer = await queue.add('replan', data('a', 'newer'), { deduplicationId: dedup('a'), attempts: 3 });
        expect(newer.id).not.toBe(first.id);
        g.open();
        const failed = await queue.waitUntilFinished(first.id, hangGuard(5000));
        expect(failed).toMatchObject({ state: 'failed', attemptsMade: 1 });
        expect(failed!.failedReason).toBe(`solver crashed (retried as job ${newer.id})`);
        expect((await queue.waitUntilFinished(newer.id, hangGuard(5000)))!.state).toBe('completed');
        expect(runs.map((j) => [j.id, j.data.reasons])).toEqual([
          [first.id, ['first']],
          [newer.id, ['first', 'newer']],
        ]);
        await waitFor(() => events.length === 2, 2000, 'two events');
        expect(events[0]).toMatchObject({ type: 'failed', willRetry: true, job: { id: first.id, state: 'failed' } });
      });

      it('an add during the backoff merges into the retrying job (and can bring its run forward)', async () => {
        const queue = await make();
        const runs: Job<Data, string>[] = [];
        queue.process(async (job) => {
          runs.push(job);
          if (runs.length === 1) throw new Error('flaky');
          return 'ok';
        });
        const job = await queue.add('replan', data('a', 'first'), { deduplicationId: dedup('a'), attempts: 3, backoff: { type: 'fixed', delayMs: 60_000 } });
        await waitFor(async () => (await queue.getJob(job.id))?.state === 'delayed' && runs.length === 1, 3000, 'the job to be in backoff');
        const merged = await queue.add('replan', data('a', 'change'), { deduplicationId: dedup('a'), delayMs: 0 });
        expect(merged.id).toBe(job.id);
        expect(merged.attemptsMade).toBeGreaterThanOrEqual(1);
        const done = await queue.waitUntilFinished(job.id, hangGuard(3000));
        expect(done).toMatchObject({ state: 'completed', attemptsMade: 2 });
        expect(runs.map((j) => j.data.reasons)).toEqual([['first'], ['first', 'change']]);
      });
    });

    describe('job schedulers', () => {
      it('next runs follow the cron in the site zone; upsert replaces; remove; bad patterns are refused', async () => {
        const queue = await make();
        const template = { name: 'replan', data: data('a', 'schedule') };
        const before = Date.now();
        const berlin = await queue.upsertJobScheduler('schedule-a-0', { pattern: '0 13 * * *', tz: 'Europe/Berlin' }, template);
        const after = Date.now();
        expect([nextCronRunUtcMs('0 13 * * *', 'Europe/Berlin', before), nextCronRunUtcMs('0 13 * * *', 'Europe/Berlin', after)]).toContain(berlin.nextRunUtcMs);
        const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(berlin.nextRunUtcMs);
        expect(local).toBe('13:00');
        const kathmandu = await queue.upsertJobScheduler('schedule-a-1', { pattern: '30 6 * * *', tz: 'Asia/Kathmandu' }, template);
        expect(new Date(kathmandu.nextRunUtcMs).toISOString().slice(11, 16)).toBe('00:45');
        expect(berlin).toMatchObject({ id: 'schedule-a-0', pattern: '0 13 * * *', tz: 'Europe/Berlin' });
        await queue.upsertJobScheduler('schedule-a-0', { pattern: '0 6 * * 1', tz: 'Europe/Berlin' }, template);
        const listed = (await queue.listJobSchedulers()).map((s) => [s.id, s.pattern, s.tz]).sort();
        expect(listed).toEqual([
          ['schedule-a-0', '0 6 * * 1', 'Europe/Berlin'],
          ['schedule-a-1', '30 6 * * *', 'Asia/Kathmandu'],
        ]);
        expect(await queue.removeJobScheduler('schedule-a-0')).toBe(true);
        expect(await queue.removeJobScheduler('schedule-a-0')).toBe(false);
        expect((await queue.listJobSchedulers()).map((s) => s.id)).toEqual(['schedule-a-1']);
        await expect(queue.upsertJobScheduler('bad', { pattern: 'every day', tz: 'Europe/Berlin' }, template)).rejects.toThrow(/pattern/);
        await expect(queue.upsertJobScheduler('bad', { pattern: '0 13 * * *', tz: 'Mars/Olympus' }, template)).rejects.toThrow(/zone/);
      });

      it('a scheduler adds its template job through the deduplication of its id', async () => {
        const queue = await make();
        const runs: Job<Data, string>[] = [];
        queue.process(async (job) => {
          runs.push(job);
          return 'ok';
        });
        const pending = await queue.add('replan', data('a', 'change'), { deduplicationId: dedup('a'), delayMs: 60_000 });
        await queue.upsertJobScheduler('schedule-a-0', { pattern: '* * * * * *', tz: 'Asia/Kathmandu' }, {
          name: 'replan',
          data: data('a', 'schedule'),
          options: { deduplicationId: dedup('a') },
        });
        await waitFor(() => runs.length >= 1, 3500, 'the scheduled run');
        await queue.removeJobScheduler('schedule-a-0');
        expect(runs[0]!.id).toBe(pending.id);
        expect(runs[0]!.data.reasons).toEqual(['change', 'schedule']);
      });
    });
  });
}
