/**
 * Which engine solves a problem: the monolithic LP in HiGHS (exact, one model of the whole site) or the price
 * decomposition (optimizer/decomposition/: per-vehicle DPs coordinated by prices, a certified gap). `auto`
 * decomposes when the monolithic model would not fit the HiGHS WebAssembly heap (memory-estimate.ts) or is
 * predicted slower than the decomposition (a time model per plugged vehicle-slot, measured below); a problem
 * with a three-phase network stays monolithic (its rows are not priced yet).
 */
import { checkHighsHeap, safeHeapShare, wasmHeapCeilingBytes } from './memory-estimate.ts';
import type { Problem } from './problem.ts';

export type EngineName = 'auto' | 'monolithic' | 'decomposition';
export const engineNames: readonly EngineName[] = ['auto', 'monolithic', 'decomposition'];

export function isEngineName(name: string): name is EngineName {
  return (engineNames as readonly string[]).includes(name);
}

/**
 * Predicted solve times (s, one core) from the plugged vehicle-slots s, per 35,000 (about 1,000 vehicles of a
 * generated depot over 96 slots). Monolithic HiGHS: 1.8 s at 35,000 and N^1.6 beyond (../shared/notes/solvers.md:
 * 1.77 s at 1,000 vehicles, 76.5 s at 10,000, idle machine). Decomposition (column generation, gap 0.1 %):
 * linear, 3.0 s of CPU at 35,000 (bench/RESULTS.md, 2026-12-06: 2.9 s CPU for 1,000 vehicles). They cross near
 * 77,000 vehicle-slots (about 2,200 vehicles).
 */
export const engineTimeModel = { perVehicleSlots: 35_000, monolithicSeconds: 1.8, monolithicExponent: 1.6, decompositionSeconds: 3.0 } as const;

/** Predicted seconds of each engine for `vehicleSlots` plugged vehicle-slots (engineTimeModel). */
export function predictedSeconds(vehicleSlots: number): { monolithic: number; decomposition: number } {
  const m = engineTimeModel;
  const x = vehicleSlots / m.perVehicleSlots;
  return { monolithic: m.monolithicSeconds * x ** m.monolithicExponent, decomposition: m.decompositionSeconds * x };
}

export interface EngineChoice {
  readonly engine: 'monolithic' | 'decomposition';
  /** Why, in words a plan's message can carry. */
  readonly reason: string;
  /** The choice differs from what the request or the size asked for (a plan must say so). */
  readonly overridden: boolean;
}

/** Vehicle-slots inside the horizon where a vehicle is plugged in: the LP's size driver. */
export function pluggedVehicleSlots(problem: Problem): number {
  let total = 0;
  for (const v of problem.vehicles) total += Math.max(0, Math.min(v.departureSlot, problem.slotCount) - v.arrivalSlot);
  return total;
}

const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;

export function chooseEngine(problem: Problem, requested: EngineName = 'auto'): EngineChoice {
  if (requested === 'monolithic') return { engine: 'monolithic', reason: 'requested', overridden: false };
  const size = pluggedVehicleSlots(problem);
  const { fits, estimate } = checkHighsHeap(problem);
  const heap = estimate.totalBytes;
  const heapLimit = safeHeapShare * wasmHeapCeilingBytes;
  const time = predictedSeconds(size);
  const faster = time.decomposition < time.monolithic;
  if (problem.network !== undefined) {
    return {
      engine: 'monolithic',
      reason: `${requested === 'decomposition' ? 'decomposition requested, but it ' : `auto: ${size} plugged vehicle-slots, but the decomposition `}does not price three-phase network rows yet`,
      overridden: requested === 'decomposition' || !fits || faster,
    };
  }
  if (problem.vehicles.some((v) => v.chargeTaper !== undefined)) {
    return {
      engine: 'monolithic',
      reason: `${requested === 'decomposition' ? 'decomposition requested, but it ' : `auto: ${size} plugged vehicle-slots, but the decomposition `}does not model charge-taper rows`,
      overridden: requested === 'decomposition' || !fits || faster,
    };
  }
  if (requested === 'decomposition') return { engine: 'decomposition', reason: 'requested', overridden: false };
  const sizes = `${size} plugged vehicle-slots, HiGHS heap estimated ${mib(heap)} of ${mib(heapLimit)} safe`;
  const times = `predicted ${time.monolithic.toFixed(1)} s monolithic vs ${time.decomposition.toFixed(1)} s decomposed`;
  if (!fits) return { engine: 'decomposition', reason: `auto: ${sizes}: the monolithic model would not fit`, overridden: false };
  if (faster) return { engine: 'decomposition', reason: `auto: ${sizes}; ${times}`, overridden: false };
  return { engine: 'monolithic', reason: `auto: ${sizes}; ${times}`, overridden: false };
}
