import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { validatePlan } from '../../optimizer/plan-validator.ts';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import { offlineProblem, offlineReferenceLabel, solveOffline } from '../../scenarios/offline-optimum.ts';
import { offlineRowSeed, reuseOfflinePlan, storeOfflinePlan } from '../../scenarios/offline-reuse.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { applySweepValue } from '../../scenarios/sweep-plan.ts';
import { runSweepTask } from '../../scenarios/sweep-task.ts';
import { demoNetwork, demoScenario, highsBackend, steppingClock } from './scenario-test-helpers.ts';

/** The demo where the LP is exact (no minimum current, no V2G, no taper), two billing months. */
const exactPatch = {
  period: { start: '2023-06-30T00:00:00+02:00', end: '2023-07-02T00:00:00+02:00' },
  site: {
    chargers: [
      { ids: ['dc-01', 'dc-02', 'dc-03', 'dc-04'], maxPowerKw: 11, canDischarge: false },
      { ids: ['ac-01', 'ac-02', 'ac-03', 'ac-04'], maxCurrentA: 16, minCurrentA: 0, phases: 3 as const, voltageV: 230, canDischarge: false },
    ],
  },
  data: { sessions: { kind: 'generated' as const, sessionsPerDay: 12, chargerIds: ['dc-01', 'dc-02', 'dc-03', 'dc-04', 'ac-01', 'ac-02', 'ac-03', 'ac-04'] } },
  assumptions: { v2gOptInShare: 0 },
  physics: { taperStartSocPct: 100 },
  controller: { departure: 'actual' as const },
};

const inputsAt = (capacityKw: number) => loadReplayInputs(applySweepValue(demoScenario(exactPatch as never), 'capacity', capacityKw), new Map());
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

let highs: LpBackend;
beforeAll(async () => {
  highs = await highsBackend();
});

describe('the offline reference reused across capacities', () => {
  it('reuses a higher capacity plan that keeps the lower limits: the exact monolithic optimum there (1e-6), valid, labelled', () => {
    const high = solveOffline(inputsAt(200), { backend: highs }, steppingClock());
    expect(high.plan.status).toBe('optimal');
    const stored = storeOfflinePlan(high, 200, 'solved');
    const capacityKw = Math.ceil(Math.max(...high.plan.site.importKw)) + 1;
    const inputs = inputsAt(capacityKw);
    const { solution, refusals } = reuseOfflinePlan(inputs, capacityKw, [stored], steppingClock());
    expect(refusals).toEqual([]);
    expect(solution).toBeDefined();
    const fresh = solveOffline(inputs, { backend: highs }, steppingClock());
    expect(fresh.plan.status).toBe('optimal');
    expect(close(solution!.plan.cost.objective, fresh.plan.cost.objective)).toBe(true);
    expect(solution!.plan.status).toBe('optimal');
    expect(solution!.bound).toBe(solution!.plan.cost.objective);
    expect(validatePlan(offlineProblem(inputs).problem, solution!.plan)).toEqual([]);
    expect(solution!.notes.join(' ')).toMatch(/reused exactly from capacity 200/);
    // and the replay with it states it in its notes and label
    const run = runReplay(inputs, 'offline', { solver: { backend: highs }, clock: steppingClock(), offline: solution! });
    expect(run.notes.join(' ')).toMatch(/reused exactly from capacity 200/);
    expect(offlineReferenceLabel(run.offlinePlan!)).toMatch(/^offline optimum/);
  });

  it('refuses a plan that breaks a lower limit, saying which, and a plan of another replay', () => {
    const high = solveOffline(inputsAt(200), { backend: highs }, steppingClock());
    const peak = Math.max(...high.plan.site.importKw);
    const capacityKw = Math.floor(peak / 2);
    const stored = storeOfflinePlan(high, 200, 'solved');
    const { solution, refusals } = reuseOfflinePlan(inputsAt(capacityKw), capacityKw, [stored], steppingClock());
    expect(solution).toBeUndefined();
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.reason).toMatch(/breaks \d+ limit/);
    const other = { ...stored, vehicles: stored.vehicles.slice(1) };
    expect(reuseOfflinePlan(inputsAt(199), 199, [other], steppingClock()).refusals[0]!.reason).toMatch(/not the same replay/);
  });

  it('never reuses a plan of a lower capacity; at its own capacity (the same problem) it is the plan itself', () => {
    const low = solveOffline(inputsAt(150), { backend: highs }, steppingClock());
    const stored = storeOfflinePlan(low, 150, 'solved');
    expect(reuseOfflinePlan(inputsAt(200), 200, [stored], steppingClock())).toEqual({ refusals: [] });
    const same = reuseOfflinePlan(inputsAt(150), 150, [stored], steppingClock()).solution;
    expect(same?.reusedFromCapacity).toBe(150);
    expect(same?.plan.vehicles.map((v) => v.powerKw)).toEqual(low.plan.vehicles.map((v) => v.powerKw));
    expect(same?.plan.cost.objective).toBeCloseTo(low.plan.cost.objective, 6);
  });
});

/** The exact demo on a three-phase network (the capacity sweeps its transformer, kVA). */
const networkScenarioAt = (ratingKva: number) =>
    applySweepValue(
      demoScenario({
        ...exactPatch,
        site: {
          chargers: [
            { ids: ['dc-01', 'dc-02', 'dc-03', 'dc-04'], maxPowerKw: 11, canDischarge: false },
            { ids: ['ac-01', 'ac-02', 'ac-03', 'ac-04'], maxCurrentA: 16, minCurrentA: 0, phases: 3 as const, voltageV: 230, canDischarge: false },
          ],
          network: demoNetwork(40),
        },
      } as never),
      'capacity',
      ratingKva,
    );
const networkInputsAt = (ratingKva: number) => loadReplayInputs(networkScenarioAt(ratingKva), new Map());

describe('the network rows of a higher capacity seed a fresh offline solve', () => {
  it('the seeded solve keeps the bound and the plan quality of the unseeded one, its plan valid, and says so', () => {
    const high = solveOffline(networkInputsAt(40), { backend: highs }, steppingClock());
    expect(high.networkRows?.keys.length ?? 0).toBeGreaterThan(0);
    const stored = storeOfflinePlan(high, 40, 'solved at 40');
    expect(stored.networkRows).toEqual(high.networkRows);
    const seed = offlineRowSeed(8, [stored]);
    expect(seed?.from).toMatch(/capacity 40/);
    const inputs = networkInputsAt(8);
    const plain = solveOffline(inputs, { backend: highs }, steppingClock());
    const seeded = solveOffline(inputs, { backend: highs }, steppingClock(), {}, seed);
    expect(seeded.notes.join(' ')).toMatch(/offline model started with \d+ network rows that the offline solve of capacity 40/);
    expect(seeded.notes.join(' ')).toMatch(/offline first LP warm-started from the optimal basis of the offline solve of capacity 40/);
    expect(seeded.plan.stats.warmStart).toBe('basis');
    expect(seeded.warmFromCapacity).toBe(40);
    expect(stored.networkRows?.basis).toBeDefined();
    // Warm against cold (metamorphic): the same status, objective and bound to 1e-6.
    expect(seeded.plan.status).toBe(plain.plan.status);
    expect(close(seeded.plan.cost.objective, plain.plan.cost.objective)).toBe(true);
    // The rows alone (no basis kept): a cold first LP, said so, the same bound again.
    const rowsOnly = solveOffline(inputs, { backend: highs }, steppingClock(), {}, { ...seed!, rows: { ...seed!.rows, basis: undefined } });
    expect(rowsOnly.notes.join(' ')).toMatch(/offline first LP started cold \(slack basis\): the optimal basis of the offline solve of capacity 40 \(solved at 40\) was not used \(it kept none\)/);
    expect(rowsOnly.plan.stats.warmStart).toBeUndefined();
    expect(rowsOnly.warmFromCapacity).toBeUndefined();
    expect(close(rowsOnly.bound!, seeded.bound!)).toBe(true);
    // A basis that does not fit this model: a cold start, and the notes say why.
    const misfit = { ...seed!, rows: { ...seed!.rows, basis: { ...seed!.rows.basis!, columns: `${seed!.rows.basis!.columns}0` } } };
    const refused = solveOffline(inputs, { backend: highs }, steppingClock(), {}, misfit);
    expect(refused.notes.join(' ')).toMatch(/offline first LP started cold \(slack basis\): the optimal basis of the offline solve of capacity 40 \(solved at 40\) was not used \(it has \d+ columns, this model \d+\)/);
    expect(refused.warmFromCapacity).toBeUndefined();
    expect(close(refused.plan.cost.objective, plain.plan.cost.objective)).toBe(true);
    // A sweep's run of it says so in its notes and its label (the CSV's and HTML's bound column).
    const task = { index: 0, scenarioName: 'demo-network', value: 8, seed: 1, policy: 'offline' as const, scenario: networkScenarioAt(8) };
    const run = runSweepTask(task, new Map(), { backend: highs }, 'highs', steppingClock(), () => seeded);
    expect(run.provenance.notes.join(' ')).toMatch(/offline first LP warm-started from the optimal basis of the offline solve of capacity 40/);
    expect(run.provenance.offlinePlan!.label).toMatch(/; LP warm from capacity 40's optimal basis$/);
    const coldRun = runSweepTask(task, new Map(), { backend: highs }, 'highs', steppingClock(), () => refused);
    expect(coldRun.provenance.notes.join(' ')).toMatch(/offline first LP started cold/);
    expect(coldRun.provenance.offlinePlan!.label).not.toMatch(/warm/);
    expect(plain.notes.join(' ')).not.toMatch(/offline model started with/);
    expect(validatePlan(offlineProblem(inputs).problem, seeded.plan)).toEqual([]);
    // Both bounds are proven lower bounds of both plans; the two solves agree on the bound and the optimum.
    expect(plain.bound).toBeDefined();
    expect(seeded.bound).toBeDefined();
    expect(close(seeded.bound!, plain.bound!)).toBe(true);
    expect(seeded.plan.cost.objective).toBeGreaterThanOrEqual(plain.bound! - 1e-6 * Math.abs(plain.bound!));
    expect(plain.plan.cost.objective).toBeGreaterThanOrEqual(seeded.bound! - 1e-6 * Math.abs(seeded.bound!));
    // The rows it held are kept for the next capacity down.
    expect(seeded.networkRows?.keys.length ?? 0).toBeGreaterThan(0);
  });

  it('seeds from the nearest higher capacity that kept rows; none from lower or equal capacities', () => {
    const rows = (n: number) => ({ slotCount: 1, templates: ['t'], keys: Array.from({ length: n }, (_, k) => k) });
    const plan = (capacity: number, withRows: boolean) => ({ capacity, status: 'feasible' as const, objective: 0, bound: null, slotCount: 1, vehicles: [], origin: `solved at ${capacity}`, ...(withRows ? { networkRows: rows(capacity) } : {}) });
    const stored = [plan(50, true), plan(30, true), plan(25, false), plan(20, true)];
    expect(offlineRowSeed(20, stored)!.rows.keys).toHaveLength(30);
    expect(offlineRowSeed(10, stored)!.rows.keys).toHaveLength(20);
    expect(offlineRowSeed(40, stored)!.from).toBe('the offline solve of capacity 50 (solved at 50)');
    expect(offlineRowSeed(40, stored)!.capacity).toBe(50);
    expect(offlineRowSeed(50, stored)).toBeUndefined();
  });
});
