/**
 * The solver pool retires a worker whose WebAssembly heap has grown past `maxHeapBytes` (the heap never
 * shrinks): the task it ran still gets its plan, and the next task gets a fresh worker.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SolverPool } from '../../optimizer/solver-pool.ts';
import { aProblem, aVehicle } from './problem-builders.ts';
import { expectGoodPlan } from './solve-helpers.ts';

/** The pool's live worker slots (private; read here only to see a worker retired). */
const workerCount = (p: SolverPool) => (p as unknown as { slots: unknown[] }).slots.length;

const pools: SolverPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('maxHeapBytes', () => {
  it('a worker over the limit is retired after its task, and the next task gets a new one', async () => {
    const pool = new SolverPool({ size: 1, maxHeapBytes: 1 }); // every HiGHS heap is above 1 byte
    pools.push(pool);
    const first = aProblem();
    const second = aProblem({ vehicles: [aVehicle({ energyKwh: 0, targetEnergyKwh: 20 })] });
    expectGoodPlan(first, await pool.solve(first), ['optimal']);
    expect(workerCount(pool)).toBe(0);
    expectGoodPlan(second, await pool.solve(second), ['optimal']);
    expect(workerCount(pool)).toBe(0);
  });

  it('a worker under the limit stays for the next task', async () => {
    const pool = new SolverPool({ size: 1 }); // default 1 GiB
    pools.push(pool);
    const problem = aProblem();
    expectGoodPlan(problem, await pool.solve(problem), ['optimal']);
    expect(workerCount(pool)).toBe(1);
    expectGoodPlan(problem, await pool.solve(problem), ['optimal']);
    expect(workerCount(pool)).toBe(1);
  });
});
