/**
 * The Lagrangian bound from row duals (optimizer/lp-dual-bound.ts) on seeded random LPs (HiGHS): at the simplex's
 * optimal duals it is the optimum; at ANY row duals (the optimal ones perturbed) it is at most the optimum (weak
 * duality) or -Infinity, never above; at the interior point's duals without crossover it is a bound within the
 * IPM's tolerance of the optimum.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import { lpDualBound } from '../../optimizer/lp-dual-bound.ts';
import { arbitraryLp } from './backends/arbitrary-lp.ts';

const highs = await loadHighs();
const backend = createHighsBackend(highs);
const rel = (x: number) => Math.max(1, Math.abs(x));

describe('lpDualBound', () => {
  it('property: the optimum at the optimal duals; never above it at perturbed duals; a bound at the IPM\'s duals', () => {
    fc.assert(
      fc.property(arbitraryLp(false), fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 10, maxLength: 10 }), (lp, noise) => {
        const session = backend.open(lp);
        try {
          const answer = session.solve({ timeLimitMs: 10_000, mipRelGap: 1e-4 });
          if (answer.status !== 'optimal' || !answer.rowDual) return;
          const optimum = answer.objective!;
          const atOptimum = lpDualBound(lp, answer.rowDual);
          expect(atOptimum.value).toBeCloseTo(optimum, 6);
          const perturbed = Float64Array.from(answer.rowDual, (y, i) => y + noise[i % noise.length]!);
          expect(lpDualBound(lp, perturbed).value).toBeLessThanOrEqual(optimum + 1e-9 * rel(optimum));
          const fresh = backend.open(lp);
          const ipm = fresh.solve({ timeLimitMs: 10_000, mipRelGap: 1e-4, lpSolver: 'ipm', crossover: false });
          fresh.dispose();
          if (ipm.status === 'optimal' && ipm.rowDual) {
            expect(ipm.lpSolver).toMatchObject({ solver: 'ipm', crossover: false });
            const bound = lpDualBound(lp, ipm.rowDual).value;
            expect(bound).toBeLessThanOrEqual(optimum + 1e-9 * rel(optimum));
            if (Number.isFinite(bound)) expect(bound).toBeGreaterThanOrEqual(optimum - 1e-5 * rel(optimum));
          }
        } finally {
          session.dispose();
        }
      }),
      { numRuns: 200, seed: 1414 },
    );
  });

  it('a row dual of the sign an infinite bound forbids is set to 0 and counted; a reduced cost at an infinite bound makes it -Infinity', () => {
    // min x s.t. x >= 1 (row 0: [1, Inf]), x in [0, Inf): the optimum 1 at y = 1.
    const lp = { numCols: 1, numRows: 1, offset: 0, colCost: Float64Array.of(1), colLower: Float64Array.of(0), colUpper: Float64Array.of(Infinity), integrality: Int32Array.of(0), integerCount: 0, rowLower: Float64Array.of(1), rowUpper: Float64Array.of(Infinity), rowStarts: Int32Array.of(0, 1), colIndex: Int32Array.of(0), values: Float64Array.of(1) };
    expect(lpDualBound(lp, [1])).toMatchObject({ value: 1, infiniteColumns: 0, clippedRows: 0 });
    expect(lpDualBound(lp, [-0.5])).toMatchObject({ value: 0, clippedRows: 1, largestClipped: 0.5 });
    expect(lpDualBound(lp, [1.5])).toMatchObject({ value: -Infinity, infiniteColumns: 1 });
  });
});
