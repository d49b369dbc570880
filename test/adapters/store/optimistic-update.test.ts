/**
 * The optimistic-update helper: only a StoreConflictError makes the attempt run again, at most `attempts`
 * runs in all, with a jittered exponential back-off between them; exhausted retries are a retryable
 * ConcurrentUpdateError (HTTP 409 V2G_ERR_CONCURRENT_UPDATE), never the bare conflict.
 */
import { describe, expect, it } from 'vitest';
import { ConcurrentUpdateError, defaultOptimisticAttempts, withOptimisticRetry } from '../../../adapters/store/optimistic-update.ts';
import { StoreConflictError } from '../../../adapters/store/store-conflict.ts';

const conflict = () => new StoreConflictError('session', 's1', 1, 2);
const noWait = { sleep: async () => undefined };

describe('withOptimisticRetry', () => {
  it('runs again after a conflict and returns the first success', async () => {
    let runs = 0;
    const result = await withOptimisticRetry(async () => {
      runs++;
      if (runs < 3) throw conflict();
      return 'done';
    }, noWait);
    expect(result).toBe('done');
    expect(runs).toBe(3);
  });

  it('does not retry any other error, not even a retryable one', async () => {
    let runs = 0;
    const other = Object.assign(new Error('redis down'), { retryable: true });
    await expect(withOptimisticRetry(async () => {
      runs++;
      throw other;
    }, noWait)).rejects.toBe(other);
    expect(runs).toBe(1);
  });

  it('runs exactly `attempts` times, then throws a retryable ConcurrentUpdateError carrying the last conflict', async () => {
    for (const attempts of [1, 2, 5]) {
      let runs = 0;
      const error = await withOptimisticRetry(async () => {
        runs++;
        throw conflict();
      }, { attempts, ...noWait }).catch((e: unknown) => e);
      expect(runs).toBe(attempts);
      expect(error).toBeInstanceOf(ConcurrentUpdateError);
      expect(error).toMatchObject({ code: 'V2G_ERR_CONCURRENT_UPDATE', statusCode: 409, retryable: true, attempts });
      expect((error as ConcurrentUpdateError).conflict).toBeInstanceOf(StoreConflictError);
    }
  });

  it(`defaults to ${defaultOptimisticAttempts} runs`, async () => {
    let runs = 0;
    await withOptimisticRetry(async () => {
      runs++;
      throw conflict();
    }, noWait).catch(() => undefined);
    expect(runs).toBe(defaultOptimisticAttempts);
  });

  it('backs off with full jitter, doubling the cap up to maxDelayMs', async () => {
    const waits: number[] = [];
    await withOptimisticRetry(async () => {
      throw conflict();
    }, { attempts: 6, baseDelayMs: 10, maxDelayMs: 100, random: () => 0.5, sleep: async (ms) => void waits.push(ms) }).catch(() => undefined);
    expect(waits).toEqual([5, 10, 20, 40, 50]);
  });

  it('tells onConflict about each rerun', async () => {
    const seen: number[] = [];
    await withOptimisticRetry(async () => {
      throw conflict();
    }, { attempts: 3, onConflict: (_e, n) => seen.push(n), ...noWait }).catch(() => undefined);
    expect(seen).toEqual([1, 2]);
  });

  it('runs updates of one key from this process one at a time (other keys at once)', async () => {
    let inside = 0;
    let most = 0;
    const update = () => withOptimisticRetry(async () => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((r) => setImmediate(r));
      inside--;
    }, { key: 'session a/s1' });
    await Promise.all([update(), update(), update()]);
    expect(most).toBe(1);
    const free = () => withOptimisticRetry(async () => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((r) => setImmediate(r));
      inside--;
    });
    most = 0;
    await Promise.all([free(), free()]);
    expect(most).toBe(2);
  });
});
