/**
 * The shard executor in this thread: the same shards (shards.ts) and shard columns (shard-columns.ts) a
 * distributed executor runs elsewhere, added in shard order, so it is the reference a distributed run must
 * equal bit for bit.
 */
import { ShardColumns } from './shard-columns.ts';
import { combineShards, type PricedColumns, type ShardExecutor, type ShardExecutorInput } from './shard-executor.ts';
import { shardBounds } from './shards.ts';

export class LocalShardExecutor implements ShardExecutor {
  private readonly shards: ShardColumns[] = [];

  constructor(
    private readonly input: ShardExecutorInput,
    shardCount = 1,
  ) {
    const bounds = shardBounds(input.vehicles, shardCount);
    for (let s = 0; s + 1 < bounds.length; s++) {
      const [from, to] = [bounds[s]!, bounds[s + 1]!];
      this.shards.push(new ShardColumns(input.vehicles.slice(from, to), input.slotCount, input.slotHours, input.groupOf.slice(from, to), input.groupCount));
    }
  }

  priceColumns(lambdaKw: Float64Array): Promise<PricedColumns> {
    const parts = this.shards.map((shard) => shard.price(lambdaKw));
    return Promise.resolve(combineShards(parts, this.input.slotCount, this.input.groupCount));
  }

  plan(weights: Float64Array): Promise<Float64Array[]> {
    return Promise.resolve(this.shards.flatMap((shard) => shard.plan(weights)));
  }
}
