/**
 * Charger credentials on Redis, shared by every gateway and API process of a deployment: the
 * `ChargerCredentials` port (charger-credentials.ts) with the same behaviour as MemoryChargerCredentials
 * (test/adapters/store/charger-credentials-conformance.ts).
 *
 * Layout (redis-keys.ts): a hash `<p>:charger:<cp>` per charge point and the index `<p>:chargers` (a zset
 * with every score 0, so `ZRANGE` lists ids in lexicographic order).
 *
 * Invariants:
 * - Writes are Lua scripts: the record and the index change together, `createdAtUtcMs` is set once, and
 *   `register` (trust on first use) never overwrites a stored password.
 * - The hash is read only by `verifyPassword`, which compares it in this process in constant time; no
 *   other method reads it (summaries come from `HEXISTS`).
 * - Redis failures reject with StoreUnavailableError (503, retryable).
 */
import type { Redis } from 'ioredis';
import { hashSecret, verifySecret, verifyStoredSecret, type SecretVerifier } from '../credentials/password-hash.ts';
import {
  defaultPasswordHashCost,
  type ChargerCredentials, type ChargerCredentialSource, type ChargerCredentialSummary, type ChargerRegistration,
} from './charger-credentials.ts';
import { guarded } from './redis-errors.ts';
import { RedisKeys } from './redis-keys.ts';
import { LuaScript, type RedisReply } from './redis-lua.ts';

/** The summary fields of KEYS[1], as `{source, createdAtUtcMs, updatedAtUtcMs, hasPassword 0|1}`. */
const summaryLua = `
local function summary()
  local f = redis.call('HMGET', KEYS[1], 'source', 'createdAtUtcMs', 'updatedAtUtcMs')
  return {f[1], f[2], f[3], redis.call('HEXISTS', KEYS[1], 'passwordHash')}
end
`;

/**
 * Sets (or replaces) the password hash.
 *   KEYS[1] the charge point's hash   KEYS[2] the index
 *   ARGV[1] chargePointId   ARGV[2] passwordHash   ARGV[3] source   ARGV[4] now (UTC ms)
 * Returns the summary.
 */
const setPasswordScript = new LuaScript(
  'chargerSetPassword',
  `${summaryLua}
redis.call('HSETNX', KEYS[1], 'createdAtUtcMs', ARGV[4])
redis.call('HSET', KEYS[1], 'chargePointId', ARGV[1], 'passwordHash', ARGV[2], 'source', ARGV[3], 'updatedAtUtcMs', ARGV[4])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return summary()
`,
);

/**
 * Trust on first use: creates the record when missing, stores the password unless one is there.
 *   KEYS[1] the charge point's hash   KEYS[2] the index
 *   ARGV[1] chargePointId   ARGV[2] passwordHash or ''   ARGV[3] now (UTC ms)
 * Returns {registered 0|1, summary}.
 */
const registerScript = new LuaScript(
  'chargerRegister',
  `${summaryLua}
local exists = redis.call('EXISTS', KEYS[1]) == 1
if exists and (ARGV[2] == '' or redis.call('HEXISTS', KEYS[1], 'passwordHash') == 1) then
  return {0, summary()}
end
redis.call('HSETNX', KEYS[1], 'createdAtUtcMs', ARGV[3])
redis.call('HSET', KEYS[1], 'chargePointId', ARGV[1], 'source', 'auto-registered', 'updatedAtUtcMs', ARGV[3])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'passwordHash', ARGV[2]) end
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return {1, summary()}
`,
);

/**
 * Reads one summary.   KEYS[1] the charge point's hash
 * Returns the summary, or an empty array when there is no record.
 */
const getScript = new LuaScript(
  'chargerGet',
  `${summaryLua}
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
return summary()
`,
);

/**
 * Forgets a charge point.   KEYS[1] the charge point's hash   KEYS[2] the index   ARGV[1] chargePointId
 * Returns 1 when it existed.
 */
const deleteScript = new LuaScript(
  'chargerDelete',
  `
local existed = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return existed
`,
);

export interface RedisChargerCredentialsOptions {
  /** A `producer` client (fail fast); owned by the caller. */
  readonly client: Redis;
  /** `V2G_REDIS_PREFIX`; default `v2g`. */
  readonly prefix?: string;
  /** scrypt N of new hashes; default 16 384. */
  readonly hashCost?: number;
  /** How a password is checked against a hash (default `verifySecret`; tests count the scrypt work). */
  readonly verify?: SecretVerifier;
}

function summaryOf(chargePointId: string, reply: RedisReply): ChargerCredentialSummary {
  if (!Array.isArray(reply) || reply.length !== 4) throw new Error(`RedisChargerCredentials: unexpected reply ${JSON.stringify(reply)}`);
  const [source, created, updated, hasPassword] = reply;
  if (source !== 'api' && source !== 'auto-registered') throw new Error(`RedisChargerCredentials: charge point "${chargePointId}" has the unknown source ${JSON.stringify(source)}`);
  return { chargePointId, hasPassword: hasPassword === 1, source, createdAtUtcMs: Number(created), updatedAtUtcMs: Number(updated) };
}

export class RedisChargerCredentials implements ChargerCredentials {
  private readonly client: Redis;
  private readonly keys: RedisKeys;
  private readonly hashCost: number;
  private readonly verify: SecretVerifier;

  constructor(options: RedisChargerCredentialsOptions) {
    this.verify = options.verify ?? verifySecret;
    this.client = options.client;
    this.keys = new RedisKeys(options.prefix);
    this.hashCost = options.hashCost ?? defaultPasswordHashCost;
  }

  get(chargePointId: string): Promise<ChargerCredentialSummary | undefined> {
    return guarded('charger credentials get', async () => {
      const reply = await getScript.run(this.client, [this.keys.charger(chargePointId)], []);
      return Array.isArray(reply) && reply.length === 0 ? undefined : summaryOf(chargePointId, reply);
    });
  }

  list(): Promise<ChargerCredentialSummary[]> {
    return guarded('charger credentials list', async () => {
      const ids = await this.client.zrange(this.keys.chargers, 0, -1);
      const out: ChargerCredentialSummary[] = [];
      for (const id of ids) {
        const reply = await getScript.run(this.client, [this.keys.charger(id)], []);
        if (Array.isArray(reply) && reply.length > 0) out.push(summaryOf(id, reply));
      }
      return out;
    });
  }

  async setPassword(chargePointId: string, password: string | Buffer, source: ChargerCredentialSource, nowUtcMs: number): Promise<ChargerCredentialSummary> {
    const hash = await hashSecret(password, this.hashCost);
    return guarded('charger credentials setPassword', async () => {
      const reply = await setPasswordScript.run(this.client, [this.keys.charger(chargePointId), this.keys.chargers], [chargePointId, hash, source, nowUtcMs]);
      return summaryOf(chargePointId, reply);
    });
  }

  async register(chargePointId: string, password: string | Buffer | undefined, nowUtcMs: number): Promise<ChargerRegistration> {
    const hash = password !== undefined ? await hashSecret(password, this.hashCost) : '';
    return guarded('charger credentials register', async () => {
      const reply = await registerScript.run(this.client, [this.keys.charger(chargePointId), this.keys.chargers], [chargePointId, hash, nowUtcMs]);
      if (!Array.isArray(reply) || reply.length !== 2) throw new Error(`RedisChargerCredentials: unexpected reply ${JSON.stringify(reply)}`);
      return { registered: reply[0] === 1, summary: summaryOf(chargePointId, reply[1]!) };
    });
  }

  async verifyPassword(chargePointId: string, password: string | Buffer): Promise<boolean> {
    const hash = await guarded('charger credentials verify', () => this.client.hget(this.keys.charger(chargePointId), 'passwordHash'));
    // No record or no hash: the same scrypt work against a dummy hash (constant-time refusal).
    return verifyStoredSecret(password, hash, this.hashCost, this.verify);
  }

  delete(chargePointId: string): Promise<boolean> {
    return guarded('charger credentials delete', async () => {
      const reply = await deleteScript.run(this.client, [this.keys.charger(chargePointId), this.keys.chargers], [chargePointId]);
      return reply === 1;
    });
  }
}
