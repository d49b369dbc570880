/** Splitting a fleet into contiguous shards of about equal work (plugged slots), the same way in every pricer. */
import type { DpVehicle } from './vehicle-dp.ts';

/** Start index of each shard and the end (length shardCount + 1). */
export function shardBounds(vehicles: readonly DpVehicle[], shardCount: number): number[] {
  const k = Math.max(1, Math.min(shardCount, vehicles.length || 1));
  let total = 0;
  for (const v of vehicles) total += 1 + v.endSlot - v.arrivalSlot;
  const bounds = [0];
  let acc = 0;
  for (let i = 0; i < vehicles.length && bounds.length < k; i++) {
    acc += 1 + vehicles[i]!.endSlot - vehicles[i]!.arrivalSlot;
    if (acc >= (total * bounds.length) / k) bounds.push(i + 1);
  }
  while (bounds.length < k) bounds.push(vehicles.length);
  bounds.push(vehicles.length);
  return bounds;
}
