/**
 * The CLP backend (optimizer/backends/clp-backend.ts on libClp through koffi, adapters/solvers/clp-library.ts)
 * against HiGHS: the same random LPs reach the same status and the same objective (1e-6 relative), also after
 * the same bound changes and added rows on open models (warm re-solves); a basis read from either solver starts
 * the other at the optimum; MILPs go to HiGHS (or are refused with a coded error); whole plans made with CLP pass
 * the validator and have HiGHS's LP bound. Needs `coinor-libclp1`: skips without it outside CI, fails in CI.
 */
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import type { Highs } from 'highs';
import { loadClpLibrary } from '../../../adapters/solvers/clp-library.ts';
import { clpStatusOfHighs, createClpBackend, csrToCsc, highsStatusOfClp, optimalityIssue, type ClpLibrary } from '../../../optimizer/backends/clp-backend.ts';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import type { LpBackend, LpSession, LpSolution } from '../../../optimizer/backends/lp-backend.ts';
import type { LinearProgram } from '../../../optimizer/linear-program.ts';
import { validatePlan } from '../../../optimizer/plan-validator.ts';
import { solveWithBackend } from '../../../optimizer/solve-problem.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';
import { clpMissing } from './clp-missing.ts';
import { describeNeeding } from '../../ci-env.ts';
import { arbitraryLp } from '../../optimizer/backends/arbitrary-lp.ts';
import { arbNetworkProblem } from '../../optimizer/network/network-builders.ts';
import { fcParams } from '../../optimizer/solve-helpers.ts';

const missing = clpMissing;

const solveOptions = { timeLimitMs: 10_000, mipRelGap: 1e-6 };
const agree = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

describeNeeding('the CLP backend', missing, () => {
  let highs: Highs;
  let lib: ClpLibrary;
  let clp: LpBackend;
  let hi: LpBackend;
  beforeAll(async () => {
    highs = await loadHighs();
    lib = loadClpLibrary();
    hi = createHighsBackend(highs);
    clp = createClpBackend(lib, { milp: hi });
  });

  /** Both answers agree: optimal on one side iff on the other, and then the same objective and a primal within the LP's bounds and rows. */
  const expectSame = (lp: LinearProgram, a: LpSolution, b: LpSolution, label: string) => {
    expect(a.status === 'optimal', `${label}: CLP ${a.status} (${a.message}), HiGHS ${b.status} (${b.message})`).toBe(b.status === 'optimal');
    if (a.status !== 'optimal') return;
    expect(agree(a.objective!, b.objective!), `${label}: objective CLP ${a.objective} HiGHS ${b.objective}`).toBe(true);
    expect(a.rowDual?.length).toBe(b.rowDual?.length);
    const x = a.x!;
    for (let j = 0; j < lp.numCols; j++) {
      expect(x[j]!).toBeGreaterThanOrEqual(lp.colLower[j]! - 1e-7);
      expect(x[j]!).toBeLessThanOrEqual(lp.colUpper[j]! + 1e-7);
    }
  };

  it('reads the library version', () => {
    expect(lib.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('transposes CSR to CSC exactly (every entry once, in its row and column)', () => {
    fc.assert(
      fc.property(arbitraryLp(false), (lp) => {
        const csc = csrToCsc(lp.numRows, lp.numCols, lp.rowStarts, lp.colIndex, lp.values);
        const fromCsr = new Map<string, number>();
        for (let i = 0; i < lp.numRows; i++) for (let k = lp.rowStarts[i]!; k < lp.rowStarts[i + 1]!; k++) fromCsr.set(`${i},${lp.colIndex[k]}`, lp.values[k]!);
        const fromCsc = new Map<string, number>();
        for (let j = 0; j < lp.numCols; j++) for (let k = csc.starts[j]!; k < csc.starts[j + 1]!; k++) fromCsc.set(`${csc.rows[k]},${j}`, csc.values[k]!);
        expect(fromCsc).toEqual(fromCsr);
      }),
      fcParams(1701, 80),
    );
  });

  it('maps basis codes both ways (HiGHS lower, basic, upper, zero keep their meaning)', () => {
    for (const code of [0, 1, 2, 3]) expect(highsStatusOfClp(clpStatusOfHighs(code))).toBe(code);
    expect(highsStatusOfClp(clpStatusOfHighs(4))).toBe(0); // HiGHS's `nonbasic`: at its lower bound
  });

  it('solves random LPs to HiGHS\'s status and objective (1e-6 relative)', () => {
    fc.assert(
      fc.property(arbitraryLp(false), (lp) => {
        const a = once(clp, lp);
        const b = once(hi, lp);
        expectSame(lp, a, b, 'cold');
      }),
      fcParams(1702, 150),
    );
  });

  it('re-solves warm to HiGHS\'s objective after the same bound changes, cost changes and added rows', () => {
    fc.assert(
      fc.property(arbitraryLp(false), fc.array(fc.tuple(fc.nat(), fc.integer({ min: -3, max: 3 }), fc.nat(4)), { minLength: 1, maxLength: 6 }), (lp, changes) => {
        const s1 = clp.open(lp);
        const s2 = hi.open(lp);
        try {
          expectSame(lp, s1.solve(solveOptions), s2.solve(solveOptions), 'first');
          let current = lp;
          for (const [pick, shift, width] of changes) {
            const col = pick % lp.numCols;
            if (shift === 0) {
              // A row: x[col] + x[col'] <= width + 1.
              const other = (col + 1) % lp.numCols;
              const cols = other === col ? Int32Array.of(col) : Int32Array.of(Math.min(col, other), Math.max(col, other));
              const rows = { lower: Float64Array.of(-Infinity), upper: Float64Array.of(width + 1), starts: Int32Array.of(0, cols.length), cols, values: new Float64Array(cols.length).fill(1) };
              s1.addRows(rows);
              s2.addRows(rows);
              current = withRow(current, cols, width + 1);
            } else if (shift === 3) {
              const cost = Float64Array.of(width - 2);
              s1.setColsCost!(Int32Array.of(col), cost);
              s2.setColsCost!(Int32Array.of(col), cost);
              current = { ...current, colCost: Float64Array.from(current.colCost, (c, j) => (j === col ? width - 2 : c)) };
            } else {
              const lower = shift;
              const upper = shift + width;
              s1.setColsBounds!(Int32Array.of(col), Float64Array.of(lower), Float64Array.of(upper));
              s2.setColsBounds!(Int32Array.of(col), Float64Array.of(lower), Float64Array.of(upper));
              current = { ...current, colLower: Float64Array.from(current.colLower, (v, j) => (j === col ? lower : v)), colUpper: Float64Array.from(current.colUpper, (v, j) => (j === col ? upper : v)) };
            }
            expectSame(current, s1.solve(solveOptions), s2.solve(solveOptions), 'warm');
          }
        } finally {
          s1.dispose();
          s2.dispose();
        }
      }),
      fcParams(1703, 100),
    );
  });

  it('takes an optimal basis from HiGHS or from itself and re-solves from it in 0 iterations', () => {
    let checked = 0;
    fc.assert(
      fc.property(arbitraryLp(false), (lp) => {
        const fromHighs = hi.open(lp);
        const fromClp = clp.open(lp);
        try {
          const b = fromHighs.solve(solveOptions);
          const a = fromClp.solve(solveOptions);
          if (b.status !== 'optimal' || a.status !== 'optimal') return;
          for (const basis of [fromHighs.getBasis!()!, fromClp.getBasis!()!]) {
            const again = clp.open(lp);
            try {
              expect(again.setBasis!(basis)).toBe(true);
              const answer = again.solve(solveOptions);
              expect(answer.status).toBe('optimal');
              expect(answer.iterations).toBe(0);
              expect(agree(answer.objective!, b.objective!)).toBe(true);
            } finally {
              again.dispose();
            }
          }
          // CLP's basis read back in HiGHS's codes starts HiGHS at the optimum too.
          const viaHighs = hi.open(lp);
          try {
            expect(viaHighs.setBasis!(fromClp.getBasis!()!)).toBe(true);
            const answer = viaHighs.solve(solveOptions);
            expect(answer.status).toBe('optimal');
            expect(answer.iterations).toBe(0);
          } finally {
            viaHighs.dispose();
          }
          checked++;
        } finally {
          fromHighs.dispose();
          fromClp.dispose();
        }
      }),
      fcParams(1704, 80),
    );
    expect(checked).toBeGreaterThan(10);
  });

  it('refuses a basis of the wrong size or with the wrong number of basic statuses', () => {
    const lp = fc.sample(arbitraryLp(false).filter((l) => l.numRows > 0), { seed: 1705, numRuns: 1 })[0]!;
    const s = clp.open(lp);
    try {
      expect(s.setBasis!({ colStatus: new Int32Array(lp.numCols + 1), rowStatus: new Int32Array(lp.numRows) })).toBe(false);
      expect(s.setBasis!({ colStatus: new Int32Array(lp.numCols), rowStatus: new Int32Array(lp.numRows) })).toBe(false); // no basic variable
    } finally {
      s.dispose();
    }
  });

  it('after a solve that stopped unbounded, re-solves to HiGHS\'s optimum (CLP\'s stale warm state is not trusted)', () => {
    // Found by the warm property (seed 1703): CLP's warm dual simplex answered "optimal" 3 above the optimum here.
    const lp: LinearProgram = {
      numCols: 4, numRows: 1, offset: 9, colCost: Float64Array.of(3, 6.1, 1.4, 2.8), colLower: Float64Array.of(-Infinity, 1, -Infinity, 1), colUpper: Float64Array.of(10, 4, Infinity, 4),
      integrality: new Int32Array(4), rowLower: Float64Array.of(-Infinity), rowUpper: Float64Array.of(Infinity), rowStarts: Int32Array.of(0, 1), colIndex: Int32Array.of(3), values: Float64Array.of(2.375), integerCount: 0,
    };
    const sessions = [clp.open(lp), hi.open(lp)];
    try {
      const answers = sessions.map((s) => {
        expect(s.solve(solveOptions).status).not.toBe('optimal'); // unbounded
        s.setColsBounds!(Int32Array.of(0), Float64Array.of(-1), Float64Array.of(0));
        s.solve(solveOptions); // still unbounded (column 2)
        s.setColsBounds!(Int32Array.of(2), Float64Array.of(1), Float64Array.of(1));
        return s.solve(solveOptions);
      });
      expect(answers.map((a) => a.status)).toEqual(['optimal', 'optimal']);
      expect(answers[0]!.objective).toBeCloseTo(16.3, 9);
      expect(answers[1]!.objective).toBeCloseTo(16.3, 9);
    } finally {
      for (const s of sessions) s.dispose();
    }
  });

  it('checks an answer\'s optimality: HiGHS\'s optima pass, a value off its bounds or a dual of the wrong sign fails', () => {
    let checked = 0;
    fc.assert(
      fc.property(arbitraryLp(false), (lp) => {
        const s = hi.open(lp);
        try {
          const a = s.solve(solveOptions);
          if (a.status !== 'optimal') return;
          const x = a.x!;
          const activity = new Float64Array(lp.numRows);
          for (let i = 0; i < lp.numRows; i++) for (let k = lp.rowStarts[i]!; k < lp.rowStarts[i + 1]!; k++) activity[i]! += lp.values[k]! * x[lp.colIndex[k]!]!;
          const reduced = Float64Array.from(lp.colCost);
          for (let i = 0; i < lp.numRows; i++) for (let k = lp.rowStarts[i]!; k < lp.rowStarts[i + 1]!; k++) reduced[lp.colIndex[k]!]! -= a.rowDual![i]! * lp.values[k]!;
          expect(optimalityIssue(x, reduced, lp.colLower, lp.colUpper, activity, a.rowDual!, lp.rowLower, lp.rowUpper)).toBeUndefined();
          const j = lp.numCols - 1;
          if (Number.isFinite(lp.colUpper[j]!)) {
            const off = Float64Array.from(x, (v, i) => (i === j ? lp.colUpper[j]! + 1 : v));
            expect(optimalityIssue(off, reduced, lp.colLower, lp.colUpper, activity, a.rowDual!, lp.rowLower, lp.rowUpper)).toMatch(/^column/);
          }
          if (lp.colLower[j]! < lp.colUpper[j]! && Number.isFinite(lp.colLower[j]!) && Math.abs(x[j]! - lp.colLower[j]!) > 1e-3) {
            const wrongSign = Float64Array.from(reduced, (d, i) => (i === j ? 5 : d));
            expect(optimalityIssue(x, wrongSign, lp.colLower, lp.colUpper, activity, a.rowDual!, lp.rowLower, lp.rowUpper)).toMatch(/dual 5 > 0/);
          }
          checked++;
        } finally {
          s.dispose();
        }
      }),
      fcParams(1708, 120),
    );
    expect(checked).toBeGreaterThan(20);
  });

  it('says infeasible for an infeasible LP', () => {
    const lp = oneColumn({ rowLower: 5, rowUpper: Infinity, colUpper: 2 });
    expect(once(clp, lp).status).toBe('infeasible');
  });

  it('hands a MILP to HiGHS, and without HiGHS refuses it with V2G_ERR_CLP_MILP', () => {
    const mip = fc.sample(arbitraryLp(true).filter((l) => l.integerCount > 0), { seed: 1706, numRuns: 1 })[0]!;
    expect(once(clp, mip)).toEqual(once(hi, mip));
    expect(() => createClpBackend(lib).open(mip)).toThrow(/V2G_ERR_CLP_MILP/);
  });

  it('stops at its time limit as HiGHS does: feasible with a primal point, timed out without', () => {
    // CLP's status 3 (a limit) with and without primal infeasibilities, through the real library otherwise.
    const lp = oneColumn({ rowLower: -Infinity, rowUpper: 3, colUpper: 2 });
    for (const [infeasibilities, status] of [[0, 'feasible'], [4, 'timed_out']] as const) {
      const limited: ClpLibrary = { ...lib, status: () => 3, numberPrimalInfeasibilities: () => infeasibilities };
      const answer = once(createClpBackend(limited), lp);
      expect(answer.status).toBe(status);
      expect(answer.stoppedBy).toBe('time');
      expect(answer.x !== undefined).toBe(status === 'feasible');
    }
  });

  it('keeps a work budget\'s iteration limit: a depot plan stopped within the iterations given, the same on every run', () => {
    const problem = generateDepot({ vehicles: 12, slots: 48, seed: 2 });
    const free = solveWithBackend(problem, clp, { timeLimitMs: 3_600_000, workLimit: {} });
    const needed = free.stats.work!.spent.simplexIterations;
    expect(free.stats.work!.reached).toBeUndefined();
    const limit = { simplexIterations: Math.max(1, Math.floor(needed / 2)) };
    const a = solveWithBackend(problem, clp, { timeLimitMs: 3_600_000, workLimit: limit });
    const b = solveWithBackend(problem, clp, { timeLimitMs: 3_600_000, workLimit: limit });
    expect(a.stats.work!.reached).toBe('simplexIterations');
    expect(a.stats.work!.spent.simplexIterations).toBeLessThanOrEqual(limit.simplexIterations);
    expect(a.status).toBe('timed_out');
    expect(validatePlan(problem, a)).toEqual([]);
    expect(b.vehicles.map((v) => v.powerKw)).toEqual(a.vehicles.map((v) => v.powerKw));
    expect(b.stats.work).toEqual(a.stats.work);
  });

  it('makes depot plans that pass the validator, with HiGHS\'s LP bound (relaxation objective to 1e-6)', () => {
    for (const seed of [1, 2, 3]) {
      const problem = generateDepot({ vehicles: 12, slots: 48, seed });
      const a = solveWithBackend(problem, clp);
      const b = solveWithBackend(problem, hi);
      expect(validatePlan(problem, a)).toEqual([]);
      expect(a.stats.backend).toBe('clp');
      expect(agree(a.stats.relaxationObjective!, b.stats.relaxationObjective!)).toBe(true);
    }
  });

  it('makes three-phase network plans (lazy rows added to the open model) that pass the validator, with HiGHS\'s bound', () => {
    fc.assert(
      fc.property(arbNetworkProblem(), (problem) => {
        const a = solveWithBackend(problem, clp);
        const b = solveWithBackend(problem, hi);
        expect(validatePlan(problem, a)).toEqual([]);
        if (a.origin?.bound !== undefined && b.origin?.bound !== undefined) expect(agree(a.origin.bound, b.origin.bound)).toBe(true);
      }),
      fcParams(1707, 25),
    );
  });
});

function once(backend: LpBackend, lp: LinearProgram): LpSolution {
  const session: LpSession = backend.open(lp);
  try {
    return session.solve(solveOptions);
  } finally {
    session.dispose();
  }
}

/** `lp` with one more row: sum of `cols` <= upper. */
function withRow(lp: LinearProgram, cols: Int32Array, upper: number): LinearProgram {
  const n = lp.rowStarts[lp.numRows]!;
  return {
    ...lp,
    numRows: lp.numRows + 1,
    rowLower: Float64Array.of(...lp.rowLower, -Infinity),
    rowUpper: Float64Array.of(...lp.rowUpper, upper),
    rowStarts: Int32Array.of(...lp.rowStarts, n + cols.length),
    colIndex: Int32Array.of(...lp.colIndex, ...cols),
    values: Float64Array.of(...lp.values, ...new Array<number>(cols.length).fill(1)),
  };
}

/** min -x, 0 <= x <= colUpper, rowLower <= x <= rowUpper. */
function oneColumn(o: { rowLower: number; rowUpper: number; colUpper: number }): LinearProgram {
  return {
    numCols: 1, numRows: 1, offset: 0, colCost: Float64Array.of(-1), colLower: Float64Array.of(0), colUpper: Float64Array.of(o.colUpper), integrality: Int32Array.of(0),
    rowLower: Float64Array.of(o.rowLower), rowUpper: Float64Array.of(o.rowUpper), rowStarts: Int32Array.of(0, 1), colIndex: Int32Array.of(0), values: Float64Array.of(1), integerCount: 0,
  };
}
