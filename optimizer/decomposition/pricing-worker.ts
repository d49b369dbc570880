/**
 * A pricing worker thread: holds one shard of the fleet over SharedArrayBuffers and prices it whenever the
 * coordinator bumps the command counter (Atomics), writing its objective and sums into shared memory. After the
 * one-time set-up message nothing is posted: per iteration only the shared prices and sums move.
 */
import { parentPort } from 'node:worker_threads';
import { FleetShard, type ShardBuffers } from './fleet-shard.ts';
import type { DpVehicle } from './vehicle-dp.ts';

/** The set-up message. `control`: [command, done, averageCount, stop]; `objective`: one number. */
export interface PricingWorkerInit {
  readonly vehicles: readonly DpVehicle[];
  readonly slotCount: number;
  readonly slotHours: number;
  readonly lambdaKw: Float64Array;
  readonly buffers: ShardBuffers;
  readonly control: Int32Array;
  readonly objective: Float64Array;
}

if (!parentPort) throw new Error('pricing-worker.ts must run in a worker thread');
const port = parentPort;
port.once('message', (init: PricingWorkerInit) => {
  const shard = new FleetShard(init.vehicles, init.slotCount, init.slotHours, init.buffers);
  const { control } = init;
  let seen = 0;
  for (;;) {
    Atomics.wait(control, 0, seen);
    if (Atomics.load(control, 3) === 1) break;
    seen = Atomics.load(control, 0);
    init.objective[0] = shard.price(init.lambdaKw, Atomics.load(control, 2));
    Atomics.store(control, 1, seen);
    Atomics.notify(control, 1);
  }
  port.close();
});
