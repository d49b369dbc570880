/**
 * A contiguous range of vehicles and what the coordinator asks of them: price them (one exact DP each, sums
 * per slot) and keep their ergodic averages. Its state lives in plain typed arrays so that a worker thread
 * can hold a shard over `SharedArrayBuffer`s (decomposition-workers.ts) and the coordinator reads sums and
 * averages without copying or JSON.
 */
import { DpWorkspace, solveVehicleDp, type DpVehicle } from './vehicle-dp.ts';

/** Typed arrays a shard writes, all views over buffers the caller may share between threads. */
export interface ShardBuffers {
  /** Per vehicle of the shard and slot (row-major, `slotCount` per vehicle): running average charge (kW). */
  readonly averageChargeKw: Float64Array;
  /** Same for discharge (kW). */
  readonly averageDischargeKw: Float64Array;
  /** Per vehicle and slot: net power at the last pricing (kW). */
  readonly lastPowerKw: Float64Array;
  /** Per slot: the shard's summed net power at the last pricing (kW). */
  readonly sumKw: Float64Array;
  /** Per vehicle: its DP objective at the last pricing (prices included). */
  readonly vehicleObjective: Float64Array;
}

export function shardBuffers(vehicleCount: number, slotCount: number, shared: boolean): ShardBuffers {
  const make = (n: number) =>
    shared ? new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8)) : new Float64Array(Math.max(1, n));
  return {
    averageChargeKw: make(vehicleCount * slotCount),
    averageDischargeKw: make(vehicleCount * slotCount),
    lastPowerKw: make(vehicleCount * slotCount),
    sumKw: make(slotCount),
    vehicleObjective: make(vehicleCount),
  };
}

export class FleetShard {
  private readonly ws = new DpWorkspace();
  private readonly power: Float64Array;
  private readonly charge: Float64Array;
  private readonly discharge: Float64Array;

  constructor(
    readonly vehicles: readonly DpVehicle[],
    readonly slotCount: number,
    readonly slotHours: number,
    readonly buffers: ShardBuffers,
  ) {
    this.power = new Float64Array(slotCount);
    this.charge = new Float64Array(slotCount);
    this.discharge = new Float64Array(slotCount);
  }

  /**
   * Every vehicle's exact DP under `lambdaKw` (the LP relaxation's response); fills `sumKw` and
   * `lastPowerKw`, and folds the answer into the averages with weight 1/`averageCount` (1 restarts them;
   * 0 leaves them alone). Returns the summed objective.
   */
  price(lambdaKw: ArrayLike<number>, averageCount: number): number {
    const T = this.slotCount;
    const { sumKw, lastPowerKw, averageChargeKw, averageDischargeKw } = this.buffers;
    sumKw.fill(0);
    let objective = 0;
    const w = averageCount > 0 ? 1 / averageCount : 0;
    const views = new Map<number, ArrayLike<number>>();
    const pricesOf = (offset: number | undefined): ArrayLike<number> => {
      if (!offset) return lambdaKw;
      let view = views.get(offset);
      if (!view) views.set(offset, (view = Float64Array.from({ length: T }, (_, t) => lambdaKw[offset + t]!)));
      return view;
    };
    for (let i = 0; i < this.vehicles.length; i++) {
      const v = this.vehicles[i]!;
      const own = solveVehicleDp(v, this.slotHours, pricesOf(v.priceOffset), this.power, this.ws, {}, this.charge, this.discharge).objective;
      this.buffers.vehicleObjective[i] = own;
      objective += own;
      const base = i * T;
      for (let t = v.arrivalSlot; t < v.endSlot; t++) sumKw[t]! += this.power[t]!;
      lastPowerKw.set(this.power, base);
      if (w > 0) {
        for (let t = v.arrivalSlot; t < v.endSlot; t++) {
          averageChargeKw[base + t]! += w * (this.charge[t]! - averageChargeKw[base + t]!);
          averageDischargeKw[base + t]! += w * (this.discharge[t]! - averageDischargeKw[base + t]!);
        }
      }
    }
    return objective;
  }
}
