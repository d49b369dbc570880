/** The fleet priced in this thread: one shard holding every vehicle. */
import type { FleetPricer } from './coordinator.ts';
import { FleetShard, shardBuffers } from './fleet-shard.ts';
import type { DpVehicle } from './vehicle-dp.ts';

export class LocalPricer implements FleetPricer {
  private readonly shard: FleetShard;

  constructor(
    vehicles: readonly DpVehicle[],
    private readonly slotCount: number,
    slotHours: number,
  ) {
    this.shard = new FleetShard(vehicles, slotCount, slotHours, shardBuffers(vehicles.length, slotCount, false));
  }

  price(lambdaKw: Float64Array, averageCount: number): Promise<{ objective: number; sumKw: Float64Array }> {
    const objective = this.shard.price(lambdaKw, averageCount);
    return Promise.resolve({ objective, sumKw: this.shard.buffers.sumKw });
  }

  averageChargeKw(vehicle: number): Float64Array {
    return this.shard.buffers.averageChargeKw.subarray(vehicle * this.slotCount, (vehicle + 1) * this.slotCount);
  }

  averageDischargeKw(vehicle: number): Float64Array {
    return this.shard.buffers.averageDischargeKw.subarray(vehicle * this.slotCount, (vehicle + 1) * this.slotCount);
  }
}
