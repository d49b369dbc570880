/**
 * A certified lower bound of an LP's optimum from ANY row duals (weak duality), for solvers whose duals are only
 * approximate (an interior point without crossover, issue 17 session 14).
 *
 * For `min c'x + offset` s.t. `rowLower <= Ax <= rowUpper`, `colLower <= x <= colUpper` and any row duals y, the
 * Lagrangian `L(y) = offset + sum_i min(y_i rowLower_i, y_i rowUpper_i) + sum_j min(z_j colLower_j, z_j colUpper_j)`
 * with `z = c - A'y` recomputed here (not the solver's reduced costs) is at most the optimum. A term whose bound is
 * infinite on the side its sign needs makes L(y) = -Infinity: a row's dual is first clipped to the sign its finite
 * bounds allow (still a valid y); a column's reduced cost cannot be clipped, so such columns are counted
 * (`infiniteColumns`) and the bound is then -Infinity: not certified. Round-off: a reduced cost within
 * `roundOff` (1e-9) of the size of its terms (`|c_j| + sum_i |a_ij y_i|`) is taken as 0 (it is 0 in exact
 * arithmetic at a simplex's optimal duals, where the basic columns' reduced costs vanish; counted in
 * `roundedColumns`); beyond that the bound is exact weak duality, as sound as any LP optimum taken as a bound here.
 */
import type { LinearProgram } from './linear-program.ts';

export interface LpDualBound {
  /** L(y): a lower bound of the LP's optimum; -Infinity when a column's reduced cost has the sign of its infinite bound. */
  readonly value: number;
  /** Columns whose recomputed reduced cost points at an infinite bound (each makes the bound -Infinity). */
  readonly infiniteColumns: number;
  /** Row duals clipped to the sign their finite bounds allow (the solver's own sign was off by at most `largestClipped`). */
  readonly clippedRows: number;
  readonly largestClipped: number;
  /** Reduced costs taken as 0 (within round-off of the size of their terms) at an infinite bound. */
  readonly roundedColumns: number;
}

/** Relative round-off below which a recomputed reduced cost is 0. */
const roundOff = 1e-9;

/** The Lagrangian value of `lp` at row duals `rowDual` (HiGHS's sign: z = c - A'y, y > 0 at a binding lower bound). */
export function lpDualBound(lp: LinearProgram, rowDual: ArrayLike<number>): LpDualBound {
  const z = Float64Array.from(lp.colCost);
  const size = Float64Array.from(lp.colCost, Math.abs);
  let value = lp.offset;
  let clippedRows = 0;
  let largestClipped = 0;
  for (let i = 0; i < lp.numRows; i++) {
    let y = rowDual[i]!;
    const lo = lp.rowLower[i]!;
    const up = lp.rowUpper[i]!;
    if (y > 0 && !Number.isFinite(lo)) {
      largestClipped = Math.max(largestClipped, y);
      clippedRows++;
      y = 0;
    } else if (y < 0 && !Number.isFinite(up)) {
      largestClipped = Math.max(largestClipped, -y);
      clippedRows++;
      y = 0;
    }
    if (y === 0) continue;
    value += y > 0 ? y * lo : y * up;
    for (let k = lp.rowStarts[i]!; k < lp.rowStarts[i + 1]!; k++) {
      const term = y * lp.values[k]!;
      z[lp.colIndex[k]!]! -= term;
      size[lp.colIndex[k]!]! += Math.abs(term);
    }
  }
  let infiniteColumns = 0;
  let roundedColumns = 0;
  for (let j = 0; j < lp.numCols; j++) {
    const r = z[j]!;
    const bound = r > 0 ? lp.colLower[j]! : r < 0 ? lp.colUpper[j]! : 0;
    if (Number.isFinite(bound)) value += r * bound;
    else if (Math.abs(r) <= roundOff * size[j]!) roundedColumns++;
    else infiniteColumns++;
  }
  return { value: infiniteColumns > 0 ? -Infinity : value, infiniteColumns, clippedRows, largestClipped, roundedColumns };
}
