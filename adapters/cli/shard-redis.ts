/** REDIS_URL and V2G_REDIS_PREFIX for `v2g shard-worker` and `v2g solve --shards bullmq`, or a coded CliInputError. */
import { defaultRedisPrefix } from '../store/redis-keys.ts';
import { CliInputError } from './cli-input-error.ts';

/** Where the shards meet: REDIS_URL (required, redis:// or rediss://) and V2G_REDIS_PREFIX (default v2g). */
export function redisForShards(command: string, env: NodeJS.ProcessEnv = process.env): { redisUrl: string; prefix: string } {
  const redisUrl = env.REDIS_URL;
  if (redisUrl === undefined || redisUrl === '') {
    throw new CliInputError(`V2G_ERR_SHARDS_NEED_REDIS: ${command} needs REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379), the Redis the coordinator and its shard workers share`);
  }
  if (!/^rediss?:\/\//.test(redisUrl)) throw new CliInputError(`V2G_ERR_SHARDS_NEED_REDIS: REDIS_URL must start with redis:// or rediss://, got "${redisUrl}"`);
  return { redisUrl, prefix: env.V2G_REDIS_PREFIX || defaultRedisPrefix };
}
