/** Generated portfolios for the coordination tests: sites of generated depots, their uncoordinated and inflexible sums. */
import fc from 'fast-check';
import { problemSubproblem, type SiteSubproblem } from '../../../optimizer/portfolio/site-subproblem.ts';
import type { SharedRowLimits } from '../../../optimizer/portfolio/coordinate.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

/** One site per seed, each a generated depot of `vehicles` over `slots` slots, solved by `solve`. */
export function portfolio(solve: (p: Problem) => Promise<Plan>, seeds: readonly number[], vehicles: number, slots: number): SiteSubproblem[] {
  return seeds.map((seed, i) => problemSubproblem(`site-${i}`, generateDepot({ vehicles, slots, seed }), solve));
}

/** Uncoordinated import per slot, summed (what the feeder would see without coordination), kW. */
export async function uncoordinatedSum(sites: readonly SiteSubproblem[], slots: number): Promise<number[]> {
  const sols = await Promise.all(sites.map((s) => s.solve({ adderPerKwh: new Array(slots).fill(0) })));
  return Array.from({ length: slots }, (_, t) => sols.reduce((a, s) => a + s.netImportKw[t]!, 0));
}

/** The sites' inflexible net import per slot, summed (import part only), kW. */
export function floorSum(sites: readonly SiteSubproblem[], slots: number): number[] {
  return Array.from({ length: slots }, (_, t) => sites.reduce((a, s) => a + Math.max(0, s.inflexibleNetKw[t]!), 0));
}

/**
 * A feeder import limit between the sites' inflexible floors and their uncoordinated peak (`tightness` of the way
 * up from the floors, at least 1 kW above them): binding somewhere, feasible everywhere; no export limit.
 */
export async function bindingLimits(sites: readonly SiteSubproblem[], slots: number, tightness: number): Promise<SharedRowLimits> {
  const peak = Math.max(...(await uncoordinatedSum(sites, slots)));
  const importLimitKw = floorSum(sites, slots).map((f) => Math.max(f + 1, f + tightness * (peak - f)));
  return { importLimitKw, exportLimitKw: new Array(slots).fill(Infinity) };
}

/** Seeds of 2-4 sites and a limit tightness: the arbitraries of the aggregate-LP properties. */
export const aggregatePortfolioArbitraries = [fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 2, maxLength: 4 }), fc.double({ min: 0.3, max: 0.9, noNaN: true })] as const;

/** A portfolio of `seeds` (4 vehicles each over `slots`) under binding limits, and its sites' problems. */
export async function aggregateInstance(solve: (p: Problem) => Promise<Plan>, seeds: readonly number[], tightness: number, slots: number) {
  const sites = portfolio(solve, seeds, 4, slots);
  const limits = await bindingLimits(sites, slots, tightness);
  return { sites, limits, problems: sites.map((s) => s.problem!) };
}
