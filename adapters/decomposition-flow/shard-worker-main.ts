/**
 * A shard worker process (shard-worker.ts):
 *
 *   REDIS_URL=redis://127.0.0.1:6379 node bin/run-ts.mjs adapters/decomposition-flow/shard-worker-main.ts --queue decomposition-shard-0 [--prefix v2g]
 *
 * Prints `ready <queue> <pid>` once its worker listens, serves until SIGTERM/SIGINT, then closes.
 */
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { createRedisClient } from '../store/redis-connection.ts';
import { defaultRedisPrefix, RedisKeys } from '../store/redis-keys.ts';
import { startShardWorker } from './shard-worker.ts';

const { values } = parseArgs({ options: { queue: { type: 'string' }, prefix: { type: 'string' } } });
if (!values.queue) {
  console.error('usage: shard-worker-main.ts --queue <shard queue> [--prefix <V2G_REDIS_PREFIX>]');
  process.exit(2);
}
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const connection = createRedisClient(url, 'worker', { connectionName: 'v2g-decomposition-shard', onError: (e) => console.error(`redis: ${e.message}`) });
const prefix = values.prefix ?? process.env.V2G_REDIS_PREFIX ?? defaultRedisPrefix;
const shardWorker = startShardWorker({
  connection,
  prefix,
  queueName: values.queue,
  onError: (e) => console.error(`shard worker: ${e.message}`),
});
await shardWorker.worker.waitUntilReady();
// Ready once BullMQ counts this worker (the coordinator's liveness check uses the same count).
const queue = new Queue(values.queue, { connection, prefix: new RedisKeys(prefix).bullPrefix });
while ((await queue.getWorkersCount()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
await queue.close();
console.log(`ready ${values.queue} ${process.pid}`);
const stop = async () => {
  await shardWorker.close();
  connection.disconnect();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
