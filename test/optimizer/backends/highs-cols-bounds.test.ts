/**
 * The direct column-bound change (optimizer/backends/highs-handover.ts `directColsBounds`) gives HiGHS the change the
 * package's `changeColsBounds` gives it: on seeded random LPs and MIPs, solved, re-bounded on a random set of columns
 * and solved again (as the LP repair does), the model read back and the answer (status, objective, columns, duals,
 * iterations) are the same bit for bit; `colsBoundsIssue` refuses what the package refuses.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Highs } from 'highs';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { colsBoundsIssue, directColsBounds, directHandOver } from '../../../optimizer/backends/highs-handover.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import type { LinearProgram } from '../../../optimizer/linear-program.ts';
import { fcParams } from '../solve-helpers.ts';
import { arbitraryLp } from './arbitrary-lp.ts';

let highs: Highs;
beforeAll(async () => {
  highs = await loadHighs();
});

const solveOptions = { timeLimitMs: 10_000, mipRelGap: 1e-6 };

/** New bounds for a random ascending set of columns of `lp`: some fixed at 0, some raised, some reopened. */
const arbitraryChange = (lp: LinearProgram) =>
  fc.subarray(Array.from({ length: lp.numCols }, (_, j) => j), { minLength: 1 }).chain((cols) =>
    fc.tuple(
      fc.constant(Int32Array.from(cols)),
      fc.array(fc.constantFrom<[number, number]>([0, 0], [1, 10], [0, Infinity], [-Infinity, 3], [2, 2.5]), { minLength: cols.length, maxLength: cols.length }),
    ),
  );

describe('the direct column-bound change', () => {
  it('is available on a runtime from loadHighs', () => {
    expect(directColsBounds(highs)).toBeDefined();
  });

  it('gives the same re-solve as the package: solve, change bounds, solve again (random LPs and MIPs)', () => {
    const direct = createHighsBackend(highs, 'direct');
    const viaPackage = createHighsBackend(highs, 'package');
    fc.assert(
      fc.property(
        fc.boolean().chain((mip) => arbitraryLp(mip)).chain((lp) => fc.tuple(fc.constant(lp), arbitraryChange(lp))),
        ([lp, [cols, bounds]]) => {
          const lower = Float64Array.from(bounds, (b) => b[0]);
          const upper = Float64Array.from(bounds, (b) => b[1]);
          const answers = [direct, viaPackage].map((backend) => {
            const session = backend.open(lp);
            try {
              const first = session.solve(solveOptions);
              session.setColsBounds!(cols, lower, upper);
              return [first, session.solve(solveOptions)];
            } finally {
              session.dispose();
            }
          });
          expect(answers[0]).toEqual(answers[1]);
        },
      ),
      fcParams(1701, 80),
    );
  });

  it('changes the model HiGHS holds as the package does (read back)', () => {
    const open = directHandOver(highs)!;
    const change = directColsBounds(highs)!;
    fc.assert(
      fc.property(
        fc.boolean().chain((mip) => arbitraryLp(mip)).chain((lp) => fc.tuple(fc.constant(lp), arbitraryChange(lp))),
        ([lp, [cols, bounds]]) => {
          const lower = Float64Array.from(bounds, (b) => b[0]);
          const upper = Float64Array.from(bounds, (b) => b[1]);
          const a = open(lp);
          const b = open(lp);
          try {
            expect(change(a, lp.numCols, cols, lower, upper)).toBe(true);
            b.changeColsBounds({ kind: 'set', indices: cols }, lower, upper);
            expect(a.getModel()).toEqual(b.getModel());
          } finally {
            a.dispose();
            b.dispose();
          }
        },
      ),
      fcParams(1702, 60),
    );
  });

  it('answers false for a model the package made, and refuses what the package refuses', () => {
    const change = directColsBounds(highs)!;
    const lp = fc.sample(arbitraryLp(false), { seed: 1703, numRuns: 1 })[0]!;
    const packageModel = highs.createModel();
    try {
      expect(change(packageModel, 0, new Int32Array(0), new Float64Array(0), new Float64Array(0))).toBe(false);
    } finally {
      packageModel.dispose();
    }
    const n = lp.numCols;
    const defects: [Int32Array, Float64Array, Float64Array][] = [
      [Int32Array.of(n), Float64Array.of(0), Float64Array.of(1)],
      [Int32Array.of(-1), Float64Array.of(0), Float64Array.of(1)],
      [Int32Array.of(0), Float64Array.of(Number.NaN), Float64Array.of(1)],
      [Int32Array.of(0), Float64Array.of(0), Float64Array.of(0, 1)],
      ...(n > 1 ? [[Int32Array.of(1, 0), Float64Array.of(0, 0), Float64Array.of(1, 1)] as [Int32Array, Float64Array, Float64Array]] : []),
    ];
    const open = directHandOver(highs)!;
    for (const [cols, lower, upper] of defects) {
      expect(colsBoundsIssue(n, cols, lower, upper)).toBeDefined();
      const model = open(lp);
      try {
        expect(() => model.changeColsBounds({ kind: 'set', indices: cols }, lower, upper)).toThrow();
        expect(() => change(model, n, cols, lower, upper)).toThrow(/HiGHS refused the column bounds/);
      } finally {
        model.dispose();
      }
    }
  });
});
