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
 *
 * A portfolio is the same run over several sites at once (`generatePortfolioColumns`): every site keeps its
 * own rows (balance, peak) with its own prices, each vehicle is priced at its site's prices (DpVehicle.
 * priceOffset: one price vector of S x T for every shard), every group lies in one site, and the feeder rows
 * on the sites' summed net import enter the master (column-master.ts) and each site's oracle (its price per
 * kW of net import). One site without a feeder is exactly the single-site run.
 */
import type { LpBackend } from '../backends/lp-backend.ts';
import type { ResolvedProblem } from '../resolved-problem.ts';
import type { SolveProgressListener } from '../solve-progress.ts';
import { gapPct } from '../solve-progress.ts';
import { ColumnMaster, type FeederRows } from './column-master.ts';
import { ColumnStore } from './column-store.ts';
import { recoverPlan } from './primal-recovery.ts';
import { gapOf, placementOrder, projectPeakMultipliers, type CoordinatorResult, type DualPrices } from './coordinator.ts';
import type { ShardExecutor, ShardExecutorFactory } from './shard-executor.ts';
import { planObjective } from './plan-objective.ts';
import { settlePlan } from './settle-plan.ts';
import { swapToShortfalls, type SwapSites } from './shortfall-swap.ts';
import { splitWithMinimumPower } from './minimum-power-split.ts';
import { newSiteAnswer, siteSlots, solveSite, type SiteAnswer, type SiteSlots } from './site-oracle.ts';
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

/** One site of a (portfolio) column-generation run: its problem, its vehicles and its warm prices. */
export interface ColumnSite {
  readonly rp: ResolvedProblem;
  readonly vehicles: readonly DpVehicle[];
  readonly warmStart?: DualPrices;
}

/** A portfolio run: the feeder rows and the feeder prices to start from. */
export interface PortfolioColumnOptions extends Omit<ColumnGenerationOptions, 'warmStart'> {
  readonly feeder?: FeederRows;
  /** Feeder prices per kW of net import and slot to start from (a previous run's). */
  readonly warmFeederKw?: readonly number[];
}

/** Prices of a portfolio run's best bound: each site's, and the feeder's per kW of net import. */
export interface PortfolioDualPrices {
  readonly sites: readonly DualPrices[];
  readonly feederKw: readonly number[];
}

/** What a portfolio run gives: per site its settled plan and cost, the certified bound of the whole. */
export interface PortfolioColumnsResult {
  readonly sites: readonly { readonly powers: Float64Array[]; readonly objective: number }[];
  /** Sum of the sites' plan costs. */
  readonly objective: number;
  readonly bound: number;
  readonly iterations: number;
  readonly stopReason: CoordinatorResult['stopReason'];
  readonly prices: PortfolioDualPrices;
  readonly history: readonly { readonly dual: number; readonly primal: number }[];
  /** Wall time in the restricted master LP (ms). */
  readonly masterMs: number;
  /** Single site only: the placement plan it was seeded with. */
  readonly seed?: { readonly powers: Float64Array[]; readonly objective: number; readonly label: string };
}

/** Runs column generation to the gap target, the iteration limit or the time limit (see the file's comment). */
export async function generateColumns(
  rp: ResolvedProblem,
  vehicles: readonly DpVehicle[],
  makeExecutor: ShardExecutorFactory,
  options: ColumnGenerationOptions,
): Promise<CoordinatorResult> {
  const { warmStart, ...rest } = options;
  const run = await generatePortfolioColumns([{ rp, vehicles, ...(warmStart ? { warmStart } : {}) }], makeExecutor, rest);
  const fromMaster = { powers: run.sites[0]!.powers, objective: run.objective, label: 'master plan' };
  const [first, ...others] = [fromMaster, ...(run.seed ? [run.seed] : [])].sort((a, b) => a.objective - b.objective);
  return {
    powers: first!.powers,
    objective: first!.objective,
    label: first!.label,
    alternatives: others,
    bound: run.bound,
    iterations: run.iterations,
    recoveries: 0,
    prices: run.prices.sites[0]!,
    stopReason: run.stopReason,
    history: run.history,
  };
}

/** Feeder price per kW kept where the Lagrangian is bounded: sign by which limits exist, within the excess cost. */
function clipFeeder(pi: Float64Array, feeder: FeederRows | undefined): void {
  for (let t = 0; t < pi.length; t++) {
    if (!feeder) {
      pi[t] = 0;
      continue;
    }
    const hi = Number.isFinite(feeder.importLimitKw[t]!) ? feeder.excessCostKw : 0;
    const lo = Number.isFinite(feeder.exportLimitKw[t]!) ? -feeder.excessCostKw : 0;
    pi[t] = Math.min(hi, Math.max(lo, pi[t]!));
  }
}

/** The feeder rows' part of the Lagrangian value: -pi F where pi >= 0, pi E where pi < 0. */
function feederTerm(pi: Float64Array, feeder: FeederRows | undefined): number {
  if (!feeder) return 0;
  let value = 0;
  for (let t = 0; t < pi.length; t++) {
    const p = pi[t]!;
    if (p > 0) value -= p * feeder.importLimitKw[t]!;
    else if (p < 0) value += p * feeder.exportLimitKw[t]!;
  }
  return value;
}

/**
 * A portfolio's plan settled under its feeder: each vehicle's battery room first (per site, settle-plan.ts
 * without minimum powers), then minimum powers rounded for the whole portfolio at once against the feeder
 * row (minimum-power-split.ts over every vehicle, the feeder as the net bound, never worse than the master's
 * sum), so the roundings of all sites share the feeder's room. A site's own limit the rounding then breaks
 * is caught by the validator (vehicle-columns.ts re-solves that site alone within its share).
 */
function settlePortfolio(members: readonly ColumnSite[], sites: readonly SiteSlots[], powers: Float64Array[], first: Int32Array, feeder: FeederRows) {
  const T = sites[0]!.slotCount;
  const own = members.map((m, s) => powers.slice(first[s]!, first[s + 1]!));
  members.forEach((m, s) => settlePlan(m.rp, m.vehicles, sites[s]!, own[s]!, { minimumPowers: false }));
  const f = () => new Float64Array(T);
  const whole: SiteSlots = {
    ...sites[0]!,
    netBaseKw: f(),
    importCapKw: Float64Array.from({ length: T }, (_, t) => (Number.isFinite(feeder.importLimitKw[t]!) ? feeder.importLimitKw[t]! : 1e12)),
    importExcessCapKw: f(),
    exportCapKw: Float64Array.from({ length: T }, (_, t) => (Number.isFinite(feeder.exportLimitKw[t]!) ? feeder.exportLimitKw[t]! : 1e12)),
    exportExcessCapKw: f(),
    curtailCapKw: f(),
  };
  for (const site of sites) for (let t = 0; t < T; t++) whole.netBaseKw[t]! += site.netBaseKw[t]!;
  const rp = { ...members[0]!.rp, vehicles: members.flatMap((m) => m.rp.vehicles) };
  const vehicles = members.flatMap((m) => m.vehicles);
  if (rp.vehicles.some((v) => v.minChargeKw > 0 || v.minDischargeKw > 0)) splitWithMinimumPower(rp, vehicles, whole, own.flat());
  const rounded = members.map((m, s) => ({ powers: own[s]!, objective: planObjective(m.rp, own[s]!) }));
  // Shortfalls the rounding left moved onto vehicles with surplus in the same slot, within each site's room
  // (shortfall-swap.ts); kept when the portfolio's cost falls.
  const swapped = own.map((ps) => ps.map((p) => p.slice()));
  if (swapToShortfalls(rp, vehicles, swapped.flat(), swapRooms(members, sites, swapped, feeder)) <= 0) return rounded;
  const after = members.map((m, s) => ({ powers: swapped[s]!, objective: planObjective(m.rp, swapped[s]!) }));
  return after.reduce((a, p) => a + p.objective, 0) < rounded.reduce((a, p) => a + p.objective, 0) ? after : rounded;
}

/** Each site's room per slot for cross-site swaps (shortfall-swap.ts `SwapSites`), from its plan's net import. */
function swapRooms(members: readonly ColumnSite[], sites: readonly SiteSlots[], powers: readonly Float64Array[][], feeder: FeederRows): SwapSites {
  const T = sites[0]!.slotCount;
  const siteOf = Int32Array.from(members.flatMap((m, s) => m.vehicles.map(() => s)));
  const upKw: Float64Array[] = [];
  const downKw: Float64Array[] = [];
  const sumKw = new Float64Array(T);
  sites.forEach((site, s) => {
    const net = Float64Array.from(site.netBaseKw);
    for (const p of powers[s]!) for (let t = 0; t < T; t++) net[t]! += p[t]!;
    let peakKw = site.previousPeakKw;
    for (let t = 0; t < T; t++) if (site.peakSlot[t]) peakKw = Math.max(peakKw, net[t]!);
    upKw.push(Float64Array.from({ length: T }, (_, t) => Math.max(0, Math.min(site.importCapKw[t]!, site.peakSlot[t] ? peakKw : Infinity) - net[t]!)));
    downKw.push(Float64Array.from({ length: T }, (_, t) => Math.max(0, net[t]! + site.exportCapKw[t]!)));
    for (let t = 0; t < T; t++) sumKw[t]! += net[t]!;
  });
  const feederUpKw = Float64Array.from({ length: T }, (_, t) => (Number.isFinite(feeder.importLimitKw[t]!) ? Math.max(0, feeder.importLimitKw[t]! - sumKw[t]!) : Infinity));
  return { siteOf, upKw, downKw, feederUpKw };
}

/** Column generation over one or several sites (see the file's comment); the single site is `generateColumns`. */
export async function generatePortfolioColumns(
  members: readonly ColumnSite[],
  makeExecutor: ShardExecutorFactory,
  options: PortfolioColumnOptions,
): Promise<PortfolioColumnsResult> {
  const { now, targetGap, maxIterations, timeLimitMs, feeder } = options;
  const started = now();
  const S = members.length;
  const rp0 = members[0]!.rp;
  const T = rp0.slotCount;
  const sites = members.map((m) => siteSlots(m.rp));
  const total = members.reduce((n, m) => n + m.vehicles.length, 0);
  const G0 = Math.max(1, Math.min(total, options.groups ?? defaultGroups));
  // Vehicles of every site in one fleet, each priced at its site's block; groups by site (about G0 over all).
  const first = new Int32Array(S + 1);
  members.forEach((m, k) => (first[k + 1] = first[k]! + m.vehicles.length));
  const vehicles: DpVehicle[] = S === 1 ? [...members[0]!.vehicles] : members.flatMap((m, k) => m.vehicles.map((v) => ({ ...v, priceOffset: k * T })));
  const groupOf = new Int32Array(total);
  const groupSiteList: number[] = [];
  members.forEach((m, k) => {
    const Gk = S === 1 ? G0 : Math.max(1, Math.min(m.vehicles.length, Math.round((G0 * m.vehicles.length) / Math.max(1, total))));
    const own = vehicleGroups(m.vehicles, Gk);
    const base = groupSiteList.length;
    own.forEach((g, i) => (groupOf[first[k]! + i] = base + g));
    for (let g = 0; g < Gk; g++) groupSiteList.push(k);
  });
  const groupSite = Int32Array.from(groupSiteList);
  const G = groupSite.length;
  // Answer sets made here (idle, previous plan, placement); the priced ones stay with the shards (shard-executor.ts).
  const store = new ColumnStore(vehicles, T, rp0.slotHours, groupOf, G);
  /** Per master source: [made here, index in its store] or [priced by the shards, index of the pricing]. */
  const sources: ['here' | 'shards', number][] = [];
  const addHere = (index: number): number => sources.push(['here', index]) - 1;
  let priced = 0;
  const master = new ColumnMaster(options.masterBackend, S === 1 && !feeder ? sites[0]! : { sites, groupSite, ...(feeder ? { feeder } : {}) }, G);
  let executor: ShardExecutor;
  try {
    executor = await makeExecutor({ vehicles, slotCount: T, slotHours: rp0.slotHours, groupOf, groupCount: G });
  } catch (error) {
    master.dispose();
    throw error;
  }
  const warm = members.some((m) => m.warmStart) || options.warmFeederKw !== undefined;
  const auto = options.smoothing === 'auto';
  let alpha = typeof options.smoothing === 'number' ? options.smoothing : warm ? 0.8 : 0.5;
  // The last separation's in-point (best bound's prices) and out-point (master duals), for auto smoothing.
  const towardOut = new Float64Array(2 * S * T);
  let separated = false;
  const lambda = new Float64Array(S * T);
  const nu = new Float64Array(S * T);
  const pi = new Float64Array(T);
  members.forEach((m, k) => {
    for (let t = 0; t < T; t++) {
      lambda[k * T + t] = m.warmStart?.lambdaKw[t] ?? m.rp.slotHours * m.rp.importPricePerKwh[t]!;
      nu[k * T + t] = m.warmStart?.nu[t] ?? 0;
    }
  });
  for (let t = 0; t < T; t++) pi[t] = options.warmFeederKw?.[t] ?? 0;
  clipFeeder(pi, feeder);
  const project = () => sites.forEach((site, k) => projectPeakMultipliers(nu.subarray(k * T, (k + 1) * T), site.peakSlot, site.demandChargePerKw));
  project();
  const bestLambda = Float64Array.from(lambda);
  const bestNu = Float64Array.from(nu);
  const bestPi = Float64Array.from(pi);
  const answers: SiteAnswer[] = sites.map(() => newSiteAnswer(T));
  let bound = -Infinity;
  let upper = Infinity;
  const history: { dual: number; primal: number }[] = [];
  let stopReason: CoordinatorResult['stopReason'] = 'iterations';
  let iterations = 0;
  /** Time in the master LP (ms), said in the result. */
  let masterMs = 0;
  let weights: Float64Array | undefined;
  let siteNetKw: Float64Array | undefined;
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
  const siteOf = (i: number): number => {
    let k = 0;
    while (first[k + 1]! <= i) k++;
    return k;
  };
  try {
    // The all-idle column: every group can stay idle, so the master is feasible from the start.
    const idle = addHere(store.add(() => undefined));
    master.addColumns(idle, store.groupCost, store.groupSumKw);
    if (members.some((m) => m.warmStart?.powerKw && m.warmStart.powerKw.length === m.vehicles.length)) {
      // The previous plan as a column set (a rolling re-plan's best guess), vehicle by vehicle where it still fits.
      const kept = addHere(store.add((i) => {
        const k = S === 1 ? 0 : siteOf(i);
        const previous = members[k]!.warmStart?.powerKw;
        const p = previous && previous.length === members[k]!.vehicles.length ? previous[i - first[k]!] : undefined;
        return p && fitsVehicle(vehicles[i]!, rp0.slotHours, p, T) ? p : undefined;
      }));
      master.addColumns(kept, store.groupCost, store.groupSumKw);
    }
    for (let k = 0; k < maxIterations; k++) {
      iterations = k + 1;
      const fleet = await executor.priceColumns(lambda);
      let dual = fleet.objective + feederTerm(pi, feeder);
      sites.forEach((site, s) => {
        solveSite(site, lambda.subarray(s * T, (s + 1) * T), nu.subarray(s * T, (s + 1) * T), answers[s]!, feeder ? pi : undefined);
        dual += answers[s]!.value;
      });
      if (auto && separated) {
        // Pessoa et al. (2018): a subgradient at the separation point at an acute angle with out - in says
        // the master's duals lie uphill: smooth less; otherwise smooth more.
        const drawKw = new Float64Array(S * T);
        if (S === 1) drawKw.set(fleet.sumKw);
        else for (let g = 0; g < G; g++) for (let t = 0; t < T; t++) drawKw[groupSite[g]! * T + t]! += fleet.groupSumKw[g * T + t]!;
        let dot = 0;
        sites.forEach((site, s) => {
          const a = answers[s]!;
          for (let t = 0; t < T; t++) {
            dot += (drawKw[s * T + t]! - a.takeKw[t]!) * towardOut[s * T + t]!;
            if (site.peakSlot[t]) dot += (a.importKw[t]! - a.peakKw) * towardOut[S * T + s * T + t]!;
          }
        });
        alpha = dot > 0 ? Math.max(0, alpha - 0.1) : Math.min(0.95, alpha + 0.1 * (1 - alpha));
      }
      if (dual > bound) {
        bound = dual;
        bestLambda.set(lambda);
        bestNu.set(nu);
        bestPi.set(pi);
      }
      master.addColumns(sources.push(['shards', priced++]) - 1, fleet.groupCost, fleet.groupSumKw);
      if (k === 0 && (options.seedRecovery ?? true)) {
        // A placement plan per site at the first prices (feasible for the site's rows by construction): a
        // good column set to start from.
        const placed = members.map((m, s) =>
          recoverPlan({ rp: m.rp, vehicles: m.vehicles, site: sites[s]!, lambdaKw: lambda.subarray(s * T, (s + 1) * T), peakCapKw: Infinity, order: placementOrder(m.rp) }),
        );
        if (S === 1) seed = { powers: placed[0]!, objective: planObjective(rp0, placed[0]!), label: 'placement plan at the first prices' };
        const seeded = addHere(store.add((i) => (S === 1 ? placed[0]![i] : placed[siteOf(i)]![i - first[siteOf(i)]!])));
        master.addColumns(seeded, store.groupCost, store.groupSumKw);
      }
      // Only columns were added since the last solve: its basis stays primal feasible.
      const masterStarted = now();
      const solution = master.solve(Math.max(1000, timeLimitMs - (now() - started)), 'primal');
      masterMs += now() - masterStarted;
      if (!solution) {
        stopReason = now() - started > timeLimitMs ? 'time' : 'master';
        break;
      }
      weights = solution.weights;
      siteNetKw = solution.siteNetKw;
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
      for (let j = 0; j < S * T; j++) {
        lambda[j] = alpha * bestLambda[j]! + (1 - alpha) * solution.lambdaKw[j]!;
        nu[j] = alpha * bestNu[j]! + (1 - alpha) * solution.nu[j]!;
        towardOut[j] = solution.lambdaKw[j]! - bestLambda[j]!;
        towardOut[S * T + j] = solution.nu[j]! - bestNu[j]!;
      }
      for (let t = 0; t < T; t++) pi[t] = alpha * bestPi[t]! + (1 - alpha) * solution.feederKw[t]!;
      clipFeeder(pi, feeder);
      separated = true;
      project();
    }
    const powers = weights ? await planOf(weights) : vehicles.map(() => new Float64Array(T));
    const sumNetKw = new Float64Array(T);
    if (siteNetKw) for (let j = 0; j < S * T; j++) sumNetKw[j % T]! += siteNetKw[j]!;
    const planned = feeder && S > 1 && siteNetKw ? settlePortfolio(members, sites, powers, first, feeder) : members.map((m, s) => {
      const own = powers.slice(first[s]!, first[s + 1]!);
      settlePlan(m.rp, m.vehicles, sites[s]!, own);
      return { powers: own, objective: planObjective(m.rp, own) };
    });
    return {
      sites: planned,
      objective: planned.reduce((a, p) => a + p.objective, 0),
      bound,
      iterations,
      stopReason,
      prices: {
        sites: members.map((_, s) => ({ lambdaKw: Array.from(bestLambda.subarray(s * T, (s + 1) * T)), nu: Array.from(bestNu.subarray(s * T, (s + 1) * T)) })),
        feederKw: Array.from(bestPi),
      },
      history,
      masterMs,
      ...(seed ? { seed } : {}),
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
