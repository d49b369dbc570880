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
 *
 * With a network the equal share is max-min fair (progressive filling): all shares rise together until a
 * limit binds (the site headroom, or an exact current magnitude), the vehicles behind that limit keep their
 * share, and the others rise on; the level at which a limit binds is found by bisection.
 */
import type { ResolvedProblem } from '../resolved-problem.ts';
import { ChargeAllocation, minPowerSlackKw } from './allocation.ts';

/** Bisection steps when a network limit binds: the level is then known to 2^-40 of its range. */
const bisectionSteps = 40;

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

/**
 * Max-min fair shares (kW by vehicle index) of `claims` in slot `t` under the site headroom and the
 * network's exact limits: progressive filling, one bisection per binding limit.
 */
export function fairSharesKw(alloc: ChargeAllocation, t: number, claims: readonly Claim[]): Map<number, number> {
  const share = progressiveFillKw(alloc, t, claims, false)!;
  return new Map(claims.map((c, k) => [c.index, share[k]!]));
}

/**
 * `fairSharesKw`'s shares by claim position; with `stopBelowMinimum`, undefined as soon as a share is final
 * (its vehicle stops rising) below its claim's minimum: the answer `servesAll` needs, without the remaining
 * rounds of the filling (a final share never changes).
 */
function progressiveFillKw(alloc: ChargeAllocation, t: number, claims: readonly Claim[], stopBelowMinimum: boolean): Float64Array | undefined {
  const network = alloc.network!;
  const headroomKw = alloc.headroomKw(t);
  const n = claims.length;
  const vehicles = Int32Array.from(claims, (c) => c.index);
  const share = new Float64Array(n);
  const frozen = new Uint8Array(n);
  const setLevel = (level: number) => {
    for (let k = 0; k < n; k++) if (!frozen[k]) share[k] = Math.min(claims[k]!.ceilingKw, level);
  };
  const total = () => {
    // The same sum as share.reduce((a, b) => a + b, 0): from 0, in position order.
    let sum = 0;
    for (let k = 0; k < n; k++) sum += share[k]!;
    return sum;
  };
  const fits = () => total() <= headroomKw + minPowerSlackKw && network.fitsTogether(t, vehicles, share);
  let floor = 0;
  for (let active = n; active > 0; ) {
    let top = 0;
    for (let k = 0; k < n; k++) if (!frozen[k]) top = Math.max(top, claims[k]!.ceilingKw);
    setLevel(top);
    if (fits()) break;
    let lo = floor;
    let hi = top;
    for (let step = 0; step < bisectionSteps; step++) {
      const mid = (lo + hi) / 2;
      setLevel(mid);
      if (fits()) lo = mid;
      else hi = mid;
    }
    // What breaks just above the level binds: its vehicles keep their share.
    setLevel(hi);
    const blocked = new Set<number>();
    const siteBinds = total() > headroomKw + minPowerSlackKw;
    for (const limit of network.brokenBy(t, vehicles, share)) for (const v of network.vehiclesOf(limit)) blocked.add(v);
    setLevel(lo);
    let stillRising = 0;
    for (let k = 0; k < n; k++) {
      if (frozen[k]) continue;
      if (siteBinds || claims[k]!.ceilingKw <= lo || blocked.has(claims[k]!.index)) {
        frozen[k] = 1;
        if (stopBelowMinimum && share[k]! < claims[k]!.minKw - minPowerSlackKw) return undefined;
      } else stillRising++;
    }
    if (stillRising === active) {
      // Rounding found no binding limit: stop at the level that fits.
      frozen.fill(1);
      break;
    }
    active = stillRising;
    floor = lo;
  }
  return share;
}

/** The shares of `claims` (kW by vehicle index): water-filling on the site headroom, or fair shares with a network. */
function sharesKw(alloc: ChargeAllocation, t: number, claims: readonly Claim[]): Map<number, number> {
  if (alloc.network) return fairSharesKw(alloc, t, claims);
  const level = waterLevelKw(claims.map((c) => c.ceilingKw), alloc.headroomKw(t));
  return new Map(claims.map((c) => [c.index, Math.min(c.ceilingKw, level)]));
}

/**
 * The shares of `claims` by claim position (`sharesKw`'s) when every one reaches its minimum (less the slack), else
 * undefined; `stopEarly`: the filling stops at the first final share below. A filling not stopped is the whole of
 * `sharesKw`'s (the early stop only ends it sooner), so the shares returned are the ones to give.
 */
function servedSharesKw(alloc: ChargeAllocation, t: number, claims: readonly Claim[], stopEarly: boolean): Float64Array | undefined {
  if (alloc.network) {
    const share = progressiveFillKw(alloc, t, claims, stopEarly);
    return share !== undefined && claims.every((c, k) => share[k]! >= c.minKw - minPowerSlackKw) ? share : undefined;
  }
  const shares = sharesKw(alloc, t, claims);
  return claims.every((c) => shares.get(c.index)! >= c.minKw - minPowerSlackKw) ? Float64Array.from(claims, (c) => shares.get(c.index)!) : undefined;
}

/**
 * Charge power per vehicle and slot (kW, >= 0) of equal-share charging. `stopEarly` (default; false only to
 * test that it changes nothing): with a network, a prefix is refused as soon as one share is final below its minimum.
 */
export function roundRobinPowerKw(rp: ResolvedProblem, stopEarly = true): Float64Array[] {
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
    // Serving a prefix is monotone: dropping a vehicle only raises the level. Find the longest that works. The
    // longest is the last prefix found to work, so its shares (computed by the test) are the ones to give.
    let lo = 0;
    let hi = n;
    let servedKw: Float64Array = new Float64Array(0);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const shares = servedSharesKw(alloc, t, rotated.slice(0, mid), stopEarly);
      if (shares !== undefined) {
        lo = mid;
        servedKw = shares;
      } else hi = mid - 1;
    }
    const served = rotated.slice(0, lo);
    const shares = new Map(served.map((c, k) => [c.index, servedKw[k]!]));
    // Capped vehicles first, so rounding in the level never starves the last uncapped one. The shares fit
    // the network together (one at a time a primary line may pass through a higher magnitude).
    const byCeiling = [...served].sort((a, b) => a.ceilingKw - b.ceilingKw || a.index - b.index);
    for (const c of byCeiling) alloc.give(c.index, t, shares.get(c.index)!, true);
    for (const c of rotated.slice(lo)) alloc.give(c.index, t);
  }
  return alloc.powerKw;
}
