/**
 * The offline reference reused across capacities, exactly. Lowering a capacity only tightens limits: the
 * feasible set shrinks and no cost falls (the objective is the same function, or a limit penalty grows). So a
 * plan that is optimal at a higher capacity, keeps every limit of a lower one (the independent validator says
 * so) and costs the same there (objective recomputed) is optimal there too; and a bound proven at the higher
 * capacity is a bound at the lower one (its problem is a relaxation). A capacity sweep (`--offline-rows`,
 * sweep-plan.ts) reuses any higher capacity's plan from the largest capacity down (`chained`, the default:
 * offline-chained.ts) or one reference plan only, the scenario at its own capacity solved cold, so that every row
 * is a function of its own capacity alone (`independent`: offline-canonical.ts); every reused run says so in its
 * notes, with the capacity it came from. Pure: the caller keeps the stored plans (a sweep worker on disk).
 */
import { assemblePlan, emptyStats } from '../optimizer/plan-assembly.ts';
import type { PlanStatus } from '../optimizer/plan.ts';
import { validatePlan } from '../optimizer/plan-validator.ts';
import { resolveProblem } from '../optimizer/resolved-problem.ts';
import type { NetworkRowSeed } from '../optimizer/network/lazy-rows.ts';
import { offlineProblem, offlineProblemNotes, type OfflineRowSeed, type OfflineSolution } from './offline-optimum.ts';
import type { ReplayInputs } from './replay-inputs.ts';

/** Relative tolerance on the recomputed objective (the validator's cost tolerance). */
export const reuseObjectiveTolRel = 1e-6;

/** An offline plan kept compactly (each vehicle's powers from its first to its last non-zero slot), with how it was made. */
export interface StoredOfflinePlan {
  /** The capacity it was solved at (the sweep's value: kW, kVA on a network). */
  readonly capacity: number;
  readonly status: PlanStatus;
  readonly objective: number;
  /** Proven lower bound of the objective at `capacity` (null: none). */
  readonly bound: number | null;
  readonly slotCount: number;
  readonly vehicles: readonly { readonly id: string; readonly firstSlot: number; readonly powerKw: readonly number[] }[];
  /** Where the plan itself came from (a fresh solve, or a reuse of a higher capacity's plan). */
  readonly origin: string;
  /** The network rows the solve that made the plan needed (`OfflineSolution.networkRows`, with its first LP's basis), to start a lower capacity's model with. */
  readonly networkRows?: NetworkRowSeed;
}

/** Keeps `solution`'s plan, solved (or reused) at `capacity`. */
export function storeOfflinePlan(solution: OfflineSolution, capacity: number, origin: string): StoredOfflinePlan {
  const { plan } = solution;
  return {
    capacity,
    status: plan.status,
    objective: plan.cost.objective,
    bound: solution.bound ?? null,
    slotCount: plan.site.importKw.length,
    origin,
    ...(solution.networkRows !== undefined ? { networkRows: solution.networkRows } : {}),
    vehicles: plan.vehicles.map((v) => {
      let first = v.powerKw.findIndex((p) => p !== 0);
      if (first < 0) first = 0;
      let last = v.powerKw.length - 1;
      while (last >= first && v.powerKw[last] === 0) last--;
      return { id: v.id, firstSlot: first, powerKw: v.powerKw.slice(first, last + 1) };
    }),
  };
}

/**
 * The network rows to start a fresh solve at `capacity` with: those of the stored plan of the lowest capacity
 * above it that kept any (the nearest solve's rows are the likeliest to bind here), with where they came from,
 * and with that solve's first-LP optimal basis when it kept one (the fresh solve's first LP starts there).
 */
export function offlineRowSeed(capacity: number, stored: readonly StoredOfflinePlan[]): OfflineRowSeed | undefined {
  const nearest = stored.filter((s) => s.capacity > capacity && s.networkRows !== undefined).sort((a, b) => a.capacity - b.capacity)[0];
  return nearest === undefined ? undefined : { rows: nearest.networkRows!, from: `the offline solve of capacity ${nearest.capacity} (${nearest.origin})`, capacity: nearest.capacity };
}

/** Why a stored plan was not reused (for the run's notes). */
export type ReuseRefusal = { readonly capacity: number; readonly reason: string };

/**
 * The first of `stored` (tried from the lowest capacity at or above `capacity` up) that is exactly optimal here,
 * as this replay's offline solution; undefined with the reasons when none is. Only plans of the same or higher
 * capacities of the same replay (same vehicles, same slots) are tried (at the same capacity the problem is the
 * same, so the plan is as good as where it was solved).
 */
export function reuseOfflinePlan(
  inputs: ReplayInputs,
  capacity: number,
  stored: readonly StoredOfflinePlan[],
  clock: () => number,
): { solution?: OfflineSolution; refusals: ReuseRefusal[] } {
  const started = clock();
  const refusals: ReuseRefusal[] = [];
  const candidates = stored.filter((s) => s.capacity >= capacity).sort((a, b) => a.capacity - b.capacity);
  if (candidates.length === 0) return { refusals };
  const offline = offlineProblem(inputs);
  const { problem, keys } = offline;
  const notes = offlineProblemNotes(offline, inputs.physics);
  const rp = resolveProblem(problem);
  for (const s of candidates) {
    const byId = new Map(s.vehicles.map((v) => [v.id, v]));
    if (s.slotCount !== problem.slotCount || byId.size !== problem.vehicles.length || problem.vehicles.some((v) => !byId.has(v.id))) {
      refusals.push({ capacity: s.capacity, reason: 'not the same replay (vehicles or slots differ)' });
      continue;
    }
    const powerKw = problem.vehicles.map((v) => {
      const row = new Float64Array(problem.slotCount);
      const kept = byId.get(v.id)!;
      kept.powerKw.forEach((p, k) => (row[kept.firstSlot + k] = p));
      return row;
    });
    const plan = assemblePlan(rp, {
      status: s.status,
      message: `offline plan of capacity ${s.capacity} reused at ${capacity}: it keeps every limit here and costs the same, so it is ${s.status === 'optimal' ? 'optimal' : 'within its stated gap'} here too`,
      powerKw,
      stats: { ...emptyStats('highs'), ...(s.bound !== null ? { relaxationObjective: s.bound } : {}) },
    });
    const violations = validatePlan(problem, plan);
    if (violations.length > 0) {
      refusals.push({ capacity: s.capacity, reason: `breaks ${violations.length} limit(s) here, first: ${violations[0]!.code} ${violations[0]!.message}` });
      continue;
    }
    const diff = Math.abs(plan.cost.objective - s.objective);
    if (diff > reuseObjectiveTolRel * Math.max(1, Math.abs(s.objective))) {
      refusals.push({ capacity: s.capacity, reason: `costs ${plan.cost.objective} here against ${s.objective} there` });
      continue;
    }
    const solution: OfflineSolution = {
      plan,
      index: new Map(plan.vehicles.map((v, i) => [v.id, i])),
      bound: s.status === 'optimal' ? plan.cost.objective : (s.bound ?? undefined),
      timeLimitMs: 0,
      billingKeys: keys,
      elapsedMs: clock() - started,
      reusedFromCapacity: s.capacity,
      ...(s.networkRows !== undefined ? { networkRows: s.networkRows } : {}),
      notes: [
        ...notes,
        `offline reference reused exactly from capacity ${s.capacity} (${s.origin}): its plan keeps every limit at ${capacity} (validator) and its objective is unchanged, so it is ${s.status === 'optimal' ? 'optimal here' : `as good as its bound ${s.bound ?? 'none'} proves here`}; no solve`,
        ...refusals.map((r) => `offline plan of capacity ${r.capacity} not reused: ${r.reason}`),
      ],
    };
    return { solution, refusals };
  }
  return { refusals };
}
