/**
 * A `capacity` sweep's offline row under the default rule, `chained` (`v2g sweep --offline-rows chained`;
 * sweep-plan.ts, `OfflineRowRule`): the capacities of a scenario and seed run from the largest down, one after
 * another (sweep-plan.ts, `takeStartable`); a row reuses a higher capacity's kept plan where it is exactly optimal
 * here (offline-reuse.ts), else it is solved afresh starting from the nearest higher fresh solve's network rows
 * and optimal LP basis (`offlineRowSeed`) and kept for the capacities below. The same bound as a cold solve, at
 * much less CPU (bench/RESULTS.md, i13s), but another optimal LP vertex, so another repaired plan within the stated
 * gap: a row may depend on which other capacities the list holds, and its notes say so plainly (`chainedRowNote`).
 * Pure: the caller keeps the plans (a sweep worker on disk).
 */
import { solveOffline, type OfflineSolution } from './offline-optimum.ts';
import { offlineRowSeed, reuseOfflinePlan, storeOfflinePlan, type StoredOfflinePlan } from './offline-reuse.ts';
import type { SolverSetup } from './policies.ts';
import type { ReplayInputs } from './replay-inputs.ts';

/** The plans kept for one scenario and seed under `chained`. */
export interface ChainedOfflineStore {
  readonly read: () => StoredOfflinePlan[];
  readonly write: (plan: StoredOfflinePlan) => void;
}

/** The note every `chained` row carries: where it came from, and that it may depend on the list. */
export function chainedRowNote(capacity: number, from: { readonly reusedFrom?: number; readonly warmFrom?: number; readonly rowsFrom?: number }): string {
  const rule = 'so this row may depend on the other capacities in the list (--offline-rows independent: each row from its own capacity alone)';
  if (from.reusedFrom !== undefined) return `offline rows chained at ${capacity}: the plan of capacity ${from.reusedFrom} reused exactly, ${rule}`;
  if (from.warmFrom !== undefined) return `offline rows chained at ${capacity}: warm-started from capacity ${from.warmFrom} (its network rows and optimal basis), ${rule}`;
  if (from.rowsFrom !== undefined) return `offline rows chained at ${capacity}: started with the network rows of capacity ${from.rowsFrom}, ${rule}`;
  return `offline rows chained at ${capacity}: solved without another capacity's plan, rows or basis (none kept above it); the capacities below may start from it`;
}

/** The offline solution at `capacity` under `chained` (see the module). */
export function chainedOfflineSolution(inputs: ReplayInputs, capacity: number, store: ChainedOfflineStore, solver: SolverSetup, clock: () => number): OfflineSolution {
  const stored = store.read();
  const { solution, refusals } = reuseOfflinePlan(inputs, capacity, stored, clock);
  if (solution !== undefined) return { ...solution, notes: [...solution.notes, chainedRowNote(capacity, { reusedFrom: solution.reusedFromCapacity ?? capacity })] };
  const seed = offlineRowSeed(capacity, stored);
  const fresh = solveOffline(inputs, solver, clock, {}, seed);
  store.write(storeOfflinePlan(fresh, capacity, `solved at ${capacity}`));
  const notes = refusals.map((r) => `offline solved at ${capacity}: the plan of capacity ${r.capacity} was not reused (${r.reason})`);
  const from = fresh.warmFromCapacity !== undefined ? { warmFrom: fresh.warmFromCapacity } : seed?.capacity !== undefined ? { rowsFrom: seed.capacity } : {};
  return { ...fresh, notes: [...fresh.notes, ...notes, chainedRowNote(capacity, from)] };
}
