/**
 * Which engine solves a problem: the monolithic LP in HiGHS (exact, one model of the whole site) or the price
 * decomposition (optimizer/decomposition/: per-vehicle DPs coordinated by prices, a certified gap). `auto`
 * picks by size: HiGHS WebAssembly's heap grows with the plugged vehicle-slots (measured 1.25 GB at 10,000 x
 * 96 slots, a hard stop at 2 GiB) and its time about N^1.2-1.7, while a decomposed solve grows linearly; below
 * the threshold the LP is exact and fast enough. One function, so a memory estimator can replace the rule.
 */
import type { Problem } from './problem.ts';

export type EngineName = 'auto' | 'monolithic' | 'decomposition';
export const engineNames: readonly EngineName[] = ['auto', 'monolithic', 'decomposition'];

export function isEngineName(name: string): name is EngineName {
  return (engineNames as readonly string[]).includes(name);
}

/** Plugged vehicle-slots above which `auto` decomposes (about 5,000 vehicles plugged in for 12 h of 15-minute slots). */
export const decompositionThresholdVehicleSlots = 240_000;

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

export function chooseEngine(problem: Problem, requested: EngineName = 'auto'): EngineChoice {
  const size = pluggedVehicleSlots(problem);
  if (requested === 'monolithic') return { engine: 'monolithic', reason: 'requested', overridden: false };
  const large = size > decompositionThresholdVehicleSlots;
  if (problem.network !== undefined) {
    return {
      engine: 'monolithic',
      reason: `${requested === 'decomposition' ? 'decomposition requested, but it ' : `auto: ${size} plugged vehicle-slots, but the decomposition `}does not price three-phase network rows yet`,
      overridden: requested === 'decomposition' || large,
    };
  }
  if (requested === 'decomposition') return { engine: 'decomposition', reason: 'requested', overridden: false };
  return large
    ? { engine: 'decomposition', reason: `auto: ${size} plugged vehicle-slots > ${decompositionThresholdVehicleSlots}`, overridden: false }
    : { engine: 'monolithic', reason: `auto: ${size} plugged vehicle-slots <= ${decompositionThresholdVehicleSlots}`, overridden: false };
}
