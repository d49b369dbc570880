/**
 * Job schedulers of the BullMQ queue: BullMQ job schedulers (`upsertJobScheduler(id, {pattern, tz})`) on
 * a companion queue `<name>-schedules`, whose jobs are TICKS. A tick's worker adds the template job to
 * the main queue through its normal `add`, so a scheduled job is deduplicated and debounced exactly like
 * any other (and like the memory queue, whose scheduler calls `add`).
 *
 * Invariants:
 * - Occurrences are computed by cron-schedule.ts (`nextCronRunUtcMs`, DST-aware in the zone `tz`), the
 *   same function the memory queue uses: BullMQ's `repeatStrategy` is replaced by it.
 * - Schedulers live in Redis: they survive restarts and deploys; `upsert` is idempotent (same id =
 *   replace). Ticks fire only while some process runs `process()` (it runs the tick worker).
 * - Ticks never count in the main queue's `counts()`.
 */
import { Queue, Worker, type RepeatOptions as BullRepeatOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { cronIssue, nextCronRunUtcMs } from './cron-schedule.ts';
import type { AddOptions, JobTemplate, RepeatOptions, SchedulerInfo } from './queue.ts';

/** What a tick carries: the template job. */
export interface ScheduleTick<D> {
  readonly name: string;
  readonly data: D;
  readonly options?: AddOptions;
}

export interface BullmqSchedulersOptions {
  /** The companion queue's name. */
  readonly name: string;
  /** Producer client (shared; owned by the caller). */
  readonly connection: Redis;
  /** BullMQ `prefix`. */
  readonly prefix: string;
  readonly onError: (error: Error) => void;
}

function repeatStrategy(millis: number, opts: BullRepeatOptions): number | undefined {
  return opts.pattern && opts.tz ? nextCronRunUtcMs(opts.pattern, opts.tz, millis) : undefined;
}

export class BullmqSchedulers<D> {
  private readonly queue: Queue<ScheduleTick<D>>;
  private worker: Worker<ScheduleTick<D>> | undefined;

  constructor(private readonly options: BullmqSchedulersOptions) {
    this.queue = new Queue<ScheduleTick<D>>(options.name, { connection: options.connection, prefix: options.prefix, settings: { repeatStrategy } });
    this.queue.on('error', options.onError);
  }

  /** The BullMQ queue of the ticks (for a read-mostly dashboard; never add jobs to it directly). */
  get bullQueue(): Queue {
    return this.queue as Queue;
  }

  async upsert(schedulerId: string, repeat: RepeatOptions, template: JobTemplate<D>): Promise<SchedulerInfo> {
    const issue = cronIssue(repeat.pattern, repeat.tz);
    if (issue) throw new Error(`job scheduler "${schedulerId}": the pattern "${repeat.pattern}" ${issue}`);
    const tick: ScheduleTick<D> = { name: template.name, data: template.data, ...(template.options ? { options: template.options } : {}) };
    await this.queue.upsertJobScheduler(schedulerId, { pattern: repeat.pattern, tz: repeat.tz }, {
      name: 'tick',
      data: tick,
      opts: { attempts: 5, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: { count: 100 } },
    });
    const info = await this.queue.getJobScheduler(schedulerId);
    return { id: schedulerId, pattern: repeat.pattern, tz: repeat.tz, nextRunUtcMs: info?.next ?? nextCronRunUtcMs(repeat.pattern, repeat.tz, Date.now()) };
  }

  remove(schedulerId: string): Promise<boolean> {
    return this.queue.removeJobScheduler(schedulerId);
  }

  async list(): Promise<SchedulerInfo[]> {
    const all = await this.queue.getJobSchedulers(0, -1, true);
    return all.map((s) => ({ id: s.id ?? s.key, pattern: s.pattern ?? '', tz: s.tz ?? 'UTC', nextRunUtcMs: s.next ?? 0 }));
  }

  /** Starts firing ticks with `fire` (which adds the template job); `connection` is a worker client. */
  start(connection: Redis, fire: (tick: ScheduleTick<D>) => Promise<unknown>): void {
    if (this.worker) return;
    this.worker = new Worker<ScheduleTick<D>>(
      this.options.name,
      async (job) => {
        await fire(job.data);
      },
      { connection, prefix: this.options.prefix, concurrency: 1, settings: { repeatStrategy } },
    );
    this.worker.on('error', this.options.onError);
  }

  /** Stops firing ticks here (the schedulers stay in Redis). */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
