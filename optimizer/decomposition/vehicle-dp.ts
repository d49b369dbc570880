/**
 * One vehicle's problem under given per-slot prices, solved exactly without an LP: a backward dynamic
 * programme over the battery energy whose value functions are convex piecewise linear (see README.md).
 *
 * The problem is the vehicle's part of the fleet LP (formulation.ts) with the site rows priced out:
 *   min sum_t (lambda_t + dt deg) c_t + (dt deg - lambda_t) x_t + penalty * max(0, required - e_end)
 *   e_{t+1} = e_t + dt (eta_c c_t - x_t / eta_d),  floor <= e_t <= capacity,
 *   0 <= c_t <= Pc_t, 0 <= x_t <= Pd_t,
 * where lambda_t is the price of one kW of grid-side power in slot t (the objective coefficient; for a plain
 * import price that is dt x price per kWh). A stage's cost as a function of the energy step d is convex with
 * two pieces: slope a = (lambda + dt deg) / (eta_c dt) for charging and b = (lambda - dt deg) eta_d / dt for
 * discharging. When a < b (negative prices with little wear) the LP charges and discharges at once to burn
 * energy; the stage cost is then still convex (charge first, then stop discharging) and the DP follows the LP
 * exactly. With `singleDirection` such a slot closes its discharge instead (a restriction: what a real
 * charger does).
 *
 * Value functions are stored as a start point, a start value and segments (slope, length) in ascending slope
 * order; the infimal convolution with a stage cost is a merge of two segments into that list. O(stay^2) per
 * vehicle, no allocation per call once the workspace has grown.
 */

/** The numbers of one vehicle the DP needs (kW, kWh, per slot arrays of length slotCount). */
export interface DpVehicle {
  readonly arrivalSlot: number;
  /** First slot not plugged in within the horizon (exclusive), <= slotCount. */
  readonly endSlot: number;
  readonly initialEnergyKwh: number;
  readonly floorEnergyKwh: number;
  readonly capacityKwh: number;
  /** Energy wanted at `endSlot`; below it each kWh costs `shortfallPenaltyPerKwh`. */
  readonly requiredEnergyKwh: number;
  readonly shortfallPenaltyPerKwh: number;
  readonly chargeEfficiency: number;
  readonly dischargeEfficiency: number;
  readonly degradationCostPerKwh: number;
  readonly maxChargeKw: ArrayLike<number>;
  readonly maxDischargeKw: ArrayLike<number>;
  /**
   * Where this vehicle's per-slot prices start in the price vector a shard is priced with (portfolio
   * decomposition: site k's balance-row prices are at k x slotCount). Absent or 0: the vector is its own.
   */
  readonly priceOffset?: number;
}

export interface DpOptions {
  /** Close discharge where charging and discharging at once would pay (a < b). Default false (the LP). */
  readonly singleDirection?: boolean;
  /** Per-slot caps on charge power (kW) on top of the vehicle's own (primal recovery: site headroom). */
  readonly chargeCapKw?: ArrayLike<number>;
  /** Per-slot caps on discharge power (kW) on top of the vehicle's own. */
  readonly dischargeCapKw?: ArrayLike<number>;
}

/** The DP's answer for one vehicle. */
export interface DpResult {
  /** min over the vehicle's schedules of sum_t lambda_t p_t + wear + shortfall penalty. */
  readonly objective: number;
  /** Shortfall at `endSlot` (kWh). */
  readonly shortfallKwh: number;
}

/** Reusable buffers: one per thread. Grows as needed. */
export class DpWorkspace {
  slope = new Float64Array(4096);
  length = new Float64Array(4096);
  /** Per stage k (slot arrivalSlot + k, and the terminal): offset, count, start x, start value. */
  stageOffset = new Int32Array(256);
  stageCount = new Int32Array(256);
  stageX0 = new Float64Array(256);
  stageV0 = new Float64Array(256);
  chargeSlope = new Float64Array(256);
  dischargeSlope = new Float64Array(256);
  chargeRange = new Float64Array(256);
  dischargeRange = new Float64Array(256);

  ensure(stages: number, segments: number): void {
    if (this.stageOffset.length < stages) {
      const n = Math.max(stages, 2 * this.stageOffset.length);
      this.stageOffset = new Int32Array(n);
      this.stageCount = new Int32Array(n);
      this.stageX0 = new Float64Array(n);
      this.stageV0 = new Float64Array(n);
      this.chargeSlope = new Float64Array(n);
      this.dischargeSlope = new Float64Array(n);
      this.chargeRange = new Float64Array(n);
      this.dischargeRange = new Float64Array(n);
    }
    if (this.slope.length < segments) {
      const n = Math.max(segments, 2 * this.slope.length);
      this.slope = new Float64Array(n);
      this.length = new Float64Array(n);
    }
  }
}

const tinyKwh = 1e-12;

/**
 * Solves one vehicle under per-kW prices `priceKw` (length >= endSlot) and writes its net grid-side power
 * (kW, charge - discharge) into `powerKw` (slots outside the stay are set to 0). Returns the objective.
 * `chargeKw`/`dischargeKw`, when given, receive the two directions separately (both can be positive only
 * where a < b and `singleDirection` is off).
 */
export function solveVehicleDp(
  v: DpVehicle,
  slotHours: number,
  priceKw: ArrayLike<number>,
  powerKw: Float64Array,
  ws: DpWorkspace,
  options: DpOptions = {},
  chargeKw?: Float64Array,
  dischargeKw?: Float64Array,
): DpResult {
  const a0 = v.arrivalSlot;
  const end = v.endSlot;
  for (let t = 0; t < powerKw.length; t++) powerKw[t] = 0;
  if (chargeKw) chargeKw.fill(0);
  if (dischargeKw) dischargeKw.fill(0);
  const lo = Math.min(v.floorEnergyKwh, v.initialEnergyKwh);
  const hi = Math.max(v.capacityKwh, v.initialEnergyKwh);
  const penalty = v.shortfallPenaltyPerKwh;
  const required = v.requiredEnergyKwh;
  const stay = Math.max(0, end - a0);
  const maxSegs = 2 * stay + 2;
  ws.ensure(stay + 1, (stay + 1) * maxSegs);
  const dt = slotHours;
  const etaC = v.chargeEfficiency;
  const etaD = v.dischargeEfficiency;
  const wear = dt * v.degradationCostPerKwh;

  // Stage data: slopes per kWh of energy step and the step ranges (kWh).
  for (let k = 0; k < stay; k++) {
    const t = a0 + k;
    const lambda = priceKw[t]!;
    const aSlope = (lambda + wear) / (etaC * dt);
    const bSlope = ((lambda - wear) * etaD) / dt;
    let pc = v.maxChargeKw[t]!;
    let pd = v.maxDischargeKw[t]!;
    if (options.chargeCapKw) pc = Math.min(pc, Math.max(0, options.chargeCapKw[t]!));
    if (options.dischargeCapKw) pd = Math.min(pd, Math.max(0, options.dischargeCapKw[t]!));
    if (options.singleDirection && aSlope < bSlope && pc > 0) pd = 0;
    ws.chargeSlope[k] = aSlope;
    ws.dischargeSlope[k] = bSlope;
    ws.chargeRange[k] = pc > 0 ? etaC * dt * pc : 0;
    ws.dischargeRange[k] = pd > 0 ? (dt * pd) / etaD : 0;
  }

  // Terminal value function on [lo, hi].
  const slope = ws.slope;
  const len = ws.length;
  let off = stay * maxSegs;
  let count = 0;
  ws.stageOffset[stay] = off;
  ws.stageX0[stay] = lo;
  ws.stageV0[stay] = required > lo ? penalty * (required - lo) : 0;
  if (required > lo) {
    const span = Math.min(required, hi) - lo;
    if (span > tinyKwh) {
      slope[off + count] = -penalty;
      len[off + count++] = span;
    }
  }
  if (hi - Math.max(lo, Math.min(required, hi)) > tinyKwh) {
    slope[off + count] = 0;
    len[off + count++] = hi - Math.max(lo, Math.min(required, hi));
  }
  ws.stageCount[stay] = count;

  // Backward: V_k = restrict_[lo,hi](V_{k+1} inf-convolved with the reversed stage cost).
  for (let k = stay - 1; k >= 0; k--) {
    const next = ws.stageOffset[k + 1]!;
    const nextCount = ws.stageCount[k + 1]!;
    const C = ws.chargeRange[k]!;
    const D = ws.dischargeRange[k]!;
    const aS = ws.chargeSlope[k]!;
    const bS = ws.dischargeSlope[k]!;
    // Reversed stage cost: domain [-C, D], value a*C at -C, segments sorted of (-a, C), (-b, D).
    let s1 = -aS;
    let l1 = C;
    let s2 = -bS;
    let l2 = D;
    if (s2 < s1) {
      s1 = -bS;
      l1 = D;
      s2 = -aS;
      l2 = C;
    }
    off = k * maxSegs;
    count = 0;
    let x0 = ws.stageX0[k + 1]! - C;
    let v0 = ws.stageV0[k + 1]! + aS * C;
    let i = 0;
    let used1 = l1 <= tinyKwh;
    let used2 = l2 <= tinyKwh;
    // Merge (ties: the value function's segment first, then the stage's).
    while (i < nextCount || !used1 || !used2) {
      let s: number;
      let l: number;
      const sv = i < nextCount ? slope[next + i]! : Infinity;
      if (!used1 && s1 < sv) {
        s = s1;
        l = l1;
        used1 = true;
      } else if (used1 && !used2 && s2 < sv) {
        s = s2;
        l = l2;
        used2 = true;
      } else if (i < nextCount) {
        s = sv;
        l = len[next + i]!;
        i++;
      } else if (!used1) {
        s = s1;
        l = l1;
        used1 = true;
      } else {
        s = s2;
        l = l2;
        used2 = true;
      }
      if (count > 0 && slope[off + count - 1] === s) len[off + count - 1]! += l;
      else {
        slope[off + count] = s;
        len[off + count++] = l;
      }
    }
    // Restrict on the left to lo.
    let start = 0;
    while (x0 < lo - tinyKwh && start < count) {
      const need = lo - x0;
      const l = len[off + start]!;
      if (l <= need + tinyKwh) {
        v0 += slope[off + start]! * l;
        x0 += l;
        start++;
      } else {
        v0 += slope[off + start]! * need;
        len[off + start] = l - need;
        x0 = lo;
      }
    }
    if (x0 < lo) x0 = lo;
    // Restrict on the right to hi.
    let total = x0;
    let last = start;
    for (; last < count; last++) {
      const l = len[off + last]!;
      if (total + l >= hi - tinyKwh) {
        len[off + last] = Math.max(0, hi - total);
        last++;
        break;
      }
      total += l;
    }
    let outCount = 0;
    for (let j = start; j < last; j++) {
      if (len[off + j]! <= tinyKwh) continue;
      slope[off + outCount] = slope[off + j]!;
      len[off + outCount++] = len[off + j]!;
    }
    ws.stageOffset[k] = off;
    ws.stageCount[k] = outCount;
    ws.stageX0[k] = x0;
    ws.stageV0[k] = v0;
  }

  // Forward: follow the minimisers from the arrival energy.
  let e = v.initialEnergyKwh;
  for (let k = 0; k < stay; k++) {
    const t = a0 + k;
    const C = ws.chargeRange[k]!;
    const D = ws.dischargeRange[k]!;
    const aS = ws.chargeSlope[k]!;
    const bS = ws.dischargeSlope[k]!;
    // Stage cost h(d): from d = -D, segments sorted by slope; kink where the first one ends.
    const burning = aS < bS;
    const leftSlope = burning ? aS : bS;
    const rightSlope = burning ? bS : aS;
    const kink = burning ? C - D : 0;
    const next = ws.stageOffset[k + 1]!;
    const nextCount = ws.stageCount[k + 1]!;
    let x = ws.stageX0[k + 1]!;
    let domainEnd = x;
    for (let j = 0; j < nextCount; j++) domainEnd += len[next + j]!;
    const left = Math.max(x, e - D);
    const right = Math.min(domainEnd, e + C);
    // Walk to `left`.
    let j = 0;
    while (j < nextCount && x + len[next + j]! <= left + tinyKwh) {
      x += len[next + j]!;
      j++;
    }
    let at = left;
    for (;;) {
      if (at >= right - tinyKwh) {
        at = right;
        break;
      }
      const vSlope = j < nextCount ? slope[next + j]! : Infinity;
      const d = at - e;
      const hSlope = d < kink - tinyKwh ? leftSlope : rightSlope;
      if (vSlope + hSlope >= 0) break;
      const segEnd = j < nextCount ? x + len[next + j]! : Infinity;
      let stop = Math.min(segEnd, right);
      if (d < kink - tinyKwh) stop = Math.min(stop, e + kink);
      if (stop >= segEnd - tinyKwh && j < nextCount) {
        x = segEnd;
        j++;
      }
      at = Math.max(at, stop);
    }
    const step = Math.min(C, Math.max(-D, at - e));
    let c: number;
    let xd: number;
    if (burning) {
      // Charge first, then stop discharging.
      const fromBottom = step + D;
      const cEnergy = Math.min(C, fromBottom);
      c = cEnergy > 0 ? cEnergy / (etaC * dt) : 0;
      const dEnergy = Math.max(0, D - Math.max(0, fromBottom - C));
      xd = dEnergy > 0 ? (dEnergy * etaD) / dt : 0;
    } else if (step >= 0) {
      c = step / (etaC * dt);
      xd = 0;
    } else {
      c = 0;
      xd = (-step * etaD) / dt;
    }
    powerKw[t] = c - xd;
    if (chargeKw) chargeKw[t] = c;
    if (dischargeKw) dischargeKw[t] = xd;
    e += dt * (etaC * c - xd / etaD);
  }

  // Objective of the schedule followed (equal to V_0 at the arrival energy).
  let objective = 0;
  e = v.initialEnergyKwh;
  for (let t = a0; t < end; t++) {
    const c = chargeKw ? chargeKw[t]! : Math.max(0, powerKw[t]!);
    const xd = dischargeKw ? dischargeKw[t]! : Math.max(0, -powerKw[t]!);
    objective += priceKw[t]! * (c - xd) + wear * (c + xd);
  }
  const endEnergy = energyAtEnd(v, dt, powerKw, chargeKw, dischargeKw);
  const shortfallKwh = Math.max(0, required - endEnergy);
  objective += penalty * shortfallKwh;
  return { objective, shortfallKwh };
}

function energyAtEnd(v: DpVehicle, dt: number, powerKw: Float64Array, chargeKw?: Float64Array, dischargeKw?: Float64Array): number {
  let e = v.initialEnergyKwh;
  for (let t = v.arrivalSlot; t < v.endSlot; t++) {
    const c = chargeKw ? chargeKw[t]! : Math.max(0, powerKw[t]!);
    const xd = dischargeKw ? dischargeKw[t]! : Math.max(0, -powerKw[t]!);
    e += dt * (v.chargeEfficiency * c - xd / v.dischargeEfficiency);
  }
  return e;
}

/** V_0 at the arrival energy from the last solve's stored value functions (for tests: equals the objective). */
export function valueAtArrival(v: DpVehicle, ws: DpWorkspace): number {
  const off = ws.stageOffset[0]!;
  const count = ws.stageCount[0]!;
  let x = ws.stageX0[0]!;
  let value = ws.stageV0[0]!;
  const target = v.initialEnergyKwh;
  for (let j = 0; j < count && x < target; j++) {
    const l = Math.min(ws.length[off + j]!, target - x);
    value += ws.slope[off + j]! * l;
    x += l;
  }
  return value;
}

/**
 * Whether net powers `powerKw` (per slot of `slotCount`) are a schedule of `v` by its own limits: zero outside
 * its stay, within its charge and discharge limits, energy within [floor, capacity] (or the initial energy
 * where that lies outside). Used to reuse a previous plan's rows as warm-start columns.
 */
export function fitsVehicle(v: DpVehicle, slotHours: number, powerKw: ArrayLike<number>, slotCount: number, tolKw = 1e-9): boolean {
  if (powerKw.length !== slotCount) return false;
  const lo = Math.min(v.floorEnergyKwh, v.initialEnergyKwh) - 1e-9;
  const hi = Math.max(v.capacityKwh, v.initialEnergyKwh) + 1e-9;
  let e = v.initialEnergyKwh;
  for (let t = 0; t < slotCount; t++) {
    const kw = powerKw[t]!;
    if (!Number.isFinite(kw)) return false;
    if (t < v.arrivalSlot || t >= v.endSlot) {
      if (Math.abs(kw) > tolKw) return false;
      continue;
    }
    if (kw > v.maxChargeKw[t]! + tolKw || -kw > v.maxDischargeKw[t]! + tolKw) return false;
    e += kw > 0 ? slotHours * v.chargeEfficiency * kw : (slotHours * kw) / v.dischargeEfficiency;
    if (e < lo || e > hi) return false;
  }
  return true;
}
