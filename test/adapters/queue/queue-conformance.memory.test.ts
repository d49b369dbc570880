/** The queue conformance suite against the embedded MemoryQueue (the reference behaviour), on real time. */
import { systemClock } from '../../../adapters/clock.ts';
import { MemoryQueue } from '../../../adapters/queue/memory-queue.ts';
import { describeQueueConformance, mergeData, type Data } from './queue-conformance.ts';

describeQueueConformance('MemoryQueue', async ({ concurrency, keepFinished }) => {
  const queue = new MemoryQueue<Data, string>({ clock: systemClock, timers: systemClock, concurrency: concurrency ?? 1, merge: mergeData, random: () => 0.5, ...(keepFinished !== undefined ? { keepFinished } : {}) });
  return { queue, cleanup: () => queue.close() };
});
