/**
 * What a monolithic HiGHS model of a problem will need, estimated before building it, so a problem too big
 * for the WebAssembly heap (hard stop at 2 GiB: HiGHS aborts the thread) is refused with a clear error
 * instead. Pure: counts from the problem only (no model is built). The coefficients are measured
 * (bench/memory-calibration.ts; the measurements are in optimizer/README.md, "Memory").
 */
import { OptimizerError } from './errors.ts';
import { maxPrefixNonzeros, maxPrefixVehicleSlots, prefixNonzerosBound } from './energy-rows.ts';
import type { Problem } from './problem.ts';

/** The WebAssembly heap's hard ceiling (bytes): HiGHS aborts when it needs more. */
export const wasmHeapCeilingBytes = 2 * 1024 ** 3;

/**
 * Share of the ceiling a monolithic model may be estimated to need. The rest is headroom for the estimate's
 * error and for the heap's growth pattern (it grows by doubling-like steps and never shrinks).
 */
export const safeHeapShare = 0.75;

/** Counts that drive the model's size. */
export interface ModelSize {
  /** Slots in the horizon. */
  readonly slots: number;
  readonly vehicles: number;
  /** Sum over vehicles of the slots they are plugged in within the horizon: the bulk of the model. */
  readonly vehicleSlots: number;
  /** Vehicle-slots of vehicles that may discharge (V2G): they carry a discharge column too. */
  readonly v2gVehicleSlots: number;
  /** Network elements (groups, breakers, transformer lines) times slots: the polygon rows' driver. */
  readonly networkElementSlots: number;
}

/** The counts of `problem` (a problem that passed validateProblem). */
export function modelSize(problem: Problem): ModelSize {
  let vehicleSlots = 0;
  let v2gVehicleSlots = 0;
  for (const v of problem.vehicles) {
    const stay = Math.max(0, Math.min(v.departureSlot, problem.slotCount) - v.arrivalSlot);
    vehicleSlots += stay;
    if (v.v2gAllowed) v2gVehicleSlots += stay;
  }
  const network = problem.network;
  const elements = network ? network.groups.length + (network.breakers?.length ?? 0) * 3 + 6 : 0;
  return { slots: problem.slotCount, vehicles: problem.vehicles.length, vehicleSlots, v2gVehicleSlots, networkElementSlots: elements * problem.slotCount };
}

/**
 * Bytes of HiGHS heap per unit. Measured (bench/memory-calibration.ts, generated depots, 96 slots, 6 A
 * minimum, LP + repair rounds; heap after the solve, which never shrinks, so it is the peak): 20.3 MiB
 * before any model; 500 vehicles (17,480 vehicle-slots, 12,456 with V2G) 72.9 MiB; 1,000 (34,865 / 24,760)
 * 151.3 MiB, i.e. 3.2-3.9 KB per vehicle-slot. The coefficients lie above every measurement. The network
 * term is not calibrated (network problems measured so far are small): a generous guess.
 */
const bytesPer = {
  base: 21 * 1024 ** 2,
  vehicleSlot: 3400,
  v2gVehicleSlot: 1000,
  networkElementSlot: 4000,
  /** Per nonzero of the prefix energy rows (kept row- and column-wise, with factor fill): 120 generated vehicles measured 44.2 MiB with the prefix rows, 39.5 MiB estimated without this term. */
  prefixNonzero: 64,
} as const;

/** Estimated peak HiGHS WebAssembly heap (bytes) for a monolithic solve of `problem`. */
export function estimateHighsHeapBytes(problem: Problem): number {
  const s = modelSize(problem);
  // Small models may get the denser prefix energy rows (energy-rows.ts): their nonzeros, bounded from above.
  const prefix = s.vehicleSlots <= maxPrefixVehicleSlots ? Math.min(maxPrefixNonzeros, prefixNonzerosBound(problem)) : 0;
  return (
    bytesPer.base +
    bytesPer.vehicleSlot * s.vehicleSlots +
    bytesPer.v2gVehicleSlot * s.v2gVehicleSlots +
    bytesPer.networkElementSlot * s.networkElementSlots +
    bytesPer.prefixNonzero * prefix
  );
}

const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;

/**
 * Throws `V2G_ERR_PROBLEM_TOO_LARGE` (naming the estimate, the limit and the ceiling) when a monolithic
 * HiGHS model of `problem` is estimated to need more than `safeHeapShare` of the 2 GiB WebAssembly ceiling.
 */
export function assertFitsHighsHeap(problem: Problem): void {
  const estimate = estimateHighsHeapBytes(problem);
  const limit = safeHeapShare * wasmHeapCeilingBytes;
  if (estimate <= limit) return;
  const s = modelSize(problem);
  throw new OptimizerError(
    'V2G_ERR_PROBLEM_TOO_LARGE',
    `${s.vehicles} vehicles over ${s.slots} slots (${s.vehicleSlots} plugged-in vehicle-slots) need an estimated ${mib(estimate)} of ` +
      `HiGHS WebAssembly heap, above the safe limit of ${mib(limit)} (${safeHeapShare * 100} % of its 2 GiB ceiling); ` +
      'split the site or shorten the horizon',
  );
}
