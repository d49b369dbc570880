/** Seeded random LPs for the backend tests (highs-handover.test.ts, clp-backend.test.ts). */
import fc from 'fast-check';
import type { LinearProgram } from '../../../optimizer/linear-program.ts';

/** A random feasible-or-not sparse LP (some columns integer when `mip`), with free, fixed and one-sided bounds. */
export const arbitraryLp = (mip: boolean) =>
  fc
    .record({
      numCols: fc.integer({ min: 1, max: 12 }),
      numRows: fc.integer({ min: 0, max: 10 }),
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
    })
    .map(({ numCols, numRows, seed }): LinearProgram => {
      let s = seed;
      const rand = () => {
        s = (s * 1103515245 + 12345) % 2147483648;
        return s / 2147483648;
      };
      const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
      const colCost = Float64Array.from({ length: numCols }, () => Math.round((rand() - 0.3) * 100) / 10);
      const colLower = Float64Array.from({ length: numCols }, () => pick([0, 0, -5, -Infinity, 1]));
      const colUpper = Float64Array.from(colLower, (lo) => pick([10, 4, Infinity, Math.max(lo, 0) + 2.5]));
      const integrality = Int32Array.from({ length: numCols }, () => (mip && rand() < 0.5 ? 1 : 0));
      const starts = [0];
      const cols: number[] = [];
      const values: number[] = [];
      const rowLower: number[] = [];
      const rowUpper: number[] = [];
      for (let r = 0; r < numRows; r++) {
        for (let j = 0; j < numCols; j++) {
          if (rand() < 0.4) {
            cols.push(j);
            values.push(Math.round((rand() - 0.4) * 40) / 8);
          }
        }
        starts.push(cols.length);
        const lo = pick([-Infinity, -3, 0, 1.5]);
        rowLower.push(lo);
        rowUpper.push(pick([Infinity, 7, Math.max(lo, 0) + 3]));
      }
      return {
        numCols,
        numRows,
        offset: Math.round(rand() * 10),
        colCost,
        colLower,
        colUpper,
        integrality,
        rowLower: Float64Array.from(rowLower),
        rowUpper: Float64Array.from(rowUpper),
        rowStarts: Int32Array.from(starts),
        colIndex: Int32Array.from(cols),
        values: Float64Array.from(values),
        integerCount: integrality.reduce((a, b) => a + b, 0),
      };
    });
