/**
 * Anytime solving (optimizer/solve-run.ts, incumbents.ts, lp-rounding.ts): one budget for the whole solve,
 * kept by an injected clock - no wall time here. A fake clock advances by a chosen cost per backend call,
 * and a backend call whose cost exceeds the time it was given stops at its limit (as HiGHS does), so the
 * tests decide exactly where the budget runs out.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { baselineNames } from '../../optimizer/baselines/index.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { solveWithBackend, solveWithBaseline, type SolveOptions } from '../../optimizer/solve-problem.ts';
import type { SolveProgress } from '../../optimizer/solve-progress.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { arbProblem } from './problem-builders.ts';
import { atMost, expectGoodPlan, fcParams } from './solve-helpers.ts';

let highs: LpBackend;

beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

/** What one backend call costs on the fake clock (ms), given whether its model has integer columns. */
type CallCost = (call: { index: number; integer: boolean }) => number;

/**
 * HiGHS behind a fake clock: each solve advances it by its cost, or stops at its limit (status timed_out)
 * when the cost is larger. Records the time limit each call was given.
 */
function timedBackend(cost: CallCost) {
  let now = 0;
  const limits: number[] = [];
  const backend: LpBackend = {
    name: 'highs',
    open(lp) {
      const session = highs.open(lp);
      return {
        solve(options) {
          limits.push(options.timeLimitMs);
          const ms = cost({ index: limits.length - 1, integer: lp.integerCount > 0 });
          if (ms > options.timeLimitMs) {
            now += options.timeLimitMs;
            return { status: 'timed_out', iterations: 0, message: 'fake: stopped at its time limit' };
          }
          now += ms;
          // The real solve gets no wall-clock limit: only the fake clock decides, whatever the machine's load.
          return session.solve({ ...options, timeLimitMs: 3_600_000 });
        },
        setColBounds: (col, lower, upper) => session.setColBounds(col, lower, upper),
        addRows: (rows) => session.addRows(rows),
        dispose: () => session.dispose(),
      };
    },
  };
  return { backend, clock: () => now, limits };
}

function solveTimed(problem: Problem, cost: CallCost, options: SolveOptions) {
  const timed = timedBackend(cost);
  const events: SolveProgress[] = [];
  const plan = solveWithBackend(problem, timed.backend, options, { clock: timed.clock, onProgress: (e) => events.push(e) });
  return { plan, limits: timed.limits, events };
}

const cheapestBaseline = (p: Problem) => Math.min(...baselineNames.map((n) => solveWithBaseline(p, n).cost.objective));

describe('one budget for the whole solve', () => {
  // 6 A minimum: the LP has conflicts, so the repair needs several rounds.
  const depot = generateDepot({ vehicles: 30, slots: 48, seed: 3 });

  it('each backend call gets exactly the time left, and the solve stops when none is left', () => {
    // The LP takes 600 of the 1000 ms; the repair's re-solve gets the 400 left and stops at them.
    const { plan, limits } = solveTimed(depot, () => 600, { timeLimitMs: 1000 });
    expect(limits).toEqual([1000, 400]);
    expectGoodPlan(depot, plan, ['timed_out']);
    expect(plan.origin?.timedOut).toBe(true);
    expect(plan.origin?.elapsedMs).toBe(1000);
    expect(plan.origin?.timeLimitMs).toBe(1000);
  });

  it('out of time after the LP: the LP made feasible is returned, cheaper than every baseline', () => {
    const { plan } = solveTimed(depot, () => 1000, { timeLimitMs: 1000 });
    expectGoodPlan(depot, plan, ['timed_out']);
    expect(plan.origin?.source).toBe('lp-rounded');
    expect(plan.cost.objective).toBeLessThan(cheapestBaseline(depot));
    expect(plan.origin?.bound).toBe(plan.stats.relaxationObjective);
    expect(plan.origin?.gap).toBeCloseTo(plan.cost.objective - plan.origin!.bound!, 9);
    expect(plan.origin?.gapPct).toBeGreaterThanOrEqual(0);
    expect(plan.message).toMatch(/time limit/);
  });

  it('no time for the LP at all: the cheapest baseline, status timed_out, saying so', () => {
    const { plan, limits } = solveTimed(depot, () => 5000, { timeLimitMs: 1000 });
    expect(limits).toEqual([1000]);
    expectGoodPlan(depot, plan, ['timed_out']);
    expect(plan.origin?.source).toBe('baseline');
    expect(plan.cost.objective).toBeCloseTo(cheapestBaseline(depot), 9);
    expect(plan.message).toMatch(/fallback plan: the \S+ baseline/);
  });

  it('with time to spare, the repair finishes: feasible, and the same plan as without a fake clock', () => {
    const { plan } = solveTimed(depot, () => 1, { timeLimitMs: 1000 });
    const real = solveWithBackend(depot, highs);
    expectGoodPlan(depot, plan, ['feasible']);
    expect(plan.origin?.timedOut).toBe(false);
    expect(plan.cost.objective).toBeCloseTo(real.cost.objective, 6);
  });

  it('--min-current milp out of time: the repair\'s plan, not a baseline', () => {
    const small = generateDepot({ vehicles: 20, slots: 96, seed: 2 });
    const { plan } = solveTimed(small, ({ integer }) => (integer ? 10_000 : 1), { timeLimitMs: 5000, integerStrategy: 'milp' });
    expectGoodPlan(small, plan, ['timed_out']);
    expect(plan.origin?.source).toBe('lp-repair');
    expect(plan.message).toMatch(/MILP did not finish within its budget/);
    // The repair's own plan: without the exact polish, which a 20-vehicle repair solve would otherwise add.
    const repairOnly = solveWithBackend(small, highs, { integerStrategy: 'repair', exactPolish: { maxVehicles: 0 } });
    expect(plan.cost.objective).toBeCloseTo(repairOnly.cost.objective, 6);
  });

  it('progress events: phases in order, rounds never decrease, best objective never increases', () => {
    const { plan, events } = solveTimed(depot, () => 1, { timeLimitMs: 1000 });
    expect(events[0]!.phase).toBe('build');
    expect(events.at(-1)!.phase).toBe('done');
    expect(events.some((e) => e.phase === 'repair')).toBe(true);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.round).toBeGreaterThanOrEqual(events[i - 1]!.round);
      const [a, b] = [events[i - 1]!.bestObjective, events[i]!.bestObjective];
      if (a !== undefined) expect(b!).toBeLessThanOrEqual(a);
    }
    expect(events.at(-1)!.bestObjective).toBeCloseTo(plan.cost.objective, 9);
    expect(events.at(-1)!.bound).toBe(plan.stats.relaxationObjective);
  });
});

describe('a returned plan never costs more than any baseline or the best incumbent seen', () => {
  it('random problems, random per-call costs and budgets', () => {
    fc.assert(
      fc.property(
        arbProblem({ maxVehicles: 4, maxSlots: 10 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.constantFrom('repair' as const, 'milp' as const),
        (problem, costs, timeLimitMs, integerStrategy) => {
          const { plan, events } = solveTimed(problem, ({ index }) => costs[index % costs.length]!, { timeLimitMs, integerStrategy });
          expectGoodPlan(problem, plan, ['optimal', 'feasible', 'timed_out']);
          const objective = plan.cost.objective;
          expect(plan.origin?.objective).toBe(objective);
          for (const name of baselineNames) {
            const baseline = solveWithBaseline(problem, name).cost.objective;
            expect(atMost(objective, baseline, 2e-4), `${objective} > ${name} ${baseline}`).toBe(true);
          }
          const seen = events.flatMap((e) => (e.bestObjective === undefined ? [] : [e.bestObjective]));
          if (!/failed validation/.test(plan.message ?? '')) for (const best of seen) expect(atMost(objective, best, 1e-9)).toBe(true);
          for (const c of plan.origin?.candidates ?? []) expect(atMost(objective, c.objective, 1e-9)).toBe(true);
          if (plan.origin?.timedOut) expect(plan.status).toBe('timed_out');
        },
      ),
      fcParams(12_001, 60),
    );
  });
});

// Issue 12's case: `v2g solve` on a generated 5,000-vehicle depot with a limit the LP used half of returned
// the EDF fallback (34 % above the LP optimum). Scaled to 300 vehicles here (a 5,000-vehicle HiGHS solve is
// about a minute of CPU: too heavy for CI; bench/anytime-bench.ts runs the full size with a real clock), and
// "short" is counted on the fake clock: the LP takes 60 % of the budget and each repair round 30 %, so the
// budget runs out in the second repair round whatever the machine's load.
describe('a large depot with a short limit beats EDF (scaled, fake clock)', () => {
  it('timed out in the repair: the best plan found (not EDF), within a small gap of the bound, saying which', () => {
    const large = generateDepot({ vehicles: 300, slots: 96, seed: 1 });
    const { plan, limits } = solveTimed(large, ({ index }) => (index === 0 ? 8_000 : 3_000), { timeLimitMs: 10_000 });
    expect(limits).toEqual([10_000, 2_000]);
    expectGoodPlan(large, plan, ['timed_out']);
    expect(plan.origin?.timedOut).toBe(true);
    expect(['lp-rounded', 'lp-repair']).toContain(plan.origin?.source);
    const edf = solveWithBaseline(large, 'edf').cost.objective;
    expect(plan.cost.objective).toBeLessThan(edf);
    expect(plan.cost.objective).toBeLessThan(cheapestBaseline(large));
    // Far closer to the LP bound than EDF: the issue measured EDF 34 % above it at 5,000 vehicles. The rounded LP's
    // gap depends on which of the LP's optimal vertices the simplex ends at: 1.43-2.42 % on seeds 1-6 of this depot,
    // before and after the prefix form left out implied capacity rows (issue 12 session 7), so 3 % and not 2.
    const bound = plan.origin!.bound!;
    expect((edf - bound) / Math.abs(bound)).toBeGreaterThan(0.1);
    expect((plan.cost.objective - bound) / Math.abs(bound)).toBeLessThan(0.03);
    expect(plan.message).toMatch(/time limit/);
  });
});
