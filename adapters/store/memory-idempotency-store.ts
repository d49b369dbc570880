/**
 * Idempotency keys in memory, expiring on the injected clock. Expired keys are swept on each claim.
 */
import type { Clock } from '../clock.ts';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from './store.ts';

interface Entry {
  readonly fingerprint: string;
  readonly expiresAtUtcMs: number;
  response?: StoredResponse;
}

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  async claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyClaim> {
    const now = this.clock.nowUtcMs();
    for (const [k, e] of this.entries) if (e.expiresAtUtcMs <= now) this.entries.delete(k);
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, { fingerprint, expiresAtUtcMs: now + ttlMs });
      return { state: 'claimed' };
    }
    if (entry.fingerprint !== fingerprint) return { state: 'mismatch' };
    return entry.response ? { state: 'completed', response: entry.response } : { state: 'in-flight' };
  }

  async complete(key: string, response: StoredResponse): Promise<void> {
    const entry = this.entries.get(key);
    if (entry) entry.response = response;
  }

  async abandon(key: string): Promise<void> {
    this.entries.delete(key);
  }

  /** Keys currently remembered (tests). */
  get size(): number {
    return this.entries.size;
  }
}
