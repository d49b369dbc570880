/**
 * The best-response swap (optimizer/portfolio/best-response-swap.ts), fast-check (seeded): the chosen sum never breaks
 * a limit in a slot where the capped sum kept it (and never breaks it by more where the capped sum did), the saving is
 * the chosen plans' own cost below the capped plans' and >= 0, a site without a best response or whose best response
 * costs more is never swapped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { swapBestResponses } from '../../../optimizer/portfolio/best-response-swap.ts';

const T = 5;
const profile = fc.array(fc.double({ min: -20, max: 40, noNaN: true }), { minLength: T, maxLength: T });
const answer = fc.record({ objective: fc.double({ min: 0, max: 100, noNaN: true }), netImportKw: profile });

describe('swapBestResponses', () => {
  it('property: the chosen sum keeps every limit the capped sum kept; saved = the cost it took off, >= 0', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(answer, fc.option(answer, { nil: undefined })), { minLength: 1, maxLength: 8 }), fc.array(fc.double({ min: 0, max: 200, noNaN: true }), { minLength: T, maxLength: T }), fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: T, maxLength: T }), (pairs, importLimitKw, exportLimitKw) => {
        const capped = pairs.map((p) => p[0]);
        const best = pairs.map((p) => p[1]);
        const limits = { importLimitKw, exportLimitKw };
        const r = swapBestResponses(capped, best, limits, 1e-6);
        const sum = (sols: typeof capped) => Array.from({ length: T }, (_, t) => sols.reduce((a, s) => a + s.netImportKw[t]!, 0));
        const before = sum(capped);
        const chosen = capped.map((c, s) => (r.swapped[s] ? best[s]! : c));
        const after = sum(chosen);
        for (let t = 0; t < T; t++) {
          expect(after[t]!).toBeLessThanOrEqual(Math.max(importLimitKw[t]! + 1e-6, before[t]!) + 1e-6 * pairs.length);
          expect(after[t]!).toBeGreaterThanOrEqual(Math.min(-exportLimitKw[t]! - 1e-6, before[t]!) - 1e-6 * pairs.length);
        }
        const cost = (sols: typeof capped) => sols.reduce((a, s) => a + s.objective, 0);
        expect(r.saved).toBeGreaterThanOrEqual(0);
        expect(Math.abs(cost(capped) - cost(chosen) - r.saved)).toBeLessThanOrEqual(1e-9 * (1 + cost(capped)));
        capped.forEach((c, s) => {
          if (!best[s] || best[s]!.objective >= c.objective) expect(r.swapped[s]).toBe(false);
        });
        expect(r.count).toBe(r.swapped.filter(Boolean).length);
      }),
      { numRuns: 300, seed: 1716 },
    );
  });

  it('swaps the site that saves most when only one fits, and a later pass takes a site another swap made room for', () => {
    const limits = { importLimitKw: [10], exportLimitKw: [Infinity] };
    // Capped: 5 + 5 = 10. Site 0's best response (saves 3) needs 8 (sum 13: no); site 1's (saves 1) needs 2 (sum 7: yes),
    // then site 0's fits (8 + 2 = 10) in the second pass; a third finds nothing left.
    const r = swapBestResponses([{ objective: 10, netImportKw: [5] }, { objective: 10, netImportKw: [5] }], [{ objective: 7, netImportKw: [8] }, { objective: 9, netImportKw: [2] }], limits, 1e-9);
    expect(r).toMatchObject({ swapped: [true, true], count: 2, offered: 2, saved: 4, passes: 3 });
  });
});
