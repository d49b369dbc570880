/**
 * The solver pool (optimizer/solver-pool.ts) and the `optimize` front door: a solve on a worker thread
 * equals the same solve in-process; the caller's event loop keeps turning during a long solve; time
 * limits, the watchdog and worker errors all end in a validated plan; close() ends the workers.
 * This is the only test file that starts worker threads (each loads tsx and HiGHS: about a second).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { lpSolverBackend } from '../../optimizer/backends/lp-solver-backend.ts';
import { optimize } from '../../optimizer/optimize.ts';
import type { Plan } from '../../optimizer/plan.ts';
import { validatePlan } from '../../optimizer/plan-validator.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { solveWithBackend, solveWithBaseline } from '../../optimizer/solve-problem.ts';
import { defaultWatchdogGraceMs, SolverPool } from '../../optimizer/solver-pool.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { aProblem, aVehicle } from './problem-builders.ts';
import { expectGoodPlan } from './solve-helpers.ts';

let highs: LpBackend;
let pool: SolverPool;
const pools: SolverPool[] = [];

/** A pool closed in afterAll whatever happens. */
function newPool(...args: ConstructorParameters<typeof SolverPool>): SolverPool {
  const p = new SolverPool(...args);
  pools.push(p);
  return p;
}

/** The pool's live worker slots (private; read here only to prove close() ends them). */
const workerCount = (p: SolverPool) => (p as unknown as { slots: unknown[] }).slots.length;

beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
  pool = newPool({ size: 2 });
  await pool.warmUp();
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

/** Same status, same powers (to 1e-9 kW), same objective: the worker ran the same deterministic solve. */
function expectSamePlan(a: Plan, b: Plan): void {
  expect(a.status).toBe(b.status);
  expect(a.message).toBe(b.message);
  expect(a.cost.objective).toBeCloseTo(b.cost.objective, 9);
  expect(a.stats.backend).toBe(b.stats.backend);
  expect(a.stats.rounds).toBe(b.stats.rounds);
  a.vehicles.forEach((v, i) => expect(v.powerKw).toEqual(b.vehicles[i]!.powerKw.map((kw) => expect.closeTo(kw, 9))));
}

describe('a solve through the pool equals the in-process solve', () => {
  const depot = generateDepot({ vehicles: 12, slots: 48, seed: 5 });
  const tiny = generateDepot({ vehicles: 3, slots: 8, seed: 4, minimumCurrent: false });

  it('warmUp started the workers and they report the HiGHS version', () => {
    expect(pool.highsVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(workerCount(pool)).toBe(2);
  });

  it('HiGHS, LP repair, on a 12-vehicle depot', async () => {
    const viaPool = await pool.solve(depot, 'highs', { integerStrategy: 'repair' });
    expectGoodPlan(depot, viaPool);
    expectSamePlan(viaPool, solveWithBackend(depot, highs, { integerStrategy: 'repair' }));
  });

  it('HiGHS, lazy MILP, on a 6-vehicle depot', async () => {
    const small = generateDepot({ vehicles: 6, slots: 32, seed: 6 });
    const viaPool = await pool.solve(small, 'highs', { integerStrategy: 'milp' });
    expectGoodPlan(small, viaPool);
    expectSamePlan(viaPool, solveWithBackend(small, highs, { integerStrategy: 'milp' }));
  });

  it('javascript-lp-solver on a tiny depot', async () => {
    const viaPool = await pool.solve(tiny, 'lp-solver');
    expectGoodPlan(tiny, viaPool);
    expectSamePlan(viaPool, solveWithBackend(tiny, lpSolverBackend));
  });

  it('optimize(): LP solvers go through the given pool, baselines run inline', async () => {
    const viaOptimize = await optimize(depot, { solver: 'highs', pool });
    expectSamePlan(viaOptimize, solveWithBackend(depot, highs));
    const edf = await optimize(depot, { solver: 'edf', pool });
    expectSamePlan(edf, solveWithBaseline(depot, 'edf'));
    expect(edf.stats.backend).toBe('edf');
  });

  it('many solves at once on two workers: each answer belongs to its own problem', async () => {
    const problems = [1, 2, 3, 4, 5, 6].map((seed) => generateDepot({ vehicles: 4 + seed, slots: 24, seed }));
    const plans = await Promise.all(problems.map((p) => pool.solve(p)));
    plans.forEach((plan, i) => {
      expectGoodPlan(problems[i]!, plan);
      expectSamePlan(plan, solveWithBackend(problems[i]!, highs));
    });
  });
});

describe('the caller never blocks', () => {
  it('the event loop keeps turning while a 300-vehicle depot is solved', async () => {
    const depot = generateDepot({ vehicles: 300, slots: 96, seed: 3 });
    // In-process this solve would block the caller's thread until it is done: no timer could fire before the
    // plan arrives. On a worker, this thread runs timer after timer meanwhile (counted, not timed).
    let solved = false;
    let turnsWhileSolving = 0;
    const timer = setInterval(() => {
      if (!solved) turnsWhileSolving++;
    }, 1);
    let plan: Plan;
    try {
      plan = await pool.solve(depot).finally(() => (solved = true));
    } finally {
      clearInterval(timer);
    }
    expectGoodPlan(depot, plan);
    expect(turnsWhileSolving).toBeGreaterThanOrEqual(3);
  });
});

describe('time limits, the watchdog and worker errors end in a validated plan', () => {
  const depot = generateDepot({ vehicles: 100, slots: 96, seed: 8 });

  it.each([1, 50])('a time limit of %d ms: status timed_out or feasible, and the plan validates', async (timeLimitMs) => {
    const plan = await pool.solve(depot, 'highs', { timeLimitMs });
    expect(['timed_out', 'feasible']).toContain(plan.status);
    expect(validatePlan(depot, plan)).toEqual([]);
  });

  it('the default watchdog grace is the budget\'s stated tolerance: 2 s + 10 % for the monolithic LP, 30 s decomposed', () => {
    expect(defaultWatchdogGraceMs(20_000)).toBe(4_000);
    expect(defaultWatchdogGraceMs(60_000, 'monolithic')).toBe(8_000);
    expect(defaultWatchdogGraceMs(60_000, 'decomposition')).toBe(30_000);
  });

  it('the watchdog ends a worker that overruns its time limit; the caller gets a timed_out plan, the pool a new worker', async () => {
    const strict = newPool({ size: 1, watchdogGraceMs: 0 });
    // The watchdog runs from dispatch, so 1 ms + 0 ms grace fires before the new worker has even loaded HiGHS.
    const plan = await strict.solve(depot, 'highs', { timeLimitMs: 1 });
    expect(plan.status).toBe('timed_out');
    expect(plan.message).toMatch(/watchdog|overran|terminated/);
    expect(validatePlan(depot, plan)).toEqual([]);
    expect(workerCount(strict)).toBe(0);
    // The next task gets a fresh worker.
    const small = aProblem();
    const next = await strict.solve(small, 'highs', { timeLimitMs: 60_000 });
    expectGoodPlan(small, next, ['optimal']);
  });

  it('a model HiGHS refuses becomes a validated plan with status error, and the worker goes on', async () => {
    // A base load of 1e25 kW (refused by validateProblem, forced through here) makes HiGHS refuse the model.
    const bad: Problem = aProblem({ baseLoadKw: [1e25, 0, 0, 0] });
    const plan = await pool.solve(bad);
    expect(plan.status).toBe('error');
    expect(plan.message).toMatch(/refused the model/);
    expect(validatePlan(bad, plan)).toEqual([]);
    // The worker survived and takes the next task.
    const fine = aProblem();
    expectGoodPlan(fine, await pool.solve(fine), ['optimal']);
  });
});

describe('close()', () => {
  it('ends every worker, fails queued tasks with an error plan and refuses new ones', async () => {
    const closing = newPool({ size: 1 });
    await closing.warmUp();
    expect(workerCount(closing)).toBe(1);
    const big = generateDepot({ vehicles: 150, slots: 96, seed: 2 });
    void closing.solve(big); // in flight
    const queued = closing.solve(big); // waits for the only worker
    await closing.close();
    expect(workerCount(closing)).toBe(0);
    const queuedPlan = await queued;
    expect(queuedPlan.status).toBe('error');
    expect(queuedPlan.message).toMatch(/closed/);
    expect(validatePlan(big, queuedPlan)).toEqual([]);
    await expect(closing.solve(aProblem())).rejects.toThrow(/closed/);
  });

  it('an idle pool closes at once', async () => {
    const idle = newPool();
    await idle.close();
    await expect(idle.solve(aProblem())).rejects.toThrow(/closed/);
  });

    // Regression: close() once left the running task's promise pending forever (and its watchdog timer armed).
  it('settles the task that is running when it is called', async () => {
    const closing = newPool({ size: 1 });
    await closing.warmUp();
    const big = generateDepot({ vehicles: 150, slots: 96, seed: 2 });
    // A warm idle worker takes the task at once (solve() hands it over synchronously): it is running now.
    const running = closing.solve(big);
    await closing.close();
    // Settled by close() itself: its outcome is there before the next turn of the event loop.
    const outcome = await Promise.race([
      running.then((plan) => plan.status),
      new Promise<string>((resolve) => setImmediate(() => resolve('still pending'))),
    ]);
    expect(outcome).toBe('error');
  });
});

describe('small problems through the pool', () => {
  it('a site with base load only', async () => {
    const p = aProblem({ vehicles: [], baseLoadKw: [1, 2, 3, 4] });
    const plan = await pool.solve(p);
    expect(validatePlan(p, plan)).toEqual([]);
    expect(plan.site.importKw).toEqual([1, 2, 3, 4]);
  });

  it('one plain vehicle', async () => {
    const p = aProblem({ vehicles: [aVehicle({ energyKwh: 0, targetEnergyKwh: 5 })] });
    const plan = await pool.solve(p);
    expectGoodPlan(p, plan, ['optimal']);
    expect(plan.vehicles[0]!.energyKwh.at(-1)).toBeCloseTo(5, 6);
  });
});
