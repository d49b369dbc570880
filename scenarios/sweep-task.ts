/**
 * One run of a sweep: replay a scenario (its parameter already applied) under a policy and a seed, compute its
 * KPIs and record how it was made. Pure apart from the injected clock, so the same code runs in a CLI worker
 * process and in tests.
 */
import { computeKpis } from './kpis.ts';
import type { SolverSetup } from './policies.ts';
import type { PolicyName } from './policy-names.ts';
import { loadReplayInputs } from './load-replay-inputs.ts';
import type { OfflineSolution } from './offline-optimum.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import { runReplay } from './replay-engine.ts';
import type { Scenario } from './scenario-schema.ts';
import type { SweepValue } from './sweep-plan.ts';
import type { SweepRun } from './sweep-table.ts';

/** What a worker needs to run one task. */
export interface SweepTaskInput {
  readonly index: number;
  readonly scenarioName: string;
  readonly value: SweepValue;
  readonly seed: number;
  readonly policy: PolicyName;
  readonly scenario: Scenario;
}

/** Whether a policy plans with the LP solver (the others are baselines of the optimizer core). */
export const usesSolver = (policy: PolicyName): boolean => policy === 'offline' || policy.startsWith('mpc');

/**
 * Runs one task. `texts` holds the scenario's data files (path -> text); `solverLabel` names the solver and
 * its version (e.g. `highs 1.15.1`). `offlineFor`, for an `offline` task: the offline solution to replay (a
 * reused or a fresh solve, offline-reuse.ts) instead of solving here. Throws only the coded input errors of
 * loading and replaying.
 */
export function runSweepTask(
  task: SweepTaskInput,
  texts: ReadonlyMap<string, string>,
  solver: SolverSetup,
  solverLabel: string,
  clock: () => number,
  offlineFor?: (inputs: ReplayInputs) => OfflineSolution,
): SweepRun {
  const started = clock();
  const inputs = loadReplayInputs(task.scenario, texts, { seed: task.seed });
  const offline = task.policy === 'offline' && offlineFor !== undefined ? offlineFor(inputs) : undefined;
  const result = runReplay(inputs, task.policy, { solver, clock, ...(offline ? { offline } : {}) });
  const kpis = computeKpis(result);
  const counts = result.decisions.statusCounts;
  return {
    index: task.index,
    scenarioName: task.scenarioName,
    value: task.value,
    seed: task.seed,
    policy: task.policy,
    kpis,
    provenance: {
      solver: usesSolver(task.policy) ? solverLabel : `none (baseline ${task.policy})`,
      statusCounts: { ...counts },
      fallbackDecisions: (counts.timed_out ?? 0) + (counts.error ?? 0),
      messages: result.decisions.messages,
      ...(result.offlinePlan
        ? {
            offlinePlan: {
              status: result.offlinePlan.status,
              objective: result.offlinePlan.objective,
              netCost: result.offlinePlan.netCost,
              label: `${result.offlinePlan.label}${offline?.reusedFromCapacity !== undefined ? `; plan reused exactly from capacity ${offline.reusedFromCapacity}` : ''}`,
            },
          }
        : {}),
      notes: result.notes,
    },
    elapsedMs: clock() - started,
  };
}
