/**
 * The portfolio store on Redis (portfolio-store.ts): one hash `<p>:portfolios` of id -> `<revision>:<JSON>`
 * and a zset `<p>:portfolio-order` for first-put order (redis-keys.ts). A put checks and bumps the revision
 * in one Lua script, so concurrent writers in any process never lose a write; writes that cannot be made
 * reject with StoreUnavailableError (503, retryable).
 */
import type { Redis } from 'ioredis';
import { guarded } from './redis-errors.ts';
import { decodeRevised, encodeUnrevised } from './redis-json.ts';
import { RedisKeys } from './redis-keys.ts';
import { LuaScript, type RedisReply } from './redis-lua.ts';
import { deleteChildScript, listChildrenScript } from './redis-store-scripts.ts';
import type { PortfolioRecord, PortfolioStore } from './portfolio-store.ts';
import { StoreConflictError, type Unrevised, type WriteCondition } from './store-conflict.ts';

/**
 * Puts a record of a top-level collection, conditionally; the first put fixes its list order.
 *   KEYS[1] records hash   KEYS[2] order zset   KEYS[3] store seq
 *   ARGV[1] id             ARGV[2] JSON         ARGV[3] expected revision or ''
 * Returns {1, revision} or {-1, current revision} (nothing written).
 */
const putRecordScript = new LuaScript(
  'putRecord',
  `
local v = redis.call('HGET', KEYS[1], ARGV[1])
local cur = 0
if v then cur = tonumber(string.match(v, '^(%d+):')) or 1 end
if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= cur then return {-1, cur} end
redis.call('HSET', KEYS[1], ARGV[1], (cur + 1) .. ':' .. ARGV[2])
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
end
return {1, cur + 1}
`,
);

export interface RedisPortfolioStoreOptions {
  /** A `producer` client (fail fast); owned by the caller. */
  readonly client: Redis;
  readonly prefix?: string;
}

export class RedisPortfolioStore implements PortfolioStore {
  private readonly client: Redis;
  private readonly keys: RedisKeys;

  constructor(options: RedisPortfolioStoreOptions) {
    this.client = options.client;
    this.keys = new RedisKeys(options.prefix);
  }

  get(portfolioId: string) {
    return guarded('getPortfolio', async () => {
      const text = await this.client.hget(this.keys.portfolios, portfolioId);
      return text === null ? undefined : decodeRevised<PortfolioRecord>(text);
    });
  }

  list() {
    return guarded('listPortfolios', async () => {
      const reply = await listChildrenScript.run(this.client, [this.keys.portfolios, this.keys.portfolioOrder], []);
      return (Array.isArray(reply) ? reply : []).filter((t): t is string => typeof t === 'string').map((t) => decodeRevised<PortfolioRecord>(t));
    });
  }

  put(portfolio: Unrevised<PortfolioRecord>, condition?: WriteCondition) {
    return guarded('putPortfolio', async () => {
      const json = encodeUnrevised(portfolio);
      const keys = [this.keys.portfolios, this.keys.portfolioOrder, this.keys.seq];
      const reply: RedisReply = await putRecordScript.run(this.client, keys, [portfolio.id, json, condition === undefined ? '' : condition.expectedRevision]);
      const [status, revision] = Array.isArray(reply) ? reply.map(Number) : [NaN, NaN];
      if (status === -1) throw new StoreConflictError('portfolio', portfolio.id, condition?.expectedRevision ?? -1, revision!);
      if (status !== 1 || !Number.isInteger(revision)) throw new Error(`RedisPortfolioStore: unexpected reply ${JSON.stringify(reply)} to a put of "${portfolio.id}"`);
      return decodeRevised<PortfolioRecord>(`${revision}:${json}`);
    });
  }

  delete(portfolioId: string) {
    return guarded('deletePortfolio', async () => (await deleteChildScript.run(this.client, [this.keys.portfolios, this.keys.portfolioOrder], [portfolioId])) === 1);
  }
}
