/**
 * The IdempotencyStore port's conformance suite (adapters/store/store.ts): claim / in-flight / replay /
 * mismatch, abandon, expiry on the injected clock, and atomic claims under concurrency. Run against the
 * memory and the Redis implementations.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../adapters/clock.ts';
import type { IdempotencyStore, StoredResponse } from '../../../adapters/store/store.ts';

export interface IdempotencyHarness {
  readonly store: IdempotencyStore;
  cleanup(): Promise<void>;
}

const response: StoredResponse = { statusCode: 201, contentType: 'application/json', location: '/v1/sites/a', body: '{"id":"a"}' };

export function describeIdempotencyConformance(label: string, setup: (clock: ManualClock) => Promise<IdempotencyHarness>): void {
  describe(`IdempotencyStore conformance: ${label}`, () => {
    let clock: ManualClock;
    let h: IdempotencyHarness;

    beforeEach(async () => {
      clock = new ManualClock(Date.parse('2025-06-01T10:00:00Z'));
      h = await setup(clock);
    });

    afterEach(async () => {
      await h.cleanup();
    });

    it('first claim wins; the same request is in flight, then replayed; another request is a mismatch', async () => {
      const { store } = h;
      expect(await store.claim('k1', 'fp-A', 60_000)).toEqual({ state: 'claimed' });
      expect(await store.claim('k1', 'fp-A', 60_000)).toEqual({ state: 'in-flight' });
      expect(await store.claim('k1', 'fp-B', 60_000)).toEqual({ state: 'mismatch' });
      await store.complete('k1', response);
      expect(await store.claim('k1', 'fp-A', 60_000)).toEqual({ state: 'completed', response });
      expect(await store.claim('k1', 'fp-B', 60_000)).toEqual({ state: 'mismatch' });
      expect(await store.claim('k2', 'fp-A', 60_000)).toEqual({ state: 'claimed' });
    });

    it('abandon frees the key; complete of an unknown key does nothing', async () => {
      const { store } = h;
      await store.claim('k1', 'fp-A', 60_000);
      await store.abandon('k1');
      expect(await store.claim('k1', 'fp-B', 60_000)).toEqual({ state: 'claimed' });
      await store.complete('never-claimed', response);
      expect(await store.claim('never-claimed', 'fp-A', 60_000)).toEqual({ state: 'claimed' });
      await store.abandon('not-there');
    });

    it('a key expires ttlMs after its claim on the injected clock (completing it does not extend it)', async () => {
      const { store } = h;
      await store.claim('k1', 'fp-A', 60_000);
      await clock.advanceBy(30_000);
      await store.complete('k1', response);
      await clock.advanceBy(29_999);
      expect(await store.claim('k1', 'fp-A', 60_000)).toEqual({ state: 'completed', response });
      await clock.advanceBy(1);
      expect(await store.claim('k1', 'fp-B', 60_000)).toEqual({ state: 'claimed' });
    });

    it('keys with odd characters are kept apart', async () => {
      const { store } = h;
      expect(await store.claim('token:a/b c', 'fp', 60_000)).toEqual({ state: 'claimed' });
      expect(await store.claim('token:a/b', 'fp', 60_000)).toEqual({ state: 'claimed' });
    });

    it('of many concurrent claims of one key exactly one is claimed', async () => {
      const { store } = h;
      const answers = await Promise.all(Array.from({ length: 50 }, () => store.claim('hot', 'fp', 60_000)));
      expect(answers.filter((a) => a.state === 'claimed')).toHaveLength(1);
      expect(answers.filter((a) => a.state === 'in-flight')).toHaveLength(49);
    });
  });
}
