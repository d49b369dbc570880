import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../adapters/clock.ts';

describe('ManualClock', () => {
  it('fires due timers in order with the clock at their due time, and only those', async () => {
    const clock = new ManualClock(1_000);
    const fired: [string, number][] = [];
    clock.setTimer(300, () => fired.push(['b', clock.nowUtcMs()]));
    clock.setTimer(100, () => fired.push(['a', clock.nowUtcMs()]));
    const cancel = clock.setTimer(200, () => fired.push(['cancelled', clock.nowUtcMs()]));
    clock.setTimer(5_000, () => fired.push(['later', clock.nowUtcMs()]));
    cancel();
    await clock.advanceBy(1_000);
    expect(fired).toEqual([
      ['a', 1_100],
      ['b', 1_300],
    ]);
    expect(clock.nowUtcMs()).toBe(2_000);
    expect(clock.pendingTimers).toBe(1);
  });

  it('runs timers set by timers within the same advance', async () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimer(10, () => clock.setTimer(10, () => fired.push(clock.nowUtcMs())));
    await clock.advanceBy(100);
    expect(fired).toEqual([20]);
  });
});

describe('systemClock', () => {
  it('reads wall-clock time and fires timers', async () => {
    const before = Date.now();
    expect(systemClock.nowUtcMs()).toBeGreaterThanOrEqual(before);
    await new Promise<void>((resolve) => systemClock.setTimer(1, resolve));
  });
});
