/**
 * A site's relaxation for the aggregate portfolio LP (aggregate-first.ts, issue 17 session 13): a "virtual
 * battery" per group of vehicles instead of one battery per vehicle. Its optimum at any prices is at most the
 * site's exact priced optimum (the proof is in README.md, "Aggregate first"): every plan of the site maps to a
 * feasible point of it whose relaxed cost is at most the plan's cost.
 *
 * Per group g of vehicles with the same charge and discharge efficiency (and, by the grouping, V2G or not, or
 * the same departure slot), per slot t:
 *   C_g[t] in [0, sum_v maxCharge_v[t]],  X_g[t] in [0, sum_v maxDischarge_v[t]]           (kW, grid side)
 *   D_g[t+1] = D_g[t] + dt (eta_c C_g[t] - X_g[t] / eta_d),  D_g[first] = 0                 (kWh stored since t = 0)
 *   D_g[t] in [sum_v P_v(t), sum_v U_v(t)],   D_g[t] + short_g >= sum_v max(P_v(t), Q_v(t))
 * where, for vehicle v with initial energy e0 (d_v(t) = its stored energy at the start of t minus e0, 0 before it
 * arrives): U_v(t) = min(capacity - e0, eta_c dt (its charge limits before t)), P_v(t) = max(floor - e0,
 * -dt / eta_d (its discharge limits before t)), Q_v(t) = required - e0 - eta_c dt (its charge limits from t to its
 * departure); short_g >= 0 costs the shortfall penalty. The site's own rows are the exact model's: balance,
 * import and export limits, the excess columns at their penalty, PV curtailment, every demand-charge peak.
 * Dropped (each only removes constraints): minimum currents and mode binaries, charge tapers, the network's
 * current limits, the per-vehicle split of the group's power and energy, the charge preference (not billed).
 * Degradation is charged at the group's lowest rate.
 */
import type { LinearProgramBuilder } from '../linear-program.ts';
import type { ResolvedProblem, ResolvedVehicle } from '../resolved-problem.ts';
import { addDemandChargeRows } from '../demand-charge-rows.ts';

/**
 * How vehicles share a virtual battery: `efficiency` by their charge and discharge efficiencies only (smallest),
 * `v2g` also by V2G or not (default), `departure` also by departure slot (tighter, much larger).
 */
export type RelaxationGrouping = 'efficiency' | 'v2g' | 'departure';

export interface SiteRelaxationOptions {
  readonly grouping?: RelaxationGrouping;
  /** Added to the import and export prices per kWh (the feeder price), per slot; default none. */
  readonly adderPerKwh?: readonly number[];
}

/** Where the site's grid columns of the relaxation are (-1 = no column). Net import = import + importExcess - export - exportExcess. */
export interface SiteRelaxationColumns {
  readonly importKw: Int32Array;
  readonly importExcessKw: Int32Array;
  readonly exportKw: Int32Array;
  readonly exportExcessKw: Int32Array;
  /** Virtual batteries built. */
  readonly groups: number;
}

const groupKey = (v: ResolvedVehicle, grouping: RelaxationGrouping) => {
  const v2g = grouping === 'efficiency' ? 0 : v.maxDischargeKw.some((x) => x > 0) ? 1 : 0;
  return `${v.chargeEfficiency}|${v.dischargeEfficiency}|${v2g}${grouping === 'departure' ? `|${v.endSlot}` : ''}`;
};

/** The group's bounds on stored energy per slot boundary t = 0..T (kWh since t = 0), and its power limits per slot. */
function groupBounds(vehicles: readonly ResolvedVehicle[], T: number, dt: number) {
  const chargeKw = new Float64Array(T);
  const dischargeKw = new Float64Array(T);
  const upper = new Float64Array(T + 1);
  const hard = new Float64Array(T + 1);
  const soft = new Float64Array(T + 1);
  let degradation = Infinity;
  let hasTarget = false;
  for (const v of vehicles) {
    degradation = Math.min(degradation, v.degradationCostPerKwh);
    const e0 = v.initialEnergyKwh;
    const target = v.requiredEnergyKwh > v.floorEnergyKwh;
    hasTarget ||= target;
    let totalCharge = 0;
    for (let t = 0; t < T; t++) totalCharge += v.maxChargeKw[t]!;
    let charged = 0;
    let discharged = 0;
    for (let t = 0; t <= T; t++) {
      if (t > 0) {
        charged += v.maxChargeKw[t - 1]!;
        discharged += v.maxDischargeKw[t - 1]!;
      }
      const u = Math.max(0, Math.min(v.capacityKwh - e0, v.chargeEfficiency * dt * charged));
      const p = Math.min(0, Math.max(v.floorEnergyKwh - e0, (-dt / v.dischargeEfficiency) * discharged));
      const q = target ? v.requiredEnergyKwh - e0 - v.chargeEfficiency * dt * (totalCharge - charged) : -Infinity;
      upper[t]! += u;
      hard[t]! += p;
      soft[t]! += Math.max(p, q);
    }
    for (let t = 0; t < T; t++) {
      chargeKw[t]! += v.maxChargeKw[t]!;
      dischargeKw[t]! += v.maxDischargeKw[t]!;
    }
  }
  return { chargeKw, dischargeKw, upper, hard, soft, degradationPerKwh: Number.isFinite(degradation) ? degradation : 0, hasTarget };
}

/**
 * Adds site `rp`'s relaxation to `b` (its columns and rows only; the caller links its net import to shared rows)
 * and returns its grid columns. Its objective (with `b.offset`) is in the site's currency, the adder included.
 */
export function addSiteRelaxation(b: LinearProgramBuilder, rp: ResolvedProblem, options: SiteRelaxationOptions = {}): SiteRelaxationColumns {
  const T = rp.slotCount;
  const dt = rp.slotHours;
  const grouping = options.grouping ?? 'v2g';
  const adder = (t: number) => options.adderPerKwh?.[t] ?? 0;
  const byKey = new Map<string, ResolvedVehicle[]>();
  for (const v of rp.vehicles) {
    const key = groupKey(v, grouping);
    const list = byKey.get(key);
    if (list) list.push(v);
    else byKey.set(key, [v]);
  }
  /** Per slot: the groups' charge and discharge columns in it (for the balance rows). */
  const chargeCols: number[][] = Array.from({ length: T }, () => []);
  const dischargeCols: number[][] = Array.from({ length: T }, () => []);
  for (const vehicles of byKey.values()) {
    const g = groupBounds(vehicles, T, dt);
    const etaC = vehicles[0]!.chargeEfficiency;
    const etaD = vehicles[0]!.dischargeEfficiency;
    const short = g.hasTarget ? b.addCol(rp.shortfallPenaltyPerKwh, 0, Infinity) : -1;
    let previous = -1; // -1: D = 0 (nothing stored yet)
    for (let t = 0; t < T; t++) {
      const c = g.chargeKw[t]! > 0 ? b.addCol(dt * g.degradationPerKwh, 0, g.chargeKw[t]!) : -1;
      const x = g.dischargeKw[t]! > 0 ? b.addCol(dt * g.degradationPerKwh, 0, g.dischargeKw[t]!) : -1;
      if (c >= 0) chargeCols[t]!.push(c);
      if (x >= 0) dischargeCols[t]!.push(x);
      if (previous < 0 && c < 0 && x < 0) {
        if (short >= 0 && g.soft[t + 1]! > 1e-9) {
          // Nothing stored yet, but the vehicles already need more than they can still get: the shortfall alone.
          b.entry(short, 1);
          b.endRow(g.soft[t + 1]!, Infinity);
        }
        continue;
      }
      // D[t+1] - D[t] - dt eta_c C + dt / eta_d X = 0
      const d = b.addCol(0, g.hard[t + 1]!, Math.max(g.hard[t + 1]!, g.upper[t + 1]!));
      b.entry(d, 1);
      if (previous >= 0) b.entry(previous, -1);
      if (c >= 0) b.entry(c, -dt * etaC);
      if (x >= 0) b.entry(x, dt / etaD);
      b.endRow(0, 0);
      if (short >= 0 && g.soft[t + 1]! > g.hard[t + 1]! + 1e-9) {
        b.entry(d, 1);
        b.entry(short, 1);
        b.endRow(g.soft[t + 1]!, Infinity);
      }
      previous = d;
    }
  }

  const importKw = new Int32Array(T).fill(-1);
  const importExcessKw = new Int32Array(T).fill(-1);
  const exportKw = new Int32Array(T).fill(-1);
  const exportExcessKw = new Int32Array(T).fill(-1);
  for (let t = 0; t < T; t++) {
    const price = rp.importPricePerKwh[t]! + adder(t);
    const exportPrice = rp.exportPricePerKwh[t]! + adder(t);
    const netBase = rp.netBaseKw[t]!;
    importKw[t] = b.addCol(dt * price, 0, rp.importLimitKw[t]!);
    if (netBase > rp.importLimitKw[t]!) importExcessKw[t] = b.addCol(dt * (price + rp.limitExcessPenaltyPerKwh), 0, netBase - rp.importLimitKw[t]!);
    if (rp.exportLimitKw[t]! > 0) exportKw[t] = b.addCol(-dt * exportPrice, 0, rp.exportLimitKw[t]!);
    let curtailed = -1;
    if (rp.pvCurtailable && rp.pvKw[t]! > 0) curtailed = b.addCol(0, 0, rp.pvKw[t]!);
    else if (-netBase > rp.exportLimitKw[t]!) exportExcessKw[t] = b.addCol(dt * (rp.limitExcessPenaltyPerKwh - exportPrice), 0, -netBase - rp.exportLimitKw[t]!);
    // import - export - sum(charge - discharge) - curtailed = base - pv (the exact model's balance row)
    b.entry(importKw[t]!, 1);
    if (importExcessKw[t]! >= 0) b.entry(importExcessKw[t]!, 1);
    if (exportKw[t]! >= 0) b.entry(exportKw[t]!, -1);
    if (exportExcessKw[t]! >= 0) b.entry(exportExcessKw[t]!, -1);
    if (curtailed >= 0) b.entry(curtailed, -1);
    for (const c of chargeCols[t]!) b.entry(c, -1);
    for (const x of dischargeCols[t]!) b.entry(x, 1);
    b.endRow(netBase, netBase);
  }
  addDemandChargeRows(b, rp, importKw, importExcessKw);
  return { importKw, importExcessKw, exportKw, exportExcessKw, groups: byKey.size };
}
