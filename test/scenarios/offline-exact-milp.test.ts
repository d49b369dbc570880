import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { offlineIntegerStrategy, offlineMilpMaxVehicleSlots, offlineProblem, offlineReferenceLabel, solveOffline } from '../../scenarios/offline-optimum.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { demoInputs, highsBackend, steppingClock } from './scenario-test-helpers.ts';

/**
 * A small taper-aware demo with the 6 A minimum current of the AC chargers (the LP alone is not exact: the
 * offline needs minimum currents enforced), one day, AC chargers only.
 */
const taperPatch = {
  period: { start: '2023-06-14T00:00:00+02:00', end: '2023-06-15T00:00:00+02:00' },
  site: {
    chargers: [{ ids: ['ac-01', 'ac-02', 'ac-03', 'ac-04'], maxCurrentA: 16, minCurrentA: 6, phases: 3 as const, voltageV: 230, canDischarge: false }],
  },
  data: { sessions: { kind: 'generated' as const, sessionsPerDay: 8, chargerIds: ['ac-01', 'ac-02', 'ac-03', 'ac-04'] } },
  assumptions: { v2gOptInShare: 0 },
  physics: { taperStartSocPct: 60 },
  controller: { departure: 'actual' as const },
};

let highs: LpBackend;
beforeAll(async () => {
  highs = await highsBackend();
});

/**
 * HiGHS whose MILP solves stop at the time limit without a solution (reporting `mipDualBound` when given), moving
 * the returned clock to 61 s; LP solves run as usual and the clock stands still through them. `starts` records the
 * length of every MIP start handed to it.
 */
function milpStoppedAt61s(mipDualBound?: number): { backend: LpBackend; clock: () => number; starts: number[] } {
  let nowMs = 0;
  const starts: number[] = [];
  const backend: LpBackend = {
    name: 'highs',
    open: (lp) => {
      const s = highs.open(lp);
      const solve: typeof s.solve = (o) => {
        if (lp.integerCount === 0) return s.solve(o);
        nowMs = 61_000;
        return { status: 'timed_out', iterations: 0, ...(mipDualBound !== undefined ? { mipDualBound } : {}), message: 'HiGHS reached its time limit without a solution' };
      };
      return { ...s, solve, setStart: (x) => void starts.push(x.length), setColBounds: s.setColBounds.bind(s), addRows: s.addRows.bind(s), dispose: s.dispose.bind(s) };
    },
  };
  return { backend, clock: () => nowMs, starts };
}

describe('the offline reference as the exact MILP', () => {
  it('solves small problems as the exact MILP and keeps the LP repair above the size limit', () => {
    const inputs = demoInputs(taperPatch as never);
    const { problem } = offlineProblem(inputs);
    expect(problem.vehicles.length * problem.slotCount).toBeLessThanOrEqual(offlineMilpMaxVehicleSlots);
    expect(offlineIntegerStrategy(problem, { backend: highs })).toBe('milp');
    expect(offlineIntegerStrategy(problem, { backend: highs, offlineIntegerStrategy: 'repair' })).toBe('repair');
    const big = { ...problem, slotCount: Math.floor(offlineMilpMaxVehicleSlots / problem.vehicles.length) + 1 };
    expect(offlineIntegerStrategy(big, { backend: highs })).toBe('repair');
    expect(offlineIntegerStrategy(big, { backend: highs, options: { integerStrategy: 'milp' } })).toBe('milp');
  });

  it('equals its bound (1e-6) on a small taper-aware replay: proven optimal, no dearer than the LP repair, not below the LP bound', () => {
    const inputs = demoInputs(taperPatch as never);
    expect(offlineProblem(inputs).problem.vehicles.some((v) => v.chargeTaper !== undefined)).toBe(true);
    const exact = solveOffline(inputs, { backend: highs }, steppingClock());
    // The repair without its exact polish of small fleets (exact-polish.ts), which would make it the MILP too.
    const repaired = solveOffline(inputs, { backend: highs, options: { exactPolish: { maxVehicles: 0 } }, offlineIntegerStrategy: 'repair' }, steppingClock());
    // The minimum current binds: the LP alone is not a valid plan, so the MILP (not the LP) made this one.
    expect(repaired.plan.status).toBe('feasible');
    expect(exact.integerStrategy).toBe('milp');
    expect(exact.source).toBe('milp');
    expect(exact.plan.status).toBe('optimal');
    const objective = exact.plan.cost.objective;
    const tol = 1e-6 * Math.max(1, Math.abs(objective));
    expect(exact.bound).toBe(objective);
    // Proven within the offline's MIP gap (1e-6): the same MILP closed to 1e-12 finds nothing cheaper by more.
    const tight = solveOffline(inputs, { backend: highs, offlineMipRelGap: 1e-12 }, steppingClock());
    expect(tight.plan.status).toBe('optimal');
    expect(Math.abs(tight.plan.cost.objective - objective)).toBeLessThanOrEqual(tol);
    // The LP relaxation bounds it from below; the repair's plan is a valid plan, so at least the optimum.
    expect(exact.plan.stats.relaxationObjective!).toBeLessThanOrEqual(objective + tol);
    expect(repaired.plan.cost.objective).toBeGreaterThanOrEqual(objective - tol);
    const run = runReplay(inputs, 'offline', { solver: { backend: highs }, clock: steppingClock(), offline: exact });
    expect(run.offlinePlan!.label).toMatch(/^offline optimum/);
    expect(run.offlinePlan!.boundGap).toBe(0);
    expect(run.offlinePlan!.source).toBe('milp');
  });

  it('returns the repaired plan, labelled not proven optimal with its bound and its gap in money, when the wall-clock safety net ends the MILP (fake clock)', () => {
    const inputs = demoInputs(taperPatch as never);
    // The solve's clock stands still through the LP and its repair; the first MILP model's solve takes the whole
    // budget and stops at the time limit without a solution (as HiGHS reports it), at 61 s of a 60 s budget.
    const timing = milpStoppedAt61s();
    const offline = solveOffline(inputs, { backend: timing.backend, offlineTimeLimitMs: 60_000 }, steppingClock(), { clock: timing.clock });
    expect(offline.plan.status).toBe('timed_out');
    expect(offline.source).toBe('lp-repair');
    expect(offline.stoppedAfterMs).toBe(61_000);
    const objective = offline.plan.cost.objective;
    expect(offline.bound).toBe(offline.plan.stats.relaxationObjective);
    expect(offline.bound!).toBeLessThanOrEqual(objective + 1e-9);
    const run = runReplay(inputs, 'offline', { solver: { backend: highs }, clock: steppingClock(), offline });
    const label = run.offlinePlan!.label;
    const gap = objective - offline.bound!;
    expect(run.offlinePlan!.boundGap).toBeCloseTo(gap, 9);
    expect(label).toContain('offline NOT PROVEN OPTIMAL (not proven optimal: MILP ended by the wall-clock safety net after 61.0 s; this row depends on machine speed; plan from the LP repair of minimum currents');
    expect(label).toMatch(/; work budget: [\d,]+ of 2,000,000 simplex iterations, 0 of 500 MILP nodes \(not reached; ended by the wall-clock safety net: this row depends on machine speed\)$/);
    expect(run.offlinePlan!.work?.reached).toBe('time');
    expect(label).toContain(`bound ${offline.bound!.toFixed(2)}; gap ${gap.toFixed(2)} ${offline.plan.currency} (`);
    expect(run.offlinePlan!.stoppedAfterMs).toBe(61_000);
  });

  it("starts the MILP from the repair's plan, and takes a stopped MILP's best bound when above the LP's", () => {
    const inputs = demoInputs(taperPatch as never);
    const lpBound = solveOffline(inputs, { backend: highs, offlineIntegerStrategy: 'repair', options: { exactPolish: { maxVehicles: 0 } } }, steppingClock());
    const lower = lpBound.plan.stats.relaxationObjective!;
    const midway = (lower + lpBound.plan.cost.objective) / 2;
    const stopping = milpStoppedAt61s(midway);
    const offline = solveOffline(inputs, { backend: stopping.backend, offlineTimeLimitMs: 60_000 }, steppingClock(), { clock: stopping.clock });
    expect(stopping.starts.length).toBe(1);
    expect(offline.plan.stats.relaxationObjective).toBeCloseTo(lower, 6);
    expect(offline.bound).toBe(midway);
    expect(offline.plan.origin!.bound).toBe(midway);
  });

  it('states the gap in money beside the percentage, so a penalty-dominated objective cannot hide it', () => {
    const label = offlineReferenceLabel({ netCost: 397.52, objective: 3470, status: 'feasible', bound: 3447, source: 'lp-repair', integerStrategy: 'repair' });
    expect(label).toBe('offline NOT PROVEN OPTIMAL (feasible; plan from the LP repair of minimum currents; plan objective 3470.00, bound 3447.00; gap 23.00 USD (0.667 %))');
  });
});
