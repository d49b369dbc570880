/**
 * The adder at which aggregate-first's sites plan within their caps, as a share of the feeder prices
 * (`AggregateFirstOptions.cappedPriceFactor`, PORTFOLIO_CAPPED_PRICE_FACTOR; issue 17 session 15). Its own module so
 * the service's config reads it without loading the coordinator.
 *
 * Why below 1: the caps (shared-caps.ts, summing to the limits) alone keep the shared limits, so in a capped plan the
 * adder only steers a site away from capacity it was given. At 1 the split of the gap (gap-split.ts) showed most of it
 * was feeder left unused where it has a price: the caps follow the relaxation's profiles, and at the relaxation's
 * prices the exact sites did not want that capacity. Measured (bench/RESULTS.md, session 15) at 4 x 200, 20 x 500,
 * 50 x 500 and 200 x 500 x 192 in process: gap 0.380 / 0.510 / 0.471 / 0.632 % at 1 against 0.056 / 0.119 / 0.113 /
 * 0.189 % at 0, the same bound, the same CPU within noise (0.5 gave the same plan as 0 at 20 x 500).
 */
export const defaultCappedPriceFactor = 0;
