import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { validatePlan } from '../../optimizer/plan-validator.ts';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import { chainedOfflineSolution, chainedRowNote } from '../../scenarios/offline-chained.ts';
import { offlineProblem } from '../../scenarios/offline-optimum.ts';
import type { StoredOfflinePlan } from '../../scenarios/offline-reuse.ts';
import { applySweepValue } from '../../scenarios/sweep-plan.ts';
import { offlineNetworkDemo } from './offline-network-demo.ts';
import { highsBackend, steppingClock } from './scenario-test-helpers.ts';

const scenario = offlineNetworkDemo;

let highs: LpBackend;
beforeAll(async () => {
  highs = await highsBackend();
});

const inputsAt = (capacity: number) => loadReplayInputs(applySweepValue(scenario, 'capacity', capacity), new Map(), { seed: 1 });

describe('the chained offline rows (the default of a capacity sweep)', () => {
  it('goes from the largest capacity down: each row valid, and its notes say where it came from and that it may depend on the list', () => {
    const kept: StoredOfflinePlan[] = [];
    const store = { read: () => [...kept], write: (p: StoredOfflinePlan) => void kept.push(p) };
    const notes = new Map<number, string>();
    for (const capacity of [45, 40, 12, 8]) {
      const inputs = inputsAt(capacity);
      const solution = chainedOfflineSolution(inputs, capacity, store, { backend: highs }, steppingClock());
      expect(validatePlan(offlineProblem(inputs).problem, solution.plan)).toEqual([]);
      notes.set(capacity, solution.notes.join(' '));
      if (solution.reusedFromCapacity !== undefined) expect(notes.get(capacity)).toContain(chainedRowNote(capacity, { reusedFrom: solution.reusedFromCapacity }));
    }
    // The top of the chain has nothing above it; every row below says it may depend on the other capacities.
    expect(notes.get(45)).toContain(chainedRowNote(45, {}));
    for (const c of [40, 12, 8]) expect(notes.get(c)).toMatch(new RegExp(`offline rows chained at ${c}: .*so this row may depend on the other capacities in the list`));
    expect([...notes.values()].join(' ')).toMatch(/reused exactly|warm-started from capacity|started with the network rows of capacity/);
  });
});
