/**
 * Retry delays (BullMQ's built-in strategies): fixed, or exponential doubling from the first delay, with
 * optional jitter that removes up to `jitter` x the delay at random.
 */
import type { BackoffOptions } from './queue.ts';

/**
 * Delay before attempt `attemptsMade + 1` (ms), after `attemptsMade` (>= 1) failed attempts.
 *
 * @example backoffDelayMs({ type: 'exponential', delayMs: 1000 }, 3) // 4000
 */
export function backoffDelayMs(backoff: BackoffOptions, attemptsMade: number, random: () => number = Math.random): number {
  const base = backoff.type === 'fixed' ? backoff.delayMs : backoff.delayMs * 2 ** Math.max(0, attemptsMade - 1);
  const jitter = Math.min(1, Math.max(0, backoff.jitter ?? 0));
  return Math.round(base * (1 - jitter * random()));
}
