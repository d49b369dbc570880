/**
 * Keeps BullMQ's wake-up time of a pending job equal to its slot's `runAt` (bullmq-slots.ts).
 *
 * The slot record is the truth: a worker that takes a job earlier than its `runAt` parks it again
 * (`early`), so a wake-up that is too early only costs a round trip. A wake-up that is too LATE would
 * delay the run, so every change of `runAt` is followed by `wake`, which moves the BullMQ job
 * (`changeDelay`, or `promote` when due) and re-reads the record until no concurrent change slipped in
 * between (concurrent producers may reorder their `changeDelay` calls; the re-read makes the last
 * writer win with the record's value).
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.ts';
import type { Envelope } from './bullmq-job-view.ts';
import type { Slots } from './bullmq-slots.ts';

/** BullMQ's answer when the job is no longer delayed (it is waiting or running: nothing to move). */
const notDelayed = /not in the delayed state/;

export class SlotWaker<D> {
  constructor(
    private readonly client: Redis,
    private readonly queue: Queue<Envelope<D>>,
    private readonly slots: Slots,
    private readonly clock: Clock,
  ) {}

  /**
   * Moves job `jobId`'s BullMQ wake-up to its slot's `runAt` while it is the slot's pending job.
   * `knownRunAtUtcMs`: BullMQ already wakes it then (skip the move unless the record differs).
   */
  async wake(slot: string, jobId: string, knownRunAtUtcMs?: number): Promise<void> {
    let known = knownRunAtUtcMs;
    for (let round = 0; round < 5; round++) {
      const pending = await this.slots.readPending(this.client, slot);
      if (!pending || pending.jobId !== jobId || pending.runAtUtcMs === known) return;
      const job = await this.queue.getJob(jobId);
      if (!job) return;
      const delayMs = pending.runAtUtcMs - this.clock.nowUtcMs();
      try {
        if (delayMs <= 0) await job.promote();
        else await job.changeDelay(delayMs);
      } catch (error) {
        if (error instanceof Error && notDelayed.test(error.message)) return;
        throw error;
      }
      known = pending.runAtUtcMs;
    }
  }
}
