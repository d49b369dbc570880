/**
 * The direct model hand-over (optimizer/backends/highs-handover.ts) gives HiGHS the model the package's
 * `createModel` gives it: the same model read back, the same answer bit for bit (status, objective, every
 * column, iterations) on seeded random LPs and MIPs; `linearProgramIssue` refuses exactly what the package
 * refuses; every model is freed by `dispose` (the heap stays where it was).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Highs } from 'highs';
import { createHighsBackend, packageHandOver } from '../../../optimizer/backends/highs-backend.ts';
import { directHandOver, linearProgramIssue } from '../../../optimizer/backends/highs-handover.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import type { LpSolution } from '../../../optimizer/backends/lp-backend.ts';
import type { LinearProgram } from '../../../optimizer/linear-program.ts';
import { fcParams } from '../solve-helpers.ts';
import { arbitraryLp } from './arbitrary-lp.ts';

let highs: Highs;
beforeAll(async () => {
  highs = await loadHighs();
});

const solveOptions = { timeLimitMs: 10_000, mipRelGap: 1e-6 };

/** The answer of one backend, opened, solved and disposed. */
function solveWith(handOver: 'direct' | 'package', lp: LinearProgram): LpSolution {
  const session = createHighsBackend(highs, handOver).open(lp);
  try {
    return session.solve(solveOptions);
  } finally {
    session.dispose();
  }
}

describe('the direct hand-over', () => {
  it('is available on a runtime from loadHighs', () => {
    expect(directHandOver(highs)).toBeDefined();
  });

  it('gives HiGHS the model createModel gives it (read back from HiGHS)', () => {
    const open = directHandOver(highs)!;
    fc.assert(
      fc.property(
        fc.boolean().chain((mip) => arbitraryLp(mip)),
        (lp) => {
          const direct = open(lp);
          const viaPackage = packageHandOver(highs, lp);
          try {
            expect(direct.getModel()).toEqual(viaPackage.getModel());
          } finally {
            direct.dispose();
            viaPackage.dispose();
          }
        },
      ),
      fcParams(1601, 60),
    );
  });

  it('gives the same answer bit for bit on random LPs and MIPs (status, objective, columns, duals, iterations)', () => {
    fc.assert(
      fc.property(
        fc.boolean().chain((mip) => arbitraryLp(mip)),
        (lp) => {
          const direct = solveWith('direct', lp);
          const viaPackage = solveWith('package', lp);
          expect(direct).toEqual(viaPackage);
        },
      ),
      fcParams(1602, 80),
    );
  });

  it('frees every model it makes: repeated open and dispose leave the heap where it was', () => {
    const backend = createHighsBackend(highs, 'direct');
    const lp = fc.sample(arbitraryLp(false), { seed: 1603, numRuns: 1 })[0]!;
    const big: LinearProgram = { ...lp, numCols: 4000, colCost: new Float64Array(4000), colLower: new Float64Array(4000), colUpper: new Float64Array(4000).fill(1), integrality: new Int32Array(4000), numRows: 0, rowLower: new Float64Array(0), rowUpper: new Float64Array(0), rowStarts: Int32Array.of(0), colIndex: new Int32Array(0), values: new Float64Array(0), integerCount: 0 };
    for (let i = 0; i < 20; i++) backend.open(big).dispose(); // the heap's working size
    const before = highs.memoryBytes;
    for (let i = 0; i < 300; i++) {
      const session = backend.open(big);
      session.solve(solveOptions);
      session.dispose();
    }
    expect(highs.memoryBytes).toBe(before);
  });
});

describe('linearProgramIssue refuses what the package refuses', () => {
  /** One defect put into a valid LP, by kind. */
  const defects: readonly ((lp: LinearProgram) => LinearProgram)[] = [
    (lp) => ({ ...lp, colCost: lp.colCost.subarray(1) }),
    (lp) => ({ ...lp, rowUpper: Float64Array.from([...lp.rowUpper, 1]) }),
    (lp) => ({ ...lp, colLower: Float64Array.from(lp.colLower, (x, j) => (j === 0 ? Number.NaN : x)) }),
    (lp) => ({ ...lp, colIndex: Int32Array.from(lp.colIndex, (c, k) => (k === 0 ? lp.numCols : c)) }),
    (lp) => ({ ...lp, colIndex: Int32Array.from(lp.colIndex, (c, k) => (k === 0 ? -1 : c)) }),
    (lp) => ({ ...lp, values: Float64Array.from(lp.values, (v, k) => (k === 0 ? Number.NaN : v)) }),
    (lp) => ({ ...lp, rowStarts: Int32Array.from(lp.rowStarts, (s, i) => (i === 0 ? 1 : s)) }),
    (lp) => ({ ...lp, rowStarts: Int32Array.from(lp.rowStarts, (s, i) => (i === lp.numRows ? s + 1 : s)) }),
    (lp) => ({ ...lp, offset: Number.NaN }),
    (lp) => ({ ...lp, integerCount: 1, integrality: Int32Array.from(lp.integrality, (x, j) => (j === 0 ? 5 : x)) }),
  ];

  it('takes every valid LP, and refuses each defect exactly when the package does', () => {
    const open = directHandOver(highs)!;
    fc.assert(
      fc.property(fc.boolean().chain((mip) => arbitraryLp(mip)), fc.integer({ min: 0, max: defects.length - 1 }), (lp, d) => {
        expect(linearProgramIssue(lp)).toBeUndefined();
        const bad = defects[d]!(lp);
        const ours = linearProgramIssue(bad);
        let packageRefused = false;
        try {
          packageHandOver(highs, bad).dispose();
        } catch {
          packageRefused = true;
        }
        expect(ours !== undefined).toBe(packageRefused);
        if (ours !== undefined) expect(() => open(bad)).toThrow(/HiGHS model refused/);
      }),
      fcParams(1604, 100),
    );
  });
});
