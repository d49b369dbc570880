/**
 * Turns per-vehicle net power per slot into a complete `Plan`: energy trajectories, shortfalls, site import
 * and export, limit excess and the cost breakdown. Every backend and baseline produces powers and calls
 * this, so costs mean the same thing everywhere. (The validator recomputes all of it on its own.)
 */
import type { Backend, CostBreakdown, Plan, PlanStatus, SolverStats, VehiclePlan } from './plan.ts';
import type { ResolvedProblem } from './resolved-problem.ts';

/** Powers whose magnitude is below this (kW) are solver noise and become exactly 0. */
export const powerNoiseKw = 1e-7;

export interface AssemblyInput {
  readonly status: PlanStatus;
  readonly message?: string;
  /** Net power per vehicle (same order as `rp.vehicles`) and slot (kW). */
  readonly powerKw: readonly ArrayLike<number>[];
  /**
   * PV curtailed per slot (kW) as a solver chose it; default: `bestCurtailmentKw` given the powers (which
   * only turns PV down to cut export, never to raise import).
   */
  readonly pvCurtailedKw?: ArrayLike<number>;
  readonly stats: SolverStats;
}

/**
 * The PV curtailment for one slot given the vehicles' power (kW, 0..pvKw), for plans whose solver did not
 * choose one (baselines): PV is turned down only to cut export - never past the point where the site would
 * import, so a demand charge can never be raised by it - to the cheapest point: the slot's cost is piecewise
 * linear in the curtailment, so its minimum lies at an end or where the export crosses its limit.
 * The export limit is hard: above it the limit penalty dominates any price. Ties go to the smallest curtailment.
 */
export function bestCurtailmentKw(rp: ResolvedProblem, t: number, netBeforeKw: number): number {
  const pv = rp.pvCurtailable ? rp.pvKw[t]! : 0;
  if (pv <= 0) return 0;
  const importPrice = rp.importPricePerKwh[t]!;
  const exportPrice = rp.exportPricePerKwh[t]!;
  const importLimit = rp.importLimitKw[t]!;
  const exportLimit = rp.exportLimitKw[t]!;
  const penalty = rp.limitExcessPenaltyPerKwh;
  const cost = (u: number) => {
    const net = netBeforeKw + u;
    const imp = Math.max(0, net);
    const exp = Math.max(0, -net);
    return importPrice * imp - exportPrice * exp + penalty * (Math.max(0, imp - importLimit) + Math.max(0, exp - exportLimit));
  };
  const most = Math.min(pv, Math.max(0, -netBeforeKw)); // never turn export into import
  let best = 0;
  let bestCost = cost(0);
  for (const candidate of [most, -netBeforeKw - exportLimit]) {
    if (!Number.isFinite(candidate)) continue;
    const u = Math.min(most, Math.max(0, candidate));
    const c = cost(u);
    if (c < bestCost - 1e-12 || (Math.abs(c - bestCost) <= 1e-12 && u < best)) {
      best = u;
      bestCost = c;
    }
  }
  return best;
}

/** Per-slot grid exchange implied by the vehicles' net power and the PV curtailment (given, or where it pays). */
export function siteFlows(rp: ResolvedProblem, powerKw: readonly ArrayLike<number>[], curtailedKw?: ArrayLike<number>) {
  const T = rp.slotCount;
  const importKw = new Array<number>(T);
  const exportKw = new Array<number>(T);
  const importExcessKw = new Array<number>(T);
  const exportExcessKw = new Array<number>(T);
  const pvCurtailedKw = new Array<number>(T);
  for (let t = 0; t < T; t++) {
    let net = rp.netBaseKw[t]!;
    for (const p of powerKw) net += p[t]!;
    const given = curtailedKw?.[t];
    const curtailed = given === undefined ? bestCurtailmentKw(rp, t, net) : Math.min(rp.pvKw[t]!, Math.max(0, given < powerNoiseKw ? 0 : given));
    net += curtailed;
    pvCurtailedKw[t] = curtailed;
    importKw[t] = net > 0 ? net : 0;
    exportKw[t] = net < 0 ? -net : 0;
    importExcessKw[t] = Math.max(0, importKw[t]! - rp.importLimitKw[t]!);
    exportExcessKw[t] = Math.max(0, exportKw[t]! - rp.exportLimitKw[t]!);
  }
  return { importKw, exportKw, importExcessKw, exportExcessKw, pvCurtailedKw };
}

/**
 * The complete `Plan` for net powers per vehicle and slot (kW): energies (kWh) re-simulated from the
 * powers, shortfalls, site flows, PV curtailment and the cost breakdown. Powers below `powerNoiseKw` become 0.
 */
export function assemblePlan(rp: ResolvedProblem, input: AssemblyInput): Plan {
  const T = rp.slotCount;
  const dt = rp.slotHours;
  let degradationCost = 0;
  let shortfallKwh = 0;
  const vehicles: VehiclePlan[] = rp.vehicles.map((v, i) => {
    const source = input.powerKw[i]!;
    const powerKw = new Array<number>(T).fill(0);
    const energyKwh = new Array<number>(T + 1);
    let e = v.initialEnergyKwh;
    energyKwh[0] = e;
    for (let t = 0; t < T; t++) {
      const raw = source[t]!;
      const p = Math.abs(raw) < powerNoiseKw ? 0 : raw;
      powerKw[t] = p;
      if (t >= v.arrivalSlot && t < v.endSlot && p !== 0) {
        e += p > 0 ? dt * v.chargeEfficiency * p : (dt * p) / v.dischargeEfficiency;
        degradationCost += v.degradationCostPerKwh * dt * Math.abs(p);
      }
      energyKwh[t + 1] = e;
    }
    const endEnergy = energyKwh[v.endSlot]!;
    const vehicleShortfall = Math.max(0, v.requiredEnergyKwh - endEnergy);
    shortfallKwh += vehicleShortfall;
    return { id: v.id, chargerId: v.chargerId, powerKw, energyKwh, shortfallKwh: vehicleShortfall };
  });

  const flows = siteFlows(rp, vehicles.map((v) => v.powerKw), input.pvCurtailedKw);
  let energyCost = 0;
  let exportRevenue = 0;
  let limitExcessKwh = 0;
  let peak = rp.previousPeakKw;
  for (let t = 0; t < T; t++) {
    energyCost += dt * rp.importPricePerKwh[t]! * flows.importKw[t]!;
    exportRevenue += dt * rp.exportPricePerKwh[t]! * flows.exportKw[t]!;
    limitExcessKwh += dt * (flows.importExcessKw[t]! + flows.exportExcessKw[t]!);
    if (rp.demandChargeSlot[t] && flows.importKw[t]! > peak) peak = flows.importKw[t]!;
  }
  let demandCharge = 0;
  for (const dc of rp.demandChargePeriods) {
    let periodPeak = dc.previousPeakKw;
    for (let t = 0; t < T; t++) if (dc.slot[t] && flows.importKw[t]! > periodPeak) periodPeak = flows.importKw[t]!;
    demandCharge += dc.pricePerKw * (periodPeak - dc.previousPeakKw);
  }
  const netCost = energyCost - exportRevenue + demandCharge + degradationCost;
  const shortfallPenalty = rp.shortfallPenaltyPerKwh * shortfallKwh;
  const cost: CostBreakdown = {
    energyCost,
    exportRevenue,
    demandCharge,
    degradationCost,
    netCost,
    shortfallKwh,
    shortfallPenalty,
    limitExcessKwh,
    objective: netCost + shortfallPenalty + rp.limitExcessPenaltyPerKwh * limitExcessKwh,
  };
  return {
    status: input.status,
    ...(input.message !== undefined ? { message: input.message } : {}),
    slotCount: T,
    slotHours: dt,
    currency: rp.currency,
    vehicles,
    site: { ...flows, peakImportKw: peak },
    cost,
    stats: input.stats,
  };
}

/** Stats for a plan that no solver produced (baselines, fallbacks). */
export function emptyStats(backend: Backend, solveMs = 0): SolverStats {
  return { backend, buildMs: 0, solveMs, rows: 0, columns: 0, iterations: 0, integerColumns: 0, rounds: 0 };
}
