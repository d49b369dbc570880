/**
 * The independent plan validator: every plan, from any backend or baseline, passes through it before it
 * leaves the optimizer.
 *
 * It trusts nothing in the plan and shares no code with the backends or with `plan-assembly.ts`: every
 * bound is re-derived here from the raw `Problem` (defaults from `problemDefaults`), following the semantics
 * documented in `problem.ts`, `resolved-problem.ts`, `plan.ts` and `plan-assembly.ts`:
 *
 * - Structure: `slotCount`, `slotHours` and `currency` match the problem; one vehicle plan per vehicle, same
 *   order, same `id` and `chargerId`; `powerKw` has `slotCount` entries, `energyKwh` `slotCount + 1`; every
 *   site array has `slotCount` entries; every number anywhere is finite (`NaN`, `Infinity`, `null` or a
 *   non-number are violations, never a crash). When the structure is broken nothing else is checked.
 * - Power (kW) of vehicle v in slot t: exactly 0 outside `[arrivalSlot, min(departureSlot, slotCount))`.
 *   Charging: at most `min(maxChargeKw[t], acLimit.maxCurrentA x voltageV x phases / 1000)`, and when
 *   non-zero at least `max(minChargeKw, acLimit.minCurrentA x voltageV x phases / 1000)`; a slot whose limit
 *   is below that minimum is closed (limit 0). Discharging: only with `v2gAllowed` and when the vehicle did
 *   not arrive below its reserve (`energyKwh < minEnergyKwh`); at most `maxDischargeKw[t]` (default 0), at
 *   least `minDischargeKw` when non-zero, same closing rule.
 * - Charge taper (plan-validator-taper.ts): with `chargeTaper`, a charging slot's power is at most the taper's
 *   linear limit at the SoC `checkAtSlotFraction` into the slot (from the re-simulated energy).
 * - Energy (kWh): re-simulated from the plan's powers inside the stay, `e[0] = energyKwh`,
 *   `e[t+1] = e[t] + dt x chargeEfficiency x p` (p > 0) or `e[t] + dt x p / dischargeEfficiency` (p < 0);
 *   it must match the plan's trajectory and stay within `[min(minEnergyKwh, energyKwh), capacityKwh]`.
 * - Shortfall (kWh): `max(0, required - e[end])`, `end = min(departureSlot, slotCount)`; `required` is the
 *   target, or for a departure after the horizon the target less what the last slot's charge limit (scalar,
 *   or the per-slot array's last entry, combined with the AC limit) adds over the remaining slots.
 * - Site (kW): `net = baseLoad - pv + pvCurtailed + sum p`, import = max(net, 0), export = max(-net, 0);
 *   never both above tolerance. Import above `importLimitKw` (default unlimited) only where the vehicles'
 *   summed power is <= tolerance (they do not charge into an overload) and no higher than `baseLoad - pv`
 *   (curtailing PV never adds to an overload), export above `exportLimitKw` (default 0) only where it is
 *   >= -tolerance; the reported excess must equal the amount above the limit. The peak is the
 *   previous peak or the highest import over the slots the demand charge covers.
 * - Network (plan-validator-network.ts): with a `network`, the exact magnitude of every limited current
 *   (group breakers, breakers' lines, transformer secondary and primary lines) in every slot, from the
 *   charger powers, within its limit.
 * - Costs: the whole `CostBreakdown` is recomputed (`plan-assembly.ts` formulas) and compared with a
 *   relative and absolute tolerance.
 *
 * Bounds are checked with the absolute tolerance (`toleranceAbs`, kW or kWh); recomputed quantities
 * (energies, flows, costs) are compared with `toleranceAbs + toleranceRel x magnitude`. Energy trajectories
 * report the first mismatching or out-of-bounds slot per vehicle (with a count), not every later slot.
 */
import { problemDefaults, type Problem, type Vehicle } from './problem.ts';
import type { CostBreakdown, Plan } from './plan.ts';
import { networkViolations, type NetworkViolationCode } from './plan-validator-network.ts';
import { taperLimitAtKw } from './plan-validator-taper.ts';

/** Stable violation codes; a message adds the vehicle, slot, bound and value. */
export type PlanViolationCode =
  | 'V2G_PLAN_UNCHECKABLE'
  | 'V2G_PLAN_SHAPE'
  | 'V2G_PLAN_VEHICLE_MISMATCH'
  | 'V2G_PLAN_NON_FINITE'
  | 'V2G_PLAN_POWER_OUTSIDE_STAY'
  | 'V2G_PLAN_CHARGE_LIMIT'
  | 'V2G_PLAN_MIN_CHARGE_POWER'
  | 'V2G_PLAN_DISCHARGE_NOT_ALLOWED'
  | 'V2G_PLAN_DISCHARGE_LIMIT'
  | 'V2G_PLAN_MIN_DISCHARGE_POWER'
  | 'V2G_PLAN_TAPER_LIMIT'
  | 'V2G_PLAN_ENERGY_MISMATCH'
  | 'V2G_PLAN_ENERGY_ABOVE_CAPACITY'
  | 'V2G_PLAN_ENERGY_BELOW_FLOOR'
  | 'V2G_PLAN_SHORTFALL_MISMATCH'
  | 'V2G_PLAN_SITE_FLOW_MISMATCH'
  | 'V2G_PLAN_SITE_IMPORT_AND_EXPORT'
  | 'V2G_PLAN_SITE_IMPORT_LIMIT'
  | 'V2G_PLAN_SITE_EXPORT_LIMIT'
  | 'V2G_PLAN_SITE_EXCESS_MISMATCH'
  | 'V2G_PLAN_PV_CURTAILMENT'
  | 'V2G_PLAN_PEAK_MISMATCH'
  | 'V2G_PLAN_COST_MISMATCH'
  | NetworkViolationCode;

/** One thing wrong with a plan. `vehicleId` and `slot` are set where the violation has them. */
export interface PlanViolation {
  readonly code: string;
  readonly vehicleId?: string;
  readonly slot?: number;
  readonly message: string;
}

export interface ValidationOptions {
  /** absolute tolerance kW / kWh, default 1e-6 */
  readonly toleranceAbs?: number;
  /** relative tolerance for costs, default 1e-6 */
  readonly toleranceRel?: number;
}

const defaultToleranceAbs = 1e-6;
const defaultToleranceRel = 1e-6;

/** A number for a message: up to 10 significant digits, no trailing zeros. */
function num(x: unknown): string {
  if (typeof x !== 'number') return String(x);
  return Number.isFinite(x) ? String(Number(x.toPrecision(10))) : String(x);
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

class Collector {
  readonly violations: PlanViolation[] = [];
  constructor(
    readonly tolAbs: number,
    readonly tolRel: number,
  ) {}

  add(code: PlanViolationCode, message: string, vehicleId?: string, slot?: number): void {
    const where = [vehicleId !== undefined ? `vehicle ${vehicleId}` : undefined, slot !== undefined ? `slot ${slot}` : undefined]
      .filter((s) => s !== undefined)
      .join(' ');
    this.violations.push({
      code,
      ...(vehicleId !== undefined ? { vehicleId } : {}),
      ...(slot !== undefined ? { slot } : {}),
      message: where ? `${where}: ${message}` : message,
    });
  }

  /** Whether a recomputed value and a reported one agree within the absolute + relative tolerance. */
  close(expected: number, actual: number): boolean {
    return Math.abs(expected - actual) <= this.tolAbs + this.tolRel * Math.max(Math.abs(expected), Math.abs(actual));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Structure

function checkArray(
  c: Collector,
  value: unknown,
  length: number,
  name: string,
  vehicleId?: string,
): value is readonly number[] {
  if (!Array.isArray(value)) {
    c.add('V2G_PLAN_SHAPE', `${name} is not an array`, vehicleId);
    return false;
  }
  if (value.length !== length) {
    c.add('V2G_PLAN_SHAPE', `${name} has ${value.length} entries, expected ${length}`, vehicleId);
    return false;
  }
  let reported = 0;
  for (let t = 0; t < length; t++) {
    const x: unknown = value[t];
    if (!isFiniteNumber(x)) {
      // Report each bad slot, but do not flood the list with a whole array of NaN.
      if (reported < 10) c.add('V2G_PLAN_NON_FINITE', `${name} is ${num(x)}`, vehicleId, t);
      reported++;
    }
  }
  if (reported > 10) c.add('V2G_PLAN_NON_FINITE', `${name} has ${reported} non-finite entries in all`, vehicleId);
  return true;
}

function checkScalar(c: Collector, value: unknown, name: string, vehicleId?: string): void {
  if (!isFiniteNumber(value)) c.add('V2G_PLAN_NON_FINITE', `${name} is ${num(value)}`, vehicleId);
}

const costFields: readonly (keyof CostBreakdown)[] = [
  'energyCost',
  'exportRevenue',
  'demandCharge',
  'degradationCost',
  'netCost',
  'shortfallKwh',
  'shortfallPenalty',
  'limitExcessKwh',
  'objective',
];

/** Checks everything the numeric checks rely on; true when they can run. */
function checkStructure(c: Collector, problem: Problem, plan: Plan): boolean {
  const before = c.violations.length;
  const T = problem.slotCount;
  if (typeof plan !== 'object' || plan === null) {
    c.add('V2G_PLAN_SHAPE', `plan is ${plan === null ? 'null' : typeof plan}, not an object`);
    return false;
  }
  if (plan.slotCount !== T) c.add('V2G_PLAN_SHAPE', `slotCount is ${num(plan.slotCount)}, problem has ${T}`);
  if (plan.slotHours !== problem.slotHours) {
    c.add('V2G_PLAN_SHAPE', `slotHours is ${num(plan.slotHours)}, problem has ${num(problem.slotHours)}`);
  }
  const currency = problem.currency ?? problemDefaults.currency;
  if (plan.currency !== currency) c.add('V2G_PLAN_SHAPE', `currency is ${String(plan.currency)}, problem has ${currency}`);

  if (!Array.isArray(plan.vehicles)) {
    c.add('V2G_PLAN_SHAPE', 'vehicles is not an array');
  } else if (plan.vehicles.length !== problem.vehicles.length) {
    c.add(
      'V2G_PLAN_VEHICLE_MISMATCH',
      `plan has ${plan.vehicles.length} vehicles, problem has ${problem.vehicles.length}`,
    );
  } else {
    problem.vehicles.forEach((v, i) => {
      const vp: unknown = plan.vehicles[i];
      if (typeof vp !== 'object' || vp === null) {
        c.add('V2G_PLAN_SHAPE', `vehicle plan ${i} is not an object`, v.id);
        return;
      }
      const p = vp as Plan['vehicles'][number];
      if (p.id !== v.id) {
        c.add('V2G_PLAN_VEHICLE_MISMATCH', `vehicle plan ${i} has id ${String(p.id)}, expected ${v.id} (same order as the problem)`, v.id);
        return;
      }
      if (p.chargerId !== v.chargerId) {
        c.add('V2G_PLAN_VEHICLE_MISMATCH', `chargerId is ${String(p.chargerId)}, problem has ${v.chargerId}`, v.id);
      }
      checkArray(c, p.powerKw, T, 'powerKw', v.id);
      checkArray(c, p.energyKwh, T + 1, 'energyKwh', v.id);
      checkScalar(c, p.shortfallKwh, 'shortfallKwh', v.id);
    });
  }

  const site: unknown = plan.site;
  if (typeof site !== 'object' || site === null) {
    c.add('V2G_PLAN_SHAPE', 'site is missing');
  } else {
    const s = site as Plan['site'];
    checkArray(c, s.importKw, T, 'site.importKw');
    checkArray(c, s.exportKw, T, 'site.exportKw');
    checkArray(c, s.importExcessKw, T, 'site.importExcessKw');
    checkArray(c, s.exportExcessKw, T, 'site.exportExcessKw');
    checkArray(c, s.pvCurtailedKw, T, 'site.pvCurtailedKw');
    checkScalar(c, s.peakImportKw, 'site.peakImportKw');
  }

  const cost: unknown = plan.cost;
  if (typeof cost !== 'object' || cost === null) {
    c.add('V2G_PLAN_SHAPE', 'cost is missing');
  } else {
    for (const field of costFields) checkScalar(c, (cost as CostBreakdown)[field], `cost.${field}`);
  }
  return c.violations.length === before;
}

// ---------------------------------------------------------------------------------------------------------
// Vehicle bounds, re-derived from the raw problem

/** kW an AC current allows, or undefined without an AC limit or current. */
function acKw(v: Vehicle, currentA: number | undefined): number | undefined {
  const ac = v.acLimit;
  if (ac === undefined || currentA === undefined) return undefined;
  return (currentA * ac.voltageV * ac.phases) / 1000;
}

/** A vehicle's bounds as this validator reads the problem. */
interface VehicleBounds {
  readonly id: string;
  readonly startSlot: number;
  /** First slot gone, clipped to slotCount. */
  readonly endSlot: number;
  /** Charge limit before the minimum-power closing rule (kW). */
  readonly rawChargeLimitKw: (t: number) => number;
  readonly minChargeKw: number;
  /** Why discharge is forbidden, or undefined when it is allowed. */
  readonly noDischargeReason: string | undefined;
  readonly rawDischargeLimitKw: (t: number) => number;
  readonly minDischargeKw: number;
  readonly chargeEfficiency: number;
  readonly dischargeEfficiency: number;
  readonly floorEnergyKwh: number;
  readonly capacityKwh: number;
  readonly requiredEnergyKwh: number;
  readonly degradationCostPerKwh: number;
}

function boundAt(bound: number | readonly number[] | undefined, t: number, fallback: number): number {
  if (bound === undefined) return fallback;
  if (typeof bound === 'number') return bound;
  return bound[t] ?? fallback;
}

function vehicleBounds(problem: Problem, v: Vehicle): VehicleBounds {
  const T = problem.slotCount;
  const acMaxKw = acKw(v, v.acLimit?.maxCurrentA);
  const chargeLimit = (t: number): number => {
    const kw = boundAt(v.maxChargeKw, t, acMaxKw ?? 0);
    return acMaxKw === undefined ? kw : Math.min(kw, acMaxKw);
  };
  const reserveKwh = v.minEnergyKwh ?? 0;
  const noDischargeReason =
    v.v2gAllowed !== true
      ? 'V2G not allowed'
      : v.energyKwh < reserveKwh
        ? `arrived below its reserve (${num(v.energyKwh)} kWh < ${num(reserveKwh)} kWh)`
        : undefined;
  const chargeEfficiency = v.chargeEfficiency ?? problemDefaults.chargeEfficiency;
  const minChargeKw = Math.max(v.minChargeKw ?? 0, acKw(v, v.acLimit?.minCurrentA) ?? 0);
  let requiredEnergyKwh = v.targetEnergyKwh;
  if (v.departureSlot > T) {
    // The last slot's limit carries on after the horizon; a limit below the minimum power means no charging.
    const rawLastKw = T > 0 ? chargeLimit(T - 1) : 0;
    const lastKw = rawLastKw < minChargeKw ? 0 : rawLastKw;
    const afterKwh = (Number.isFinite(lastKw) ? lastKw : 0) * chargeEfficiency * problem.slotHours * (v.departureSlot - T);
    requiredEnergyKwh = Math.max(0, v.targetEnergyKwh - afterKwh);
  }
  return {
    id: v.id,
    startSlot: v.arrivalSlot,
    endSlot: Math.min(v.departureSlot, T),
    rawChargeLimitKw: chargeLimit,
    minChargeKw,
    noDischargeReason,
    rawDischargeLimitKw: (t) => boundAt(v.maxDischargeKw, t, 0),
    minDischargeKw: v.minDischargeKw ?? 0,
    chargeEfficiency,
    dischargeEfficiency: v.dischargeEfficiency ?? problemDefaults.dischargeEfficiency,
    floorEnergyKwh: Math.min(reserveKwh, v.energyKwh),
    capacityKwh: v.capacityKwh,
    requiredEnergyKwh,
    degradationCostPerKwh: v.degradationCostPerKwh ?? 0,
  };
}

function checkPower(c: Collector, b: VehicleBounds, t: number, p: number): void {
  const tol = c.tolAbs;
  if (t < b.startSlot || t >= b.endSlot) {
    if (p !== 0) {
      c.add('V2G_PLAN_POWER_OUTSIDE_STAY', `${num(p)} kW while not plugged in (stay is slots ${b.startSlot}..${b.endSlot - 1})`, b.id, t);
    }
    return;
  }
  if (p > 0) {
    const raw = b.rawChargeLimitKw(t);
    const closed = raw < b.minChargeKw;
    const limit = closed ? 0 : raw;
    if (p > limit + tol) {
      const why = closed ? ` (slot closed: limit ${num(raw)} kW below minimum charge power ${num(b.minChargeKw)} kW)` : '';
      c.add('V2G_PLAN_CHARGE_LIMIT', `${num(p)} kW above charge limit ${num(limit)} kW${why}`, b.id, t);
    } else if (p < b.minChargeKw - tol) {
      c.add('V2G_PLAN_MIN_CHARGE_POWER', `${num(p)} kW below minimum charge power ${num(b.minChargeKw)} kW`, b.id, t);
    }
  } else if (p < 0) {
    const d = -p;
    if (b.noDischargeReason !== undefined) {
      if (d > tol) c.add('V2G_PLAN_DISCHARGE_NOT_ALLOWED', `discharges ${num(d)} kW but ${b.noDischargeReason}`, b.id, t);
      return;
    }
    const raw = b.rawDischargeLimitKw(t);
    const closed = raw < b.minDischargeKw;
    const limit = closed ? 0 : raw;
    if (d > limit + tol) {
      const why = closed ? ` (slot closed: limit ${num(raw)} kW below minimum discharge power ${num(b.minDischargeKw)} kW)` : '';
      c.add('V2G_PLAN_DISCHARGE_LIMIT', `discharges ${num(d)} kW, above discharge limit ${num(limit)} kW${why}`, b.id, t);
    } else if (d < b.minDischargeKw - tol) {
      c.add('V2G_PLAN_MIN_DISCHARGE_POWER', `discharges ${num(d)} kW, below minimum discharge power ${num(b.minDischargeKw)} kW`, b.id, t);
    }
  }
}

interface VehicleTotals {
  readonly shortfallKwh: number;
  readonly degradationCost: number;
}

/** Checks one vehicle's powers, energy and shortfall; returns its share of the costs. */
function checkVehicle(
  c: Collector,
  problem: Problem,
  v: Vehicle,
  vp: Plan['vehicles'][number],
): VehicleTotals {
  const T = problem.slotCount;
  const dt = problem.slotHours;
  const b = vehicleBounds(problem, v);
  const tol = c.tolAbs;
  const power = vp.powerKw;
  let e = v.energyKwh;
  let degradationCost = 0;
  let mismatchAt = -1;
  let mismatches = 0;
  let aboveAt = -1;
  let above = 0;
  let belowAt = -1;
  let below = 0;
  let taperAt = -1;
  let taperSlots = 0;
  const compare = (slot: number): void => {
    const reported = vp.energyKwh[slot]!;
    if (!c.close(e, reported)) {
      if (mismatchAt < 0) mismatchAt = slot;
      mismatches++;
    }
    if (e > b.capacityKwh + tol) {
      if (aboveAt < 0) aboveAt = slot;
      above++;
    }
    if (e < b.floorEnergyKwh - tol) {
      if (belowAt < 0) belowAt = slot;
      below++;
    }
  };
  const simulated = new Float64Array(T + 1);
  simulated[0] = e;
  compare(0);
  for (let t = 0; t < T; t++) {
    const p = power[t]!;
    checkPower(c, b, t, p);
    if (t >= b.startSlot && t < b.endSlot && p !== 0) {
      const gainKwh = p > 0 ? dt * b.chargeEfficiency * p : (dt * p) / b.dischargeEfficiency;
      const taperKw = p > 0 ? taperLimitAtKw(v, e, gainKwh, dt * b.chargeEfficiency) : undefined;
      if (taperKw !== undefined && p > taperKw + tol) {
        if (taperAt < 0) taperAt = t;
        taperSlots++;
      }
      e += gainKwh;
      degradationCost += b.degradationCostPerKwh * dt * Math.abs(p);
    }
    simulated[t + 1] = e;
    compare(t + 1);
  }
  const more = (n: number) => (n > 1 ? ` (${n} slots in all)` : '');
  if (taperAt >= 0) {
    const p = power[taperAt]!;
    const limit = taperLimitAtKw(v, simulated[taperAt]!, dt * b.chargeEfficiency * p, dt * b.chargeEfficiency)!;
    c.add('V2G_PLAN_TAPER_LIMIT', `${num(p)} kW above the charge taper's limit ${num(limit)} kW at ${num(simulated[taperAt])} kWh${more(taperSlots)}`, v.id, taperAt);
  }
  if (mismatchAt >= 0) {
    c.add(
      'V2G_PLAN_ENERGY_MISMATCH',
      `energy ${num(vp.energyKwh[mismatchAt])} kWh, re-simulated from the powers ${num(simulated[mismatchAt])} kWh${more(mismatches)}`,
      v.id,
      mismatchAt,
    );
  }
  if (aboveAt >= 0) {
    c.add(
      'V2G_PLAN_ENERGY_ABOVE_CAPACITY',
      `energy ${num(simulated[aboveAt])} kWh above capacity ${num(b.capacityKwh)} kWh${more(above)}`,
      v.id,
      aboveAt,
    );
  }
  if (belowAt >= 0) {
    c.add(
      'V2G_PLAN_ENERGY_BELOW_FLOOR',
      `energy ${num(simulated[belowAt])} kWh below floor ${num(b.floorEnergyKwh)} kWh${more(below)}`,
      v.id,
      belowAt,
    );
  }
  const shortfallKwh = Math.max(0, b.requiredEnergyKwh - simulated[b.endSlot]!);
  if (!c.close(shortfallKwh, vp.shortfallKwh)) {
    c.add(
      'V2G_PLAN_SHORTFALL_MISMATCH',
      `shortfall ${num(vp.shortfallKwh)} kWh, expected ${num(shortfallKwh)} kWh (required ${num(b.requiredEnergyKwh)} kWh at slot ${b.endSlot}, energy ${num(simulated[b.endSlot])} kWh)`,
      v.id,
    );
  }
  return { shortfallKwh, degradationCost };
}

// ---------------------------------------------------------------------------------------------------------
// Site and costs

interface SiteTotals {
  readonly energyCost: number;
  readonly exportRevenue: number;
  readonly limitExcessKwh: number;
  readonly peakImportKw: number;
}

function checkSite(c: Collector, problem: Problem, plan: Plan): SiteTotals {
  const T = problem.slotCount;
  const dt = problem.slotHours;
  const tol = c.tolAbs;
  const site = plan.site;
  const vehicleSumKw = new Float64Array(T);
  for (const vp of plan.vehicles) for (let t = 0; t < T; t++) vehicleSumKw[t]! += vp.powerKw[t]!;
  const dc = problem.demandCharge;
  let peak = dc?.previousPeakKw ?? 0;
  let energyCost = 0;
  let exportRevenue = 0;
  let limitExcessKwh = 0;
  for (let t = 0; t < T; t++) {
    const sum = vehicleSumKw[t]!;
    const pvKw = problem.pvKw?.[t] ?? 0;
    const curtailedKw = site.pvCurtailedKw[t]!;
    const curtailable = problem.pvCurtailable ?? true;
    if (curtailedKw < -tol || curtailedKw > (curtailable ? pvKw : 0) + tol) {
      c.add(
        'V2G_PLAN_PV_CURTAILMENT',
        `PV curtailed ${num(curtailedKw)} kW outside 0..${num(curtailable ? pvKw : 0)} kW${curtailable ? '' : ' (PV is not curtailable)'}`,
        undefined,
        t,
      );
    }
    const net = (problem.baseLoadKw?.[t] ?? 0) - pvKw + curtailedKw + sum;
    const importKw = net > 0 ? net : 0;
    const exportKw = net < 0 ? -net : 0;
    const importLimitKw = problem.importLimitKw?.[t] ?? Infinity;
    const exportLimitKw = problem.exportLimitKw?.[t] ?? 0;
    const importExcessKw = Math.max(0, importKw - importLimitKw);
    const exportExcessKw = Math.max(0, exportKw - exportLimitKw);

    if (!c.close(importKw, site.importKw[t]!)) {
      c.add('V2G_PLAN_SITE_FLOW_MISMATCH', `import ${num(site.importKw[t])} kW, expected ${num(importKw)} kW`, undefined, t);
    }
    if (!c.close(exportKw, site.exportKw[t]!)) {
      c.add('V2G_PLAN_SITE_FLOW_MISMATCH', `export ${num(site.exportKw[t])} kW, expected ${num(exportKw)} kW`, undefined, t);
    }
    if (site.importKw[t]! > tol && site.exportKw[t]! > tol) {
      c.add('V2G_PLAN_SITE_IMPORT_AND_EXPORT', `imports ${num(site.importKw[t])} kW and exports ${num(site.exportKw[t])} kW in one slot`, undefined, t);
    }
    if (importKw > importLimitKw + tol && sum > tol) {
      c.add(
        'V2G_PLAN_SITE_IMPORT_LIMIT',
        `import ${num(importKw)} kW above limit ${num(importLimitKw)} kW while the vehicles charge ${num(sum)} kW`,
        undefined,
        t,
      );
    } else if (importKw > Math.max(importLimitKw, (problem.baseLoadKw?.[t] ?? 0) - pvKw) + tol) {
      c.add(
        'V2G_PLAN_SITE_IMPORT_LIMIT',
        `import ${num(importKw)} kW above limit ${num(importLimitKw)} kW, more than the base load forces, because PV is curtailed by ${num(curtailedKw)} kW`,
        undefined,
        t,
      );
    }
    if (exportKw > exportLimitKw + tol && curtailable && curtailedKw < pvKw - tol) {
      c.add(
        'V2G_PLAN_SITE_EXPORT_LIMIT',
        `export ${num(exportKw)} kW above limit ${num(exportLimitKw)} kW while PV could still be curtailed by ${num(pvKw - curtailedKw)} kW`,
        undefined,
        t,
      );
    }
    if (exportKw > exportLimitKw + tol && sum < -tol) {
      c.add(
        'V2G_PLAN_SITE_EXPORT_LIMIT',
        `export ${num(exportKw)} kW above limit ${num(exportLimitKw)} kW while the vehicles discharge ${num(-sum)} kW`,
        undefined,
        t,
      );
    }
    if (!c.close(importExcessKw, site.importExcessKw[t]!)) {
      c.add('V2G_PLAN_SITE_EXCESS_MISMATCH', `import excess ${num(site.importExcessKw[t])} kW, expected ${num(importExcessKw)} kW`, undefined, t);
    }
    if (!c.close(exportExcessKw, site.exportExcessKw[t]!)) {
      c.add('V2G_PLAN_SITE_EXCESS_MISMATCH', `export excess ${num(site.exportExcessKw[t])} kW, expected ${num(exportExcessKw)} kW`, undefined, t);
    }
    energyCost += dt * problem.importPricePerKwh[t]! * importKw;
    exportRevenue += dt * (problem.exportPricePerKwh?.[t] ?? 0) * exportKw;
    limitExcessKwh += dt * (importExcessKw + exportExcessKw);
    if ((dc?.appliesToSlot?.[t] ?? true) && importKw > peak) peak = importKw;
  }
  if (!c.close(peak, site.peakImportKw)) {
    c.add('V2G_PLAN_PEAK_MISMATCH', `peak import ${num(site.peakImportKw)} kW, expected ${num(peak)} kW`);
  }
  return { energyCost, exportRevenue, limitExcessKwh, peakImportKw: peak };
}

/** The demand charges of `furtherDemandCharges`, each on its own peak of the import the plan reports. */
function furtherDemandCharges(problem: Problem, plan: Plan): number {
  let total = 0;
  for (const dc of problem.furtherDemandCharges ?? []) {
    let peak = dc.previousPeakKw ?? 0;
    for (let t = 0; t < problem.slotCount; t++) {
      if ((dc.appliesToSlot?.[t] ?? true) && plan.site.importKw[t]! > peak) peak = plan.site.importKw[t]!;
    }
    total += dc.pricePerKw * (peak - (dc.previousPeakKw ?? 0));
  }
  return total;
}

function checkCosts(c: Collector, problem: Problem, plan: Plan, site: SiteTotals, shortfallKwh: number, degradationCost: number): void {
  const dc = problem.demandCharge;
  const shortfallPenaltyPerKwh = problem.shortfallPenaltyPerKwh ?? problemDefaults.shortfallPenaltyPerKwh;
  const limitPenaltyPerKwh = Math.max(1000, 100 * shortfallPenaltyPerKwh);
  const demandCharge = (dc?.pricePerKw ?? 0) * (site.peakImportKw - (dc?.previousPeakKw ?? 0)) + furtherDemandCharges(problem, plan);
  const netCost = site.energyCost - site.exportRevenue + demandCharge + degradationCost;
  const shortfallPenalty = shortfallPenaltyPerKwh * shortfallKwh;
  const expected: CostBreakdown = {
    energyCost: site.energyCost,
    exportRevenue: site.exportRevenue,
    demandCharge,
    degradationCost,
    netCost,
    shortfallKwh,
    shortfallPenalty,
    limitExcessKwh: site.limitExcessKwh,
    objective: netCost + shortfallPenalty + limitPenaltyPerKwh * site.limitExcessKwh,
  };
  for (const field of costFields) {
    const reported = plan.cost[field];
    if (!c.close(expected[field], reported)) {
      c.add('V2G_PLAN_COST_MISMATCH', `cost.${field} is ${num(reported)}, recomputed ${num(expected[field])}`);
    }
  }
}

/**
 * Checks `plan` against `problem` (which must have passed `validateProblem`) and lists every violation
 * found; an empty list means the plan is valid. Never throws: a plan too broken to check yields
 * `V2G_PLAN_SHAPE` / `V2G_PLAN_NON_FINITE` violations (and an internal failure `V2G_PLAN_UNCHECKABLE`).
 */
export function validatePlan(problem: Problem, plan: Plan, options: ValidationOptions = {}): PlanViolation[] {
  const c = new Collector(options.toleranceAbs ?? defaultToleranceAbs, options.toleranceRel ?? defaultToleranceRel);
  try {
    if (!checkStructure(c, problem, plan)) return c.violations;
    let shortfallKwh = 0;
    let degradationCost = 0;
    problem.vehicles.forEach((v, i) => {
      const totals = checkVehicle(c, problem, v, plan.vehicles[i]!);
      shortfallKwh += totals.shortfallKwh;
      degradationCost += totals.degradationCost;
    });
    const site = checkSite(c, problem, plan);
    for (const v of networkViolations(problem, plan, c.tolAbs, c.tolRel)) c.add(v.code, v.message, undefined, v.slot);
    checkCosts(c, problem, plan, site, shortfallKwh, degradationCost);
  } catch (error) {
    c.add('V2G_PLAN_UNCHECKABLE', `validator could not check the plan: ${error instanceof Error ? error.message : String(error)}`);
  }
  return c.violations;
}
