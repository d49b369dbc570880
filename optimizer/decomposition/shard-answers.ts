/**
 * Per-vehicle answers of a fleet priced in shards (shards.ts), read from each shard's buffers. Shared by the
 * pricer in this thread (local-pricer.ts) and the worker-thread pricer (worker-pricer.ts), which differ only in
 * where a shard is priced.
 */
import type { ShardBuffers } from './fleet-shard.ts';

/** [shard, index within it] of a fleet-wide vehicle index. */
export function locate(bounds: readonly number[], vehicle: number): [number, number] {
  let s = 0;
  while (s + 2 < bounds.length && vehicle >= bounds[s + 1]!) s++;
  return [s, vehicle - bounds[s]!];
}

export abstract class ShardAnswers {
  protected constructor(
    /** Fleet-wide index of each shard's first vehicle, then the fleet size. */
    protected readonly bounds: readonly number[],
    protected readonly slotCount: number,
  ) {}

  /** The buffers shard `shard` writes its answers into. */
  protected abstract buffersOf(shard: number): ShardBuffers;

  averageChargeKw(vehicle: number): Float64Array {
    return this.slotsOf(vehicle, (b) => b.averageChargeKw);
  }

  averageDischargeKw(vehicle: number): Float64Array {
    return this.slotsOf(vehicle, (b) => b.averageDischargeKw);
  }

  lastPowerKw(vehicle: number): Float64Array {
    return this.slotsOf(vehicle, (b) => b.lastPowerKw);
  }

  vehicleObjective(vehicle: number): number {
    const [shard, i] = locate(this.bounds, vehicle);
    return this.buffersOf(shard).vehicleObjective[i]!;
  }

  private slotsOf(vehicle: number, series: (buffers: ShardBuffers) => Float64Array): Float64Array {
    const [shard, i] = locate(this.bounds, vehicle);
    return series(this.buffersOf(shard)).subarray(i * this.slotCount, (i + 1) * this.slotCount);
  }
}
