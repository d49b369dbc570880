/**
 * Primal recovery's split of a shared limit into per-site caps that sum to it exactly (so the sites'
 * plans, each within its cap, can never break the shared limit together).
 *
 * Per slot: every site first gets its floor (what it cannot avoid: import = max(0, base load - PV),
 * export = max(0, PV - base load)); the rest R = limit - sum(floors) goes in proportion to what each site
 * wanted above its floor at the coordinator's prices; when they want less than R together, each gets what
 * it wanted plus an equal share of the slack. When R < 0 the floors alone break the limit: every site is
 * capped at its floor and the slot's unavoidable excess is -R (named by the caller) - unless deep floors
 * are given (`deepFloorKw`: the lowest each site can go by discharging, <= its floor): then the missing -R
 * is taken from the sites in proportion to their headroom (floor - deep floor), so the caps still sum to the
 * limit (a cap may be negative: that site must export), and only what exceeds the headroom is unavoidable.
 */

export interface CapSplit {
  /** caps[s][t] (kW); Infinity where the limit is. */
  readonly caps: number[][];
  /** Per slot: sum of floors above the limit (kW), 0 when the limit can hold. */
  readonly unavoidableExcessKw: number[];
}

export function splitSharedLimit(
  limitKw: readonly number[],
  floorKw: readonly (readonly number[])[],
  wantedKw: readonly (readonly number[])[],
  deepFloorKw?: readonly (readonly number[])[],
): CapSplit {
  const S = floorKw.length;
  const T = limitKw.length;
  const caps = Array.from({ length: S }, () => new Array<number>(T).fill(Infinity));
  const unavoidableExcessKw = new Array<number>(T).fill(0);
  for (let t = 0; t < T; t++) {
    const limit = limitKw[t]!;
    if (!Number.isFinite(limit)) continue;
    let floors = 0;
    let wanted = 0;
    for (let s = 0; s < S; s++) {
      floors += floorKw[s]![t]!;
      wanted += Math.max(0, wantedKw[s]![t]! - floorKw[s]![t]!);
    }
    const rest = limit - floors;
    if (rest < 0 && deepFloorKw) {
      let headroom = 0;
      for (let s = 0; s < S; s++) headroom += Math.max(0, floorKw[s]![t]! - deepFloorKw[s]![t]!);
      const taken = Math.min(1, headroom > 0 ? -rest / headroom : 1);
      if (-rest > headroom) unavoidableExcessKw[t] = -rest - headroom;
      for (let s = 0; s < S; s++) caps[s]![t] = floorKw[s]![t]! - taken * Math.max(0, floorKw[s]![t]! - deepFloorKw[s]![t]!);
      continue;
    }
    if (rest < 0) unavoidableExcessKw[t] = -rest;
    for (let s = 0; s < S; s++) {
      const floor = floorKw[s]![t]!;
      const want = Math.max(0, wantedKw[s]![t]! - floor);
      caps[s]![t] = rest <= 0 ? floor : wanted <= rest ? floor + want + (rest - wanted) / S : floor + (rest * want) / wanted;
    }
  }
  return { caps, unavoidableExcessKw };
}
