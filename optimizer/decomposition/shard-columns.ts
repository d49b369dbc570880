/**
 * One shard of the fleet as column generation needs it wherever it runs (this thread, another process): its
 * vehicles' exact DPs (fleet-shard.ts) and every answer set it gave, kept compactly (column-store.ts), so
 * only sums per slot and group leave the shard per iteration, and its vehicles' plan once at the end.
 */
import { ColumnStore } from './column-store.ts';
import { FleetShard, shardBuffers } from './fleet-shard.ts';
import type { ShardPriced } from './shard-executor.ts';
import type { DpVehicle } from './vehicle-dp.ts';

export class ShardColumns {
  private readonly shard: FleetShard;
  private readonly store: ColumnStore;

  constructor(
    readonly vehicles: readonly DpVehicle[],
    readonly slotCount: number,
    slotHours: number,
    /** Master group of each of this shard's vehicles. */
    groupOf: Int32Array,
    readonly groupCount: number,
  ) {
    this.shard = new FleetShard(vehicles, slotCount, slotHours, shardBuffers(vehicles.length, slotCount, false));
    this.store = new ColumnStore(vehicles, slotCount, slotHours, groupOf, groupCount);
  }

  /** Answer sets kept so far. */
  get answerSets(): number {
    return this.store.size;
  }

  /** Prices the shard at `lambdaKw` and keeps the answers as the next answer set. */
  price(lambdaKw: ArrayLike<number>): ShardPriced {
    const objective = this.shard.price(lambdaKw, 0);
    const { lastPowerKw } = this.shard.buffers;
    const T = this.slotCount;
    this.store.add((i) => lastPowerKw.subarray(i * T, (i + 1) * T));
    return {
      objective,
      sumKw: Float64Array.from(this.shard.buffers.sumKw),
      groupSumKw: Float64Array.from(this.store.groupSumKw),
      groupCost: Float64Array.from(this.store.groupCost),
    };
  }

  /** Net power per vehicle of this shard under the master's weights (see ShardExecutor.plan). */
  plan(weights: Float64Array): Float64Array[] {
    const out = this.vehicles.map(() => new Float64Array(this.slotCount));
    this.store.addPlan(weights, out);
    return out;
  }
}
