/**
 * How a vehicle's stored energy enters the LP (formulation.ts). Two exact forms of the same rows:
 *
 * - `chain`: an energy column per slot (the energy at the end of the slot, bounded by floor and capacity) and
 *   an equality row per slot linking it to the previous one: e[t+1] = e[t] + dt (eta_c c - x / eta_d). Sparse
 *   (4 nonzeros per row), but its equality rows make the simplex take many degenerate pivots.
 * - `prefix`: no energy columns: the energy after slot t is E0 + the prefix sum of dt (eta_c c - x / eta_d)
 *   up to t, and a row bounds that sum only where the bound can bind at all (the energy the charger could
 *   add by then passes the capacity, or what it could take out passes the floor). Denser (a row has up to
 *   2 (t - arrival + 1) nonzeros), but measured on generated depots (96 slots, HiGHS WebAssembly, CPU, presolve
 *   off): 50 vehicles 25 ms vs 47 ms, 1,000 vehicles 1.8 s vs 3.4 s, same optimum (bench/RESULTS.md, issue 12
 *   session 4). Its nonzeros grow with the stay squared, so large models keep the chain (`chooseEnergyForm`).
 *
 * Both give the same optimum and the same charge and discharge columns, so everything downstream (the
 * repair, the MILP, plan assembly) reads either alike.
 */
import type { LinearProgramBuilder } from './linear-program.ts';
import type { Problem } from './problem.ts';
import type { ResolvedProblem, ResolvedVehicle } from './resolved-problem.ts';
import { taperPrefixNonzeros } from './taper-rows.ts';

export type EnergyForm = 'chain' | 'prefix';

/** The prefix form is used while its nonzeros stay at or below this (1,000 generated vehicles x 96 slots: about 1.2 M). */
export const maxPrefixNonzeros = 2_000_000;

/** ... and while the plugged vehicle-slots stay at or below this (about 2,800 generated vehicles; memory-estimate.ts relies on it). */
export const maxPrefixVehicleSlots = 100_000;

/**
 * An upper bound on the prefix form's energy nonzeros from the raw problem (no resolving): every slot's row
 * present, over every column a vehicle could have (charge, and discharge with V2G).
 */
export function prefixNonzerosBound(problem: Problem): number {
  let total = 0;
  for (const v of problem.vehicles) {
    const stay = Math.max(0, Math.min(v.departureSlot, problem.slotCount) - v.arrivalSlot);
    const perSlot = v.v2gAllowed ? 2 : 1;
    total += (perSlot * stay * (stay + 1)) / 2 + perSlot * stay + 1;
  }
  return total;
}

/** A bound counts as able to bind when the reachable energy passes it by more than this (kWh). */
const reachToleranceKwh = 1e-9;

/**
 * Per slot of the stay: whether the prefix form needs a capacity row or a floor row at the end of that slot.
 * A bound gets a row only where it can bind at all (reachability: the energy the charger could add by then
 * passes the capacity, or what it could take out passes the floor), and a capacity row only where no later
 * capacity row implies it: with no discharge column in slots k+1..k', the energy can only rise from the end of
 * slot k to the end of slot k', so "energy at k' <= capacity" already holds it at k. A vehicle that cannot
 * discharge keeps only its last capacity row (merged into its target row when it has one): measured at 1,000
 * generated vehicles, 6,164 of 22,861 capacity rows (bench/RESULTS.md, issue 12 session 7). Same feasible set.
 */
function bindingSides(v: ResolvedVehicle, dt: number): { cap: Uint8Array; floor: Uint8Array } {
  const length = Math.max(0, v.endSlot - v.arrivalSlot);
  const cap = new Uint8Array(length);
  const floor = new Uint8Array(length);
  let highest = v.initialEnergyKwh;
  let lowest = v.initialEnergyKwh;
  for (let k = 0; k < length; k++) {
    const t = v.arrivalSlot + k;
    highest += dt * v.chargeEfficiency * v.maxChargeKw[t]!;
    lowest -= (dt * v.maxDischargeKw[t]!) / v.dischargeEfficiency;
    cap[k] = highest > v.capacityKwh + reachToleranceKwh ? 1 : 0;
    floor[k] = lowest < v.floorEnergyKwh - reachToleranceKwh ? 1 : 0;
  }
  // From the last slot back: `implied` while a kept capacity row lies ahead with no discharge column between.
  let implied = false;
  for (let k = length - 1; k >= 0; k--) {
    if (cap[k] === 1) {
      if (implied) cap[k] = 0;
      else implied = true;
    }
    if (v.maxDischargeKw[v.arrivalSlot + k]! > 0) implied = false;
  }
  return { cap, floor };
}

/** Nonzeros the prefix form's energy rows would have (target rows included). */
export function prefixNonzeros(rp: ResolvedProblem): number {
  let total = 0;
  for (const v of rp.vehicles) {
    const { cap, floor } = bindingSides(v, rp.slotHours);
    let columns = 0;
    for (let k = 0; k < cap.length; k++) {
      const t = v.arrivalSlot + k;
      columns += (v.maxChargeKw[t]! > 0 ? 1 : 0) + (v.maxDischargeKw[t]! > 0 ? 1 : 0);
      if (cap[k] || floor[k]) total += columns;
    }
    total += columns + 1; // the target row
  }
  return total;
}

/**
 * The prefix form while its vehicle-slots and nonzeros fit `maxPrefixVehicleSlots` and `maxPrefixNonzeros`, else
 * the chain. The nonzeros counted are the energy rows' and the charge-taper rows' (taper-rows.ts), which the prefix
 * form also writes as prefix sums: without them a month of tapered stays chose the prefix form at 7 M nonzeros.
 */
export function chooseEnergyForm(rp: ResolvedProblem): EnergyForm {
  let vehicleSlots = 0;
  for (const v of rp.vehicles) vehicleSlots += Math.max(0, v.endSlot - v.arrivalSlot);
  if (vehicleSlots > maxPrefixVehicleSlots) return 'chain';
  return prefixNonzeros(rp) + taperPrefixNonzeros(rp) <= maxPrefixNonzeros ? 'prefix' : 'chain';
}

/** One vehicle's energy rows while its columns are added slot by slot: `afterSlot(t)` once slot t's columns exist, then `finish()`. */
export interface VehicleEnergyRows {
  afterSlot(t: number): void;
  /** Adds the target row (when the vehicle has a target): returns its row and shortfall column, -1 when none. */
  finish(): TargetRow;
  /** Chain form only: per slot, the column of the energy at the end of that slot (-1 = none yet); other rows may use it (taper-rows.ts). */
  readonly energyAtEnd?: Int32Array;
}

/** A vehicle's soft target row (energy + shortfall >= required) and its shortfall column; -1 where it has none. */
export interface TargetRow {
  readonly row: number;
  readonly shortfallCol: number;
}

const noTarget: TargetRow = { row: -1, shortfallCol: -1 };

/**
 * Vehicle `v`'s energy rows (and its shortfall column) over its charge columns `c` and discharge columns `x`
 * (per slot, -1 = none), in the given form. Soft target: energy at the end + shortfall >= required. The chain
 * adds its energy column right after each slot's power columns (the column order the chain always had).
 */
export function vehicleEnergyRows(b: LinearProgramBuilder, rp: ResolvedProblem, v: ResolvedVehicle, c: Int32Array, x: Int32Array, form: EnergyForm): VehicleEnergyRows {
  if (form === 'prefix') return { afterSlot: () => {}, finish: () => addPrefixRows(b, rp, v, c, x) };
  const dt = rp.slotHours;
  let previousEnergyCol = -1; // -1: the energy is the constant initialEnergyKwh
  const energyAtEnd = new Int32Array(rp.slotCount).fill(-1);
  return {
    energyAtEnd,
    afterSlot: (t) => {
      const energyCol = b.addCol(0, v.floorEnergyKwh, v.capacityKwh);
      energyAtEnd[t] = energyCol;
      // e[t+1] - e[t] - dt*eta_c*c + dt/eta_d*x = 0
      b.entry(energyCol, 1);
      if (previousEnergyCol >= 0) b.entry(previousEnergyCol, -1);
      if (c[t]! >= 0) b.entry(c[t]!, -dt * v.chargeEfficiency);
      if (x[t]! >= 0) b.entry(x[t]!, dt / v.dischargeEfficiency);
      const rhs = previousEnergyCol >= 0 ? 0 : v.initialEnergyKwh;
      b.endRow(rhs, rhs);
      previousEnergyCol = energyCol;
    },
    finish: () => {
      // Soft departure target: e[end] + shortfall >= required.
      if (v.requiredEnergyKwh > v.floorEnergyKwh) {
        const shortfall = b.addCol(rp.shortfallPenaltyPerKwh, 0, Infinity);
        b.entry(previousEnergyCol, 1);
        b.entry(shortfall, 1);
        return { row: b.endRow(v.requiredEnergyKwh, Infinity), shortfallCol: shortfall };
      }
      return noTarget;
    },
  };
}

function addPrefixRows(b: LinearProgramBuilder, rp: ResolvedProblem, v: ResolvedVehicle, c: Int32Array, x: Int32Array): TargetRow {
  const dt = rp.slotHours;
  const e0 = v.initialEnergyKwh;
  const chargeGain = dt * v.chargeEfficiency;
  const dischargeLoss = -dt / v.dischargeEfficiency;
  // The stay's entries in slot order, and where each slot's end, so a prefix row is one bulk copy.
  const stay = Math.max(0, v.endSlot - v.arrivalSlot);
  const cols = new Int32Array(2 * stay);
  const values = new Float64Array(2 * stay);
  const endOf = new Int32Array(stay);
  let n = 0;
  for (let k = 0; k < stay; k++) {
    const t = v.arrivalSlot + k;
    if (c[t]! >= 0 && chargeGain !== 0) {
      cols[n] = c[t]!;
      values[n++] = chargeGain;
    }
    if (x[t]! >= 0 && dischargeLoss !== 0) {
      cols[n] = x[t]!;
      values[n++] = dischargeLoss;
    }
    endOf[k] = n;
  }
  const prefix = (last: number) => b.entries(cols, values, endOf[last - v.arrivalSlot]!);
  const { cap, floor } = bindingSides(v, dt);
  const hasTarget = v.requiredEnergyKwh > v.floorEnergyKwh;
  // With a target at most the capacity, "energy + shortfall in [required, capacity]" holds both the target and
  // the capacity at the end (the shortfall is never more than the target needs), so the last slot's capacity
  // row merges into the target row.
  const mergeCap = hasTarget && v.requiredEnergyKwh <= v.capacityKwh;
  const lastK = v.endSlot - 1 - v.arrivalSlot;
  for (let k = 0; k <= lastK; k++) {
    const capRow = cap[k] === 1 && !(mergeCap && k === lastK);
    if (!capRow && floor[k] !== 1) continue;
    prefix(v.arrivalSlot + k);
    b.endRow(floor[k] ? v.floorEnergyKwh - e0 : -Infinity, capRow ? v.capacityKwh - e0 : Infinity);
  }
  if (hasTarget && v.endSlot > v.arrivalSlot) {
    const shortfall = b.addCol(rp.shortfallPenaltyPerKwh, 0, Infinity);
    prefix(v.endSlot - 1);
    b.entry(shortfall, 1);
    return { row: b.endRow(v.requiredEnergyKwh - e0, mergeCap && cap[lastK] === 1 ? v.capacityKwh - e0 : Infinity), shortfallCol: shortfall };
  } else if (hasTarget) {
    // No slot plugged in within the horizon: the shortfall is fixed at required - E0.
    const shortfall = b.addCol(rp.shortfallPenaltyPerKwh, 0, Infinity);
    b.entry(shortfall, 1);
    return { row: b.endRow(v.requiredEnergyKwh - e0, Infinity), shortfallCol: shortfall };
  }
  return noTarget;
}
