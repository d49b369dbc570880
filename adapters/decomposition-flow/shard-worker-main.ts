/**
 * A shard worker process (shard-worker.ts), for tests and the bench (users run `v2g shard-worker`, the same):
 *
 *   REDIS_URL=redis://127.0.0.1:6379 node bin/run-ts.mjs adapters/decomposition-flow/shard-worker-main.ts --queue decomposition-shard-0 [--prefix v2g]
 *
 * Prints `ready <queue> <pid>` once its worker listens, serves until SIGTERM/SIGINT, then closes.
 */
import { parseArgs } from 'node:util';
import { defaultRedisPrefix } from '../store/redis-keys.ts';
import { runShardWorker } from './shard-worker-process.ts';

const { values } = parseArgs({ options: { queue: { type: 'string' }, prefix: { type: 'string' } } });
if (!values.queue) {
  console.error('usage: shard-worker-main.ts --queue <shard queue> [--prefix <V2G_REDIS_PREFIX>]');
  process.exit(2);
}
const running = await runShardWorker({
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  prefix: values.prefix ?? process.env.V2G_REDIS_PREFIX ?? defaultRedisPrefix,
  queue: values.queue,
  onError: (message) => console.error(message),
});
console.log(`ready ${values.queue} ${process.pid}`);
const stop = async () => {
  await running.stop();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
