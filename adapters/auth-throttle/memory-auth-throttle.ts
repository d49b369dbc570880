/** The auth-failure throttle of one process (embedded mode); policy in auth-throttle.ts. */
import type { Clock } from '../clock.ts';
import { blockAfter, defaultAuthThrottlePolicy, type AuthThrottle, type AuthThrottlePolicy, type ThrottleKey } from './auth-throttle.ts';

interface Entry {
  failures: number;
  lastFailureUtcMs: number;
  blockedUntilUtcMs: number;
}

/** Most keys remembered; beyond it the entries past their window are dropped, then the oldest. */
const maxEntries = 100_000;

export class MemoryAuthThrottle implements AuthThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly policy: AuthThrottlePolicy;

  constructor(
    private readonly clock: Clock,
    policy: Partial<AuthThrottlePolicy> = {},
  ) {
    this.policy = { ...defaultAuthThrottlePolicy, ...policy };
  }

  async blockedForMs(keys: readonly ThrottleKey[]): Promise<number> {
    const now = this.clock.nowUtcMs();
    let most = 0;
    for (const k of keys) {
      const e = this.live(k, now);
      if (e) most = Math.max(most, e.blockedUntilUtcMs - now);
    }
    return most;
  }

  async failed(keys: readonly ThrottleKey[]): Promise<void> {
    const now = this.clock.nowUtcMs();
    for (const k of keys) {
      const e = this.live(k, now) ?? { failures: 0, lastFailureUtcMs: now, blockedUntilUtcMs: 0 };
      e.failures++;
      e.lastFailureUtcMs = now;
      e.blockedUntilUtcMs = now + blockAfter(e.failures, k.kind, this.policy);
      this.entries.delete(name(k));
      this.entries.set(name(k), e);
    }
    if (this.entries.size > maxEntries) this.prune(now);
  }

  async succeeded(keys: readonly ThrottleKey[]): Promise<void> {
    for (const k of keys) if (k.kind === 'id') this.entries.delete(name(k));
  }

  private live(k: ThrottleKey, now: number): Entry | undefined {
    const e = this.entries.get(name(k));
    if (e && now - e.lastFailureUtcMs > this.policy.windowMs && now >= e.blockedUntilUtcMs) {
      this.entries.delete(name(k));
      return undefined;
    }
    return e;
  }

  private prune(now: number): void {
    for (const [key, e] of this.entries) if (now - e.lastFailureUtcMs > this.policy.windowMs && now >= e.blockedUntilUtcMs) this.entries.delete(key);
    // Map order is insertion order and `failed` re-inserts: the first entries are the oldest.
    for (const key of this.entries.keys()) {
      if (this.entries.size <= maxEntries) break;
      this.entries.delete(key);
    }
  }
}

function name(k: ThrottleKey): string {
  return `${k.kind}:${k.value}`;
}
