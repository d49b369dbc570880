/**
 * How aggregate-first's price step (the aggregate LP of the sites' relaxations and the feeder rows) is solved, and
 * `auto`'s size rule (issue 17 session 14, bench/RESULTS.md "a cheaper price step"):
 * - `monolithic`: one LP, HiGHS's dual simplex (aggregate-lp.ts); its optimum is the relaxation bound.
 * - `monolithic-ipm`: the same LP by HiGHS's interior point WITHOUT crossover: its duals are approximate, so its bound
 *   is the Lagrangian value at its row duals (lp-dual-bound.ts, certified by weak duality), not its objective.
 * - `monolithic-ipm-crossover`: the interior point, then crossover to a vertex (the optimum as with the simplex).
 * - `decomposed`: Dantzig-Wolfe over the sites' relaxations (aggregate-decomposed.ts); its bound is its best
 *   Lagrangian value, within its tolerance (1e-3) of the LP's optimum.
 */
import type { AggregateLpOptions } from './aggregate-lp.ts';

export const priceSteps = ['monolithic', 'monolithic-ipm', 'monolithic-ipm-crossover', 'decomposed'] as const;
export type PriceStep = (typeof priceSteps)[number];
/** A price step, or `auto`: chosen by `choosePriceStep`'s size rule. */
export type PriceStepChoice = PriceStep | 'auto';

/** Which price step ran, what was asked, and why (auto: its rule applied to this portfolio). */
export interface ChosenPriceStep {
  readonly step: PriceStep;
  readonly asked: PriceStepChoice;
  readonly why: string;
}

/**
 * `auto`'s rule: one LP by the dual simplex (`monolithic`) while the portfolio has at most `monolithicUpToSites`
 * sites, the decomposition above. Measured (500 vehicles x 192 slots per site, CPU s of the price step, session
 * 14 with 13's 200-site rows): the dual simplex 4.6 / 16.6 / 184 at 20 / 50 / 200 sites, the interior point
 * without crossover 4.6 / 16.9 / 140.7 (35-44 iterations, each dearer as the LP grows),
 * the decomposition 13.7 / 23.3 / 77.1, and the dual simplex's vertex gave the better plan at 20 x 500 (0.51 %
 * against the decomposition's 1.05 %). The crossover between 50 and 200 sites is not measured.
 */
export const autoPriceStepRule = { monolithicUpToSites: 50 } as const;

export interface PriceStepRule {
  readonly monolithicUpToSites: number;
}

/** The price step for a portfolio of `siteCount` sites when `asked` (default `auto`). */
export function choosePriceStep(asked: PriceStepChoice | undefined, siteCount: number, rule: PriceStepRule = autoPriceStepRule): ChosenPriceStep {
  const choice = asked ?? 'auto';
  if (choice !== 'auto') return { step: choice, asked: choice, why: 'asked' };
  return siteCount <= rule.monolithicUpToSites
    ? { step: 'monolithic', asked: 'auto', why: `auto: ${siteCount} sites <= ${rule.monolithicUpToSites}: one LP by the dual simplex` }
    : { step: 'decomposed', asked: 'auto', why: `auto: ${siteCount} sites > ${rule.monolithicUpToSites}: Dantzig-Wolfe over the sites' relaxations` };
}

/** The aggregate LP's solver options of a monolithic step (none for `decomposed` and `monolithic`: HiGHS's default). */
export function priceStepLpOptions(step: PriceStep): Pick<AggregateLpOptions, 'lpSolver' | 'crossover'> {
  if (step === 'monolithic-ipm') return { lpSolver: 'ipm', crossover: false };
  if (step === 'monolithic-ipm-crossover') return { lpSolver: 'ipm', crossover: true };
  return {};
}
