/**
 * Where column generation (column-generation.ts) has the fleet priced: the "shard executor". The fleet is cut
 * into shards (shards.ts); each shard prices its vehicles at the coordinator's per-slot prices (exact DP each),
 * KEEPS every vehicle's answer beside itself, and returns only what the master needs: its DP objective, its
 * per-slot sum and, per master group, its per-slot sum and own cost (wear, shortfall). The plan is asked for
 * once at the end, with the master's weights per answer set and group. So per iteration only O(T) numbers go
 * out and O(G x T) per shard come back, wherever the shards run: in this thread (local-shard-executor.ts), on
 * worker threads (stored-columns.ts over worker-pricer.ts) or as BullMQ jobs in other processes
 * (adapters/decomposition-flow/). Shard results are added in shard order, so every executor with the same
 * shards gives the same plan bit for bit.
 *
 * Faults: an executor that loses a shard (its process died, its state is gone) rejects `priceColumns` or
 * `plan` with a coded error saying which shard and why; the solve then fails with that reason.
 */
import type { DpVehicle } from './vehicle-dp.ts';

/** The fleet's answer to one set of prices, summed over shards in shard order. */
export interface PricedColumns {
  /** Sum of every vehicle's DP objective (prices included): the fleet's part of the Lagrangian value. */
  readonly objective: number;
  /** Per slot: the fleet's summed net power (kW). */
  readonly sumKw: Float64Array;
  /** Per group and slot (row-major, T per group): summed net power of the group's answers (kW). */
  readonly groupSumKw: Float64Array;
  /** Per group: summed own cost (wear and shortfall penalty, prices excluded) of its answers. */
  readonly groupCost: Float64Array;
}

export interface ShardExecutor {
  /** Prices every vehicle at `lambdaKw` (per slot, price of one kW); the answers become the next kept answer set. */
  priceColumns(lambdaKw: Float64Array): Promise<PricedColumns>;
  /**
   * The plan of the kept answer sets: `weights[k * groupCount + g]` is the weight of set k in group g
   * (normalised per group). Returns net power per vehicle (fleet order) and slot (kW).
   */
  plan(weights: Float64Array): Promise<Float64Array[]>;
  /** Releases workers, queues and shard state. */
  close?(): Promise<void>;
}

/** What an executor is made from: the fleet, the horizon and the master's group of every vehicle. */
export interface ShardExecutorInput {
  readonly vehicles: readonly DpVehicle[];
  readonly slotCount: number;
  readonly slotHours: number;
  /** Group of each vehicle (fleet order). */
  readonly groupOf: Int32Array;
  readonly groupCount: number;
}

/** Makes an executor for one solve. */
export type ShardExecutorFactory = (input: ShardExecutorInput) => ShardExecutor | Promise<ShardExecutor>;

/** One shard's answer to one set of prices (what travels back from wherever the shard runs). */
export interface ShardPriced {
  readonly objective: number;
  readonly sumKw: Float64Array;
  readonly groupSumKw: Float64Array;
  readonly groupCost: Float64Array;
}

/** Shard answers added in shard order (the one order every executor uses). */
export function combineShards(parts: readonly ShardPriced[], slotCount: number, groupCount: number): PricedColumns {
  const sumKw = new Float64Array(slotCount);
  const groupSumKw = new Float64Array(groupCount * slotCount);
  const groupCost = new Float64Array(groupCount);
  let objective = 0;
  for (const part of parts) {
    objective += part.objective;
    for (let t = 0; t < slotCount; t++) sumKw[t]! += part.sumKw[t]!;
    for (let j = 0; j < groupSumKw.length; j++) groupSumKw[j]! += part.groupSumKw[j]!;
    for (let g = 0; g < groupCount; g++) groupCost[g]! += part.groupCost[g]!;
  }
  return { objective, sumKw, groupSumKw, groupCost };
}
