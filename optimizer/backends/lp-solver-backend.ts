/**
 * javascript-lp-solver: pure JavaScript, dense tableau. Fine for tiny problems (a handful of vehicles) and
 * valuable as an independent second opinion on HiGHS in tests; never the default (82 s at 50 vehicles x
 * 96 slots, see ../shared/notes/solvers.md). Its variables are >= 0 without upper bounds, so each column is
 * shifted by its lower bound and each finite upper bound becomes a one-entry row. Its time limit bounds
 * branch-and-cut only: one LP solve runs to its end (the solver pool's watchdog ends a worker that overruns).
 */
import jsLpSolver from 'javascript-lp-solver';
import type { SolveResult, SolverAPI } from 'javascript-lp-solver';
import type { LinearProgram } from '../linear-program.ts';
import type { LpBackend, LpRows, LpSession, LpSolution, LpSolveOptions } from './lp-backend.ts';

type Bound = { min?: number; max?: number; equal?: number };

// The package is CommonJS with an ESM build; under NodeNext typing its default import is the module object.
const solver = ((jsLpSolver as unknown as { default?: SolverAPI }).default ?? jsLpSolver) as SolverAPI;

export function toLpSolverModel(lp: LinearProgram) {
  const constraints: Record<string, Bound> = {};
  const variables: Record<string, Record<string, number>> = {};
  const ints: Record<string, 1> = {};
  const shift = new Float64Array(lp.numRows); // A * lower, per row
  for (let j = 0; j < lp.numCols; j++) {
    variables[`x${j}`] = { cost: lp.colCost[j]! };
    if (lp.integrality[j] === 1) ints[`x${j}`] = 1;
    const lower = lp.colLower[j]!;
    const upper = lp.colUpper[j]!;
    if (Number.isFinite(upper)) {
      constraints[`u${j}`] = { max: upper - lower };
      variables[`x${j}`]![`u${j}`] = 1;
    }
  }
  let constant = lp.offset;
  for (let j = 0; j < lp.numCols; j++) constant += lp.colCost[j]! * lp.colLower[j]!;
  for (let i = 0; i < lp.numRows; i++) {
    for (let k = lp.rowStarts[i]!; k < lp.rowStarts[i + 1]!; k++) {
      const j = lp.colIndex[k]!;
      variables[`x${j}`]![`r${i}`] = lp.values[k]!;
      shift[i]! += lp.values[k]! * lp.colLower[j]!;
    }
    const lo = lp.rowLower[i]! - shift[i]!;
    const hi = lp.rowUpper[i]! - shift[i]!;
    const bound: Bound = lo === hi ? { equal: lo } : {};
    if (lo !== hi) {
      if (Number.isFinite(lo)) bound.min = lo;
      if (Number.isFinite(hi)) bound.max = hi;
    }
    constraints[`r${i}`] = bound;
  }
  return { model: { optimize: 'cost', opType: 'min' as const, constraints, variables, ints }, constant };
}

/**
 * The solver's tableau precision, which is also the step it rounds every answer to (its default, 1e-8,
 * leaves the site balance off by up to 1e-8 kW: enough to show as limit excess, penalised at 1000 per kWh).
 */
const resultPrecision = 1e-10;

function solveModel(lp: LinearProgram, options: LpSolveOptions): LpSolution {
  const { model, constant } = toLpSolverModel(lp);
  const started = Date.now();
  const result = solver.Solve({ ...model, options: { timeout: options.timeLimitMs, tolerance: options.mipRelGap } }, resultPrecision) as SolveResult;
  // Its timeout stops branch-and-cut only (an LP solve cannot be interrupted), and a stopped search still
  // says `feasible` - with the best integer answer so far, or even the root relaxation's. Past the limit,
  // nothing is proven.
  const stopped = lp.integerCount > 0 && Date.now() - started >= options.timeLimitMs;
  if (!result.feasible) {
    return { status: 'infeasible', iterations: 0, message: 'javascript-lp-solver found no feasible solution' };
  }
  if (result.bounded === false) return { status: 'error', iterations: 0, message: 'javascript-lp-solver: unbounded' };
  const x = new Float64Array(lp.numCols);
  for (let j = 0; j < lp.numCols; j++) {
    const value = result[`x${j}`];
    x[j] = lp.colLower[j]! + (typeof value === 'number' ? value : 0);
  }
  const objective = result.result + constant;
  if (stopped) {
    return { status: 'feasible', x, objective, iterations: 0, message: 'javascript-lp-solver stopped at its time limit; the answer is not proven optimal' };
  }
  return { status: 'optimal', x, objective, iterations: 0 };
}

/** `lp` with `rows` appended after its last row. */
function withRows(lp: LinearProgram, rows: readonly LpRows[]): LinearProgram {
  if (rows.length === 0) return lp;
  const cat = <T extends Float64Array | Int32Array>(make: (n: number) => T, parts: readonly T[]): T => {
    const out = make(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p as never, at);
      at += p.length;
    }
    return out;
  };
  const starts: Int32Array[] = [lp.rowStarts];
  let offset = lp.rowStarts[lp.numRows]!;
  for (const r of rows) {
    starts.push(Int32Array.from(r.starts.subarray(1), (s) => s + offset));
    offset += r.cols.length;
  }
  return {
    ...lp,
    numRows: lp.numRows + rows.reduce((n, r) => n + r.lower.length, 0),
    rowLower: cat((n) => new Float64Array(n), [lp.rowLower, ...rows.map((r) => r.lower)]),
    rowUpper: cat((n) => new Float64Array(n), [lp.rowUpper, ...rows.map((r) => r.upper)]),
    rowStarts: cat((n) => new Int32Array(n), starts),
    colIndex: cat((n) => new Int32Array(n), [lp.colIndex, ...rows.map((r) => r.cols)]),
    values: cat((n) => new Float64Array(n), [lp.values, ...rows.map((r) => r.values)]),
  };
}

/** javascript-lp-solver has no persistent model: a session keeps its own bounds and added rows and rebuilds per solve. */
export const lpSolverBackend: LpBackend = {
  name: 'lp-solver',
  open(lp: LinearProgram): LpSession {
    const colLower = Float64Array.from(lp.colLower);
    const colUpper = Float64Array.from(lp.colUpper);
    const added: LpRows[] = [];
    return {
      solve: (options) => solveModel({ ...withRows(lp, added), colLower, colUpper }, options),
      setColBounds: (col, lower, upper) => {
        colLower[col] = lower;
        colUpper[col] = upper;
      },
      addRows: (rows) => {
        if (rows.lower.length > 0) added.push(rows);
      },
      dispose: () => undefined,
    };
  },
};
