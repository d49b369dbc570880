/**
 * Equal share: in each slot the site headroom is split equally among the plugged vehicles that still need
 * energy, by water-filling: a vehicle capped by its own limit or need (its `ceilingKw`) gives its unused
 * share to the others.
 *
 * With minimum powers, an equal share can fall below a vehicle's minimum; then fewer vehicles are served.
 * The waiting vehicles (index order) are rotated by the slot number (slot t starts at position
 * `t mod count`) and the longest prefix of that rotation whose water-filled shares all reach their
 * minimum is served, so who waits changes from slot to slot. Headroom those vehicles leave unused (all of
 * them capped) goes, in the same rotated order, to the vehicles not served, each at full power if it
 * reaches their minimum.
 */
import type { ResolvedProblem } from '../resolved-problem.ts';
import { ChargeAllocation, minPowerSlackKw } from './allocation.ts';

interface Claim {
  readonly index: number;
  readonly ceilingKw: number;
  readonly minKw: number;
}

/**
 * The water level (kW) at which vehicles with these ceilings share `headroomKw`: each gets
 * min(ceiling, level) and the shares add up to the headroom; `Infinity` when every ceiling fits.
 */
export function waterLevelKw(ceilingsKw: readonly number[], headroomKw: number): number {
  if (headroomKw === Infinity) return Infinity;
  const sorted = [...ceilingsKw].sort((a, b) => a - b);
  let remaining = headroomKw;
  for (let k = 0; k < sorted.length; k++) {
    const level = remaining / (sorted.length - k);
    if (sorted[k]! > level) return level;
    remaining -= sorted[k]!;
  }
  return Infinity; // every claim capped by its ceiling
}

function servesAll(claims: readonly Claim[], headroomKw: number): boolean {
  const level = waterLevelKw(claims.map((c) => c.ceilingKw), headroomKw);
  return claims.every((c) => Math.min(c.ceilingKw, level) >= c.minKw - minPowerSlackKw);
}

/** Charge power per vehicle and slot (kW, >= 0) of equal-share charging. */
export function roundRobinPowerKw(rp: ResolvedProblem): Float64Array[] {
  const alloc = new ChargeAllocation(rp);
  for (let t = 0; t < rp.slotCount; t++) {
    const claims: Claim[] = [];
    for (const i of alloc.waitingAt(t)) {
      const ceilingKw = alloc.ceilingKw(i, t);
      if (ceilingKw > 0) claims.push({ index: i, ceilingKw, minKw: rp.vehicles[i]!.minChargeKw });
    }
    const n = claims.length;
    if (n === 0) continue;
    const offset = t % n;
    const rotated = [...claims.slice(offset), ...claims.slice(0, offset)];
    const headroomKw = alloc.headroomKw(t);
    // Serving a prefix is monotone: dropping a vehicle only raises the level. Find the longest that works.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (servesAll(rotated.slice(0, mid), headroomKw)) lo = mid;
      else hi = mid - 1;
    }
    const served = rotated.slice(0, lo);
    const level = waterLevelKw(served.map((c) => c.ceilingKw), headroomKw);
    // Capped vehicles first, so rounding in the level never starves the last uncapped one.
    const byCeiling = [...served].sort((a, b) => a.ceilingKw - b.ceilingKw || a.index - b.index);
    for (const c of byCeiling) alloc.give(c.index, t, Math.min(c.ceilingKw, level));
    for (const c of rotated.slice(lo)) alloc.give(c.index, t);
  }
  return alloc.powerKw;
}
