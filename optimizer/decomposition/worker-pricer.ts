/**
 * The fleet priced on worker threads (pricing-worker.ts): one shard each, over SharedArrayBuffers. The
 * coordinator writes the prices into shared memory, bumps each shard's command counter and waits (Atomics)
 * for the done counters; objectives and per-slot sums are read from shared memory and added in shard order,
 * exactly as `LocalPricer` does, so the plan is the same as in one thread.
 */
import { Worker } from 'node:worker_threads';
import type { FleetPricer } from './coordinator.ts';
import { shardBuffers, type ShardBuffers } from './fleet-shard.ts';
import { combine } from './local-pricer.ts';
import type { PricingWorkerInit } from './pricing-worker.ts';
import { ShardAnswers } from './shard-answers.ts';
import { shardBounds } from './shards.ts';
import type { DpVehicle } from './vehicle-dp.ts';

/** Atomics.waitAsync (Node 16+; not in this TypeScript lib). */
const waitAsync = (Atomics as unknown as {
  waitAsync: (array: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
}).waitAsync;

const workerUrl = import.meta.url.endsWith('.ts')
  ? new URL('./pricing-worker.mjs', import.meta.url)
  : new URL('./worker/pricing-worker.js', import.meta.url);

interface Shard {
  readonly worker: Worker;
  readonly buffers: ShardBuffers;
  readonly control: Int32Array;
  readonly objective: Float64Array;
}

export class WorkerPricer extends ShardAnswers implements FleetPricer {
  private readonly shards: Shard[] = [];
  private readonly lambda: Float64Array;
  private readonly sumKw: Float64Array;
  private command = 0;

  constructor(
    vehicles: readonly DpVehicle[],
    slotCount: number,
    slotHours: number,
    shardCount: number,
  ) {
    super(shardBounds(vehicles, shardCount), slotCount);
    // A portfolio prices each site's vehicles at their own block of the price vector (DpVehicle.priceOffset).
    const priceLength = vehicles.reduce((n, v) => Math.max(n, (v.priceOffset ?? 0) + slotCount), slotCount);
    this.lambda = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, priceLength)));
    this.sumKw = new Float64Array(slotCount);
    for (let s = 0; s + 1 < this.bounds.length; s++) {
      const part = vehicles.slice(this.bounds[s], this.bounds[s + 1]).map((v) => ({
        ...v,
        maxChargeKw: Float64Array.from(v.maxChargeKw),
        maxDischargeKw: Float64Array.from(v.maxDischargeKw),
      }));
      const buffers = shardBuffers(part.length, slotCount, true);
      const control = new Int32Array(new SharedArrayBuffer(16));
      const objective = new Float64Array(new SharedArrayBuffer(8));
      const worker = new Worker(workerUrl);
      worker.unref();
      const init: PricingWorkerInit = { vehicles: part, slotCount, slotHours, lambdaKw: this.lambda, buffers, control, objective };
      worker.postMessage(init);
      this.shards.push({ worker, buffers, control, objective });
    }
  }

  async price(lambdaKw: Float64Array, averageCount: number): Promise<{ objective: number; sumKw: Float64Array }> {
    this.lambda.set(lambdaKw);
    this.command++;
    // Atomics.waitAsync does not keep the event loop alive: the workers do, while a pricing runs.
    for (const shard of this.shards) shard.worker.ref();
    for (const shard of this.shards) {
      Atomics.store(shard.control, 2, averageCount);
      Atomics.store(shard.control, 0, this.command);
      Atomics.notify(shard.control, 0);
    }
    await Promise.all(
      this.shards.map(async (shard) => {
        for (;;) {
          const done = Atomics.load(shard.control, 1);
          if (done === this.command) return;
          const wait = waitAsync(shard.control, 1, done);
          if (wait.async) await wait.value;
        }
      }),
    );
    for (const shard of this.shards) shard.worker.unref();
    return combine(this.shards.map((s) => s.objective[0]!), this.shards.map((s) => s.buffers.sumKw), this.sumKw);
  }


  protected buffersOf(shard: number): ShardBuffers {
    return this.shards[shard]!.buffers;
  }

  async close(): Promise<void> {
    for (const shard of this.shards) {
      Atomics.store(shard.control, 3, 1);
      Atomics.add(shard.control, 0, 1);
      Atomics.notify(shard.control, 0);
    }
    await Promise.all(this.shards.map((s) => s.worker.terminate()));
  }
}
