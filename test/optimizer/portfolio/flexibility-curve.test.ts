/** Portfolio flexibility curves: sites' offers sorted by price into cumulative steps, clipped by the shared limits. */
import { describe, expect, it } from 'vitest';
import { portfolioFlexibilityCurves } from '../../../optimizer/portfolio/flexibility-curve.ts';

const site = (siteId: string, upKw: number, downKw: number, prices: number[]) => ({ siteId, upKw: [upKw, upKw], downKw: [downKw, downKw], plannedNetKw: [10, 10], importPricePerKwh: prices });

describe('portfolio flexibility curves', () => {
  it('down is priced by the cheapest later price, up by the dearest; steps are cumulative in price order', () => {
    const [slot0] = portfolioFlexibilityCurves([site('a', 5, 4, [0.3, 0.1]), site('b', 3, 2, [0.2, 0.4])], [Infinity, Infinity], [Infinity, Infinity]);
    // a: down costs max(0, 0.1 - 0.3) = 0, up costs max(0, 0.3 - 0.1) = 0.2; b: down 0.2, up 0.
    expect(slot0!.down).toEqual([{ pricePerKwh: 0, quantityKw: 4, siteIds: ['a'] }, { pricePerKwh: 0.2, quantityKw: 6, siteIds: ['b'] }]);
    expect(slot0!.up).toEqual([{ pricePerKwh: 0, quantityKw: 3, siteIds: ['b'] }, { pricePerKwh: 0.2, quantityKw: 8, siteIds: ['a'] }]);
    expect(slot0!.plannedNetKw).toBe(20);
  });

  it('the shared import limit clips "up" to its headroom and says how much it cut', () => {
    const [slot0] = portfolioFlexibilityCurves([site('a', 5, 4, [0.3, 0.1]), site('b', 3, 2, [0.2, 0.4])], [26, 26], [0, 0]);
    expect(slot0!.up.at(-1)!.quantityKw).toBe(6);
    expect(slot0!.upClippedKw).toBe(2);
    // Export limit 0: down may take the sum from 20 kW to 0 at most (6 offered, nothing cut).
    expect(slot0!.downClippedKw).toBe(0);
  });
});
