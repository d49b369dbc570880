/**
 * A Lua script run by SHA (EVALSHA), loaded on first use or after a Redis restart (NOSCRIPT -> EVAL).
 * Scripts are atomic: no other command runs between their reads and writes, which is how the store and
 * the queue never lose a concurrent write. Every script carries a contract header listing KEYS and ARGV.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type RedisReply = string | number | null | RedisReply[];

export class LuaScript {
  readonly sha: string;

  constructor(
    readonly name: string,
    readonly lua: string,
  ) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /** Runs the script on `client` with `keys` and `args`. */
  async run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<RedisReply> {
    try {
      return (await client.evalsha(this.sha, keys.length, ...keys, ...args)) as RedisReply;
    } catch (error) {
      if (!(error instanceof Error) || !/NOSCRIPT/.test(error.message)) throw error;
      return (await client.eval(this.lua, keys.length, ...keys, ...args)) as RedisReply;
    }
  }
}
