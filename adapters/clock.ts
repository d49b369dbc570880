/**
 * Time for the service: "now" and timers, injected everywhere time matters.
 *
 * The service never calls `Date.now()` or `setTimeout` directly: the HTTP routes, the queue (debounce,
 * backoff, cron schedules) and the re-planner read a `Clock` and schedule through a `Timers`. Production
 * uses `systemClock`; tests use a `ManualClock`, which moves only when told to and fires due timers in
 * order, so debounce and schedules are tested without waiting.
 */

/** The current instant. */
export interface Clock {
  /** Now, in UTC epoch milliseconds. */
  nowUtcMs(): number;
}

/** Cancels a timer; calling it after the timer fired (or twice) does nothing. */
export type CancelTimer = () => void;

/** One-shot timers on the same time line as the clock. */
export interface Timers {
  /** Runs `fn` once, `delayMs` (>= 0) from now. Timers never keep the process alive by themselves. */
  setTimer(delayMs: number, fn: () => void): CancelTimer;
}

/** Wall-clock time and Node's timers (unref'd). */
export const systemClock: Clock & Timers = {
  nowUtcMs: () => Date.now(),
  setTimer(delayMs, fn) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    handle.unref();
    return () => clearTimeout(handle);
  },
};

interface PendingTimer {
  readonly dueUtcMs: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A clock for tests: starts at `startUtcMs` and moves only through `advanceBy` / `advanceTo`, which fire
 * every timer that falls due on the way, in due order (ties in creation order), with `nowUtcMs()` equal to
 * the timer's due time while it runs.
 *
 * @example
 * const clock = new ManualClock(Date.parse('2025-06-01T10:00:00Z'));
 * clock.setTimer(500, () => console.log('fired'));
 * await clock.advanceBy(1000); // prints "fired"
 */
export class ManualClock implements Clock, Timers {
  private now: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(startUtcMs: number) {
    this.now = startUtcMs;
  }

  nowUtcMs(): number {
    return this.now;
  }

  setTimer(delayMs: number, fn: () => void): CancelTimer {
    const timer: PendingTimer = { dueUtcMs: this.now + Math.max(0, delayMs), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Number of timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers; awaits pending promise jobs after each timer. */
  async advanceBy(ms: number): Promise<void> {
    await this.advanceTo(this.now + ms);
  }

  /** Moves time forward to `utcMs` (never backwards), firing due timers on the way. */
  async advanceTo(utcMs: number): Promise<void> {
    for (;;) {
      const next = this.timers
        .filter((t) => t.dueUtcMs <= utcMs)
        .sort((a, b) => a.dueUtcMs - b.dueUtcMs || a.seq - b.seq)[0];
      if (next === undefined) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.now = Math.max(this.now, next.dueUtcMs);
      next.fn();
      await flushPromises();
    }
    this.now = Math.max(this.now, utcMs);
    await flushPromises();
  }
}

/** Lets already-resolved promise chains run (a macrotask turn). */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
