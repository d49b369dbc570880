/**
 * The generated portfolio of the aggregate-LP benches (portfolio-aggregate-lp-bench.ts,
 * portfolio-decomposed-master-profile.ts): S depots of V vehicles over T slots (seed = site number, 6 A minimum
 * current), a feeder import limit of their inflexible peak + `headroom` (default 0.3) x their energy need over 8 h,
 * 0.8 of it on slots 2-9, no export limit.
 */
import type { Problem } from '../optimizer/problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';

/** The bench instance: the sites' problems, the feeder's kW and the limits per slot. */
export interface AggregateBenchInstance {
  readonly problems: Problem[];
  readonly feederKw: number;
  readonly importLimitKw: number[];
  readonly limits: { readonly importLimitKw: number[]; readonly exportLimitKw: number[] };
}

export function aggregateBenchInstance(S: number, V: number, T: number, headroom = 0.3): AggregateBenchInstance {
  const problems = Array.from({ length: S }, (_, i) => generateDepot({ vehicles: V, slots: T, seed: i + 1 }));
  let floorKw = 0;
  let needKwh = 0;
  for (const problem of problems) {
    floorKw += Math.max(0, ...problem.baseLoadKw!.map((b, t) => b - (problem.pvKw?.[t] ?? 0)));
    needKwh += problem.vehicles.reduce((a, v) => a + Math.max(0, v.targetEnergyKwh - v.energyKwh), 0);
  }
  const feederKw = Math.round(floorKw + headroom * (needKwh / 8));
  const importLimitKw = Array.from({ length: T }, (_, t) => (t >= 2 && t < 10 ? Math.round(0.8 * feederKw) : feederKw));
  return { problems, feederKw, importLimitKw, limits: { importLimitKw, exportLimitKw: new Array<number>(T).fill(Infinity) } };
}
