/**
 * Departure shortfalls left by rounding minimum powers, moved onto vehicles that leave with more than they
 * need (portfolio settlement, column-generation.ts `settlePortfolio`).
 *
 * With a feeder binding in nearly every slot, rounding 6 A minimum powers (minimum-power-split.ts) cannot add
 * net import anywhere: a vehicle rounded off falls behind and may leave short while another, rounded up, leaves
 * above its target (measured at 3 sites x 30 vehicles: 8.1 kWh short on 23 vehicles, 21.0 kWh surplus on 27).
 * This pass swaps charging power between two vehicles in the SAME slot: the short vehicle charges x kW more,
 * a vehicle with surplus x kW less. Within one site its net import is unchanged, so its limits, its billed
 * peak and the feeder sum are untouched; across two sites the feeder sum is unchanged and each site's net
 * moves by x within its room (`SwapSites`: import limit, billed peak, export limit). Per vehicle:
 * - the receiver's power stays 0 or within [its minimum, its maximum], its energy at or below its capacity in
 *   every later slot, and it gains at most its shortfall;
 * - the donor's power stays 0 or at least its minimum, its energy at or above its floor in every later slot,
 *   and it ends at or above its own requirement (it loses at most its surplus).
 * The caller keeps the result only when the site's plan cost falls (wear and efficiency differ by vehicle).
 */
import type { ResolvedProblem } from '../resolved-problem.ts';
import type { DpVehicle } from './vehicle-dp.ts';

const tolKw = 1e-7;
const marginKwh = 1e-9;

/** Energy a vehicle stores in one slot at power `kw` (kWh; negative when it discharges). */
const stored = (v: DpVehicle, kw: number, dt: number): number => (kw > 0 ? dt * v.chargeEfficiency * kw : (dt * kw) / v.dischargeEfficiency);

/**
 * The largest x <= `limitKw` by which a donor at power `pa` can lower its power in slot t (charge less, stop,
 * or discharge: V2G) and stay at 0 or within its minimum and maximum in either direction, giving up at most
 * `surplusKwh` of stored energy.
 */
function donorStep(v: DpVehicle, r: { readonly minChargeKw: number; readonly minDischargeKw: number }, t: number, pa: number, limitKw: number, surplusKwh: number, dt: number): number {
  const drop = (q: number) => stored(v, pa, dt) - stored(v, q, dt);
  // Candidate new powers from the highest (smallest x) down: each region's lowest point within the limits.
  let best = 0;
  const regions: [number, number][] = [];
  if (pa > tolKw) regions.push([Math.min(pa, Math.max(r.minChargeKw, tolKw)), pa]);
  regions.push([0, 0]);
  if (v.maxDischargeKw[t]! >= r.minDischargeKw && v.maxDischargeKw[t]! > tolKw) regions.push([-v.maxDischargeKw[t]!, Math.min(pa, -Math.max(r.minDischargeKw, tolKw))]);
  for (const [lo, hi] of regions) {
    if (hi > pa + tolKw || hi < pa - limitKw - tolKw) continue;
    // Lowest q in [lo, hi] with pa - q <= limit and drop(q) <= surplus (drop falls as q rises: bisect).
    let q = Math.max(lo, pa - limitKw);
    if (drop(q) > surplusKwh) {
      if (drop(hi) > surplusKwh) continue;
      let a = q;
      let b = hi;
      for (let k = 0; k < 50; k++) {
        const m = (a + b) / 2;
        if (drop(m) > surplusKwh) a = m;
        else b = m;
      }
      q = b;
    }
    best = Math.max(best, pa - q);
  }
  return best;
}

/** Per vehicle, its energy at the start of every slot of its window and at its end (kWh). */
function trajectory(v: DpVehicle, p: Float64Array, dt: number): Float64Array {
  const e = new Float64Array(v.endSlot - v.arrivalSlot + 1);
  e[0] = v.initialEnergyKwh;
  for (let t = v.arrivalSlot; t < v.endSlot; t++) {
    const kw = p[t]!;
    const k = t - v.arrivalSlot;
    e[k + 1] = e[k]! + stored(v, kw, dt);
  }
  return e;
}

/**
 * Several sites behind one feeder: the site of every vehicle and each site's room per slot (kW) to take more
 * net import (`upKw`: to its import limit and, in demand-charge slots, its billed peak) and to take less
 * (`downKw`: to its export limit). A swap between two sites moves x kW of net import from the donor's site to
 * the receiver's in one slot: the feeder sum is unchanged, each site stays within these rooms.
 */
export interface SwapSites {
  readonly siteOf: Int32Array;
  readonly upKw: Float64Array[];
  readonly downKw: Float64Array[];
  /**
   * The feeder's room per slot (kW below its import limit). A short vehicle may also take it, without a donor,
   * within its site's `upKw`: the only move that raises the feeder sum, never above its limit.
   */
  readonly feederUpKw?: Float64Array;
}

/**
 * Swaps charging power from vehicles with surplus to short vehicles, slot by slot (see the file's comment):
 * within one site, or across sites within `sites`' rooms. Changes `powers` (and the rooms) in place; returns
 * the kWh of shortfall removed.
 */
export function swapToShortfalls(rp: ResolvedProblem, vehicles: readonly DpVehicle[], powers: Float64Array[], sites?: SwapSites): number {
  const dt = rp.slotHours;
  const energy = vehicles.map((v, i) => trajectory(v, powers[i]!, dt));
  const final = (i: number) => energy[i]![energy[i]!.length - 1]!;
  const short = vehicles.map((v, i) => Math.max(0, v.requiredEnergyKwh - final(i)));
  const receivers = vehicles.map((_, i) => i).filter((i) => short[i]! > 1e-6).sort((a, b) => short[b]! - short[a]!);
  if (receivers.length === 0) return 0;
  const donors = vehicles.map((_, i) => i).filter((i) => final(i) - vehicles[i]!.requiredEnergyKwh > 1e-6);
  let removedKwh = 0;
  for (const b of receivers) {
    const vb = vehicles[b]!;
    const rb = rp.vehicles[b]!;
    // Latest slots first: a late raise keeps the receiver's earlier energies (and capacity room) as they were.
    const sb = sites?.siteOf[b] ?? 0;
    for (let t = vb.endSlot - 1; t >= vb.arrivalSlot && short[b]! > 1e-6; t--) {
      const pb = powers[b]![t]!;
      if (pb < -tolKw) continue;
      const kb = t - vb.arrivalSlot;
      let peakAfter = -Infinity;
      for (let k = kb + 1; k < energy[b]!.length; k++) peakAfter = Math.max(peakAfter, energy[b]![k]!);
      const capRoomKw = (Math.max(vb.capacityKwh, vb.initialEnergyKwh) - marginKwh - peakAfter) / (dt * vb.chargeEfficiency);
      const upB = Math.min(vb.maxChargeKw[t]! - pb, capRoomKw, short[b]! / (dt * vb.chargeEfficiency));
      const needB = pb > tolKw ? 0 : rb.minChargeKw;
      if (upB <= tolKw || upB < needB - tolKw) continue;
      // Several donors may fund one raise (a receiver off in this slot needs at least its minimum at once).
      const steps: [number, number][] = [];
      let got = 0;
      let crossUp = 0;
      const crossDown = new Map<number, number>();
      for (const a of donors) {
        if (got >= upB - tolKw) break;
        const va = vehicles[a]!;
        if (a === b || t < va.arrivalSlot || t >= va.endSlot) continue;
        const ka = t - va.arrivalSlot;
        let lowAfter = Infinity;
        for (let k = ka + 1; k < energy[a]!.length; k++) lowAfter = Math.min(lowAfter, energy[a]![k]!);
        const surplusKwh = Math.min(final(a) - va.requiredEnergyKwh, lowAfter - Math.min(va.floorEnergyKwh, va.initialEnergyKwh) - marginKwh);
        if (surplusKwh <= 1e-9) continue;
        const sa = sites?.siteOf[a] ?? 0;
        const cross = sites !== undefined && sa !== sb;
        const limit = cross ? Math.min(upB - got, sites.upKw[sb]![t]! - crossUp, sites.downKw[sa]![t]! - (crossDown.get(sa) ?? 0)) : upB - got;
        const x = donorStep(va, rp.vehicles[a]!, t, powers[a]![t]!, limit, surplusKwh, dt);
        if (x <= tolKw) continue;
        steps.push([a, x]);
        got += x;
        if (cross) {
          crossUp += x;
          crossDown.set(sa, (crossDown.get(sa) ?? 0) + x);
        }
      }
      // What donors could not give, from the feeder's room where the slot has some.
      const free = sites?.feederUpKw ? Math.max(0, Math.min(upB - got, sites.feederUpKw[t]!, sites.upKw[sb]![t]! - crossUp)) : 0;
      got += free;
      if (got <= tolKw || got < needB - tolKw) continue;
      if (free > 0) {
        sites!.feederUpKw![t]! -= free;
        sites!.upKw[sb]![t]! -= free;
        sites!.downKw[sb]![t]! += free;
      }
      for (const [a, x] of steps) {
        const sa = sites?.siteOf[a] ?? 0;
        if (sites && sa !== sb) {
          sites.upKw[sb]![t]! -= x;
          sites.downKw[sb]![t]! += x;
          sites.upKw[sa]![t]! += x;
          sites.downKw[sa]![t]! -= x;
        }
        const pa = powers[a]![t]!;
        powers[a]![t] = Math.abs(pa - x) < tolKw ? 0 : pa - x;
        energy[a] = trajectory(vehicles[a]!, powers[a]!, dt);
      }
      powers[b]![t] = pb + got;
      energy[b] = trajectory(vb, powers[b]!, dt);
      const before = short[b]!;
      short[b] = Math.max(0, vb.requiredEnergyKwh - final(b));
      removedKwh += before - short[b]!;
    }
  }
  return removedKwh;
}
