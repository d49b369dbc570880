/**
 * HiGHS models are disposed (optimizer/backends/highs-backend.ts, used by solve-problem.ts): the
 * WebAssembly heap never shrinks, so a model left behind is memory lost for the life of the worker thread.
 * Every session a solve opens is disposed exactly once, on every path (plain LP, repair rounds, lazy MILP
 * rounds, a time limit, a refused model), and repeated solves leave the heap where it was.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Highs } from 'highs';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../../optimizer/backends/lp-backend.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { solveWithBackend, type SolveOptions } from '../../../optimizer/solve-problem.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';
import { aProblem } from '../problem-builders.ts';

let highs: Highs;

beforeAll(async () => {
  highs = await loadHighs();
});

/** The HiGHS backend, counting the sessions it opens and how often each is disposed. */
function countingBackend() {
  const real = createHighsBackend(highs);
  const disposals: number[] = [];
  const backend: LpBackend = {
    name: 'highs',
    open(lp) {
      const session = real.open(lp);
      const index = disposals.push(0) - 1;
      return {
        solve: (options) => session.solve(options),
        setColBounds: (col, lower, upper) => session.setColBounds(col, lower, upper),
        addRows: (rows) => session.addRows(rows),
        dispose: () => {
          disposals[index]!++;
          session.dispose();
        },
      };
    },
  };
  return { backend, disposals };
}

describe('every session opened is disposed exactly once', () => {
  // With the 6 A minimum current this depot needs a repair round (and, its repaired plan above the LP bound
  // by more than the MIP gap, the exact polish on a second model), or 2 lazy MILP rounds.
  const depot = generateDepot({ vehicles: 6, slots: 32, seed: 11 });
  const cases: { name: string; problem: Problem; options: SolveOptions; sessions: number; rounds: (n: number) => boolean }[] = [
    { name: 'a plain LP (no minimum current)', problem: generateDepot({ vehicles: 6, slots: 32, seed: 11, minimumCurrent: false }), options: {}, sessions: 1, rounds: (n) => n === 1 },
    { name: 'LP repair rounds on one open model', problem: depot, options: { integerStrategy: 'repair', exactPolish: { maxVehicles: 0 } }, sessions: 1, rounds: (n) => n > 1 },
    { name: 'LP repair, then the exact polish on a model of its own', problem: depot, options: { integerStrategy: 'repair' }, sessions: 2, rounds: (n) => n > 2 },
    { name: 'lazy MILP rounds: the first LP and its repair, then one model per MILP round', problem: depot, options: { integerStrategy: 'milp' }, sessions: 2, rounds: (n) => n > 2 },
    { name: 'a 1 ms time limit', problem: depot, options: { timeLimitMs: 1 }, sessions: 1, rounds: (n) => n >= 0 },
  ];

  it.each(cases)('$name', ({ problem, options, sessions, rounds }) => {
    const { backend, disposals } = countingBackend();
    const plan = solveWithBackend(problem, backend, options);
    expect(plan.status).not.toBe('error');
    expect(rounds(plan.stats.rounds), `${plan.stats.rounds} rounds`).toBe(true);
    expect(disposals).toEqual(new Array<number>(sessions).fill(1));
  });

  it('a model HiGHS refuses opens no session, and the solve still returns a plan', () => {
    const { backend, disposals } = countingBackend();
    const plan = solveWithBackend(aProblem({ baseLoadKw: [1e25, 0, 0, 0] }), backend);
    expect(plan.status).toBe('error');
    expect(disposals).toEqual([]);
  });
});

describe('the WebAssembly heap', () => {
  it('does not grow over repeated solves of the same depot (LP repair and lazy MILP)', () => {
    // Without dispose, 15 solves of a 30-vehicle depot grow the heap from 21 MB to 76 MB.
    const backend = createHighsBackend(highs);
    const depot = generateDepot({ vehicles: 30, slots: 96, seed: 2 });
    const small = generateDepot({ vehicles: 6, slots: 32, seed: 11 }); // 2 lazy MILP rounds
    solveWithBackend(depot, backend);
    solveWithBackend(small, backend, { integerStrategy: 'milp' });
    const before = highs.memoryBytes;
    for (let i = 0; i < 15; i++) solveWithBackend(depot, backend);
    for (let i = 0; i < 3; i++) solveWithBackend(small, backend, { integerStrategy: 'milp' });
    expect(highs.memoryBytes).toBe(before);
  });
});
