/**
 * What a monolithic HiGHS model of a problem will need, estimated before building it, so a problem too big
 * for the WebAssembly heap (hard stop at 2 GiB: HiGHS aborts the thread) is refused with a clear error
 * instead. Pure: bounds on the model's rows, columns and nonzeros from the problem only (model-size-bounds.ts; no
 * model is built), priced in bytes by coefficients fitted above every measurement (bench/memory-calibration-all.ts;
 * the table is in bench/RESULTS.md, session 10 hmem, and optimizer/README.md, "Memory").
 */
import { OptimizerError } from './errors.ts';
import { chooseEnergyForm, maxPrefixNonzeros, type EnergyForm } from './energy-rows.ts';
import { modelSize, type ModelCounts } from './model-size-bounds.ts';
import type { Problem } from './problem.ts';
import { resolveProblem } from './resolved-problem.ts';

/** The WebAssembly heap's hard ceiling (bytes): HiGHS aborts when it needs more. */
export const wasmHeapCeilingBytes = 2 * 1024 ** 3;

/**
 * Share of the ceiling a monolithic model may be estimated to need. The rest is headroom for the estimate's
 * error and for the heap's growth pattern (it grows by doubling-like steps and never shrinks).
 */
export const safeHeapShare = 0.75;

export { modelSize, type ModelCounts, type ModelSize } from './model-size-bounds.ts';

/** The HiGHS heap before any model (bytes): measured 20.25 MiB on every fresh instance (HiGHS 1.15 WebAssembly). */
const baseBytes = 21 * 1024 ** 2;

/**
 * Bytes of HiGHS heap per row, column and nonzero of a model (model-size-bounds.ts bounds them from the problem).
 * Fitted (an LP: the least sum of estimate / heap with every estimate >= 1.2 x its heap, rounded up) to the heap after
 * the solve (it never shrinks: the peak) of 19 solves without network rows, each in a fresh process: generated depots
 * of 500-3,000 vehicles (chain and prefix energy forms), 50-1,000 vehicles with a constant or a 4-step taper in
 * both forms, and the Caltech month (953 sessions x 10,731 slots, chain, 37,235 taper rows: 451.8 MiB). The heap
 * grows in steps of about 1.2x, so a measurement can sit up to that much above the need.
 */
const bytesPer = { row: 1230, column: 860, nonzero: 290 } as const;

/**
 * Lazy network rows (network/lazy-rows.ts) priced as this many rows of the pair's entries per (network limit, slot)
 * pair with a vehicle plugged in under the limit (`ModelSize.networkLimitSlots`, `networkNonzeros`). A lazy round
 * adds at most one row per broken pair, but rounds repeat. Measured worst: the Caltech month at 10 kVA (every slot
 * binds) added 73,017 rows over 43 HiGHS calls, 0.95 per pair, with 1.8x the pairs' entries (the busiest slots bind
 * most), and its heap grew 416 MiB over the same month at 150 kVA (172 rows): 868.4 MiB, each added row costing
 * about 1.5x a built one (every `addRows` re-allocates the model; the heap keeps the old blocks). With 3 that month is
 * estimated 1,172 MiB (chain form), 1.35x its measurement. Generated depots at 35 % tightness add 0.01 rows per pair: the
 * term is 2.4x their measurement there.
 */
export const networkRowsPerLimitSlot = 3;

function bytesOf(c: ModelCounts): number {
  return bytesPer.row * c.rows + bytesPer.column * c.columns + bytesPer.nonzero * c.nonzeros;
}

/** The estimate and the parts of it the charge taper and the network rows account for (bytes). */
export interface HeapEstimate {
  readonly totalBytes: number;
  /** The taper rows' share of the energy form's model (rows and their entries). */
  readonly taperBytes: number;
  /** The lazy network rows (`networkRowsPerLimitSlot` per pair). */
  readonly networkBytes: number;
}

/**
 * Estimated peak HiGHS WebAssembly heap for a monolithic solve of `problem` with the energy form `energyForm` (`auto`,
 * the default: the larger of the chain form's and, where `auto` may choose it, the prefix form's, its energy entries
 * capped at `maxPrefixNonzeros`, which is all `auto` allows), the lazy network rows included
 * (`networkRowsPerLimitSlot` per limit-slot pair). `autoChose`: the form `auto` is known to choose for `problem`.
 */
export function estimateHighsHeap(problem: Problem, energyForm: EnergyForm | 'auto' = 'auto', autoChose?: EnergyForm): HeapEstimate {
  const s = modelSize(problem);
  const auto = energyForm === 'auto';
  const form = auto ? autoChose : energyForm;
  const prefixEntries = auto ? Math.min(maxPrefixNonzeros, s.prefixEnergyNonzeros) : s.prefixEnergyNonzeros;
  const prefix = { ...s.prefix, nonzeros: s.prefix.nonzeros + prefixEntries };
  const chainBytes = form === 'prefix' ? 0 : bytesOf(s.chain);
  const prefixBytes = form === 'chain' || (auto && !s.autoMayChoosePrefix) ? 0 : bytesOf(prefix);
  const k = networkRowsPerLimitSlot;
  const networkBytes = bytesOf({ rows: k * s.networkLimitSlots, columns: 0, nonzeros: k * s.networkNonzeros });
  // The chain form's taper rows: a row and up to 3 entries each (the prefix form's entries are in its capped sum).
  const taperBytes = bytesOf({ rows: s.taperRows, columns: 0, nonzeros: 3 * s.taperRows });
  return { totalBytes: baseBytes + Math.max(chainBytes, prefixBytes) + networkBytes, taperBytes, networkBytes };
}

/**
 * `estimateHighsHeap`, and whether it is within `safeHeapShare` of the ceiling. When the `auto` estimate is above it
 * only for the form `auto` might choose, the problem is resolved and the form it really chooses decides
 * (`chooseEnergyForm`: the Caltech month is estimated 1,542 MiB with either form, 1,172 MiB in the chain form it
 * gets). The resolving costs time and memory in the caller's thread, so only borderline problems pay it.
 */
export function checkHighsHeap(problem: Problem, energyForm: EnergyForm | 'auto' = 'auto'): { readonly fits: boolean; readonly estimate: HeapEstimate } {
  const limit = safeHeapShare * wasmHeapCeilingBytes;
  let estimate = estimateHighsHeap(problem, energyForm);
  if (estimate.totalBytes > limit && energyForm === 'auto' && modelSize(problem).autoMayChoosePrefix) {
    estimate = estimateHighsHeap(problem, 'auto', chooseEnergyForm(resolveProblem(problem)));
  }
  return { fits: estimate.totalBytes <= limit, estimate };
}

/** Estimated peak HiGHS WebAssembly heap (bytes) for a monolithic solve of `problem` (`estimateHighsHeap`). */
export function estimateHighsHeapBytes(problem: Problem, energyForm: EnergyForm | 'auto' = 'auto'): number {
  return estimateHighsHeap(problem, energyForm).totalBytes;
}

const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;

/**
 * Throws `V2G_ERR_PROBLEM_TOO_LARGE` (naming the estimate, the limit, the ceiling, and the fields whose rows take a
 * large part of it: `/vehicles/N/chargeTaper`, `/network`) when a monolithic HiGHS model of `problem` is estimated to
 * need more than `safeHeapShare` of the 2 GiB WebAssembly ceiling.
 */
export function assertFitsHighsHeap(problem: Problem, energyForm: EnergyForm | 'auto' = 'auto'): void {
  const { fits, estimate } = checkHighsHeap(problem, energyForm);
  if (fits) return;
  const limit = safeHeapShare * wasmHeapCeilingBytes;
  const s = modelSize(problem);
  const parts: string[] = [];
  if (estimate.taperBytes >= 0.1 * estimate.totalBytes) {
    const first = problem.vehicles.findIndex((v) => v.chargeTaper !== undefined);
    parts.push(`charge-taper rows (/vehicles/${first}/chargeTaper and others: up to ${s.taperRows} rows) about ${mib(estimate.taperBytes)}`);
  }
  if (estimate.networkBytes >= 0.1 * estimate.totalBytes) {
    parts.push(`three-phase network rows (/network: ${s.networkLimitSlots} limit-slots) about ${mib(estimate.networkBytes)}`);
  }
  throw new OptimizerError(
    'V2G_ERR_PROBLEM_TOO_LARGE',
    `${s.vehicles} vehicles over ${s.slots} slots (${s.vehicleSlots} plugged-in vehicle-slots) need an estimated ${mib(estimate.totalBytes)} of ` +
      `HiGHS WebAssembly heap${parts.length > 0 ? ` (of which ${parts.join(', ')})` : ''}, above the safe limit of ${mib(limit)} ` +
      `(${safeHeapShare * 100} % of its 2 GiB ceiling); split the site or shorten the horizon`,
  );
}
