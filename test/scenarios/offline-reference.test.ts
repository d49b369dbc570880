import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { lpSolverBackend } from '../../optimizer/backends/lp-solver-backend.ts';
import { ScenarioError } from '../../scenarios/errors.ts';
import { computeKpis } from '../../scenarios/kpis.ts';
import { offlineTimeLimitMs, solveOffline } from '../../scenarios/offline-optimum.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { demoInputs, highsBackend, steppingClock } from './scenario-test-helpers.ts';

/**
 * A demo where the LP is exact: no minimum current, no V2G, no charge taper (so the physics follows the
 * plan), crossing the end of June (two billing months).
 */
const exactPatch = (sessionsPerDay: number) => ({
  period: { start: '2023-06-30T00:00:00+02:00', end: '2023-07-02T00:00:00+02:00' },
  site: {
    chargers: [
      { ids: ['dc-01', 'dc-02', 'dc-03', 'dc-04'], maxPowerKw: 11, canDischarge: false },
      { ids: ['ac-01', 'ac-02', 'ac-03', 'ac-04'], maxCurrentA: 16, minCurrentA: 0, phases: 3 as const, voltageV: 230, canDischarge: false },
    ],
  },
  data: { sessions: { kind: 'generated' as const, sessionsPerDay, chargerIds: ['dc-01', 'dc-02', 'dc-03', 'dc-04', 'ac-01', 'ac-02', 'ac-03', 'ac-04'] } },
  assumptions: { v2gOptInShare: 0 },
  physics: { taperStartSocPct: 100 },
  controller: { departure: 'actual' as const },
});

let highs: LpBackend;
beforeAll(async () => {
  highs = await highsBackend();
});

describe('the offline reference', () => {
  it('equals an exact bound where the LP is exact: optimal, bound = objective, the same optimum as an independent solver (1e-6)', () => {
    const inputs = demoInputs(exactPatch(4) as never);
    const clock = steppingClock();
    const a = solveOffline(inputs, { backend: highs }, clock);
    expect(a.plan.status).toBe('optimal');
    expect(a.bound).toBe(a.plan.cost.objective);
    const b = solveOffline(inputs, { backend: lpSolverBackend }, clock);
    expect(b.plan.status).toBe('optimal');
    expect(Math.abs(a.plan.cost.objective - b.plan.cost.objective)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b.plan.cost.objective)));
  });

  it('bills every billing month the replay touches, as the KPIs do, and its replay costs what its plan costs (1e-6)', () => {
    const inputs = demoInputs(exactPatch(12) as never);
    const offline = solveOffline(inputs, { backend: highs }, steppingClock());
    expect(offline.billingKeys).toEqual(['2023-06', '2023-07']);
    expect(offline.plan.status).toBe('optimal');
    const run = runReplay(inputs, 'offline', { solver: { backend: highs }, clock: steppingClock(), offline });
    expect(run.billing.map((b) => b.key)).toEqual(['2023-06', '2023-07']);
    const k = computeKpis(run);
    expect(k.energyDeliveredPct).toBeCloseTo(100, 6);
    expect(Math.abs(k.netCost - offline.plan.cost.netCost)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(k.netCost)));
    expect(Math.abs(k.demandCharge - offline.plan.cost.demandCharge)).toBeLessThanOrEqual(1e-6);
    expect(run.offlinePlan!.bound).toBe(offline.plan.cost.objective);
    expect(run.offlinePlan!.label).toMatch(/^offline optimum/);
  });

  it('is no more expensive than any policy replayed on the same exact inputs', () => {
    const inputs = demoInputs(exactPatch(12) as never);
    const offline = runReplay(inputs, 'offline', { solver: { backend: highs }, clock: steppingClock() });
    for (const policy of ['mpc', 'edf', 'llf', 'round-robin'] as const) {
      const other = runReplay(inputs, policy, { solver: { backend: highs }, clock: steppingClock() });
      const unmet = computeKpis(other).unmetKwhTotal;
      // Net cost plus the planner's price of each unmet kWh: the objective the offline plan minimises.
      expect(computeKpis(offline).netCost).toBeLessThanOrEqual(computeKpis(other).netCost + 10 * unmet + 1e-6);
    }
  });

  it('has its own time budget, not the per-decision limit of the rolling policies', () => {
    const seen: number[] = [];
    const spy: LpBackend = { name: 'highs', open: (lp) => { const s = highs.open(lp); return { ...s, solve: (o) => (seen.push(o.timeLimitMs), s.solve(o)), setColBounds: s.setColBounds.bind(s), addRows: s.addRows.bind(s), dispose: s.dispose.bind(s) }; } };
    const inputs = demoInputs(exactPatch(4) as never);
    solveOffline(inputs, { backend: spy, options: { timeLimitMs: 5 } }, steppingClock(0));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]).toBeGreaterThan(5);
    expect(seen[0]).toBeLessThanOrEqual(offlineTimeLimitMs);
    seen.length = 0;
    solveOffline(inputs, { backend: spy, options: { timeLimitMs: 5 }, offlineTimeLimitMs: 1234 }, steppingClock(0));
    expect(seen[0]).toBeLessThanOrEqual(1234);
    expect(seen[0]).toBeGreaterThan(1000);
  });

  it('never falls back silently: a solve that runs out of time is V2G_ERR_SCENARIO_OFFLINE naming the cause and the budget', () => {
    const timedOut: LpBackend = { name: 'highs', open: () => ({ solve: () => ({ status: 'timed_out', iterations: 0, message: 'time limit reached' }), setColBounds: () => {}, addRows: () => {}, dispose: () => {} }) };
    const inputs = demoInputs(exactPatch(4) as never);
    let error: unknown;
    try {
      runReplay(inputs, 'offline', { solver: { backend: timedOut, offlineTimeLimitMs: 777 }, clock: steppingClock() });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const e = error as ScenarioError;
    expect(e.code).toBe('V2G_ERR_SCENARIO_OFFLINE');
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/timed_out/);
    expect(e.message).toMatch(/777 ms budget/);
    expect(e.issues[0]!.path).toBe('/policy/offlineTimeLimitMs');
  });
});
