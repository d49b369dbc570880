/**
 * The feeder's request of a site in the site-solve benches (site-solve-bench.ts, site-lp-options-probe.ts):
 * `uncapped` (a zero adder) or `capped`: an import cap of `capShare` x the site's import limit from 17:00 to 19:00
 * of each day (slots 44-51 mod 96; generated depots start at 06:00), an adder of 0.08 per kWh there, 0.02 elsewhere.
 */
import type { SiteRequest } from '../../optimizer/portfolio/site-subproblem.ts';
import type { Problem } from '../../optimizer/problem.ts';

export function siteRequestOf(problem: Problem, kind: 'uncapped' | 'capped' | string, capShare = 0.4): SiteRequest {
  const T = problem.slotCount;
  if (kind === 'uncapped') return { adderPerKwh: new Array<number>(T).fill(0) };
  const evening = (t: number) => t % 96 >= 44 && t % 96 < 52;
  const limitKw = problem.importLimitKw?.[0] ?? 1000;
  return {
    adderPerKwh: Array.from({ length: T }, (_, t) => (evening(t) ? 0.08 : 0.02)),
    importCapKw: Array.from({ length: T }, (_, t) => (evening(t) ? Math.round(capShare * limitKw) : Infinity)),
  };
}
