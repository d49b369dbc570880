/**
 * At what share of the feeder prices each coordinated site plan was made (issue 17, session 16).
 *
 * aggregate-first makes its capped site plans at `PORTFOLIO_CAPPED_PRICE_FACTOR` x the feeder prices (the caps keep
 * the shared limits). With the best-response swap (`PORTFOLIO_BEST_RESPONSE_SWAP`, opt-in) a site's capped plan may
 * be replaced by its best response, which was made at 1 x the prices: its stored adder and note must say 1, not the
 * coordination's factor. Every other coordination plans its sites at 1 x the prices.
 */
import type { AggregateFirstPlan } from '../../optimizer/portfolio/aggregate-first.ts';

/** The coordination's share of the feeder prices, and each site's (in the plan's site order). */
export interface SitePriceFactors {
  /** The share the coordination planned its sites at (kept on the portfolio plan for one-site re-plans); 1 unless aggregate-first. */
  readonly coordination: number;
  /** Per site, the share its chosen plan was made at: 1 for a swapped best response, else `coordination`. */
  readonly perSite: readonly number[];
}

/** The factors of a coordination's answer (any method; only aggregate-first's differ from 1). */
export function sitePriceFactors(result: object & { readonly sites: readonly unknown[] }): SitePriceFactors {
  const aggregate = 'aggregate' in result ? (result as Pick<AggregateFirstPlan<unknown>, 'cappedPriceFactor' | 'swap'>) : undefined;
  const coordination = aggregate?.cappedPriceFactor ?? 1;
  const swapped = aggregate?.swap?.swapped;
  return { coordination, perSite: result.sites.map((_, i) => (swapped?.[i] ? 1 : coordination)) };
}
