/**
 * The site's import limit, base load and PV in the slot containing now, as the site problem sees them
 * (connection, transformer, network-free import limits, active dispatches, capacity limits, forecasts
 * completed by their named assumptions). When no problem can be built (no price covers now), the
 * connection and transformer limits alone, with no base load or PV known, and the source says so.
 */
import type { SiteNow } from './first-limit.ts';
import { buildSiteProblem, type SiteState } from './site-problem.ts';

export function siteNowOf(state: SiteState, nowUtcMs: number, horizonHours: number): SiteNow {
  try {
    const { problem } = buildSiteProblem(state, nowUtcMs, horizonHours);
    return {
      importLimitKw: problem.importLimitKw?.[0] ?? Infinity,
      baseLoadKw: problem.baseLoadKw?.[0] ?? 0,
      pvKw: problem.pvKw?.[0] ?? 0,
      source: 'the site problem of the slot containing now',
    };
  } catch (error) {
    const { site } = state;
    return {
      importLimitKw: Math.min(site.connectionImportKw, site.transformerRatingKw ?? Infinity),
      baseLoadKw: 0,
      pvKw: 0,
      source: `connection limits only (${(error as Error).message ?? 'no site problem'}); base load and PV unknown`,
    };
  }
}
