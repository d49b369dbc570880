/**
 * `v2g shard-worker`: one shard worker process of the distributed decomposition (adapters/decomposition-flow/):
 * serves one shard queue on REDIS_URL (V2G_REDIS_PREFIX namespaces it) for `v2g solve --shards bullmq`,
 * printing `ready <queue> <pid>` once BullMQ counts it, until SIGTERM or SIGINT.
 */
import type { Command } from 'commander';
import { defaultShardQueue } from './shard-defaults.ts';
import { redisForShards } from './shard-redis.ts';

export function registerShardWorkerCommand(program: Command, out: (line: string) => void, err: (line: string) => void): void {
  program
    .command('shard-worker')
    .description('serve one shard queue of `v2g solve --shards bullmq` (needs REDIS_URL; one process per queue; stops on SIGTERM/SIGINT)')
    .option('--queue <name>', 'the shard queue to serve', defaultShardQueue)
    .action(async (opts: { queue: string }) => {
      const { redisUrl, prefix } = redisForShards('v2g shard-worker');
      const { runShardWorker } = await import('../decomposition-flow/shard-worker-process.ts');
      const running = await runShardWorker({ redisUrl, prefix, queue: opts.queue, onError: (m) => err(`v2g shard-worker: ${m}`) });
      out(`ready ${opts.queue} ${process.pid}`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      await running.stop();
    });
}
