/**
 * One run of a sweep: replay a scenario (its parameter already applied) under a policy and a seed, compute its
 * KPIs and record how it was made. Pure apart from the injected clock, so the same code runs in a CLI worker
 * process and in tests.
 */
import { isSteppedTaperNote, isTaperAwareNote, taperAwareLabel } from './charge-taper.ts';
import { isPeakEstimateNote, peakEstimateLabel } from './billing-peak-estimate.ts';
import { isWithoutFloorNote } from './demand-charge-without-floor.ts';
import { congestionDeliveryLabel, deliveryFirstResolved, isCongestionDeliveryNote, isLateChargeGuardNote, isLateChargeMarginNote, lateChargeGuardLabel, lateChargeMarginLabel } from './mpc-regularisers.ts';
import { bindingNote, capacityCheckedController, recordedRunController, RecordedRunMismatch, recordingController, reusedRunLabel, type CapacityBinding, type RecordedDecision, type RecordedRun } from './capacity-slack.ts';
import { computeKpis } from './kpis.ts';
import type { SolverSetup } from './policies.ts';
import type { PolicyName } from './policy-names.ts';
import { loadReplayInputs } from './load-replay-inputs.ts';
import type { OfflineSolution } from './offline-optimum.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import { runReplay } from './replay-engine.ts';
import type { Scenario } from './scenario-schema.ts';
import { offlineRowRuleLabel, type OfflineReference, type OfflineRowRule, type SweepValue } from './sweep-plan.ts';
import type { SweepRun } from './sweep-table.ts';

/** What a worker needs to run one task. */
export interface SweepTaskInput {
  readonly index: number;
  readonly scenarioName: string;
  readonly value: SweepValue;
  readonly seed: number;
  readonly policy: PolicyName;
  readonly scenario: Scenario;
  /** An `offline` task of a `capacity` sweep: the rule that makes its row (sweep-plan.ts), named in its solver column. */
  readonly offlineRows?: OfflineRowRule;
  /** An `offline` task of a `capacity` sweep under `independent`: the reference its row may reuse (offline-canonical.ts). */
  readonly offlineReference?: OfflineReference;
}

/** Whether a policy plans with the LP solver (the others are baselines of the optimizer core). */
export const usesSolver = (policy: PolicyName): boolean => policy === 'offline' || policy.startsWith('mpc');

/**
 * A `capacity` sweep's recorded rolling runs (capacity-slack.ts): `lower` is the kept run of the same scenario,
 * seed and policy at the highest capacity at or below this one whose capacity bound no decision (undefined:
 * none); `keep` stores this run's decisions when the capacity bound none of them.
 */
export interface RollingRunStore {
  readonly lower: () => RecordedRun | undefined;
  readonly keep: (run: RecordedRun) => void;
}

/** How a rolling run of a `capacity` sweep met the capacity: checked fresh, or replayed from a lower capacity. */
export type CapacityProvenance = CapacityBinding & { readonly reusedFromCapacity?: number };

interface Replayed {
  readonly result: ReturnType<typeof runReplay>;
  readonly capacity?: CapacityProvenance;
  readonly notes: readonly string[];
}

/** The replay of a rolling task: a lower capacity's recorded decisions where the capacity bound none, else a fresh checked run. */
function replayRolling(task: SweepTaskInput, inputs: ReplayInputs, solver: SolverSetup, clock: () => number, store: RollingRunStore): Replayed | undefined {
  const capacity = Number(task.value);
  const notes: string[] = [];
  const lower = store.lower();
  if (lower !== undefined) {
    try {
      const result = runReplay(inputs, task.policy, { solver, clock, controller: recordedRunController(lower) });
      return { result, capacity: { checked: true, bound: false, reusedFromCapacity: lower.capacity }, notes: [reusedRunLabel(task.policy, lower.capacity, capacity)] };
    } catch (e) {
      if (!(e instanceof RecordedRunMismatch)) throw e;
      notes.push(`${task.policy} at capacity ${capacity}: the decisions of capacity ${lower.capacity} were not reused (${e.message}); run afresh`);
    }
  }
  const checked = capacityCheckedController(inputs, task.policy, solver, capacity);
  if (checked === undefined) return undefined;
  const decisions: RecordedDecision[] = [];
  const result = runReplay(inputs, task.policy, { solver, clock, controller: recordingController(checked.controller, decisions) });
  const binding = checked.binding();
  if (!binding.bound) store.keep({ policy: task.policy, capacity, decisions, ...(checked.controller.notes !== undefined ? { notes: checked.controller.notes } : {}) });
  return { result, capacity: binding, notes: [...notes, bindingNote(task.policy, capacity, binding)] };
}

/**
 * Runs one task. `texts` holds the scenario's data files (path -> text); `solverLabel` names the solver and
 * its version (e.g. `highs 1.15.1`). `offlineFor`, for an `offline` task: the offline solution to replay (a
 * reused or a fresh solve, offline-reuse.ts) instead of solving here. `rolling`, for a rolling policy of a
 * `capacity` sweep: the recorded runs (capacity-slack.ts). Throws only the coded input errors of loading and
 * replaying.
 */
export function runSweepTask(
  task: SweepTaskInput,
  texts: ReadonlyMap<string, string>,
  solver: SolverSetup,
  solverLabel: string,
  clock: () => number,
  offlineFor?: (inputs: ReplayInputs) => OfflineSolution,
  rolling?: RollingRunStore,
): SweepRun {
  const started = clock();
  const inputs = loadReplayInputs(task.scenario, texts, { seed: task.seed });
  const offline = task.policy === 'offline' && offlineFor !== undefined ? offlineFor(inputs) : undefined;
  const replayed = task.policy !== 'offline' && rolling !== undefined ? replayRolling(task, inputs, solver, clock, rolling) : undefined;
  const result = replayed?.result ?? runReplay(inputs, task.policy, { solver, clock, ...(offline ? { offline } : {}) });
  const kpis = computeKpis(result);
  const reusedFrom = replayed?.capacity?.reusedFromCapacity;
  const taper = result.notes.some(isTaperAwareNote) ? `, ${taperAwareLabel}${result.notes.some(isSteppedTaperNote) ? ' (stepped)' : ''}` : '';
  const guard = result.notes.some(isLateChargeGuardNote) ? `, ${lateChargeGuardLabel}` : '';
  const margin = result.notes.some(isLateChargeMarginNote) ? `, ${lateChargeMarginLabel}` : '';
  const resolved = result.decisions.planMadeCounts[deliveryFirstResolved] ?? 0;
  const congestion = result.notes.some(isCongestionDeliveryNote) ? `, ${congestionDeliveryLabel}${resolved > 0 ? ` (re-solved at ${resolved} of ${result.decisions.count} decisions)` : ''}` : '';
  const noFloor = result.notes.find(isWithoutFloorNote);
  const peak = result.notes.some(isPeakEstimateNote) ? `, ${peakEstimateLabel}${noFloor !== undefined ? ` (${noFloor.slice(0, noFloor.indexOf(' ('))})` : ''}` : '';
  const rowRule = task.policy === 'offline' && task.offlineRows !== undefined ? `; ${offlineRowRuleLabel(task.offlineRows)}` : '';
  const solverName = usesSolver(task.policy) ? `${solverLabel}${taper}${guard}${margin}${congestion}${peak}${rowRule}` : `none (baseline ${task.policy})`;
  const counts = result.decisions.statusCounts;
  return {
    index: task.index,
    scenarioName: task.scenarioName,
    value: task.value,
    seed: task.seed,
    policy: task.policy,
    kpis,
    provenance: {
      solver: reusedFrom !== undefined ? `${solverName}; ${reusedRunLabel(task.policy, reusedFrom, Number(task.value))}` : solverName,
      statusCounts: { ...counts },
      fallbackDecisions: (counts.timed_out ?? 0) + (counts.error ?? 0),
      messages: result.decisions.messages,
      ...(result.offlinePlan
        ? {
            offlinePlan: {
              status: result.offlinePlan.status,
              objective: result.offlinePlan.objective,
              netCost: result.offlinePlan.netCost,
              work: result.offlinePlan.work ?? null,
              label: `${result.offlinePlan.label}${offline?.reusedFromCapacity !== undefined ? `; plan reused exactly from capacity ${offline.reusedFromCapacity}` : ''}${offline?.warmFromCapacity !== undefined ? `; LP warm from capacity ${offline.warmFromCapacity}'s optimal basis` : ''}`,
            },
          }
        : {}),
      ...(replayed?.capacity ? { capacity: replayed.capacity } : {}),
      notes: [...result.notes, ...(replayed?.notes ?? [])],
    },
    elapsedMs: clock() - started,
  };
}
