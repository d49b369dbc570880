/**
 * Primal recovery: a plan that keeps every shared row, built from the coordinator's prices and the ergodic
 * averages of the vehicles' answers (see README.md, "Recovery").
 *
 * Vehicles are placed one after another, least flexible first. Each gets the exact DP under the prices
 * with per-slot caps: charging only into the site's remaining import headroom (below the import limit and
 * below a peak cap on demand-charge slots) less what the vehicles not yet placed have reserved, and
 * discharging only into the remaining export headroom (PV that can be curtailed counts). The reservations are
 * each vehicle's average charge, scaled per slot so that all of them fit: every vehicle can get its share of
 * the averaged (near-optimal, near-feasible) answer, and free headroom goes to whoever is placed first.
 * Then minimum powers are made true per slot (raised to the minimum where the caps and the battery allow,
 * otherwise off) and single direction holds by construction (net power, burning slots closed). The result
 * is feasible for every shared row by construction; its cost is what the plan reports.
 */
import type { ResolvedProblem } from '../resolved-problem.ts';
import type { SiteSlots } from './site-oracle.ts';
import { DpWorkspace, solveVehicleDp, type DpVehicle } from './vehicle-dp.ts';

export interface RecoveryInput {
  readonly rp: ResolvedProblem;
  readonly vehicles: readonly DpVehicle[];
  readonly site: SiteSlots;
  readonly lambdaKw: ArrayLike<number>;
  /** Average charge per slot of vehicle i (kW), or undefined for no reservations. */
  readonly averageChargeKw?: (vehicle: number) => ArrayLike<number>;
  /** Cap on import in demand-charge slots (kW); Infinity for none. */
  readonly peakCapKw: number;
  /** Placement order (vehicle indices). */
  readonly order: readonly number[];
}

/** Net power per vehicle and slot (kW), feasible for every shared row. */
export function recoverPlan(input: RecoveryInput): Float64Array[] {
  const { rp, vehicles, site, lambdaKw, order } = input;
  const T = rp.slotCount;
  const dt = rp.slotHours;
  const placed = new Float64Array(T);
  const reserved = new Float64Array(T);
  const scale = new Float64Array(T).fill(1);
  const importRoom = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let cap = site.importCapKw[t]!;
    if (site.peakSlot[t] && input.peakCapKw < cap) cap = Math.max(input.peakCapKw, 0);
    importRoom[t] = cap - site.netBaseKw[t]!;
  }
  if (input.averageChargeKw) {
    for (const i of order) {
      const avg = input.averageChargeKw(i);
      const v = vehicles[i]!;
      for (let t = v.arrivalSlot; t < v.endSlot; t++) reserved[t]! += avg[t]!;
    }
    for (let t = 0; t < T; t++) {
      if (reserved[t]! > importRoom[t]! && reserved[t]! > 0) scale[t] = Math.max(0, importRoom[t]!) / reserved[t]!;
      reserved[t]! *= scale[t]!;
    }
  }
  const ws = new DpWorkspace();
  const chargeCap = new Float64Array(T);
  const dischargeCap = new Float64Array(T);
  const powers: Float64Array[] = vehicles.map(() => new Float64Array(T));
  for (const i of order) {
    const v = vehicles[i]!;
    const avg = input.averageChargeKw?.(i);
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      const own = avg ? avg[t]! * scale[t]! : 0;
      reserved[t]! -= own;
      chargeCap[t] = Math.max(0, importRoom[t]! - placed[t]! - Math.max(0, reserved[t]!));
      dischargeCap[t] = Math.max(0, site.netBaseKw[t]! + site.curtailCapKw[t]! + placed[t]! + site.exportCapKw[t]!);
    }
    const p = powers[i]!;
    solveVehicleDp(v, dt, lambdaKw, p, ws, { singleDirection: true, chargeCapKw: chargeCap, dischargeCapKw: dischargeCap });
    const r = rp.vehicles[i]!;
    enforceMinimumPower(v, dt, r.minChargeKw, r.minDischargeKw, p, chargeCap, dischargeCap);
    for (let t = v.arrivalSlot; t < v.endSlot; t++) placed[t]! += p[t]!;
  }
  return powers;
}

const tolKw = 1e-9;

/**
 * Makes every non-zero power at least its minimum, slot by slot in time order: a low charge is raised to
 * the minimum where the cap allows and the battery stays below capacity for the rest of the stay, otherwise
 * turned off if the battery stays within its bounds that way; a low discharge likewise.
 */
export function enforceMinimumPower(
  v: DpVehicle,
  dt: number,
  minChargeKw: number,
  minDischargeKw: number,
  p: Float64Array,
  chargeCap: ArrayLike<number>,
  dischargeCap: ArrayLike<number>,
): void {
  if (minChargeKw <= 0 && minDischargeKw <= 0) return;
  const a = v.arrivalSlot;
  const end = v.endSlot;
  const lo = Math.min(v.floorEnergyKwh, v.initialEnergyKwh);
  const hi = Math.max(v.capacityKwh, v.initialEnergyKwh);
  const step = (kw: number) => (kw > 0 ? dt * v.chargeEfficiency * kw : (dt * kw) / v.dischargeEfficiency);
  // Energy after each slot, kept current as slots change.
  const energy = new Float64Array(end - a + 1);
  const refresh = () => {
    energy[0] = v.initialEnergyKwh;
    for (let t = a; t < end; t++) energy[t - a + 1] = energy[t - a]! + step(p[t]!);
  };
  refresh();
  /** Whether changing slot t's energy step by `delta` keeps every later energy within [lo, hi]. */
  const fits = (t: number, delta: number) => {
    for (let k = t - a + 1; k < energy.length; k++) {
      const e = energy[k]! + delta;
      if (e > hi + 1e-9 || e < lo - 1e-9) return false;
    }
    return true;
  };
  for (let t = a; t < end; t++) {
    const kw = p[t]!;
    let next = kw;
    if (kw > tolKw && kw < minChargeKw - tolKw) {
      const raise = Math.min(minChargeKw, v.maxChargeKw[t]!);
      if (raise >= minChargeKw - tolKw && raise <= chargeCap[t]! + tolKw && fits(t, step(raise) - step(kw))) next = raise;
      else if (fits(t, -step(kw))) next = 0;
      else continue; // cannot happen for a trajectory within bounds: kept, the validator would say so
    } else if (kw < -tolKw && -kw < minDischargeKw - tolKw) {
      const raise = Math.min(minDischargeKw, v.maxDischargeKw[t]!);
      if (raise >= minDischargeKw - tolKw && raise <= dischargeCap[t]! + tolKw && fits(t, step(-raise) - step(kw))) next = -raise;
      else if (fits(t, -step(kw))) next = 0;
      else continue; // cannot happen for a trajectory within bounds: kept, the validator would say so
    }
    if (next !== kw) {
      p[t] = next;
      refresh();
    }
  }
}
