/**
 * The charge taper as rows of the LP (`Vehicle.chargeTaper`, problem.ts). For a vehicle with a taper
 * (s0 = `startSoc`, f = `endPowerFraction`, L = `fullPowerKw`, theta = `checkAtSlotFraction`, C = capacity) and
 * every slot t of its stay where the row can bind, the charge power c[t] (kW, grid side) keeps to
 *
 *     c[t] <= L x (1 - k x (E_chk / C - s0)),   k = (1 - f) / (1 - s0),
 *     E_chk = e[t] + theta x dt x (eta_c c[t] - x[t] / eta_d)   (the stored energy theta into the slot),
 *
 * which is linear: in the chain energy form with e[t] the energy column of the slot before (e[arrival] = E0), in
 * the prefix form with e[t] = E0 + sum over the stay's earlier slots of dt (eta_c c - x / eta_d):
 *
 *     (1 + a theta dt eta_c) c[t] - a theta dt x[t] / eta_d + a dt sum_{u<t} (eta_c c[u] - x[u] / eta_d) <= L (1 + k s0) - a E0,
 *     a = L k / C.
 *
 * Below the taper start the right side exceeds L, so one row holds the whole piecewise-linear limit
 * min(L, L (1 - k (soc - s0))) wherever the column's own bound is at most L. A row is added only where it can
 * bind: the highest energy the vehicle could hold at the check point (every earlier slot at its charge limit)
 * gives a limit below the slot's charge bound. Vehicles that cannot reach the taper within their stay get none.
 *
 * Why theta: a simulation integrating a slot in n steps at a constant setpoint accepts it exactly when the
 * limit holds at its last step's start, (n - 1) / n into the slot (vehicle-physics.ts in scenarios/); theta = 1
 * (the default) is conservative for any n. The validator re-checks the same rule (plan-validator-taper.ts).
 */
import type { LinearProgramBuilder } from './linear-program.ts';
import type { ChargeTaper } from './problem.ts';
import type { ResolvedProblem, ResolvedVehicle } from './resolved-problem.ts';

/** A row counts as able to bind when the column's bound passes the lowest limit by more than this (kW). */
const bindToleranceKw = 1e-9;

/** Slope of the taper: power lost per unit of SoC above the start, as a fraction of `fullPowerKw`. */
export function taperSlope(taper: ChargeTaper): number {
  return (1 - taper.endPowerFraction) / (1 - taper.startSoc);
}

/** The linear limit at state of charge `soc` (kW): above `fullPowerKw` below the taper start, the taper above it. */
export function taperLimitKw(taper: ChargeTaper, soc: number): number {
  return taper.fullPowerKw * (1 - taperSlope(taper) * (soc - taper.startSoc));
}

/** Rows and nonzeros the taper added to a model (`plan.stats.taperRows`). */
export interface TaperRowCount {
  rows: number;
  nonzeros: number;
}

/**
 * Adds vehicle `v`'s taper rows over its charge columns `c` and discharge columns `x` (per slot, -1 = none). With
 * the chain form's energy columns (`energyAtEnd`) a row reads the slot's start energy from one column (3-4
 * nonzeros); without, from the prefix sum of the earlier slots' powers (up to 2 per earlier slot).
 */
function addVehicleTaperRows(
  b: LinearProgramBuilder,
  rp: ResolvedProblem,
  v: ResolvedVehicle,
  taper: ChargeTaper,
  c: Int32Array,
  x: Int32Array,
  energyAtEnd: Int32Array | undefined,
  count: TaperRowCount,
): void {
  const dt = rp.slotHours;
  const theta = taper.checkAtSlotFraction ?? 1;
  const a = (taper.fullPowerKw * taperSlope(taper)) / v.capacityKwh;
  if (!(a > 0)) return;
  const rhsBase = taper.fullPowerKw * (1 + taperSlope(taper) * taper.startSoc);
  const stay = Math.max(0, v.endSlot - v.arrivalSlot);
  // The earlier slots' entries (a dt eta_c on charge, -a dt / eta_d on discharge), grown slot by slot.
  const cols = new Int32Array(2 * stay + 2);
  const values = new Float64Array(2 * stay + 2);
  let n = 0;
  let highestKwh = v.initialEnergyKwh; // the most the vehicle can hold at the start of slot t
  for (let t = v.arrivalSlot; t < v.endSlot; t++) {
    const bound = v.maxChargeKw[t]!;
    const gainKwh = dt * v.chargeEfficiency * bound;
    const checkKwh = Math.min(v.capacityKwh, highestKwh + theta * gainKwh);
    if (c[t]! >= 0 && taperLimitKw(taper, checkKwh / v.capacityKwh) < bound - bindToleranceKw) {
      const startCol = energyAtEnd !== undefined && t > v.arrivalSlot ? energyAtEnd[t - 1]! : -1;
      if (startCol >= 0) b.entry(startCol, a);
      else b.entries(cols, values, n);
      b.entry(c[t]!, 1 + a * theta * dt * v.chargeEfficiency);
      if (x[t]! >= 0) b.entry(x[t]!, (-a * theta * dt) / v.dischargeEfficiency);
      b.endRow(-Infinity, rhsBase - (startCol >= 0 ? 0 : a * v.initialEnergyKwh));
      count.rows++;
      count.nonzeros += (startCol >= 0 ? 1 : n) + 1 + (x[t]! >= 0 ? 1 : 0);
    }
    if (c[t]! >= 0) {
      cols[n] = c[t]!;
      values[n++] = a * dt * v.chargeEfficiency;
    }
    if (x[t]! >= 0) {
      cols[n] = x[t]!;
      values[n++] = (-a * dt) / v.dischargeEfficiency;
    }
    highestKwh = Math.min(v.capacityKwh, highestKwh + gainKwh);
  }
}

/**
 * Nonzeros the taper rows would have in the prefix energy form (no energy columns: each row sums the earlier
 * slots' powers), with the same rule as `addVehicleTaperRows` for which slots get a row. The energy form's choice
 * counts them (energy-rows.ts `chooseEnergyForm`): on long stays they are quadratic in the stay, like the prefix
 * form's own capacity rows (a Caltech month at 5-minute slots: about 7 M, against 0.4 M in the chain form).
 */
export function taperPrefixNonzeros(rp: ResolvedProblem): number {
  let total = 0;
  for (const v of rp.vehicles) {
    const taper = rp.source.vehicles[v.index]?.chargeTaper;
    if (taper === undefined) continue;
    const a = (taper.fullPowerKw * taperSlope(taper)) / v.capacityKwh;
    if (!(a > 0)) continue;
    const dt = rp.slotHours;
    const theta = taper.checkAtSlotFraction ?? 1;
    let earlier = 0;
    let highestKwh = v.initialEnergyKwh;
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      const bound = v.maxChargeKw[t]!;
      const charges = bound > 0;
      const discharges = v.maxDischargeKw[t]! > 0;
      const gainKwh = dt * v.chargeEfficiency * bound;
      const checkKwh = Math.min(v.capacityKwh, highestKwh + theta * gainKwh);
      if (charges && taperLimitKw(taper, checkKwh / v.capacityKwh) < bound - bindToleranceKw) total += earlier + 1 + (discharges ? 1 : 0);
      earlier += (charges ? 1 : 0) + (discharges ? 1 : 0);
      highestKwh = Math.min(v.capacityKwh, highestKwh + gainKwh);
    }
  }
  return total;
}

/** Adds the taper rows of every vehicle with a `chargeTaper`; returns how many rows and nonzeros. */
export function addTaperRows(
  b: LinearProgramBuilder,
  rp: ResolvedProblem,
  charge: readonly Int32Array[],
  discharge: readonly Int32Array[],
  energyAtEnd: readonly (Int32Array | undefined)[] = [],
): TaperRowCount {
  const count: TaperRowCount = { rows: 0, nonzeros: 0 };
  rp.vehicles.forEach((v, i) => {
    const taper = rp.source.vehicles[v.index]?.chargeTaper;
    if (taper !== undefined) addVehicleTaperRows(b, rp, v, taper, charge[i]!, discharge[i]!, energyAtEnd[i], count);
  });
  return count;
}
