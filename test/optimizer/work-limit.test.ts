/**
 * The deterministic work budget of a solve (optimizer/work-limit.ts, `SolveOptions.workLimit`): every backend call
 * gets what is left of it (simplex iterations for an LP, nodes for a MILP round), the work spent is counted across
 * the rounds, a binding budget stops the solve as the time budget would (the best plan by then, validated) and says
 * which limit stopped it, and the same problem spends the same work and gives the same plan on every run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import type { LpBackend, LpSolveOptions } from '../../optimizer/backends/lp-backend.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { expectGoodPlan } from './solve-helpers.ts';

let highs: LpBackend;
beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

/** HiGHS, recording the options of every call and what it spent. */
function recording(): { backend: LpBackend; calls: { options: LpSolveOptions; iterations: number; nodes: number | undefined; mip: boolean }[] } {
  const calls: { options: LpSolveOptions; iterations: number; nodes: number | undefined; mip: boolean }[] = [];
  return {
    calls,
    backend: {
      name: 'highs',
      open: (lp) => {
        const s = highs.open(lp);
        return { ...s, solve: (options) => { const a = s.solve(options); calls.push({ options, iterations: a.iterations, nodes: a.nodes, mip: lp.integerCount > 0 }); return a; } };
      },
    },
  };
}

const depot = (seed: number): Problem => generateDepot({ vehicles: 8, slots: 32, seed });
const generous = { timeLimitMs: 3_600_000 } as const;

describe('a solve’s work budget', () => {
  it('gives every LP call the iterations left and every MILP round the nodes left, and counts what they spent', () => {
    const r = recording();
    const limit = { simplexIterations: 1_000_000, mipNodes: 500 };
    const plan = solveWithBackend(depot(3), r.backend, { ...generous, integerStrategy: 'milp', workLimit: limit });
    expectGoodPlan(depot(3), plan);
    let lp = 0;
    let nodes = 0;
    for (const c of r.calls) {
      if (c.mip) {
        expect(c.options.mipMaxNodes).toBe(limit.mipNodes - nodes);
        expect(c.options.simplexIterationLimit).toBeUndefined();
        nodes += c.nodes ?? 0;
      } else {
        expect(c.options.simplexIterationLimit).toBe(limit.simplexIterations - lp);
        lp += c.iterations;
      }
    }
    expect(plan.stats.work).toEqual({ limit, spent: { simplexIterations: lp, mipNodes: nodes, mipIterations: r.calls.filter((c) => c.mip).reduce((a, c) => a + c.iterations, 0) } });
    expect(r.calls.some((c) => c.mip)).toBe(true);
  });

  it('stopped by its iterations: timed_out with the best valid plan, stopped at exactly the limit, the same on every run', () => {
    const problem = depot(5);
    const free = solveWithBackend(problem, highs, { ...generous, workLimit: {} });
    const needed = free.stats.work!.spent.simplexIterations;
    expect(free.stats.work!.reached).toBeUndefined();
    const limit = { simplexIterations: Math.max(1, Math.floor(needed / 2)) };
    const a = solveWithBackend(problem, highs, { ...generous, workLimit: limit });
    const b = solveWithBackend(problem, highs, { ...generous, workLimit: limit });
    expect(a.status).toBe('timed_out');
    expect(a.stats.work!.reached).toBe('simplexIterations');
    expect(a.stats.work!.spent.simplexIterations).toBe(limit.simplexIterations);
    expectGoodPlan(problem, a, ['timed_out']);
    expect(b.vehicles.map((v) => v.powerKw)).toEqual(a.vehicles.map((v) => v.powerKw));
    expect(b.stats.work).toEqual(a.stats.work);
  });

  it('without a work budget, plans carry no work report (nothing changes for the rolling policies)', () => {
    const plan = solveWithBackend(depot(2), highs, generous);
    expect(plan.stats.work).toBeUndefined();
  });
});
