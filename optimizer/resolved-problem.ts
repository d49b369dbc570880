/**
 * A validated `Problem` with every default applied and every bound expanded per slot, so that the
 * formulation, the baselines and the validator read one interpretation of the input.
 */
import { problemDefaults, type Problem, type Vehicle } from './problem.ts';
import { resolveNetwork, type ResolvedNetwork } from './network/resolved-network.ts';

/** One vehicle's bounds, resolved. Arrays are indexed by slot (length = slotCount). */
export interface ResolvedVehicle {
  readonly index: number;
  readonly id: string;
  readonly chargerId: string;
  /** First plugged-in slot. */
  readonly arrivalSlot: number;
  /** First slot gone, clipped to slotCount. */
  readonly endSlot: number;
  /** Departure as given (may exceed slotCount). */
  readonly departureSlot: number;
  readonly initialEnergyKwh: number;
  readonly capacityKwh: number;
  /**
   * Lower energy bound while plugged in (kWh): the reserve, or the initial energy when the vehicle arrives
   * below its reserve (it is then never discharged in this plan: `maxDischargeKw` is all zero).
   */
  readonly floorEnergyKwh: number;
  /** Energy that must be in the battery at `endSlot` (kWh): the target, reduced when departure is after the horizon. */
  readonly requiredEnergyKwh: number;
  readonly targetEnergyKwh: number;
  /** Per-slot charge limit (kW), 0 outside [arrivalSlot, endSlot). */
  readonly maxChargeKw: Float64Array;
  /** Per-slot discharge limit (kW), 0 outside the stay or without V2G. */
  readonly maxDischargeKw: Float64Array;
  /** Minimum non-zero charge power (kW); 0 = none. Never above the slot's max (then the slot is closed). */
  readonly minChargeKw: number;
  /** Minimum non-zero discharge power (kW); 0 = none. */
  readonly minDischargeKw: number;
  readonly chargeEfficiency: number;
  readonly dischargeEfficiency: number;
  readonly degradationCostPerKwh: number;
}

/** One billing period's demand charge. */
export interface ResolvedDemandCharge {
  readonly pricePerKw: number;
  /** Peak already set in this period before the horizon (kW). */
  readonly previousPeakKw: number;
  /** Whether slot t's import counts towards this period's peak. */
  readonly slot: readonly boolean[];
}

function resolveDemandCharges(problem: Problem): ResolvedDemandCharge[] {
  const T = problem.slotCount;
  return [...(problem.demandCharge ? [problem.demandCharge] : []), ...(problem.furtherDemandCharges ?? [])]
    .filter((dc) => dc.pricePerKw > 0)
    .map((dc) => ({ pricePerKw: dc.pricePerKw, previousPeakKw: dc.previousPeakKw ?? 0, slot: Array.from({ length: T }, (_, t) => dc.appliesToSlot?.[t] ?? true) }));
}

export interface ResolvedProblem {
  readonly source: Problem;
  readonly slotCount: number;
  readonly slotHours: number;
  readonly currency: string;
  readonly importPricePerKwh: readonly number[];
  readonly exportPricePerKwh: Float64Array;
  /** kW per slot; `Infinity` where unlimited. */
  readonly importLimitKw: Float64Array;
  /** kW per slot; 0 where export is not allowed. */
  readonly exportLimitKw: Float64Array;
  /** Base load minus PV per slot (kW); negative when PV exceeds the load. */
  readonly netBaseKw: Float64Array;
  /** PV generation per slot (kW). */
  readonly pvKw: Float64Array;
  /** Whether PV may be turned down (then export above the limit is never needed). */
  readonly pvCurtailable: boolean;
  readonly demandChargePerKw: number;
  readonly previousPeakKw: number;
  /** Whether slot t's import counts towards the billed peak. */
  readonly demandChargeSlot: readonly boolean[];
  /**
   * Every billing period with a price (the first is `demandCharge`, the same as the three fields above, then
   * `furtherDemandCharges`): each is billed `pricePerKw x (peak - previousPeakKw)` on its own slots.
   */
  readonly demandChargePeriods: readonly ResolvedDemandCharge[];
  readonly shortfallPenaltyPerKwh: number;
  /**
   * Penalty per kWh of import or export above the site limits (only ever paid where the base load or PV
   * alone breaks a limit): 100 x the shortfall penalty, at least 1000, so a limit always outranks a target.
   */
  readonly limitExcessPenaltyPerKwh: number;
  readonly vehicles: readonly ResolvedVehicle[];
  /** Shared limits on charger currents (optimizer/network/), or undefined when the problem has no network. */
  readonly network?: ResolvedNetwork;
}

function perSlot(value: number | readonly number[] | undefined, slotCount: number, fallback: number): Float64Array {
  const out = new Float64Array(slotCount);
  if (value === undefined) out.fill(fallback);
  else if (typeof value === 'number') out.fill(value);
  else for (let t = 0; t < slotCount; t++) out[t] = value[t] ?? fallback;
  return out;
}

/** kW an AC limit allows, or undefined. */
export function acPowerKw(vehicle: Vehicle, currentA: number | undefined): number | undefined {
  const ac = vehicle.acLimit;
  if (!ac || currentA === undefined) return undefined;
  return (currentA * ac.voltageV * ac.phases) / 1000;
}

/**
 * A vehicle's first slot gone (clipped to `slotCount`) and the energy it must hold then: its target, reduced by
 * what it can still charge after the horizon at its last known charge limit when it leaves after the horizon.
 * What `resolveProblem` gives it on a problem of `slotCount` slots (the same code), without resolving the rest.
 */
export function vehicleHorizonEnd(v: Vehicle, slotCount: number, slotHours: number): { readonly endSlot: number; readonly requiredEnergyKwh: number } {
  const T = slotCount;
  const endSlot = Math.min(v.departureSlot, T);
  let requiredEnergyKwh = v.targetEnergyKwh;
  if (v.departureSlot > T) {
    const acMaxKw = acPowerKw(v, v.acLimit?.maxCurrentA);
    const chargeEfficiency = v.chargeEfficiency ?? problemDefaults.chargeEfficiency;
    const minChargeKw = Math.max(v.minChargeKw ?? 0, acPowerKw(v, v.acLimit?.minCurrentA) ?? 0);
    // What the vehicle can still charge after the horizon, at its last known charge limit (none when that
    // limit is below the minimum power).
    const rawLastKw = typeof v.maxChargeKw === 'number' || v.maxChargeKw === undefined
      ? Math.min(v.maxChargeKw ?? Infinity, acMaxKw ?? Infinity)
      : Math.min(v.maxChargeKw[T - 1] ?? 0, acMaxKw ?? Infinity);
    const lastLimitKw = rawLastKw < minChargeKw ? 0 : rawLastKw;
    const afterHorizonKwh =
      (Number.isFinite(lastLimitKw) ? lastLimitKw : 0) * chargeEfficiency * slotHours * (v.departureSlot - T);
    requiredEnergyKwh = Math.max(0, v.targetEnergyKwh - afterHorizonKwh);
  }
  return { endSlot, requiredEnergyKwh };
}

function resolveVehicle(problem: Problem, v: Vehicle, index: number): ResolvedVehicle {
  const T = problem.slotCount;
  const { endSlot, requiredEnergyKwh } = vehicleHorizonEnd(v, T, problem.slotHours);
  const acMaxKw = acPowerKw(v, v.acLimit?.maxCurrentA);
  const maxCharge = perSlot(v.maxChargeKw, T, acMaxKw ?? 0);
  if (acMaxKw !== undefined) for (let t = 0; t < T; t++) maxCharge[t] = Math.min(maxCharge[t]!, acMaxKw);
  const v2g = v.v2gAllowed === true;
  const floorEnergyKwh = Math.min(v.minEnergyKwh ?? 0, v.energyKwh);
  const belowReserve = v.energyKwh < (v.minEnergyKwh ?? 0);
  const maxDischarge = v2g && !belowReserve ? perSlot(v.maxDischargeKw, T, 0) : new Float64Array(T);
  for (let t = 0; t < T; t++) {
    if (t < v.arrivalSlot || t >= endSlot) {
      maxCharge[t] = 0;
      maxDischarge[t] = 0;
    }
  }
  const chargeEfficiency = v.chargeEfficiency ?? problemDefaults.chargeEfficiency;
  const dischargeEfficiency = v.dischargeEfficiency ?? problemDefaults.dischargeEfficiency;
  const minChargeKw = Math.max(v.minChargeKw ?? 0, acPowerKw(v, v.acLimit?.minCurrentA) ?? 0);
  const minDischargeKw = v.minDischargeKw ?? 0;
  // Slots where even the minimum power does not fit are closed.
  for (let t = 0; t < T; t++) {
    if (maxCharge[t]! < minChargeKw) maxCharge[t] = 0;
    if (maxDischarge[t]! < minDischargeKw) maxDischarge[t] = 0;
  }
  return {
    index,
    id: v.id,
    chargerId: v.chargerId,
    arrivalSlot: v.arrivalSlot,
    endSlot,
    departureSlot: v.departureSlot,
    initialEnergyKwh: v.energyKwh,
    capacityKwh: v.capacityKwh,
    floorEnergyKwh,
    requiredEnergyKwh,
    targetEnergyKwh: v.targetEnergyKwh,
    maxChargeKw: maxCharge,
    maxDischargeKw: maxDischarge,
    minChargeKw,
    minDischargeKw,
    chargeEfficiency,
    dischargeEfficiency,
    degradationCostPerKwh: v.degradationCostPerKwh ?? 0,
  };
}

/** Applies defaults and expands bounds. The problem must already have passed `validateProblem`. */
export function resolveProblem(problem: Problem): ResolvedProblem {
  const T = problem.slotCount;
  const base = perSlot(problem.baseLoadKw, T, 0);
  const pv = perSlot(problem.pvKw, T, 0);
  const netBaseKw = new Float64Array(T);
  for (let t = 0; t < T; t++) netBaseKw[t] = base[t]! - pv[t]!;
  const dc = problem.demandCharge;
  const shortfallPenaltyPerKwh = problem.shortfallPenaltyPerKwh ?? problemDefaults.shortfallPenaltyPerKwh;
  return {
    source: problem,
    slotCount: T,
    slotHours: problem.slotHours,
    currency: problem.currency ?? problemDefaults.currency,
    importPricePerKwh: problem.importPricePerKwh,
    exportPricePerKwh: perSlot(problem.exportPricePerKwh, T, 0),
    importLimitKw: perSlot(problem.importLimitKw, T, Infinity),
    exportLimitKw: perSlot(problem.exportLimitKw, T, 0),
    netBaseKw,
    pvKw: pv,
    pvCurtailable: problem.pvCurtailable ?? true,
    demandChargePerKw: dc?.pricePerKw ?? 0,
    previousPeakKw: dc?.previousPeakKw ?? 0,
    demandChargeSlot: Array.from({ length: T }, (_, t) => dc?.appliesToSlot?.[t] ?? true),
    demandChargePeriods: resolveDemandCharges(problem),
    shortfallPenaltyPerKwh,
    limitExcessPenaltyPerKwh: Math.max(1000, 100 * shortfallPenaltyPerKwh),
    vehicles: problem.vehicles.map((v, i) => resolveVehicle(problem, v, i)),
    ...(problem.network !== undefined ? { network: resolveNetwork(problem)! } : {}),
  };
}
