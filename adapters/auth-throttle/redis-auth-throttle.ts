/**
 * The auth-failure throttle on Redis, shared by every process of a deployment (policy in
 * auth-throttle.ts). One hash per key, `<prefix>:auth-fail:<kind>:<value>` with `failures` and
 * `blockedUntil` (UTC ms), expiring `windowMs` after the last failure (or when the block ends, if later);
 * a failure is counted and its block set in one script, so concurrent failures in several processes
 * all count.
 */
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.ts';
import { guarded } from '../store/redis-errors.ts';
import { LuaScript } from '../store/redis-lua.ts';
import { defaultAuthThrottlePolicy, type AuthThrottle, type AuthThrottlePolicy, type ThrottleKey } from './auth-throttle.ts';

/**
 * The same arithmetic as `blockAfter` (auth-throttle.ts; the conformance test checks both backends).
 * KEYS[1] the key's hash. ARGV: now (ms), free failures, base block (ms), max block (ms), window (ms).
 * Returns the failures counted so far.
 */
const failScript = new LuaScript(
  'auth-fail',
  `
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local now, free, base, maxb, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local block = 0
if failures > free then
  local over = math.min(failures - free - 1, 40)
  block = math.min(maxb, base * (2 ^ over))
end
redis.call('HSET', KEYS[1], 'blockedUntil', tostring(now + block))
redis.call('PEXPIRE', KEYS[1], math.max(window, block))
return failures
`,
);

export interface RedisAuthThrottleOptions {
  /** A `producer` client (redis-connection.ts). */
  readonly client: Redis;
  readonly prefix: string;
  readonly clock: Clock;
  readonly policy?: Partial<AuthThrottlePolicy>;
}

export class RedisAuthThrottle implements AuthThrottle {
  private readonly policy: AuthThrottlePolicy;

  constructor(private readonly options: RedisAuthThrottleOptions) {
    this.policy = { ...defaultAuthThrottlePolicy, ...options.policy };
  }

  private key(k: ThrottleKey): string {
    return `${this.options.prefix}:auth-fail:${k.kind}:${k.value}`;
  }

  blockedForMs(keys: readonly ThrottleKey[]): Promise<number> {
    return guarded('auth throttle read', async () => {
      if (keys.length === 0) return 0;
      const pipeline = this.options.client.pipeline();
      for (const k of keys) pipeline.hget(this.key(k), 'blockedUntil');
      const now = this.options.clock.nowUtcMs();
      let most = 0;
      for (const [error, until] of (await pipeline.exec()) ?? []) {
        if (error) throw error;
        if (typeof until === 'string') most = Math.max(most, Number(until) - now);
      }
      return most;
    });
  }

  failed(keys: readonly ThrottleKey[]): Promise<void> {
    return guarded('auth throttle write', async () => {
      const now = this.options.clock.nowUtcMs();
      const p = this.policy;
      for (const k of keys) {
        const free = k.kind === 'address' ? p.addressFreeFailures : p.freeFailures;
        await failScript.run(this.options.client, [this.key(k)], [now, free, p.baseBlockMs, p.maxBlockMs, p.windowMs]);
      }
    });
  }

  succeeded(keys: readonly ThrottleKey[]): Promise<void> {
    return guarded('auth throttle write', async () => {
      const ids = keys.filter((k) => k.kind === 'id').map((k) => this.key(k));
      if (ids.length > 0) await this.options.client.del(...ids);
    });
  }
}
