/**
 * The HiGHS backend's LP algorithm options (optimizer/backends/highs-backend.ts, issue 17 session 14): the interior
 * point with and without crossover reaches the simplex's optimum on seeded random LPs, each answer says which
 * algorithm ran, and an option set for one solve does not stay on the model for the next.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import type { LinearProgram } from '../../../optimizer/linear-program.ts';
import type { LpSolveOptions } from '../../../optimizer/backends/lp-backend.ts';
import { arbitraryLp } from './arbitrary-lp.ts';

const backend = createHighsBackend(await loadHighs());
const base = { timeLimitMs: 10_000, mipRelGap: 1e-4 };

/** One solve on a model of its own. */
function solveOnce(lp: LinearProgram, options: LpSolveOptions) {
  const session = backend.open(lp);
  try {
    return session.solve(options);
  } finally {
    session.dispose();
  }
}

describe('HiGHS LP algorithm options', () => {
  it('property: the interior point, with or without crossover, reaches the simplex\'s optimum and says which ran', () => {
    fc.assert(
      fc.property(arbitraryLp(false), (lp) => {
        const simplex = solveOnce(lp, { ...base, lpSolver: 'simplex' });
        const ipm = solveOnce(lp, { ...base, lpSolver: 'ipm', crossover: false, ipmOptimalityTolerance: 1e-9 });
        const crossed = solveOnce(lp, { ...base, lpSolver: 'ipm' });
        expect(simplex.lpSolver).toEqual({ solver: 'simplex' });
        expect(ipm.lpSolver).toMatchObject({ solver: 'ipm', crossover: false, crossoverIterations: 0 });
        expect(crossed.lpSolver).toMatchObject({ solver: 'ipm', crossover: true });
        if (simplex.status !== 'optimal') return;
        if (ipm.status === 'optimal') expect(ipm.objective!).toBeCloseTo(simplex.objective!, 4);
        if (crossed.status === 'optimal') expect(crossed.objective!).toBeCloseTo(simplex.objective!, 6);
      }),
      { numRuns: 60, seed: 1717 },
    );
  });

  it('the next solve on the same model without the option runs the simplex again', () => {
    const lp: LinearProgram = { numCols: 2, numRows: 1, offset: 0, colCost: Float64Array.of(1, 2), colLower: Float64Array.of(0, 0), colUpper: Float64Array.of(4, Infinity), integrality: Int32Array.of(0, 0), integerCount: 0, rowLower: Float64Array.of(1), rowUpper: Float64Array.of(Infinity), rowStarts: Int32Array.of(0, 2), colIndex: Int32Array.of(0, 1), values: Float64Array.of(1, 1) };
    const session = backend.open(lp);
    try {
      expect(session.solve({ ...base, lpSolver: 'ipm', crossover: false })).toMatchObject({ status: 'optimal', lpSolver: { solver: 'ipm', crossover: false } });
      session.setColsCost!(Int32Array.of(0), Float64Array.of(3));
      const next = session.solve(base);
      expect(next).toMatchObject({ status: 'optimal', lpSolver: { solver: 'simplex' } });
      expect(next.objective).toBeCloseTo(2, 9);
    } finally {
      session.dispose();
    }
  });
});
