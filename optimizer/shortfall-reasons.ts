/**
 * Why a vehicle leaves short of its target, from the plan and the problem's bounds (no solver needed, so
 * every plan gets reasons, whoever made it):
 *
 * - `own-limit`: its own charger and stay cannot deliver the target: charging at its maximum in every slot
 *   of its stay (battery capacity and efficiency included) still ends short.
 * - `site-limit`: it could have charged more, but in every slot where it charged below its maximum the site
 *   import limit (which includes dispatch limits) or a network current limit was used up.
 * - `price`: the plan left room in some slot (the site was not at a limit), and the plan is the optimizer's
 *   (an LP optimum, the exact MILP or the LP repair): the energy cost there exceeded the shortfall penalty
 *   (in an LP optimum a slot with room and the vehicle below its maximum is exactly one whose marginal
 *   cost, by the duals, exceeds the penalty).
 * - `strategy`: the same room, in a plan that does not optimise cost (a baseline, a rounded LP answer).
 */
import { networkLoading } from './network/network-loading.ts';
import type { Plan, ShortfallReason, VehiclePlan } from './plan.ts';
import type { ResolvedProblem, ResolvedVehicle } from './resolved-problem.ts';

/** Shortfalls below this (kWh) need no reason. */
export const shortfallToleranceKwh = 1e-6;
/** A power within this of its bound (kW) is at the bound; a site flow within this of its limit is at the limit. */
const boundToleranceKw = 1e-4;

/** Energy the vehicle ends with when charging at its maximum in every slot of its stay (kWh). */
function reachableKwh(v: ResolvedVehicle, dt: number): number {
  let e = v.initialEnergyKwh;
  for (let t = v.arrivalSlot; t < v.endSlot; t++) e = Math.min(v.capacityKwh, e + dt * v.chargeEfficiency * v.maxChargeKw[t]!);
  return e;
}

/** Per slot: whether a shared limit (import, network) was used up. */
function sharedLimitSlots(rp: ResolvedProblem, plan: Plan): { site: Uint8Array; network: Uint8Array } {
  const site = new Uint8Array(rp.slotCount);
  const network = new Uint8Array(rp.slotCount);
  for (let t = 0; t < rp.slotCount; t++) {
    const limit = rp.importLimitKw[t]!;
    if (Number.isFinite(limit) && plan.site.importKw[t]! >= limit - boundToleranceKw) site[t] = 1;
  }
  const net = rp.source.network;
  if (net && rp.network) {
    const byCharger = new Map<string, number[]>();
    for (const v of plan.vehicles) {
      const series = byCharger.get(v.chargerId) ?? new Array<number>(plan.slotCount).fill(0);
      v.powerKw.forEach((p, t) => (series[t] = series[t]! + p));
      byCharger.set(v.chargerId, series);
    }
    const loading = networkLoading(net, byCharger, rp.slotCount);
    // The LP holds magnitudes by an inner polygon that may leave maxLossFraction of a limit unused.
    const atLimitPct = 100 * (1 - rp.network.maxLossFraction) - 0.01;
    for (let t = 0; t < rp.slotCount; t++) if (loading.loadingPctPerSlot[t]! >= atLimitPct) network[t] = 1;
  }
  return { site, network };
}

function slotRange(slots: number[]): string {
  if (slots.length === 0) return '';
  return slots.length === 1 ? `slot ${slots[0]}` : `${slots.length} slots between ${slots[0]} and ${slots.at(-1)}`;
}

function reasonFor(v: ResolvedVehicle, vp: VehiclePlan, rp: ResolvedProblem, limits: { site: Uint8Array; network: Uint8Array }, optimised: boolean): ShortfallReason {
  const dt = rp.slotHours;
  const reachable = reachableKwh(v, dt);
  if (reachable < v.requiredEnergyKwh - shortfallToleranceKwh) {
    return {
      kind: 'own-limit',
      detail: `its charger and stay deliver at most ${reachable.toFixed(2)} kWh of the ${v.requiredEnergyKwh.toFixed(2)} kWh required`,
    };
  }
  const free: number[] = [];
  const site: number[] = [];
  const network: number[] = [];
  for (let t = v.arrivalSlot; t < v.endSlot; t++) {
    if (vp.powerKw[t]! >= v.maxChargeKw[t]! - boundToleranceKw || vp.energyKwh[t]! >= v.capacityKwh - shortfallToleranceKwh) continue;
    if (limits.site[t]) site.push(t);
    else if (limits.network[t]) network.push(t);
    else free.push(t);
  }
  if (free.length === 0) {
    const what = [site.length > 0 ? `the site import limit (with any dispatch limit) in ${slotRange(site)}` : '', network.length > 0 ? `a network current limit in ${slotRange(network)}` : '']
      .filter(Boolean)
      .join(' and ');
    return { kind: 'site-limit', detail: `it could charge more only where ${what} was used up by the site` };
  }
  if (optimised) {
    const cheapest = Math.min(...free.map((t) => rp.importPricePerKwh[t]!));
    return {
      kind: 'price',
      detail: `charging more in ${slotRange(free)} with room (cheapest import ${cheapest.toFixed(4)} per kWh, plus losses, demand charge and degradation) costs more than the shortfall penalty of ${rp.shortfallPenaltyPerKwh} per kWh`,
    };
  }
  return { kind: 'strategy', detail: `this plan left room in ${slotRange(free)}, where no site limit was reached` };
}

/**
 * `plan` with a `shortfallReason` on every vehicle short of its target by more than 1e-6 kWh. `optimised`:
 * the plan minimises cost (an LP optimum, the MILP, the LP repair), so unused room means price.
 */
export function withShortfallReasons(rp: ResolvedProblem, plan: Plan, optimised: boolean): Plan {
  if (!plan.vehicles.some((v) => v.shortfallKwh > shortfallToleranceKwh)) return plan;
  const limits = sharedLimitSlots(rp, plan);
  const vehicles = plan.vehicles.map((vp, i) => {
    if (vp.shortfallKwh <= shortfallToleranceKwh) return vp;
    return { ...vp, shortfallReason: reasonFor(rp.vehicles[i]!, vp, rp, limits, optimised) };
  });
  return { ...plan, vehicles };
}
