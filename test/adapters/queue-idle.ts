/**
 * Waiting for a job queue to go idle in tests: on events, not on sleeps. A job that waits or runs always ends
 * with a `completed` or `failed` queue event, so the idle check is repeated when one comes. The check is armed
 * before it looks (an event between the look and the wait is not lost). A state change that emits no event
 * (a pending job merged into another, a delayed job promoted) is caught by a slow re-check: it only bounds
 * how late such a change is seen, nothing assumes it is long enough. `hangGuard` turns a hang into a failure.
 */
import type { JobQueue } from '../../adapters/queue/queue.ts';
import { hangGuard } from '../hang-guard.ts';

/** Re-check without an event this often (ms): a backstop, not a wait for something to happen. */
const recheckMs = 250;

/** Resolves each time the queue reports a finished (or failed) job. */
export class QueueEvents {
  private waiters: (() => void)[] = [];

  constructor(queue: Pick<JobQueue<unknown, unknown>, 'on'>) {
    queue.on(() => {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
  }

  /** A promise of the next event, armed now. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Resolves once `idle()` is true; re-checks on every queue event (and every `recheckMs` as a backstop). Throws
 * naming `what` after `hangGuard(timeoutMs)`.
 */
export async function untilIdle(events: QueueEvents, idle: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + hangGuard(timeoutMs);
  for (;;) {
    const next = events.next();
    if (await idle()) return;
    const remaining = until - Date.now();
    if (remaining <= 0) throw new Error(`timed out waiting for ${what}`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([next, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(recheckMs, remaining))))]);
    clearTimeout(timer);
  }
}
