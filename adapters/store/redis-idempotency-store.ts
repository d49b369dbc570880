/**
 * Idempotency keys on Redis, shared by every API process: the `IdempotencyStore` port with the same
 * behaviour as MemoryIdempotencyStore (test/adapters/store/idempotency-conformance.ts).
 *
 * Invariants:
 * - `claim` is atomic: of many concurrent claims of one key exactly one gets `claimed`.
 * - A key expires `ttlMs` after its claim on the injected clock (the expiry instant is stored and checked
 *   with the caller's "now"); Redis also drops the key after `ttlMs` (PX) so nothing piles up.
 * - `complete` never extends the expiry and does nothing for an unknown or expired key.
 * - Redis failures reject with StoreUnavailableError (503, retryable).
 */
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.ts';
import { guarded } from './redis-errors.ts';
import { RedisKeys } from './redis-keys.ts';
import { LuaScript } from './redis-lua.ts';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from './store.ts';

/**
 * Claims a key, or tells how it was used.
 *   KEYS[1] the key's hash (`fp`, `exp`, `response`)
 *   ARGV[1] fingerprint   ARGV[2] now (UTC ms)   ARGV[3] ttl (ms)
 * Returns {'claimed'} | {'in-flight'} | {'mismatch'} | {'completed', responseJSON}.
 */
const claimScript = new LuaScript(
  'idempotencyClaim',
  `
local now = tonumber(ARGV[2])
local fp = redis.call('HGET', KEYS[1], 'fp')
if fp and tonumber(redis.call('HGET', KEYS[1], 'exp')) <= now then
  redis.call('DEL', KEYS[1])
  fp = false
end
if not fp then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'exp', now + tonumber(ARGV[3]))
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'claimed'}
end
if fp ~= ARGV[1] then return {'mismatch'} end
local response = redis.call('HGET', KEYS[1], 'response')
if response then return {'completed', response} end
return {'in-flight'}
`,
);

/**
 * Stores the response of a claimed key (keeps its expiry).
 *   KEYS[1] the key's hash   ARGV[1] response JSON
 * Returns 1, or 0 when the key is unknown (expired or abandoned).
 */
const completeScript = new LuaScript(
  'idempotencyComplete',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'response', ARGV[1])
return 1
`,
);

export interface RedisIdempotencyStoreOptions {
  /** A `producer` client (fail fast); owned by the caller. */
  readonly client: Redis;
  readonly clock: Clock;
  /** `V2G_REDIS_PREFIX`; default `v2g`. */
  readonly prefix?: string;
}

export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly client: Redis;
  private readonly clock: Clock;
  private readonly keys: RedisKeys;

  constructor(options: RedisIdempotencyStoreOptions) {
    this.client = options.client;
    this.clock = options.clock;
    this.keys = new RedisKeys(options.prefix);
  }

  claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyClaim> {
    return guarded('idempotency claim', async () => {
      const ttl = Math.max(1, Math.ceil(ttlMs));
      const reply = await claimScript.run(this.client, [this.keys.idempotency(key)], [fingerprint, this.clock.nowUtcMs(), ttl]);
      const [state, response] = Array.isArray(reply) ? reply : [];
      if (state === 'completed' && typeof response === 'string') return { state, response: JSON.parse(response) as StoredResponse };
      if (state === 'claimed' || state === 'in-flight' || state === 'mismatch') return { state };
      throw new Error(`RedisIdempotencyStore: unexpected reply ${JSON.stringify(reply)}`);
    });
  }

  complete(key: string, response: StoredResponse): Promise<void> {
    return guarded('idempotency complete', async () => {
      await completeScript.run(this.client, [this.keys.idempotency(key)], [JSON.stringify(response)]);
    });
  }

  abandon(key: string): Promise<void> {
    return guarded('idempotency abandon', async () => {
      await this.client.del(this.keys.idempotency(key));
    });
  }
}
