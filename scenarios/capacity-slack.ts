/**
 * A rolling run whose capacity never bound is the run of every higher capacity. Raising the swept capacity
 * (the aggregate import limit and transformer rating in kW, or a network transformer's rating in kVA: the
 * sweep's `capacity`) only relaxes limits; a deterministic controller none of whose decisions the capacity
 * constrained therefore makes the same decisions at every higher capacity, the replay's physics follows the
 * same path, and only the capacity-dependent KPIs (utilisation, limit violations) change. A `capacity` sweep
 * keeps such runs and replays their decisions at the capacities above through the same engine (so every
 * KPI is computed afresh at the new capacity), checking at every decision that the vehicles and their
 * energies are exactly the recorded ones (the same replay: sessions, batteries, physics).
 *
 * When a decision counts as bound by the capacity, per policy (checked while the run has not bound yet):
 * - `uncontrolled`: never (it ignores every limit);
 * - forward baselines (`fcfs`, `edf`, `llf`, `round-robin`): when its setpoints differ from the same baseline's
 *   on the same state with the capacity lifted (1e6 kW / kVA; every other limit kept). They give each vehicle
 *   what it wants unless a limit clips it, so an unclipped decision is the lifted one at every capacity above;
 * - `mpc-events`: when a plan it makes comes within `slackMarginRel` of the capacity in any slot of its
 *   horizon (the independent validator against the decision problem at the capacity lowered by that margin:
 *   site import, transformer line magnitudes), or a plan is a fallback (`timed_out`, `error`: made under a
 *   wall-clock limit). A plan whose capacity rows are slack is a local, hence (convex LP) global, optimum of
 *   the same decision at any higher capacity. The margin includes the inner polygon's loss on a network (a
 *   polygon row binds up to that far below the limit). Not bit-identical to a fresh run there: where the LP
 *   has several optimal plans (degenerate optima, e.g. which phase a car charges on at the same price),
 *   HiGHS may return another one at another capacity (measured: bench/RESULTS.md, issue 16 third pass);
 * - any other policy: not checked, never reused.
 * Pure: the caller keeps the recorded runs (a sweep worker on disk).
 */
import { assembleProblem } from '../grid/problem-assembly.ts';
import { defaultMaxMagnitudeLossPct } from '../optimizer/network/network-schema.ts';
import { validatePlan } from '../optimizer/plan-validator.ts';
import { decisionAssemblyInput, type PluggedVehicle } from './decision-problem.ts';
import { eventTriggeredController, type MadePlan } from './event-mpc.ts';
import { firstSlotBaselineController, forwardBaselines } from './first-slot-baseline.ts';
import type { Controller, Decision, SolverSetup } from './policies.ts';
import { uncontrolledController } from './policies.ts';
import { policyKind, type PolicyName } from './policy-names.ts';
import type { ReplayInputs } from './replay-inputs.ts';

/** The capacity a lifted site gets (kW or kVA): above every Caltech and demo peak. */
export const liftedCapacity = 1_000_000;
/** A plan within this share of the capacity (in any slot, any transformer line) counts as bound by it. */
export const slackMarginRel = 1e-3;

/** The site of `inputs` with the swept capacity set to `capacity` (as the sweep's `capacity` parameter sets it). */
export function withCapacity(inputs: ReplayInputs, capacity: number): ReplayInputs {
  const site = inputs.site;
  const transformer = site.network?.transformer;
  if (site.network !== undefined && transformer !== undefined) {
    return { ...inputs, site: { ...site, network: { ...site.network, transformer: { ...transformer, ratingKva: capacity } } } };
  }
  return { ...inputs, site: { ...site, connectionImportKw: capacity, transformerRatingKw: capacity } };
}

/** Whether (and where first) the capacity bound a run; `checked` false for policies this file does not check. */
export interface CapacityBinding {
  readonly checked: boolean;
  readonly bound: boolean;
  /** Replay slot of the first decision the capacity bound. */
  readonly firstBoundSlot?: number;
  /** Why that decision counts as bound. */
  readonly reason?: string;
}

/** A controller that reports, after the run, whether the capacity bound any of its decisions. */
export interface CheckedController {
  readonly controller: Controller;
  binding(): CapacityBinding;
}

/** Whether `policy` is one whose binding this file checks. */
export function capacityCheckable(policy: PolicyName): boolean {
  const kind = policyKind(policy);
  return kind.kind === 'uncontrolled' || kind.kind === 'mpc-events' || (kind.kind === 'baseline' && forwardBaselines.has(kind.baseline));
}

const sameSetpoints = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean => {
  const nonZero = (m: ReadonlyMap<string, number>) => [...m].filter(([, p]) => p !== 0);
  const x = nonZero(a);
  return x.length === nonZero(b).length && x.every(([id, p]) => b.get(id) === p);
};

/** Transformer line magnitudes: the network rows the capacity sets (the validator computes them exactly). */
const networkCapacityCode = 'V2G_PLAN_TRANSFORMER_CURRENT_LIMIT';

/**
 * Why a plan `mpc-events` made counts as bound by the capacity, against its decision problem with the capacity
 * lowered by the margin (`tight`); undefined when it does not. The site's import and export are compared with
 * their limits in every slot directly (an import above the limit with the vehicles idle - base load - means the
 * capacity kept them idle); the transformer lines by the validator's exact magnitudes.
 */
function boundBy(tight: ReplayInputs, made: MadePlan): string | undefined {
  const problem = assembleProblem(decisionAssemblyInput(tight, made.atUtcMs, made.plugged, made.previousPeakKw)).problem;
  const { plan } = made;
  if (problem.slotCount !== plan.slotCount || problem.vehicles.length !== plan.vehicles.length) return 'the plan is not the decision problem reassembled: not checked';
  for (let t = 0; t < problem.slotCount; t++) {
    const importLimitKw = problem.importLimitKw?.[t] ?? Infinity;
    if (plan.site.importKw[t]! > importLimitKw) return `slot ${t}: import ${plan.site.importKw[t]} kW above ${importLimitKw} kW`;
    const exportLimitKw = problem.exportLimitKw?.[t] ?? 0;
    if (plan.site.exportKw[t]! > 0 && plan.site.exportKw[t]! > exportLimitKw) return `slot ${t}: export ${plan.site.exportKw[t]} kW above ${exportLimitKw} kW`;
  }
  if (problem.network === undefined) return undefined;
  const v = validatePlan(problem, plan).find((x) => x.code === networkCapacityCode);
  return v === undefined ? undefined : v.message;
}

/**
 * The rolling controller of `policy` at `capacity` (the value `inputs` carries), instrumented to tell whether
 * the capacity bound it (see the file's comment); `undefined` for a policy it does not check.
 */
export function capacityCheckedController(inputs: ReplayInputs, policy: PolicyName, solver: SolverSetup, capacity: number): CheckedController | undefined {
  const kind = policyKind(policy);
  let binding: CapacityBinding = { checked: true, bound: false };
  const bind = (slot: number, reason: string) => {
    if (!binding.bound) binding = { checked: true, bound: true, firstBoundSlot: slot, reason };
  };
  if (kind.kind === 'uncontrolled') return { controller: uncontrolledController(inputs), binding: () => binding };
  if (kind.kind === 'baseline' && forwardBaselines.has(kind.baseline)) {
    const own = firstSlotBaselineController(inputs, kind.baseline, policy);
    const lifted = firstSlotBaselineController(withCapacity(inputs, liftedCapacity), kind.baseline, policy);
    const controller: Controller = {
      policy,
      decide(atUtcMs, slotIndex, plugged, previousPeakKw) {
        const d = own.decide(atUtcMs, slotIndex, plugged, previousPeakKw);
        if (!binding.bound) {
          if (d.status === 'error') bind(slotIndex, `decision failed validation: ${d.message ?? ''}`);
          else if (!sameSetpoints(d.setpointsKw, lifted.decide(atUtcMs, slotIndex, plugged, previousPeakKw).setpointsKw)) bind(slotIndex, `the capacity clipped a setpoint (differs from the decision with the capacity lifted)`);
        }
        return d;
      },
    };
    return { controller, binding: () => binding };
  }
  if (kind.kind === 'mpc-events') {
    // On a network the LP holds each line magnitude by an inner polygon that gives up to `maxMagnitudeLossPct`
    // of the limit: a polygon row binds that far below the limit, so the margin includes it.
    const network = inputs.site.network;
    const lossRel = network === undefined ? 0 : (network.maxMagnitudeLossPct ?? defaultMaxMagnitudeLossPct) / 100;
    const tight = withCapacity(inputs, capacity * (1 - slackMarginRel - lossRel));
    const onPlan = (made: MadePlan) => {
      if (binding.bound) return;
      if (made.plan.status === 'timed_out' || made.plan.status === 'error') {
        bind(made.slotIndex, `plan status ${made.plan.status} (a fallback)`);
        return;
      }
      const why = boundBy(tight, made);
      if (why !== undefined) bind(made.slotIndex, `a plan comes within ${slackMarginRel * 100} % of the capacity: ${why}`);
    };
    return { controller: eventTriggeredController(inputs, solver, undefined, onPlan), binding: () => binding };
  }
  return undefined;
}

/** One decision of a recorded run: the state it was made on and what it returned. */
export interface RecordedDecision {
  readonly slot: number;
  /** Plugged vehicles' ids and energies (kWh), in the order the engine passed them. */
  readonly ids: readonly string[];
  readonly energiesKwh: readonly number[];
  readonly setpoints: readonly (readonly [string, number])[];
  readonly status: Decision['status'];
  readonly message?: string;
  readonly solverMs: number;
  /** `Decision.planMade` (e.g. re-solved delivery first), carried into a reused run. */
  readonly planMade?: string;
}

/** A run none of whose decisions the capacity bound, kept for the capacities above. */
export interface RecordedRun {
  readonly policy: PolicyName;
  readonly capacity: number;
  readonly decisions: readonly RecordedDecision[];
  /** The recorded controller's notes (e.g. taper-aware planning), carried into a reused run's notes. */
  readonly notes?: readonly string[];
}

/** `inner` with every decision appended to `into`. */
export function recordingController(inner: Controller, into: RecordedDecision[]): Controller {
  return {
    policy: inner.policy,
    ...(inner.notes !== undefined ? { notes: inner.notes } : {}),
    decide(atUtcMs, slotIndex, plugged, previousPeakKw) {
      const d = inner.decide(atUtcMs, slotIndex, plugged, previousPeakKw);
      into.push({
        slot: slotIndex,
        ids: plugged.map((p) => p.session.id),
        energiesKwh: plugged.map((p) => p.energyKwh),
        setpoints: [...d.setpointsKw],
        status: d.status,
        ...(d.message !== undefined ? { message: d.message } : {}),
        solverMs: d.solverMs,
        ...(d.planMade !== undefined ? { planMade: d.planMade } : {}),
      });
      return d;
    },
  };
}

/** A reused run's replay is not the recorded one (a vehicle or an energy differs): the caller runs the policy afresh. */
export class RecordedRunMismatch extends Error {
  constructor(readonly slot: number, reason: string) {
    super(`recorded decisions do not match the replay at slot ${slot}: ${reason}`);
  }
}

const sameState = (r: RecordedDecision, plugged: readonly PluggedVehicle[]): string | undefined => {
  if (r.ids.length !== plugged.length) return `${plugged.length} vehicles plugged, ${r.ids.length} recorded`;
  for (let i = 0; i < plugged.length; i++) {
    if (plugged[i]!.session.id !== r.ids[i]) return `vehicle ${plugged[i]!.session.id}, recorded ${r.ids[i]}`;
    if (plugged[i]!.energyKwh !== r.energiesKwh[i]) return `vehicle ${r.ids[i]} holds ${plugged[i]!.energyKwh} kWh, recorded ${r.energiesKwh[i]}`;
  }
  return undefined;
};

/** A controller that returns `run`'s decisions, after checking each state is exactly the recorded one. */
export function recordedRunController(run: RecordedRun): Controller {
  let next = 0;
  return {
    policy: run.policy,
    ...(run.notes !== undefined ? { notes: run.notes } : {}),
    decide(_atUtcMs, slotIndex, plugged) {
      const r = run.decisions[next++];
      if (r === undefined || r.slot !== slotIndex) throw new RecordedRunMismatch(slotIndex, r === undefined ? 'no decision recorded' : `next recorded decision is at slot ${r.slot}`);
      const differs = sameState(r, plugged);
      if (differs !== undefined) throw new RecordedRunMismatch(slotIndex, differs);
      return { setpointsKw: new Map(r.setpoints), status: r.status, ...(r.message !== undefined ? { message: r.message } : {}), solverMs: r.solverMs, ...(r.planMade !== undefined ? { planMade: r.planMade } : {}) };
    },
  };
}

/** The run's note on how the capacity bound it (every checked run carries one). */
export function bindingNote(policy: PolicyName, capacity: number, b: CapacityBinding): string {
  if (!b.checked) return `${policy} at capacity ${capacity}: whether the capacity bound was not checked (never reused)`;
  return b.bound
    ? `${policy} at capacity ${capacity}: the capacity bound from slot ${b.firstBoundSlot} (${b.reason ?? ''}); run afresh at every capacity`
    : `${policy} at capacity ${capacity}: the capacity bound no decision, so its decisions are those of every higher capacity`;
}

/** The label of a run replayed from a lower capacity's decisions (what makes them this capacity's too, per policy). */
export function reusedRunLabel(policy: PolicyName, from: number, capacity: number): string {
  const why = policyKind(policy).kind === 'mpc-events'
    ? `every plan made there stayed ${slackMarginRel * 100} % below that capacity, so each is an optimal plan of the same decision here, not re-solved`
    : policy === 'uncontrolled'
      ? 'uncontrolled ignores every limit'
      : 'the capacity clipped no decision there, so none here';
  return `decisions reused from capacity ${from} (${why}; replayed at ${capacity}, every state checked, KPIs recomputed)`;
}
