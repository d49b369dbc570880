/**
 * Shared bookkeeping of the baseline strategies: how much each vehicle still needs, what it may take in a
 * slot (its resolved charge limit, its minimum power, its capacity) and what the site connection has left.
 *
 * Every baseline is charge-only and records powers through `ChargeAllocation.give`, which is the one place
 * that enforces: power is 0 or in [minChargeKw, maxChargeKw[t]]; with a charge taper (`Vehicle.chargeTaper`), at
 * most the taper's cap (taper-cap.ts) at the slot's start energy, for the strategies that fill slot by slot forwards
 * (`fill: 'forward'`; ALAP and price-greedy fill out of time order and keep the taper afterwards, `taperClippedKw`);
 * energy never rises above capacity;
 * a vehicle stops once it holds `requiredEnergyKwh`; the vehicles never take more than the site headroom
 * `importLimitKw[t] - netBaseKw[t] - (power already given in slot t)`, which is never negative (when the
 * base load alone breaks the limit, vehicles get 0); and with a network, no vehicle takes more than keeps
 * every exact current magnitude within its limit (optimizer/network/network-load.ts): the allocations are
 * phase-aware.
 *
 * Energy bookkeeping: charging p kW for one slot adds `slotHours x chargeEfficiency x p` kWh, so the power
 * that exactly fills a gap of G kWh is `G / (slotHours x chargeEfficiency)`. Baselines are charge-only, so a
 * vehicle's energy only rises and its final energy is its initial energy plus everything given to it, in
 * whatever order the slots were filled (backwards for ALAP, by price for price-greedy).
 */
import type { ResolvedProblem, ResolvedVehicle } from '../resolved-problem.ts';
import { NetworkLoad } from '../network/network-load.ts';
import { taperCapKw } from './taper-cap.ts';

/** A gap smaller than this (kWh) counts as filled: floating-point dust must not trigger a minimum-power top-up. */
export const energyEpsilonKwh = 1e-9;

/** Powers below this (kW) are not worth giving (and plan assembly would zero them anyway). */
export const powerEpsilonKw = 1e-9;

/**
 * A share this close below a vehicle's minimum power (kW) is raised to the minimum, so rounding in a
 * split (10 kW / 3 x 3) never turns a share that is exactly the minimum into no charging at all. Far below
 * the validator's tolerance.
 */
export const minPowerSlackKw = 1e-9;

/** kW that adds `energyKwh` to `vehicle` in one slot of `slotHours` hours. */
export function powerToFillKw(vehicle: ResolvedVehicle, slotHours: number, energyKwh: number): number {
  return energyKwh / (slotHours * vehicle.chargeEfficiency);
}

/** kWh that `powerKw` adds to `vehicle` in one slot of `slotHours` hours. */
export function energyFromPowerKwh(vehicle: ResolvedVehicle, slotHours: number, powerKw: number): number {
  return slotHours * vehicle.chargeEfficiency * powerKw;
}

/** Whether `vehicle` is plugged in during slot `t`. */
export function isPlugged(vehicle: ResolvedVehicle, t: number): boolean {
  return t >= vehicle.arrivalSlot && t < vehicle.endSlot;
}

/**
 * Powers, energies and site headroom while a baseline builds its schedule. Powers are per vehicle (same
 * order as `rp.vehicles`) and slot (kW, >= 0).
 */
export class ChargeAllocation {
  readonly powerKw: Float64Array[];
  private readonly energyKwh: Float64Array;
  private readonly headroom: Float64Array;
  /** Current phasors of the network's limits, when the problem has a network. */
  readonly network: NetworkLoad | undefined;

  /**
   * `fill`: `forward` when the strategy fills slot t only after every earlier slot (the running energy is then the
   * slot's start energy, and the taper caps each slot as it is filled), `any` otherwise (no cap while filling: the
   * strategy clips its powers afterwards, `taperClippedKw`).
   */
  constructor(readonly rp: ResolvedProblem, private readonly fill: 'forward' | 'any' = 'forward') {
    this.network = rp.network ? new NetworkLoad(rp.network, rp.slotCount) : undefined;
    this.powerKw = rp.vehicles.map(() => new Float64Array(rp.slotCount));
    this.energyKwh = Float64Array.from(rp.vehicles, (v) => v.initialEnergyKwh);
    this.headroom = new Float64Array(rp.slotCount);
    for (let t = 0; t < rp.slotCount; t++) {
      this.headroom[t] = Math.max(0, rp.importLimitKw[t]! - rp.netBaseKw[t]!);
    }
  }

  /** Site power still available to the vehicles in slot `t` (kW, >= 0, `Infinity` when unlimited). */
  headroomKw(t: number): number {
    return this.headroom[t]!;
  }

  /** Energy of vehicle `i` after everything given so far (kWh). */
  energyOf(i: number): number {
    return this.energyKwh[i]!;
  }

  /** Energy vehicle `i` still needs to hold its required energy (kWh); 0 once within `energyEpsilonKwh`. */
  gapKwh(i: number): number {
    const gap = this.vehicle(i).requiredEnergyKwh - this.energyKwh[i]!;
    return gap > energyEpsilonKwh ? gap : 0;
  }

  needsEnergy(i: number): boolean {
    return this.gapKwh(i) > 0;
  }

  /**
   * The most vehicle `i` would take in slot `t`, ignoring the site (kW): 0 when it is not plugged in, the
   * slot is closed or it needs nothing; otherwise its charge limit or the power that fills its gap,
   * whichever is smaller. When filling the gap needs less than the minimum power, the minimum is asked for
   * instead (overshooting the requirement a little) if it fits under the capacity; otherwise 0.
   */
  ceilingKw(i: number, t: number): number {
    const v = this.vehicle(i);
    const limit = Math.min(v.maxChargeKw[t]!, this.taperLimitKw(i));
    const gap = this.gapKwh(i);
    if (limit <= 0 || gap <= 0) return 0;
    const fill = powerToFillKw(v, this.rp.slotHours, gap);
    const p = Math.min(limit, fill);
    if (p >= v.minChargeKw) return p;
    const roomKw = powerToFillKw(v, this.rp.slotHours, v.capacityKwh - this.energyKwh[i]!);
    return v.minChargeKw <= roomKw && v.minChargeKw <= limit ? v.minChargeKw : 0;
  }

  /**
   * Gives vehicle `i` as much as it can take in slot `t`, at most `capKw`, within the site headroom, the
   * network's limits and its minimum power (all or nothing below the minimum). A vehicle is given power at
   * most once per slot: if it already has power in slot `t`, nothing more is given. Returns the kW given.
   * `jointlyChecked`: the caller has checked that this power fits the network together with the other
   * powers it gives in this slot (round robin), so the network headroom of this one step is not applied.
   */
  give(i: number, t: number, capKw = Infinity, jointlyChecked = false): number {
    if (this.powerKw[i]![t] !== 0) return 0;
    const v = this.vehicle(i);
    const networkKw = this.network && !jointlyChecked ? this.network.headroomKw(i, t) : Infinity;
    let p = Math.min(this.ceilingKw(i, t), this.headroom[t]!, capKw, networkKw);
    if (p < v.minChargeKw) p = p >= v.minChargeKw - minPowerSlackKw && p > 0 ? v.minChargeKw : 0;
    if (p <= powerEpsilonKw) return 0;
    this.powerKw[i]![t] = p;
    this.energyKwh[i]! += energyFromPowerKwh(v, this.rp.slotHours, p);
    this.headroom[t] = Math.max(0, this.headroom[t]! - p);
    this.network?.add(i, t, p);
    return p;
  }

  /** The charge taper's cap (kW) on vehicle `i` in the slot being filled forwards, at its running energy; `Infinity` without a taper or when not filling forwards. */
  private taperLimitKw(i: number): number {
    const v = this.vehicle(i);
    const taper = this.rp.source.vehicles[v.index]?.chargeTaper;
    if (taper === undefined || this.fill !== 'forward') return Infinity;
    const kwhPerKw = energyFromPowerKwh(v, this.rp.slotHours, 1);
    return taperCapKw(taper, this.energyKwh[i]!, v.capacityKwh, kwhPerKw);
  }

  /**
   * The powers with the charge taper kept in time order (for the strategies that fill out of it): slot by slot from
   * the arrival, each power at most the taper's cap at the energy the clipped powers before it leave, and 0 where
   * that cap is below the minimum power. Unchanged where the plan already kept the taper; clipping a slot only lowers
   * the energy of the later ones, so their caps only rise. Less power never breaks the site limit; a vehicle's lost
   * energy is not made up elsewhere.
   */
  taperClippedKw(): Float64Array[] {
    return this.powerKw.map((row, i) => {
      const v = this.vehicle(i);
      const taper = this.rp.source.vehicles[v.index]?.chargeTaper;
      if (taper === undefined) return row;
      const kwhPerKw = energyFromPowerKwh(v, this.rp.slotHours, 1);
      const out = Float64Array.from(row);
      let energyKwh = v.initialEnergyKwh;
      for (let t = 0; t < out.length; t++) {
        if (out[t]! <= 0) continue;
        const capKw = taperCapKw(taper, energyKwh, v.capacityKwh, kwhPerKw);
        if (out[t]! > capKw) out[t] = capKw >= v.minChargeKw && capKw > powerEpsilonKw ? capKw : 0;
        energyKwh += out[t]! * kwhPerKw;
      }
      return out;
    });
  }

  /** Indices of the vehicles plugged in during slot `t` that still need energy, in index order. */
  waitingAt(t: number): number[] {
    const out: number[] = [];
    this.rp.vehicles.forEach((v, i) => {
      if (isPlugged(v, t) && this.needsEnergy(i)) out.push(i);
    });
    return out;
  }

  private vehicle(i: number): ResolvedVehicle {
    return this.rp.vehicles[i]!;
  }
}

/** Compares two vehicles by a key, ties by index (ascending), for deterministic orders. */
export function byKeyThenIndex(key: (i: number) => number): (a: number, b: number) => number {
  return (a, b) => key(a) - key(b) || a - b;
}
