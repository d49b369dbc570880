/**
 * The fleet priced in this thread, in the same shards (shards.ts) and the same summation order as the worker
 * pricer, so both give the same plan bit for bit.
 */
import type { FleetPricer } from './coordinator.ts';
import { FleetShard, shardBuffers, type ShardBuffers } from './fleet-shard.ts';
import { ShardAnswers } from './shard-answers.ts';
import { shardBounds } from './shards.ts';
import type { DpVehicle } from './vehicle-dp.ts';

export class LocalPricer extends ShardAnswers implements FleetPricer {
  private readonly shards: FleetShard[] = [];
  private readonly sumKw: Float64Array;

  constructor(vehicles: readonly DpVehicle[], slotCount: number, slotHours: number, shardCount = 1) {
    super(shardBounds(vehicles, shardCount), slotCount);
    for (let s = 0; s + 1 < this.bounds.length; s++) {
      const part = vehicles.slice(this.bounds[s], this.bounds[s + 1]);
      this.shards.push(new FleetShard(part, slotCount, slotHours, shardBuffers(part.length, slotCount, false)));
    }
    this.sumKw = new Float64Array(slotCount);
  }

  protected buffersOf(shard: number): ShardBuffers {
    return this.shards[shard]!.buffers;
  }

  price(lambdaKw: Float64Array, averageCount: number): Promise<{ objective: number; sumKw: Float64Array }> {
    const objectives = this.shards.map((shard) => shard.price(lambdaKw, averageCount));
    return Promise.resolve(combine(objectives, this.shards.map((s) => s.buffers.sumKw), this.sumKw));
  }

}

/** Shard objectives and sums added in shard order (the one order every pricer uses). */
export function combine(objectives: readonly number[], sums: readonly Float64Array[], out: Float64Array): { objective: number; sumKw: Float64Array } {
  out.fill(0);
  let objective = 0;
  for (let s = 0; s < sums.length; s++) {
    objective += objectives[s]!;
    const sum = sums[s]!;
    for (let t = 0; t < out.length; t++) out[t]! += sum[t]!;
  }
  return { objective, sumKw: out };
}

