import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import type { WorkReport } from '../../optimizer/work-limit.ts';
import { ScenarioError } from '../../scenarios/errors.ts';
import { offlineBudgetSummary, offlineBudgetText, offlineWorkLimit, offlineWorkLimitOf } from '../../scenarios/offline-budget.ts';
import { offlineReferenceLabel, solveOffline, type OfflineSolution } from '../../scenarios/offline-optimum.ts';
import type { SolverSetup } from '../../scenarios/policies.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { runRecord } from '../../scenarios/run-record.ts';
import { demoInputs, demoScenario, highsBackend, steppingClock } from './scenario-test-helpers.ts';

let highs: LpBackend;
beforeAll(async () => {
  highs = await highsBackend();
});

/**
 * HiGHS made to look very slow: every backend call moves the solve's clock on by `stepMs` (100 s by default),
 * so a wall-clock budget would see a machine hundreds of times slower; the work budget must not notice.
 */
function slowed(backend: LpBackend, stepMs = 100_000): { backend: LpBackend; clock: () => number } {
  let t = 0;
  return {
    clock: () => t,
    backend: {
      name: 'highs',
      open: (lp) => {
        const s = backend.open(lp);
        return { ...s, solve: (o) => { const answer = s.solve(o); t += stepMs; return answer; } };
      },
    },
  };
}

/** What makes a row: the plan's powers, status, source, objective, bound, the work spent and the label. */
function row(s: OfflineSolution) {
  return {
    powers: s.plan.vehicles.map((v) => Array.from(v.powerKw)),
    status: s.plan.status,
    source: s.source,
    objective: s.plan.cost.objective,
    bound: s.bound,
    work: s.work,
  };
}

/** Three offline solves of the demo: more than the default test timeout on a machine at load 50 (not a bound on any result). */
const heavyMs = 300_000;

/** The demo's seed 1: its offline MILP needs 2 branch-and-bound nodes (measured), so a budget of 1 node binds. */
const nodeBound: SolverSetup['offlineWorkLimit'] = { mipNodes: 1 };

describe('the offline reference’s deterministic work budget', () => {
  it('with the work budget binding, gives the same row on every run and under a solver slowed to 100 s a call', () => {
    const inputs = demoInputs(undefined, 1);
    const a = solveOffline(inputs, { backend: highs, offlineWorkLimit: nodeBound }, steppingClock());
    expect(a.work?.reached).toBe('mipNodes');
    expect(a.work?.spent.mipNodes).toBe(1);
    expect(a.plan.status).toBe('timed_out');
    expect(a.stoppedAfterMs).toBeUndefined(); // not a time stop: nothing machine-dependent in the row
    const b = solveOffline(inputs, { backend: highs, offlineWorkLimit: nodeBound }, steppingClock());
    const slow = slowed(highs);
    const c = solveOffline(inputs, { backend: slow.backend, offlineWorkLimit: nodeBound }, slow.clock, { clock: slow.clock });
    expect(slow.clock()).toBeGreaterThan(300_000); // the former 300 s wall-clock budget would have ended it
    expect(row(b)).toEqual(row(a));
    expect(row(c)).toEqual(row(a));
    const label = offlineReferenceLabel({ ...a.plan.cost, status: a.plan.status, bound: a.bound, source: a.source, integerStrategy: a.integerStrategy, work: a.work });
    expect(label).toMatch(/NOT PROVEN OPTIMAL \(not proven optimal: MILP stopped at its work budget \(MILP nodes\)/);
    expect(label).toMatch(/work budget: [\d,]+ of 2,000,000 simplex iterations, 1 of 1 MILP nodes \(reached: MILP nodes\)/);
  }, heavyMs);

  it('does not change the row where it does not bind: the default budget, twice the work spent, and a slowed solver give the same row', () => {
    const inputs = demoInputs(undefined, 1);
    const a = solveOffline(inputs, { backend: highs }, steppingClock());
    expect(a.plan.status).toBe('optimal');
    expect(a.work?.limit).toEqual(offlineWorkLimit);
    expect(a.work?.reached).toBeUndefined();
    const spent = a.work!.spent;
    const twice = { simplexIterations: 2 * spent.simplexIterations, mipNodes: 2 * spent.mipNodes + 1 };
    const b = solveOffline(inputs, { backend: highs, offlineWorkLimit: twice }, steppingClock());
    const slow = slowed(highs);
    const c = solveOffline(inputs, { backend: slow.backend }, slow.clock, { clock: slow.clock });
    expect(row(b)).toEqual({ ...row(a), work: { ...a.work, limit: twice } });
    expect(row(c)).toEqual(row(a));
    expect(offlineReferenceLabel({ ...a.plan.cost, status: a.plan.status, work: a.work })).toMatch(/^offline optimum \(plan objective [\d.]+ = bound\); work budget: .* \(not reached\)$/);
  }, heavyMs);

  it('a budget too small for the instance is V2G_ERR_SCENARIO_OFFLINE naming the limit and the work spent, the same however slow the solver', () => {
    const inputs = demoInputs(undefined, 1);
    const failure = (solver: SolverSetup, clock: () => number, env = {}) => {
      try {
        solveOffline(inputs, solver, clock, env);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const e = failure({ backend: highs, offlineWorkLimit: { simplexIterations: 50 } }, steppingClock());
    expect(e).toBeInstanceOf(ScenarioError);
    const error = e as ScenarioError;
    expect(error.code).toBe('V2G_ERR_SCENARIO_OFFLINE');
    expect(error.retryable).toBe(true);
    expect(error.issues[0]!.path).toBe('/policy/offlineWorkLimit/simplexIterations');
    expect(error.issues[0]!.message).toMatch(/its work budget stopped it \(simplexIterations: 50 of 50 simplex iterations, 0 of 500 MILP nodes\); raise policy\.offlineWorkLimit\.simplexIterations/);
    const slow = slowed(highs);
    const again = failure({ backend: slow.backend, offlineWorkLimit: { simplexIterations: 50 } }, slow.clock, { clock: slow.clock }) as ScenarioError;
    expect(again.issues).toEqual(error.issues);
  });

  it('is in run.json: the budget in the options, the budget, work spent and what stopped it in offlinePlan, and in the label', () => {
    const inputs = demoInputs({ policy: { name: 'offline', offlineWorkLimit: { mipNodes: 1 } } }, 1);
    const solver = { backend: highs, offlineWorkLimit: { mipNodes: 1 } };
    const result = runReplay(inputs, 'offline', { solver, clock: steppingClock() });
    const record = runRecord(inputs, result, { gitCommit: 'test' }, []);
    expect(record.options.offlineWorkLimit).toEqual({ simplexIterations: offlineWorkLimit.simplexIterations, mipNodes: 1 });
    expect(record.offlinePlan?.work?.reached).toBe('mipNodes');
    expect(record.offlinePlan?.work?.spent.mipNodes).toBe(1);
    expect(record.offlinePlan?.stoppedAfterMs).toBeNull();
    expect(record.offlinePlan?.label).toMatch(/work budget: .*\(reached: MILP nodes\)/);
  });

  it('names the wall-clock safety net unmistakably when it, not the work budget, ends a solve', () => {
    const work: WorkReport = { limit: offlineWorkLimit, spent: { simplexIterations: 1234, mipNodes: 5, mipIterations: 99 }, reached: 'time' };
    const label = offlineReferenceLabel({ netCost: 1, objective: 2, status: 'timed_out', bound: 1.5, source: 'milp', integerStrategy: 'milp', stoppedAfterMs: 3_600_000, work });
    expect(label).toMatch(/MILP ended by the wall-clock safety net after 3600\.0 s; this row depends on machine speed/);
    expect(offlineBudgetText(work)).toBe('; work budget: 1,234 of 2,000,000 simplex iterations, 5 of 500 MILP nodes (not reached; ended by the wall-clock safety net: this row depends on machine speed)');
    expect(offlineBudgetText(undefined)).toBe('');
  });

  it('takes each field of policy.offlineWorkLimit over its default', () => {
    expect(offlineWorkLimitOf({})).toEqual(offlineWorkLimit);
    expect(offlineWorkLimitOf({ offlineWorkLimit: { mipNodes: 7 } })).toEqual({ ...offlineWorkLimit, mipNodes: 7 });
  });

  it('sums up a sweep’s offline rows: every row counted once, the safety net named when it ended one', () => {
    const reached = fc.constantFrom<WorkReport['reached'] | 'reused'>(undefined, 'simplexIterations', 'mipNodes', 'time', 'reused');
    fc.assert(
      fc.property(fc.array(reached, { minLength: 1, maxLength: 30 }), (kinds) => {
        const rows = kinds.map((k) => ({ work: k === 'reused' ? null : { limit: offlineWorkLimit, spent: { simplexIterations: 1, mipNodes: 0, mipIterations: 0 }, ...(k !== undefined ? { reached: k } : {}) } }));
        const text = offlineBudgetSummary(rows)!;
        const counts = [...text.matchAll(/(\d+) (solved|stopped|ended|reused)/g)].map((m) => Number(m[1]));
        expect(counts.reduce((a, n) => a + n, 0)).toBe(kinds.length);
        expect(text.includes('depend on machine speed')).toBe(kinds.includes('time'));
      }),
    );
    expect(offlineBudgetSummary([])).toBeUndefined();
  });

  it('refuses a bad policy.offlineWorkLimit naming the field', () => {
    const pathOf = (offlineWorkLimit: unknown) => {
      try {
        demoScenario({ policy: { name: 'offline', offlineWorkLimit } as never });
      } catch (e) {
        expect((e as ScenarioError).code).toBe('V2G_ERR_SCENARIO_FORMAT');
        return (e as ScenarioError).issues.map((i) => i.path ?? '');
      }
      return [];
    };
    expect(pathOf({ simplexIterations: 0 })).toContain('/policy/offlineWorkLimit/simplexIterations');
    expect(pathOf({ mipNodes: 1.5 })).toContain('/policy/offlineWorkLimit/mipNodes');
    expect(pathOf({ simplexIterations: '1000' })).toContain('/policy/offlineWorkLimit/simplexIterations');
    expect(pathOf({ iterations: 1000 }).some((p) => p.startsWith('/policy/offlineWorkLimit'))).toBe(true);
    expect(pathOf(5)).toContain('/policy/offlineWorkLimit');
    expect(pathOf({ simplexIterations: 1000, mipNodes: 10 })).toEqual([]);
  });
});
