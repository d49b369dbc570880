/** The shard queue `v2g solve --shards bullmq` and `v2g shard-worker` use when none is named (kept light: main.ts loads it for --help). */
export const defaultShardQueue = 'decomposition-shard-0';
