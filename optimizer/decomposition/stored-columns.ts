/**
 * The shard executor over a `FleetPricer` (local-pricer.ts in this thread, worker-pricer.ts on worker threads
 * over shared memory): the pricer prices, and this thread keeps every vehicle's answer (column-store.ts),
 * reading it from the pricer's buffers. The default executor of `solveWithDecomposition`.
 */
import { ColumnStore } from './column-store.ts';
import type { FleetPricer } from './coordinator.ts';
import type { PricedColumns, ShardExecutor, ShardExecutorInput } from './shard-executor.ts';

export class StoredColumns implements ShardExecutor {
  private readonly store: ColumnStore;

  constructor(
    private readonly pricer: FleetPricer,
    private readonly input: ShardExecutorInput,
  ) {
    this.store = new ColumnStore(input.vehicles, input.slotCount, input.slotHours, input.groupOf, input.groupCount);
  }

  async priceColumns(lambdaKw: Float64Array): Promise<PricedColumns> {
    const fleet = await this.pricer.price(lambdaKw, 0);
    this.store.add((i) => this.pricer.lastPowerKw(i));
    return {
      objective: fleet.objective,
      sumKw: fleet.sumKw,
      groupSumKw: Float64Array.from(this.store.groupSumKw),
      groupCost: Float64Array.from(this.store.groupCost),
    };
  }

  plan(weights: Float64Array): Promise<Float64Array[]> {
    const out = this.input.vehicles.map(() => new Float64Array(this.input.slotCount));
    this.store.addPlan(weights, out);
    return Promise.resolve(out);
  }
}
