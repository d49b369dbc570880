/**
 * HiGHS model status 15 (unknown) on a warm-started re-solve (seen in the LP repair of a Caltech network MPC
 * decision at 25 kVA): the backend solves the same model again from scratch instead of returning an error, and
 * says so in the answer's message. A model that stays unknown is still an error, named as such.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Highs } from 'highs';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import type { LinearProgram } from '../../../optimizer/linear-program.ts';
import { solveWithBackend } from '../../../optimizer/solve-problem.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

let highs: Highs;

beforeAll(async () => {
  highs = await loadHighs();
});

/** HiGHS whose models report status 15 after their first `unknownRuns` runs, then their real status. */
function flaky(real: Highs, unknownRuns: number): { highs: Highs; clears: () => number } {
  let clears = 0;
  const createModel = ((...args: Parameters<Highs['createModel']>) => {
    const model = real.createModel(...args);
    let runs = 0;
    return new Proxy(model, {
      get(target, key, receiver) {
        if (key === 'run') return () => (runs++, target.run());
        if (key === 'getModelStatus') return () => (runs <= unknownRuns ? real.constants.modelStatus.unknown : target.getModelStatus());
        if (key === 'clearSolver') return () => (clears++, target.clearSolver());
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }) as Highs['createModel'];
  return { highs: new Proxy(real, { get: (t, k, r) => (k === 'createModel' ? createModel : Reflect.get(t, k, r)) }), clears: () => clears };
}

describe('HiGHS status 15 (unknown)', () => {
  const problem = generateDepot({ vehicles: 4, slots: 16, seed: 3, minimumCurrent: false });

  it('is solved again from scratch: the plan is the one a plain solve gives', () => {
    const expected = solveWithBackend(problem, createHighsBackend(highs));
    const f = flaky(highs, 1);
    const plan = solveWithBackend(problem, createHighsBackend(f.highs));
    expect(f.clears()).toBe(1);
    expect(plan.status).toBe(expected.status);
    expect(plan.cost.objective).toBeCloseTo(expected.cost.objective, 6);
  });

  it('that stays unknown is an error named as such (the plan is then a labelled fallback)', () => {
    const session = createHighsBackend(flaky(highs, 2).highs).open(emptyLp());
    const answer = session.solve({ timeLimitMs: 10_000, mipRelGap: 1e-4 });
    session.dispose();
    expect(answer.status).toBe('error');
    expect(answer.message).toMatch(/status 15 .*also when solved again from scratch/);
  });
});

/** min x subject to 1 <= x <= 2. */
function emptyLp(): LinearProgram {
  return {
    numCols: 1,
    numRows: 0,
    offset: 0,
    colCost: Float64Array.of(1),
    colLower: Float64Array.of(1),
    colUpper: Float64Array.of(2),
    rowLower: new Float64Array(0),
    rowUpper: new Float64Array(0),
    rowStarts: Int32Array.of(0),
    colIndex: new Int32Array(0),
    values: new Float64Array(0),
    integerCount: 0,
    integrality: Int32Array.of(0),
  };
}
