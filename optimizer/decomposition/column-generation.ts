/**
 * The default coordinator: Dantzig-Wolfe column generation (README.md, "Column generation").
 *
 * Every pricing of the fleet (exact DP per vehicle, on threads) gives one column per vehicle group; the
 * restricted master LP (column-master.ts) combines them with the site's exact columns, its optimum is the
 * cost of a plan that keeps every shared row, and its row duals are the next prices. Every pricing's
 * Lagrangian value (fleet DPs + site oracle) is a lower bound; the best one certifies the gap. Prices are
 * smoothed towards the best bound's (Wentges), which keeps the duals from oscillating. The plan is each
 * vehicle's share of its group's weights over its own answers (column-store.ts), settled per vehicle
 * (settle-plan.ts). The all-idle column makes the master feasible from the start.
 */
import type { LpBackend } from '../backends/lp-backend.ts';
import type { ResolvedProblem } from '../resolved-problem.ts';
import type { SolveProgressListener } from '../solve-progress.ts';
import { gapPct } from '../solve-progress.ts';
import { ColumnMaster } from './column-master.ts';
import { ColumnStore } from './column-store.ts';
import { recoverPlan } from './primal-recovery.ts';
import { gapOf, placementOrder, projectPeakMultipliers, type CoordinatorResult, type DualPrices } from './coordinator.ts';
import type { ShardExecutor, ShardExecutorFactory } from './shard-executor.ts';
import { planObjective } from './plan-objective.ts';
import { settlePlan } from './settle-plan.ts';
import { newSiteAnswer, siteSlots, solveSite } from './site-oracle.ts';
import { fitsVehicle, type DpVehicle } from './vehicle-dp.ts';

/** Limits, start and tuning of one column-generation run (decompose.ts fills them from DecompositionOptions). */
export interface ColumnGenerationOptions {
  readonly targetGap: number;
  readonly maxIterations: number;
  readonly timeLimitMs: number;
  readonly warmStart?: DualPrices;
  readonly masterBackend: LpBackend;
  /** Vehicle groups in the master (one column each per pricing). Default: min(vehicles, 64). */
  readonly groups?: number;
  /**
   * Weight of the best bound's prices in the next pricing (0 = the master's duals as they are). Default 0.5
   * cold, 0.8 warm-started (measured: README.md); `auto` adapts it each iteration from the subgradient.
   */
  readonly smoothing?: number | 'auto';
  readonly onProgress?: SolveProgressListener;
  /** Add a placement plan (primal-recovery.ts) at the first prices as a column set. Default true. */
  readonly seedRecovery?: boolean;
  readonly now: () => number;
}

/** Master groups by default: 64 took the fewest seconds at 10,000 vehicles (256: master solves of 2-3 s). */
export const defaultGroups = 64;

/** Group of each vehicle: sorted by arrival, then departure, cut into `count` groups of about equal size. */
export function vehicleGroups(vehicles: readonly DpVehicle[], count: number): Int32Array {
  const order = vehicles.map((_, i) => i).sort((a, b) => vehicles[a]!.arrivalSlot - vehicles[b]!.arrivalSlot || vehicles[a]!.endSlot - vehicles[b]!.endSlot || a - b);
  const groupOf = new Int32Array(vehicles.length);
  order.forEach((i, k) => (groupOf[i] = Math.floor((k * count) / Math.max(1, vehicles.length))));
  return groupOf;
}

/** Runs column generation to the gap target, the iteration limit or the time limit (see the file's comment). */
export async function generateColumns(
  rp: ResolvedProblem,
  vehicles: readonly DpVehicle[],
  makeExecutor: ShardExecutorFactory,
  options: ColumnGenerationOptions,
): Promise<CoordinatorResult> {
  const { now, targetGap, maxIterations, timeLimitMs } = options;
  const started = now();
  const T = rp.slotCount;
  const site = siteSlots(rp);
  const G = Math.max(1, Math.min(vehicles.length, options.groups ?? defaultGroups));
  const groupOf = vehicleGroups(vehicles, G);
  // Answer sets made here (idle, previous plan, placement); the priced ones stay with the shards (shard-executor.ts).
  const store = new ColumnStore(vehicles, T, rp.slotHours, groupOf, G);
  /** Per master source: [made here, index in its store] or [priced by the shards, index of the pricing]. */
  const sources: ['here' | 'shards', number][] = [];
  const addHere = (index: number): number => sources.push(['here', index]) - 1;
  let priced = 0;
  const master = new ColumnMaster(options.masterBackend, site, G);
  let executor: ShardExecutor;
  try {
    executor = await makeExecutor({ vehicles, slotCount: T, slotHours: rp.slotHours, groupOf, groupCount: G });
  } catch (error) {
    master.dispose();
    throw error;
  }
  const auto = options.smoothing === 'auto';
  let alpha = typeof options.smoothing === 'number' ? options.smoothing : options.warmStart ? 0.8 : 0.5;
  // The last separation's in-point (best bound's prices) and out-point (master duals), for auto smoothing.
  const towardOut = new Float64Array(2 * T);
  let separated = false;
  const lambda = new Float64Array(T);
  const nu = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    lambda[t] = options.warmStart?.lambdaKw[t] ?? rp.slotHours * rp.importPricePerKwh[t]!;
    nu[t] = options.warmStart?.nu[t] ?? 0;
  }
  projectPeakMultipliers(nu, site.peakSlot, site.demandChargePerKw);
  const bestLambda = Float64Array.from(lambda);
  const bestNu = Float64Array.from(nu);
  const answer = newSiteAnswer(T);
  let bound = -Infinity;
  let upper = Infinity;
  const history: { dual: number; primal: number }[] = [];
  let stopReason: CoordinatorResult['stopReason'] = 'iterations';
  let iterations = 0;
  let weights: Float64Array | undefined;
  let seed: { powers: Float64Array[]; objective: number; label: string } | undefined;
  const report = (phase: 'decomposition' | 'done') => {
    const gap = gapPct(Number.isFinite(upper) ? upper : undefined, Number.isFinite(bound) ? bound : undefined);
    options.onProgress?.({
      phase,
      round: iterations,
      elapsedMs: now() - started,
      timeLimitMs,
      ...(Number.isFinite(upper) ? { bestObjective: upper } : {}),
      ...(Number.isFinite(bound) ? { bound } : {}),
      ...(gap !== undefined ? { gapPct: gap } : {}),
    });
  };
  try {
    // The all-idle column: every group can stay idle, so the master is feasible from the start.
    const idle = addHere(store.add(() => undefined));
    master.addColumns(idle, store.groupCost, store.groupSumKw);
    const previous = options.warmStart?.powerKw;
    if (previous && previous.length === vehicles.length) {
      // The previous plan as a column set (a rolling re-plan's best guess), vehicle by vehicle where it still fits.
      const kept = addHere(store.add((i) => {
        const p = previous[i];
        return p && fitsVehicle(vehicles[i]!, rp.slotHours, p, T) ? p : undefined;
      }));
      master.addColumns(kept, store.groupCost, store.groupSumKw);
    }
    for (let k = 0; k < maxIterations; k++) {
      iterations = k + 1;
      const fleet = await executor.priceColumns(lambda);
      solveSite(site, lambda, nu, answer);
      const dual = fleet.objective + answer.value;
      if (auto && separated) {
        // Pessoa et al. (2018): a subgradient at the separation point at an acute angle with out - in says
        // the master's duals lie uphill: smooth less; otherwise smooth more.
        let dot = 0;
        for (let t = 0; t < T; t++) {
          dot += (fleet.sumKw[t]! - answer.takeKw[t]!) * towardOut[t]!;
          if (site.peakSlot[t]) dot += (answer.importKw[t]! - answer.peakKw) * towardOut[T + t]!;
        }
        alpha = dot > 0 ? Math.max(0, alpha - 0.1) : Math.min(0.95, alpha + 0.1 * (1 - alpha));
      }
      if (dual > bound) {
        bound = dual;
        bestLambda.set(lambda);
        bestNu.set(nu);
      }
      master.addColumns(sources.push(['shards', priced++]) - 1, fleet.groupCost, fleet.groupSumKw);
      if (k === 0 && (options.seedRecovery ?? true)) {
        // A placement plan at the first prices (feasible by construction): a good column set to start from.
        const placed = recoverPlan({ rp, vehicles, site, lambdaKw: lambda, peakCapKw: Infinity, order: placementOrder(rp) });
        seed = { powers: placed, objective: planObjective(rp, placed), label: 'placement plan at the first prices' };
        const seeded = addHere(store.add((i) => placed[i]));
        master.addColumns(seeded, store.groupCost, store.groupSumKw);
      }
      // Only columns were added since the last solve: its basis stays primal feasible.
      const solution = master.solve(Math.max(1000, timeLimitMs - (now() - started)), 'primal');
      if (!solution) {
        stopReason = now() - started > timeLimitMs ? 'time' : 'master';
        break;
      }
      weights = solution.weights;
      upper = solution.objective;
      history.push({ dual, primal: upper });
      report('decomposition');
      if (gapOf(upper, bound) <= targetGap) {
        stopReason = 'gap';
        break;
      }
      if (now() - started > timeLimitMs) {
        stopReason = 'time';
        break;
      }
      for (let t = 0; t < T; t++) {
        lambda[t] = alpha * bestLambda[t]! + (1 - alpha) * solution.lambdaKw[t]!;
        nu[t] = alpha * bestNu[t]! + (1 - alpha) * solution.nu[t]!;
        towardOut[t] = solution.lambdaKw[t]! - bestLambda[t]!;
        towardOut[T + t] = solution.nu[t]! - bestNu[t]!;
      }
      separated = true;
      projectPeakMultipliers(nu, site.peakSlot, site.demandChargePerKw);
    }
    const powers = weights ? await planOf(weights) : vehicles.map(() => new Float64Array(T));
    settlePlan(rp, vehicles, site, powers);
    const objective = planObjective(rp, powers);
    const fromMaster = { powers, objective, label: 'master plan' };
    const [first, ...rest] = [fromMaster, ...(seed ? [seed] : [])].sort((a, b) => a.objective - b.objective);
    return {
      powers: first!.powers,
      objective: first!.objective,
      label: first!.label,
      alternatives: rest,
      bound,
      iterations,
      recoveries: 0,
      prices: { lambdaKw: Array.from(bestLambda), nu: Array.from(bestNu) },
      stopReason,
      history,
    };
  } finally {
    master.dispose();
    await executor.close?.();
  }

  /** Each vehicle's share of its group's weights over its own answers: the shards' part plus this thread's. */
  async function planOf(weights: Float64Array): Promise<Float64Array[]> {
    const total = new Float64Array(G);
    master.tags.forEach((tag, c) => {
      if (weights[c]! > 1e-12) total[tag.group]! += weights[c]!;
    });
    const here = new Float64Array(Math.max(1, store.size * G));
    const there = new Float64Array(Math.max(1, priced * G));
    master.tags.forEach((tag, c) => {
      const w = weights[c]!;
      if (w <= 1e-12) return;
      const [where, index] = sources[tag.source]!;
      // The convexity row holds to tolerance; normalised, each group's weights sum to 1 exactly.
      (where === 'here' ? here : there)[index * G + tag.group]! += w / total[tag.group]!;
    });
    const powers = await executor.plan(there);
    store.addPlan(here, powers);
    return powers;
  }
}
