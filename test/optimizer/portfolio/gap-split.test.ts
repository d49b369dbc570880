/**
 * Where aggregate-first's gap comes from (optimizer/portfolio/gap-split.ts): the parts (LP repair, caps, unused
 * feeder at a price) always sum to the plan's cost minus the Lagrangian value at the adder, for any answers
 * (fast-check, seeded); with a plan made at the adder, the repair and caps parts are its priced cost less its LP value
 * and its LP value less the uncapped LP's; with another adder, the repair part is measured at that adder.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitGap } from '../../../optimizer/portfolio/gap-split.ts';

const T = 4;
const arr = (min: number, max: number) => fc.array(fc.double({ min, max, noNaN: true }), { minLength: T, maxLength: T });
const site = fc.record({ objective: fc.double({ min: -100, max: 1000, noNaN: true }), netImportKw: arr(-50, 50), pricedBound: fc.double({ min: -100, max: 1000, noNaN: true }), lp: fc.double({ min: -200, max: 1000, noNaN: true }), madeAt: fc.option(arr(-0.3, 0.3), { nil: undefined }) });

describe('splitGap', () => {
  it('property: repair + caps + unused feeder = plan - (sum of the uncapped LPs - dt sum (lambda L + mu E))', () => {
    fc.assert(
      fc.property(fc.array(site, { minLength: 1, maxLength: 5 }), arr(-0.3, 0.3), arr(0, 200), arr(0, 200), fc.constantFrom(0.25, 1), (sites, adder, importLimitKw, exportLimitKw, dt) => {
        const split = splitGap({
          siteIds: sites.map((_, s) => `s${s}`),
          capped: sites.map((s) => ({ objective: s.objective, netImportKw: s.netImportKw, pricedBound: s.pricedBound, ...(s.madeAt ? { madeAtAdderPerKwh: s.madeAt } : {}) })),
          uncappedPricedBound: sites.map((s) => s.lp),
          adderPerKwh: adder,
          limits: { importLimitKw, exportLimitKw },
          slotHours: dt,
        });
        const plan = sites.reduce((a, s) => a + s.objective, 0);
        let bound = sites.reduce((a, s) => a + s.lp, 0);
        adder.forEach((a, t) => (bound -= dt * (Math.max(0, a) * importLimitKw[t]! + Math.max(0, -a) * exportLimitKw[t]!)));
        const scale = 1 + Math.abs(plan) + Math.abs(bound) + 1e4;
        expect(Math.abs(split.total - (plan - bound))).toBeLessThanOrEqual(1e-9 * scale);
        expect(Math.abs(split.repair + split.caps + split.unusedFeeder - split.total)).toBeLessThanOrEqual(1e-9 * scale);
      }),
      { numRuns: 200, seed: 1715 },
    );
  });

  it('a plan made at the adder: repair = priced cost - its LP, caps = its LP - the uncapped LP, unused feeder priced', () => {
    const split = splitGap({
      siteIds: ['a'],
      capped: [{ objective: 10, netImportKw: [4, 2], pricedBound: 11.5 }],
      uncappedPricedBound: [11],
      adderPerKwh: [0.5, 0],
      limits: { importLimitKw: [6, 10], exportLimitKw: [Infinity, Infinity] },
      slotHours: 1,
    });
    // priced cost 10 + 0.5 x 4 = 12: repair 12 - 11.5 = 0.5, caps 11.5 - 11 = 0.5, unused 0.5 x (6 - 4) = 1; bound 11 - 3 = 8.
    expect(split).toMatchObject({ total: 2, repair: 0.5, caps: 0.5, unusedFeeder: 1 });
    expect(split.note).toMatch(/^gap 20\.000 % = LP repair 5\.000 % \+ caps 5\.000 % \+ unused feeder at a price 10\.000 %$/);
  });
});
