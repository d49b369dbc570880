/**
 * A `capacity` sweep's offline row as a function of its own capacity alone (issue 13, session 13; opt-in since
 * session 13's i13s: `v2g sweep --offline-rows independent`, the default being the warm chain, offline-chained.ts,
 * for its CPU): never of which other capacities the sweep holds, so a researcher who re-runs one capacity (or
 * another list) gets the row that was published.
 *
 * The rule, for an offline task at capacity c of a scenario whose own capacity (as written in its file) is R
 * (sweep-plan.ts, `offlineReferenceCapacity`):
 * - c <= R: the **reference** (the scenario at R, solved cold, once per scenario and seed) is reused exactly
 *   where its plan keeps every limit at c and costs the same there (offline-reuse.ts: it is then as good at c
 *   as at R: optimal, or within the bound it proves); else the row is a **cold solve at c**;
 * - c > R: a cold solve at c.
 * "Cold" = no basis and no plan from any other solve: the LP starts from the slack basis, so the vertex it
 * returns, and the LP repair's plan built from it, depend on c's problem alone. Below the reference the model
 * starts with the network rows the reference's solve needed (rows of the full polygon model: the same LP optimum
 * and bound, fewer lazy rounds; the reference is a function of the scenario and seed, so the row still depends
 * on c alone); above it, with none. The default
 * (`chained`) solves from the highest capacity down, reusing any higher capacity's plan and starting each fresh
 * solve from the capacity above's rows and basis (session 11, i16w): the same bound, but another optimal
 * vertex, so another repaired plan, depending on the list (e.g. 8,387.938 against 8,388.082 kWh at 45 kVA).
 */
import { loadReplayInputs } from './load-replay-inputs.ts';
import { solveOffline, type OfflineRowSeed, type OfflineSolution } from './offline-optimum.ts';
import { reuseOfflinePlan, storeOfflinePlan, type StoredOfflinePlan } from './offline-reuse.ts';
import type { SolverSetup } from './policies.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import type { OfflineReference } from './sweep-plan.ts';

/** Where the reference plan of one scenario and seed is kept (a sweep worker: on disk; tests: in memory). */
export interface OfflineReferenceStore {
  readonly read: () => StoredOfflinePlan | undefined;
  /** Called once the reference is solved (before the task's own row): the sweep then lets the other capacities start. */
  readonly write: (plan: StoredOfflinePlan) => void;
}

/** The words of a cold solve's note (every fresh offline row of a capacity sweep says it). */
export const coldSolveNote = (capacity: number) =>
  `offline solved cold at ${capacity} (no basis or plan from another capacity; network rows, if any, only the reference's): the row depends on this capacity alone, whatever else the sweep holds`;

/** Where the reference came from (the stored plan's `origin`, and the reused rows' notes). */
export const referenceOrigin = (capacity: number) => `the reference: the scenario at its own capacity ${capacity}, solved cold`;

/**
 * The offline solution of a `capacity` sweep's task at `capacity` (see the module's rule). `reference`
 * undefined: a cold solve. `texts` are the scenario's data files (for the reference's inputs), `seed` the task's.
 */
export function canonicalOfflineSolution(
  inputs: ReplayInputs,
  capacity: number,
  reference: { readonly spec: OfflineReference; readonly store: OfflineReferenceStore; readonly texts: ReadonlyMap<string, string>; readonly seed: number } | undefined,
  solver: SolverSetup,
  clock: () => number,
): OfflineSolution {
  const cold = (extra: readonly string[], seed?: OfflineRowSeed) => {
    const fresh = solveOffline(inputs, solver, clock, {}, seed);
    return { ...fresh, notes: [...fresh.notes, coldSolveNote(capacity), ...extra] };
  };
  if (reference === undefined) return cold([]);
  const { spec, store } = reference;
  if (capacity > spec.capacity) return cold([`offline at ${capacity}: above the reference capacity ${spec.capacity}, so no reuse`]);
  let stored = store.read();
  if (stored === undefined) {
    const referenceInputs = loadReplayInputs(spec.scenario, reference.texts, { seed: reference.seed });
    stored = storeOfflinePlan(solveOffline(referenceInputs, solver, clock), spec.capacity, referenceOrigin(spec.capacity));
    store.write(stored);
  }
  const { solution, refusals } = reuseOfflinePlan(inputs, capacity, [stored], clock);
  if (solution !== undefined) return solution;
  const kept = stored.networkRows;
  const seed = kept !== undefined ? { rows: { slotCount: kept.slotCount, templates: kept.templates, keys: kept.keys }, from: referenceOrigin(spec.capacity), noBasisReason: 'left out: a row depends on its own capacity alone' } : undefined;
  return cold(
    refusals.map((r) => `offline solved at ${capacity}: the plan of ${referenceOrigin(r.capacity)} was not reused (${r.reason})`),
    seed,
  );
}
