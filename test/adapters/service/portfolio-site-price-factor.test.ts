/**
 * adapters/service/portfolio-site-price-factor.ts: each coordinated site plan's stored adder is at the share of the
 * feeder prices its plan was really made at: aggregate-first's capped factor, 1 for a best response swapped in, 1 for
 * every other coordination.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sitePriceFactors } from '../../../adapters/service/portfolio-site-price-factor.ts';

const aggregateResult = (factor: number, swapped?: readonly boolean[], sites = swapped?.length ?? 3) => ({
  sites: Array.from({ length: sites }, (_, i) => ({ siteId: `s${i}` })),
  aggregate: { rows: 1 },
  cappedPriceFactor: factor,
  ...(swapped ? { swap: { swapped, count: swapped.filter(Boolean).length, offered: swapped.length, saved: 0, passes: 1 } } : {}),
});

describe('sitePriceFactors', () => {
  it('a swapped site is at 1 x the prices, every other site at the capped factor (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), (factor, swapped) => {
        const got = sitePriceFactors(aggregateResult(factor, swapped));
        expect(got.coordination).toBe(factor);
        expect(got.perSite).toEqual(swapped.map((w) => (w ? 1 : factor)));
      }),
      { seed: 1608, numRuns: 100 },
    );
  });

  it('aggregate-first without a swap: every site at the capped factor', () => {
    expect(sitePriceFactors(aggregateResult(0))).toEqual({ coordination: 0, perSite: [0, 0, 0] });
  });

  it('other coordinations (no aggregate step): every site at 1 x the prices', () => {
    expect(sitePriceFactors({ sites: [{}, {}] })).toEqual({ coordination: 1, perSite: [1, 1] });
  });
});
