/**
 * The price coordinator (see README.md): Lagrangian dual ascent on the shared rows of the fleet LP - the
 * site balance per slot (multiplier lambda_t, a price per kW) and the demand-charge peak rows (nu_t >= 0,
 * sum <= demand charge) - with Polyak steps towards the best recovered plan's cost, exact oracles on both
 * sides (vehicle-dp.ts, site-oracle.ts), so every dual value is a lower bound of the LP relaxation and
 * hence of the problem; the best one is the certified bound. Every few iterations the primal recovery
 * (primal-recovery.ts) turns the prices and the ergodic averages into a plan that keeps every shared row.
 */
import type { LpBackend } from '../backends/lp-backend.ts';
import type { ResolvedProblem } from '../resolved-problem.ts';
import { gapPct, type SolveProgressListener } from '../solve-progress.ts';
import { BundleMaster } from './bundle-master.ts';
import { planObjective } from './plan-objective.ts';
import { recoverPlan } from './primal-recovery.ts';
import { newSiteAnswer, siteSlots, solveSite, type SiteSlots } from './site-oracle.ts';
import type { DpVehicle } from './vehicle-dp.ts';

/** Where the vehicles are priced: in this thread or on workers. */
export interface FleetPricer {
  /** Prices every vehicle (exact DP); weight 1/averageCount into the ergodic averages (1 restarts, 0 skips). */
  price(lambdaKw: Float64Array, averageCount: number): Promise<{ objective: number; sumKw: Float64Array }>;
  averageChargeKw(vehicle: number): ArrayLike<number>;
  averageDischargeKw(vehicle: number): ArrayLike<number>;
  /** Net power per slot of the vehicle's answer at the last pricing (kW). */
  lastPowerKw(vehicle: number): ArrayLike<number>;
  /** The vehicle's DP objective at the last pricing (prices included). */
  vehicleObjective(vehicle: number): number;
}

/** Multipliers to start from: a previous solve's (warm start). Per slot of the same horizon. */
export interface DualPrices {
  readonly lambdaKw: readonly number[];
  readonly nu: readonly number[];
  /**
   * The previous plan's net power per vehicle (problem order) and slot (kW), optional: column generation
   * starts with it as a column set (a vehicle whose row no longer fits its own limits starts idle instead).
   */
  readonly powerKw?: readonly (readonly number[])[];
}

export interface CoordinatorOptions {
  /** Stop once (plan - bound) / |plan| is at most this. Default 1e-3 (0.1 %). */
  readonly targetGap?: number;
  /** Default 100. */
  readonly maxIterations?: number;
  /** Wall-clock budget (ms). Default 60 000. */
  readonly timeLimitMs?: number;
  /** Recover a plan every this many iterations (the peak cap searched only at the first and the last). Default 10. */
  readonly recoverEvery?: number;
  readonly warmStart?: DualPrices;
  /**
   * LP backend for the trust-region cutting-plane step rule (bundle-master.ts); without it, Polyak
   * subgradient steps.
   */
  readonly masterBackend?: LpBackend;
  /** Monotonic clock in ms (injected; default performance.now). */
  readonly now?: () => number;
  /** Progress per iteration (phase `decomposition`: iteration, best plan, bound, gap); decompose.ts adds `done`. */
  readonly onProgress?: SolveProgressListener;
}

export const coordinatorDefaults = { targetGap: 1e-3, maxIterations: 100, timeLimitMs: 60_000, recoverEvery: 10 } as const;

export interface CoordinatorResult {
  /** Net power per vehicle and slot (kW) of the best plan recovered. */
  readonly powers: Float64Array[];
  /** Its objective (plan-assembly.ts's `cost.objective`). */
  readonly objective: number;
  /** Best dual value: a lower bound on the optimum of the LP relaxation and of the problem. */
  readonly bound: number;
  readonly iterations: number;
  readonly recoveries: number;
  /** The multipliers of the best bound (seed the next solve with them). */
  readonly prices: DualPrices;
  /** `master`: the column-generation master LP gave no optimum (the plan is the last one it gave). */
  readonly stopReason: 'gap' | 'iterations' | 'time' | 'optimal' | 'master';
  /**
   * Further plans, worse by objective, for when the best fails the validator (column generation: the
   * placement plan it was seeded with), each with how it was made.
   */
  readonly alternatives?: readonly { readonly powers: Float64Array[]; readonly objective: number; readonly label: string }[];
  /** How the best plan was made (column generation: 'master plan'). */
  readonly label?: string;
  /** Dual and best primal value per iteration. */
  readonly history: readonly { readonly dual: number; readonly primal: number }[];
}

/** Vehicle indices, least flexible first: spare energy the stay could still take beyond the need (kWh). */
export function placementOrder(rp: ResolvedProblem): number[] {
  const spare = rp.vehicles.map((v) => {
    let room = 0;
    for (let t = v.arrivalSlot; t < v.endSlot; t++) room += v.maxChargeKw[t]! * v.chargeEfficiency * rp.slotHours;
    return room - Math.max(0, v.requiredEnergyKwh - v.initialEnergyKwh);
  });
  return rp.vehicles.map((_, i) => i).sort((a, b) => spare[a]! - spare[b]! || a - b);
}

/** Euclidean projection onto {nu >= 0 on peak slots, 0 elsewhere, sum <= cap}. */
export function projectPeakMultipliers(nu: Float64Array, peakSlot: Uint8Array, cap: number): void {
  let sum = 0;
  for (let t = 0; t < nu.length; t++) {
    nu[t] = peakSlot[t] ? Math.max(0, nu[t]!) : 0;
    sum += nu[t]!;
  }
  if (sum <= cap) return;
  // Projection onto the simplex of radius cap: find tau with sum(max(0, nu - tau)) = cap.
  const values = Array.from(nu).filter((x, t) => peakSlot[t] && x > 0).sort((a, b) => b - a);
  let cumulative = 0;
  let tau = 0;
  for (let k = 0; k < values.length; k++) {
    cumulative += values[k]!;
    const candidate = (cumulative - cap) / (k + 1);
    if (k === values.length - 1 || values[k + 1]! <= candidate) {
      tau = candidate;
      break;
    }
  }
  for (let t = 0; t < nu.length; t++) nu[t] = Math.max(0, nu[t]! - tau);
}

interface Candidate {
  powers: Float64Array[];
  objective: number;
}

function ergodicPeakKw(rp: ResolvedProblem, vehicles: readonly DpVehicle[], pricer: FleetPricer): number {
  const net = Float64Array.from(rp.netBaseKw);
  vehicles.forEach((v, i) => {
    const c = pricer.averageChargeKw(i);
    const d = pricer.averageDischargeKw(i);
    for (let t = v.arrivalSlot; t < v.endSlot; t++) net[t]! += c[t]! - d[t]!;
  });
  let peak = rp.previousPeakKw;
  for (let t = 0; t < rp.slotCount; t++) if (rp.demandChargeSlot[t] && net[t]! > peak) peak = net[t]!;
  return peak;
}

export async function coordinate(
  rp: ResolvedProblem,
  vehicles: readonly DpVehicle[],
  pricer: FleetPricer,
  options: CoordinatorOptions = {},
): Promise<CoordinatorResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const targetGap = options.targetGap ?? coordinatorDefaults.targetGap;
  const maxIterations = options.maxIterations ?? coordinatorDefaults.maxIterations;
  const timeLimitMs = options.timeLimitMs ?? coordinatorDefaults.timeLimitMs;
  const recoverEvery = options.recoverEvery ?? coordinatorDefaults.recoverEvery;
  const T = rp.slotCount;
  const site: SiteSlots = siteSlots(rp);
  const order = placementOrder(rp);
  const lambda = new Float64Array(T);
  const nu = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    lambda[t] = options.warmStart?.lambdaKw[t] ?? rp.slotHours * rp.importPricePerKwh[t]!;
    nu[t] = options.warmStart?.nu[t] ?? 0;
  }
  projectPeakMultipliers(nu, site.peakSlot, site.demandChargePerKw);
  const answer = newSiteAnswer(T);
  let bound = -Infinity;
  const bestLambda = Float64Array.from(lambda);
  const bestNu = Float64Array.from(nu);
  let best: Candidate | undefined;
  let theta = 1;
  let sinceImprovement = 0;
  let averageCount = 0;
  let nextRestart = 4;
  let recoveries = 0;
  const history: { dual: number; primal: number }[] = [];
  let meanPrice = 0;
  for (let t = 0; t < T; t++) meanPrice += Math.abs(rp.slotHours * rp.importPricePerKwh[t]!) / T;
  const master = options.masterBackend
    ? new BundleMaster(options.masterBackend, site, Float64Array.from([...lambda, ...nu]), Math.max(meanPrice, 1e-6))
    : undefined;
  const z = new Float64Array(2 * T);
  let stopReason: CoordinatorResult['stopReason'] = 'iterations';
  let iterations = 0;

  let peakCapKw = Infinity;
  const tryCap = (cap: number, withAverages: boolean): number => {
    const powers = recoverPlan({
      rp,
      vehicles,
      site,
      lambdaKw: bestLambda,
      ...(withAverages ? { averageChargeKw: (i: number) => pricer.averageChargeKw(i) } : {}),
      peakCapKw: cap,
      order,
    });
    const objective = planObjective(rp, powers);
    recoveries++;
    if (!best || objective < best.objective) {
      best = { powers, objective };
      peakCapKw = cap;
    }
    return objective;
  };
  /**
   * A plan from the best prices; with a demand charge, the import cap on its slots is searched (golden
   * section between the least peak the site could reach and the uncapped plan's peak) when `search`.
   */
  const recover = (withAverages: boolean, search: boolean) => {
    if (site.demandChargePerKw <= 0) {
      tryCap(Infinity, withAverages);
      return;
    }
    if (!search) {
      tryCap(peakCapKw, withAverages);
      return;
    }
    const high = Math.min(ergodicPeakKw(rp, vehicles, pricer) * 1.2, uncappedPeak(withAverages));
    let low = site.previousPeakKw;
    for (let t = 0; t < T; t++) if (site.peakSlot[t]) low = Math.max(low, site.netBaseKw[t]! + site.fleetMinKw[t]!);
    golden(low, Math.max(low, high), 7, (cap) => tryCap(cap, withAverages));
  };
  const uncappedPeak = (withAverages: boolean): number => {
    tryCap(Infinity, withAverages);
    const powers = recoverPlan({
      rp,
      vehicles,
      site,
      lambdaKw: bestLambda,
      ...(withAverages ? { averageChargeKw: (i: number) => pricer.averageChargeKw(i) } : {}),
      peakCapKw: Infinity,
      order,
    });
    return peakOf(rp, powers);
  };

  for (let k = 0; k < maxIterations; k++) {
    iterations = k + 1;
    if (k + 1 === nextRestart) {
      averageCount = 1;
      nextRestart *= 2;
    } else averageCount++;
    const fleet = await pricer.price(lambda, averageCount);
    solveSite(site, lambda, nu, answer);
    const dual = fleet.objective + answer.value;
    if (bound === -Infinity || dual > bound + 1e-12 * Math.max(1, Math.abs(bound))) {
      bound = dual;
      bestLambda.set(lambda);
      bestNu.set(nu);
      sinceImprovement = 0;
    } else if (++sinceImprovement >= 5) {
      theta /= 2;
      sinceImprovement = 0;
    }
    if (k === 0) recover(false, true);
    else if (k % recoverEvery === 0) recover(true, false);
    const upper = best!.objective;
    history.push({ dual, primal: upper });
    const pct = gapPct(upper, bound);
    options.onProgress?.({
      phase: 'decomposition',
      round: iterations,
      elapsedMs: now() - started,
      timeLimitMs,
      bestObjective: upper,
      bound,
      ...(pct !== undefined ? { gapPct: pct } : {}),
    });
    // Subgradient: what the vehicles draw minus what the site takes; peak rows: import minus the peak.
    let norm = 0;
    const gLambda = new Float64Array(T);
    const gNu = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      gLambda[t] = fleet.sumKw[t]! - answer.takeKw[t]!;
      norm += gLambda[t]! ** 2;
      if (site.peakSlot[t]) {
        gNu[t] = answer.importKw[t]! - answer.peakKw;
        norm += gNu[t]! ** 2;
      }
    }
    if (gapOf(upper, bound) <= targetGap) {
      stopReason = 'gap';
      break;
    }
    if (norm <= 1e-18) {
      // The dual point is optimal and its vehicle answers fit the site: recover at these prices.
      recover(true, true);
      stopReason = gapOf(best!.objective, bound) <= targetGap ? 'gap' : 'optimal';
      break;
    }
    if (now() - started > timeLimitMs) {
      stopReason = 'time';
      break;
    }
    if (master) {
      z.set(lambda);
      z.set(nu, T);
      master.addCut(z, dual, fleet.objective, fleet.sumKw);
      if (master.next(z)) {
        lambda.set(z.subarray(0, T));
        nu.set(z.subarray(T));
        projectPeakMultipliers(nu, site.peakSlot, site.demandChargePerKw);
        continue;
      }
    }
    const step = (theta * Math.max(upper - dual, 1e-9 * Math.max(1, Math.abs(upper)))) / norm;
    for (let t = 0; t < T; t++) {
      lambda[t]! += step * gLambda[t]!;
      nu[t]! += step * gNu[t]!;
    }
    projectPeakMultipliers(nu, site.peakSlot, site.demandChargePerKw);
  }
  master?.dispose();
  if (stopReason !== 'gap' && stopReason !== 'optimal' && iterations > 1) {
    recover(true, true);
    recover(false, true);
  }
  return {
    powers: best!.powers,
    objective: best!.objective,
    bound,
    iterations,
    recoveries,
    prices: { lambdaKw: Array.from(bestLambda), nu: Array.from(bestNu) },
    stopReason,
    history,
  };
}

/** Golden-section search of a unimodal function on [low, high] with `evaluations` evaluations. */
function golden(low: number, high: number, evaluations: number, f: (x: number) => number): void {
  const r = (Math.sqrt(5) - 1) / 2;
  let a = low;
  let b = high;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let k = 2; k < evaluations; k++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
}

function peakOf(rp: ResolvedProblem, powers: readonly Float64Array[]): number {
  const net = Float64Array.from(rp.netBaseKw);
  rp.vehicles.forEach((v, i) => {
    for (let t = v.arrivalSlot; t < v.endSlot; t++) net[t]! += powers[i]![t]!;
  });
  let peak = rp.previousPeakKw;
  for (let t = 0; t < rp.slotCount; t++) if (rp.demandChargeSlot[t] && net[t]! > peak) peak = net[t]!;
  return peak;
}

/** (plan - bound) / |plan|, 0 when they meet; the relative gap every decomposed plan states. */
export function gapOf(objective: number, bound: number): number {
  const diff = objective - bound;
  if (diff <= 0) return 0;
  return diff / Math.max(Math.abs(objective), 1e-9);
}
