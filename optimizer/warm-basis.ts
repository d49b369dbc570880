/**
 * Warm bases across solves (`SolveOptions.warmStart`): the optimal basis of a solve's first LP, kept per
 * thread and keyed by the model's structure, so a later solve of a model with the same rows, columns and
 * nonzero pattern (the same site re-planned with new prices, energies or limits) starts its first LP from
 * it instead of from the slack basis.
 *
 * Why: the first LP is most of a small-fleet solve, and it is all simplex iterations. Measured on the
 * generated 50-vehicle depot (prefix rows, HiGHS WebAssembly, in-process, load average about 8 on 2 cores):
 * 701 iterations and 37-218 ms from the slack basis, 0 iterations and 2-14 ms from the optimal basis of the
 * same model (bench/RESULTS.md, issue 12 session 5).
 *
 * Off by default: with it on, which basis a solve starts from depends on what this thread solved before, and
 * where the LP has several optima a different start can give a different (equally cheap) LP answer and so a
 * different repair. The LP bound does not change. A solve that used a stored basis says so
 * (`stats.warmStart`). A basis is only a start: HiGHS checks it, and a refused one means a cold start.
 */
import type { LpBasis } from './backends/lp-backend.ts';
import type { LinearProgram } from './linear-program.ts';

/** Bases kept per thread (least recently used dropped first): a few sites re-planned in turn. */
export const warmBasisCapacity = 8;

/**
 * A structure key of an LP: its dimensions, how many columns are integer, and a 32-bit FNV-1a hash of the
 * row starts and column indices (not of bounds, costs or coefficient values, which a basis does not depend
 * on for its validity). Equal keys mean the same shape with, barring a hash collision, the same pattern;
 * a collision only costs a poor start (HiGHS repairs or refuses a basis that does not fit).
 */
export function lpStructureKey(lp: LinearProgram): string {
  let h = 0x811c9dc5;
  const mix = (v: number) => {
    h ^= v & 0xffff;
    h = Math.imul(h, 0x01000193);
    h ^= v >>> 16;
    h = Math.imul(h, 0x01000193);
  };
  for (let i = 0; i < lp.rowStarts.length; i++) mix(lp.rowStarts[i]!);
  for (let i = 0; i < lp.colIndex.length; i++) mix(lp.colIndex[i]!);
  return `${lp.numRows}x${lp.numCols}:${lp.colIndex.length}:${lp.integerCount}:${(h >>> 0).toString(16)}`;
}

/** Bases by structure key, least recently used first out. */
export class WarmBasisStore {
  private readonly bases = new Map<string, LpBasis>();

  constructor(private readonly capacity = warmBasisCapacity) {}

  /** The basis stored for `key` (and marks it recently used), or undefined. */
  get(key: string): LpBasis | undefined {
    const basis = this.bases.get(key);
    if (basis === undefined) return undefined;
    this.bases.delete(key);
    this.bases.set(key, basis);
    return basis;
  }

  set(key: string, basis: LpBasis): void {
    this.bases.delete(key);
    this.bases.set(key, basis);
    while (this.bases.size > this.capacity) this.bases.delete(this.bases.keys().next().value!);
  }

  get size(): number {
    return this.bases.size;
  }

  clear(): void {
    this.bases.clear();
  }
}

/** This thread's store (each solver-pool worker has its own). */
export const threadWarmBases = new WarmBasisStore();
