/**
 * Upper bounds on a monolithic model's rows, columns and nonzeros from the raw problem (no resolving, no model built),
 * for the HiGHS heap estimate (memory-estimate.ts). Each bound is the count formulation.ts, energy-rows.ts,
 * taper-rows.ts and network/lazy-rows.ts would write if every row that may be written were written.
 */
import { maxPrefixVehicleSlots, prefixNonzerosBound } from './energy-rows.ts';
import { networkElements } from './network/network-elements.ts';
import type { Problem, Vehicle } from './problem.ts';

/** Counts of one built model (bounds). */
export interface ModelCounts {
  readonly rows: number;
  readonly columns: number;
  readonly nonzeros: number;
}

/** The problem's size drivers and its bounds per energy form. */
export interface ModelSize {
  /** Slots in the horizon. */
  readonly slots: number;
  readonly vehicles: number;
  /** Sum over vehicles of the slots they are plugged in within the horizon: the bulk of the model. */
  readonly vehicleSlots: number;
  /** Vehicle-slots of vehicles that may discharge (V2G): they carry a discharge column too. */
  readonly v2gVehicleSlots: number;
  /** Charge-taper rows, at most (every plugged slot of a tapered vehicle: 1 row, or stepsPerSlot + 1 in the stepped form). */
  readonly taperRows: number;
  /** Pairs (network limit, slot) in which a vehicle under the limit is plugged in: a lazy round adds at most one row per pair. */
  readonly networkLimitSlots: number;
  /** Nonzeros of one network row per (limit, slot) pair: the plugged vehicles' power columns under each limit. */
  readonly networkNonzeros: number;
  /** The chain energy form's model (energy columns and equality rows), network rows excluded. */
  readonly chain: ModelCounts;
  /** The prefix energy form's model without its energy and taper rows' entries (`prefixEnergyNonzeros`). */
  readonly prefix: ModelCounts;
  /** Entries of the prefix form's energy and taper rows (prefix sums over the stay so far): quadratic in the stay. */
  readonly prefixEnergyNonzeros: number;
  /** Whether `auto` may choose the prefix form (vehicle-slots within `maxPrefixVehicleSlots`); it then caps `prefixEnergyNonzeros` at `maxPrefixNonzeros`. */
  readonly autoMayChoosePrefix: boolean;
}

/** Plugged slots of `v` within the horizon. */
export function stayOf(v: Vehicle, slotCount: number): number {
  return Math.max(0, Math.min(v.departureSlot, slotCount) - v.arrivalSlot);
}

/** Taper rows per plugged slot: 1 (constant form) or stepsPerSlot + 1 (stepped); 0 without a taper. */
function taperRowsPerSlot(v: Vehicle): number {
  if (v.chargeTaper === undefined) return 0;
  return v.chargeTaper.stepsPerSlot !== undefined ? v.chargeTaper.stepsPerSlot + 1 : 1;
}

/**
 * Network limits x slots with a plugged vehicle under the limit (intervals merged per limit), and the nonzeros of
 * one row per such pair (each plugged vehicle's charge column, and its discharge column with V2G).
 */
function networkBounds(problem: Problem): { limitSlots: number; nonzeros: number } {
  if (problem.network === undefined) return { limitSlots: 0, nonzeros: 0 };
  const byCharger = new Map<string, Vehicle[]>();
  for (const v of problem.vehicles) {
    const on = byCharger.get(v.chargerId);
    if (on) on.push(v);
    else byCharger.set(v.chargerId, [v]);
  }
  let limitSlots = 0;
  let nonzeros = 0;
  for (const e of networkElements(problem.network)) {
    if (e.limitA === undefined) continue;
    const stays: [number, number][] = [];
    for (const id of e.coefficients.keys()) {
      for (const v of byCharger.get(id) ?? []) {
        const stay = stayOf(v, problem.slotCount);
        if (stay === 0) continue;
        stays.push([v.arrivalSlot, v.arrivalSlot + stay]);
        nonzeros += stay * (v.v2gAllowed ? 2 : 1);
      }
    }
    stays.sort((a, z) => a[0] - z[0]);
    let end = -1;
    for (const [from, to] of stays) {
      limitSlots += Math.max(0, to - Math.max(from, end));
      end = Math.max(end, to);
    }
  }
  return { limitSlots, nonzeros };
}

/** The size drivers and row, column and nonzero bounds of `problem` (a problem that passed validateProblem). */
export function modelSize(problem: Problem): ModelSize {
  const T = problem.slotCount;
  let vehicleSlots = 0;
  let v2gVehicleSlots = 0;
  let taperRows = 0;
  let taperPrefixNonzeros = 0;
  // Site columns (import, excesses, export, curtailment), balance and demand-charge rows, with their entries.
  const site = { rows: 2 * T, columns: 5 * T + 1, nonzeros: 8 * T };
  const chain = { ...site };
  const prefix = { ...site };
  for (const v of problem.vehicles) {
    const s = stayOf(v, T);
    const w = v.v2gAllowed ? 1 : 0;
    const q = taperRowsPerSlot(v);
    vehicleSlots += s;
    v2gVehicleSlots += w * s;
    taperRows += q * s;
    // A prefix taper row sums every earlier slot's columns: (1 + w) per earlier slot, plus its own charge and discharge.
    taperPrefixNonzeros += q * ((1 + w) * ((s * (s - 1)) / 2) + 2 * s);
    // Chain: charge, discharge, energy columns per slot and a shortfall column; the energy row (4 entries with V2G,
    // 3 without), the balance row's entries, the target row; taper rows of up to 3 entries.
    chain.columns += (2 + w) * s + 1;
    chain.rows += (1 + q) * s + 1;
    chain.nonzeros += (3 + w) * s + (1 + w) * s + 2 + 3 * q * s;
    // Prefix: no energy columns; at most one energy row per slot and the target row (their entries: below).
    prefix.columns += (1 + w) * s + 1;
    prefix.rows += (1 + q) * s + 1;
    prefix.nonzeros += (1 + w) * s;
  }
  const network = networkBounds(problem);
  return {
    slots: T,
    vehicles: problem.vehicles.length,
    vehicleSlots,
    v2gVehicleSlots,
    taperRows,
    networkLimitSlots: network.limitSlots,
    networkNonzeros: network.nonzeros,
    chain,
    prefix,
    prefixEnergyNonzeros: prefixNonzerosBound(problem) + taperPrefixNonzeros,
    autoMayChoosePrefix: vehicleSlots <= maxPrefixVehicleSlots,
  };
}
