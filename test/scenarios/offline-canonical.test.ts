import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { validatePlan } from '../../optimizer/plan-validator.ts';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import { canonicalOfflineSolution, coldSolveNote } from '../../scenarios/offline-canonical.ts';
import { offlineProblem, solveOffline } from '../../scenarios/offline-optimum.ts';
import type { StoredOfflinePlan } from '../../scenarios/offline-reuse.ts';
import { applySweepValue, startOrder, sweepTasks, type SweepValue } from '../../scenarios/sweep-plan.ts';
import { runSweepTask } from '../../scenarios/sweep-task.ts';
import type { SweepRun } from '../../scenarios/sweep-table.ts';
import { offlineNetworkDemo } from './offline-network-demo.ts';
import { highsBackend, steppingClock } from './scenario-test-helpers.ts';

const scenario = offlineNetworkDemo;

let highs: LpBackend;
beforeAll(async () => {
  highs = await highsBackend();
});

/**
 * An offline-only capacity sweep in this process, as the worker runs it (scenarios/offline-canonical.ts with a
 * store per scenario and seed, tasks in start order): its runs by capacity, without what differs between lists
 * by construction (position, timings).
 */
function offlineSweep(values: readonly SweepValue[]): Map<number, unknown> {
  const kept = new Map<string, StoredOfflinePlan>();
  const solver = { backend: highs };
  const rows = new Map<number, unknown>();
  for (const task of startOrder(sweepTasks([scenario], 'capacity', values, [1], ['offline'], 'independent'))) {
    const key = `${task.scenarioName}/${task.seed}`;
    const store = { read: () => kept.get(key), write: (p: StoredOfflinePlan) => void kept.set(key, p) };
    const reference = task.offlineReference !== undefined ? { spec: task.offlineReference, store, texts: new Map<string, string>(), seed: task.seed } : undefined;
    const run: SweepRun = runSweepTask(task, new Map(), solver, 'highs', steppingClock(), (inputs) => canonicalOfflineSolution(inputs, Number(task.value), reference, solver, steppingClock()));
    const { index: _index, elapsedMs: _elapsed, kpis, ...rest } = run;
    rows.set(Number(task.value), { ...rest, kpis: Object.fromEntries(Object.entries(kpis).filter(([k]) => !k.startsWith('solveTime'))) });
  }
  return rows;
}

describe("a capacity sweep's offline row depends on its own capacity alone", () => {
  it('the row of each capacity is the row of a sweep with only that capacity, whatever the list and its order', () => {
    const all = offlineSweep([45, 8, 40, 12]);
    for (const capacity of [8, 12, 40, 45]) expect(offlineSweep([capacity]).get(capacity)).toEqual(all.get(capacity));
    expect(offlineSweep([12, 8]).get(8)).toEqual(all.get(8));
    // Both kinds of row occur here: the reference reused (40: the scenario as written; 12 where it fits) and cold solves (8 and 45).
    const labels = [...all.entries()].map(([c, r]) => [c, (r as SweepRun).provenance.offlinePlan!.label]);
    expect(labels.some(([, l]) => /reused exactly from capacity 40/.test(String(l)))).toBe(true);
    const notes = (c: number) => (all.get(c) as SweepRun).provenance.notes.join(' ');
    expect(notes(45)).toContain(coldSolveNote(45));
    expect(notes(45)).toMatch(/above the reference capacity 40, so no reuse/);
    expect(notes(8)).toContain(coldSolveNote(8));
    expect(notes(8)).toMatch(/the plan of the reference: the scenario at its own capacity 40, solved cold was not reused \(breaks \d+ limit/);
    for (const c of [8, 12, 40, 45]) expect(notes(c)).not.toMatch(/warm-started|network rows that the offline solve of capacity/);
    // Below the reference a cold solve starts with the reference's network rows (never another capacity's), without its basis.
    expect(notes(8)).toMatch(/offline model started with \d+ network rows that the reference: the scenario at its own capacity 40, solved cold needed/);
    expect(notes(8)).toMatch(/optimal basis of the reference: .* was not used \(left out: a row depends on its own capacity alone\)/);
    expect(notes(45)).not.toMatch(/network rows that/);
  });

  it('a cold row has the status and bound of the plain offline solve of that capacity (1e-6); a reused row is valid there and as good as its bound, at most the cold optimum (1e-6)', () => {
    const solver = { backend: highs };
    const inputsAt = (c: number) => loadReplayInputs(applySweepValue(scenario, 'capacity', c), new Map());
    const kept: StoredOfflinePlan[] = [];
    const store = { read: () => kept[0], write: (p: StoredOfflinePlan) => void kept.push(p) };
    const spec = { capacity: 40, scenario: applySweepValue(scenario, 'capacity', 40) };
    for (const c of [8, 12, 30, 40]) {
      const inputs = inputsAt(c);
      const canonical = canonicalOfflineSolution(inputs, c, { spec, store, texts: new Map(), seed: 1 }, solver, steppingClock());
      const cold = solveOffline(inputs, solver, steppingClock());
      expect(validatePlan(offlineProblem(inputs).problem, canonical.plan)).toEqual([]);
      if (canonical.reusedFromCapacity === undefined) {
        expect(canonical.plan.status).toBe(cold.plan.status);
        expect(Math.abs(canonical.bound! - cold.bound!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(cold.bound!)));
        expect(Math.abs(canonical.plan.cost.objective - cold.plan.cost.objective)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(cold.plan.cost.objective)));
      } else {
        expect(canonical.reusedFromCapacity).toBe(40);
        // Where both are proven optimal they cost the same (1e-6); a reused plan never beats the cold bound.
        const tol = 1e-6 * Math.max(1, Math.abs(cold.plan.cost.objective));
        if (canonical.plan.status === 'optimal' && cold.plan.status === 'optimal') expect(Math.abs(canonical.plan.cost.objective - cold.plan.cost.objective)).toBeLessThanOrEqual(tol);
        expect(canonical.plan.cost.objective).toBeGreaterThanOrEqual((cold.bound ?? -Infinity) - tol);
      }
    }
    expect(kept).toHaveLength(1);
  });
});
