/**
 * The flexibility envelope of a plan: for each slot, how many kW the site's net import could move up and
 * down away from the plan in that slot while every vehicle can still reach what the plan delivers at its
 * departure (never less than the plan: a target met stays met) and every bound and site limit holds.
 *
 * Each slot is considered on its own, with every other slot as planned up to it and free afterwards for the
 * vehicle concerned: a vehicle's lowest power in slot t is the one after which charging at its full limit
 * for the rest of its stay still reaches its departure energy; its highest is its charge limit, capped by
 * the room left in the battery. The site sums the vehicles and caps the sum by its own import and export
 * limits. Vehicles recover independently, so activating several slots at once, or asking a fleet to recover
 * through a site limit, can need more than the envelope shows: the utility's request is re-optimised
 * against the real constraints (a dispatch becomes a limit in the problem) and answered with what the
 * site can actually do.
 *
 * With a three-phase network the extra import of a slot is also what its current limits leave: the
 * vehicles' extra power is added one after another (problem order), each within the exact magnitudes left
 * by the plan and the vehicles before it (network-load.ts), so the envelope's "up" can be done as shown.
 * "Down" likewise, on its own copy of the plan's currents: shedding one line pair's load can raise a line's
 * current (a line carries the difference of two pairs' currents), so each vehicle sheds only what keeps every
 * exact magnitude within its limit.
 */
import { NetworkLoad } from './network/network-load.ts';
import type { Plan } from './plan.ts';
import type { ResolvedProblem } from './resolved-problem.ts';

export interface FlexibilityEnvelope {
  /** Extra import the site could take per slot versus the plan (kW, >= 0). */
  readonly upKw: number[];
  /** Import the site could shed (or export it could add) per slot versus the plan (kW, >= 0). */
  readonly downKw: number[];
  /** Planned net import per slot (kW; negative = export). */
  readonly plannedNetKw: number[];
}

/** The envelope of `plan` (kW per slot); see the file comment for what it promises and what it does not. */
export function flexibilityEnvelope(rp: ResolvedProblem, plan: Plan): FlexibilityEnvelope {
  const T = rp.slotCount;
  const dt = rp.slotHours;
  const upKw = new Array<number>(T).fill(0);
  const downKw = new Array<number>(T).fill(0);
  const plannedNetKw = plan.site.importKw.map((imp, t) => imp - plan.site.exportKw[t]!);
  const vehicleUp = new Float64Array(T);
  const vehicleDown = new Float64Array(T);
  const planLoad = () => {
    const load = new NetworkLoad(rp.network!, T);
    plan.vehicles.forEach((vp, i) => vp.powerKw.forEach((kw, t) => kw !== 0 && load.add(i, t, kw)));
    return load;
  };
  const network = rp.network ? planLoad() : undefined;
  const networkDown = rp.network ? planLoad() : undefined;
  const ups: [number, number, number][] = [];
  const downs: [number, number, number][] = [];
  rp.vehicles.forEach((v, i) => {
    const vp = plan.vehicles[i]!;
    // reachableAfter[t]: energy the vehicle can still add from slot t to its departure at full power.
    const reachableAfter = new Float64Array(T + 1);
    for (let t = v.endSlot - 1; t >= v.arrivalSlot; t--) {
      reachableAfter[t] = reachableAfter[t + 1]! + dt * v.chargeEfficiency * v.maxChargeKw[t]!;
    }
    const mustHoldKwh = Math.min(v.requiredEnergyKwh, vp.energyKwh[v.endSlot]!);
    for (let t = v.arrivalSlot; t < v.endSlot; t++) {
      const planned = vp.powerKw[t]!;
      const energyAtStart = vp.energyKwh[t]!;
      const roomKw = Math.max(0, (v.capacityKwh - energyAtStart) / (dt * v.chargeEfficiency));
      const highest = Math.min(v.maxChargeKw[t]!, roomKw);
      const lowestEnergyAfter = Math.max(v.floorEnergyKwh, mustHoldKwh - reachableAfter[t + 1]!);
      const change = lowestEnergyAfter - energyAtStart; // kWh the slot must add (negative: may give up)
      let lowest = change >= 0 ? change / (dt * v.chargeEfficiency) : (change * v.dischargeEfficiency) / dt;
      lowest = Math.max(lowest, -v.maxDischargeKw[t]!);
      if (lowest > 0 && lowest > highest) lowest = highest;
      if (network) ups.push([i, t, Math.max(0, highest - planned)]);
      else vehicleUp[t]! += Math.max(0, highest - planned);
      const down = Math.max(0, planned - Math.min(lowest, planned));
      if (network) downs.push([i, t, down]);
      else vehicleDown[t]! += down;
    }
  });
  for (const [i, t, down] of downs) {
    const kw = Math.min(down, networkDown!.headroomDownKw(i, t));
    networkDown!.add(i, t, -kw);
    vehicleDown[t]! += kw;
  }
  for (const [i, t, up] of ups) {
    const kw = Math.min(up, network!.headroomKw(i, t));
    network!.add(i, t, kw);
    vehicleUp[t]! += kw;
  }
  for (let t = 0; t < T; t++) {
    const net = plannedNetKw[t]!;
    upKw[t] = Math.max(0, Math.min(vehicleUp[t]!, rp.importLimitKw[t]! - net));
    downKw[t] = Math.max(0, Math.min(vehicleDown[t]!, net + rp.exportLimitKw[t]!));
  }
  return { upKw, downKw, plannedNetKw };
}
