/**
 * The perfect-foresight offline optimum: one LP over the whole replay (period start to the last departure)
 * that knows every session's actual arrival, departure, energy and every actual price from the start.
 * It is the reference the other policies are measured against (`gapToOfflinePct`).
 *
 * A reference a researcher can publish:
 * - **Its own time budget** (`policy.offlineTimeLimitMs`, default `offlineTimeLimitMs`), never the
 *   per-decision limit of the rolling policies.
 * - **Never a silent fallback.** A solve that ends without a plan of its own (`timed_out`, `error`: the
 *   optimizer's fallback plan is a baseline) is `V2G_ERR_SCENARIO_OFFLINE`, naming the cause and the budget.
 *   A plan that is valid but not proven optimal (`feasible`: the LP repair of minimum currents) is kept and
 *   marked in every output by `offlineReferenceLabel` with its bound and gap.
 * - **Its bound beside the replayed plan**: the LP relaxation's objective (`bound`), a proven lower bound of
 *   the plan's objective (net cost + shortfall penalty); equal to it when the plan is `optimal`.
 * - **The same billing periods as the KPIs**: every billing month the replay touches is priced on its own
 *   peak (the optimizer's `furtherDemandCharges`), the first with the peak carried in.
 *
 * Its plan is applied open-loop through the same vehicle physics as every policy, so its KPIs are
 * comparable. It plans taper-aware (charge-taper.ts: the physics' charge taper as rows of the LP, said in its
 * notes), so the replay delivers what the plan does; the plan's own cost is reported too.
 */
import { assembleProblem, type AssembledProblem } from '../grid/problem-assembly.ts';
import type { DemandCharge, Problem } from '../optimizer/problem.ts';
import type { Plan } from '../optimizer/plan.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
import { siteSignals, vehicleAtInstants } from './decision-problem.ts';
import { ScenarioError } from './errors.ts';
import type { Controller, SolverSetup } from './policies.ts';
import type { PhysicsModel, ReplayInputs } from './replay-inputs.ts';
import { taperAwareNote, withChargeTaper } from './charge-taper.ts';

/** Default time budget of the one offline solve (ms). */
export const offlineTimeLimitMs = 300_000;

/** The offline plan over the whole replay, its bound, how long it took, and notes on its limits. */
export interface OfflineSolution {
  readonly plan: Plan;
  /** Session id -> index in `plan.vehicles`. */
  readonly index: ReadonlyMap<string, number>;
  /** Proven lower bound of `plan.cost.objective` (the LP relaxation's objective); undefined when the solver gave none. */
  readonly bound: number | undefined;
  /** The time budget the solve had (ms). */
  readonly timeLimitMs: number;
  /** Billing periods priced in the solve (`yyyy-MM`). */
  readonly billingKeys: readonly string[];
  /** Measured by the caller's clock (ms): assembly and solve. */
  readonly elapsedMs: number;
  readonly notes: readonly string[];
  /** Set when the plan is a higher capacity's, reused exactly (offline-reuse.ts): that capacity. */
  readonly reusedFromCapacity?: number;
}

/**
 * Every billing period the horizon touches as the problem's demand charges: the first as `demandCharge`
 * (with the peak carried into the replay), the others as `furtherDemandCharges` (nothing carried in).
 */
export function withEveryBillingPeriod(inputs: ReplayInputs, assembled: AssembledProblem): { problem: Problem; keys: string[] } {
  const rule = inputs.billing;
  const { problem, grid } = assembled;
  if (!rule) return { problem, keys: [] };
  const periods = new Map<string, { pricePerKw: number; slots: boolean[] }>();
  for (let t = 0; t < problem.slotCount; t++) {
    const p = rule(grid.startUtcMs + t * grid.slotMs);
    let entry = periods.get(p.key);
    if (!entry) periods.set(p.key, (entry = { pricePerKw: p.pricePerKw, slots: new Array<boolean>(problem.slotCount).fill(false) }));
    entry.slots[t] = true;
  }
  const charges: DemandCharge[] = [...periods.values()].map((p, i) => ({
    pricePerKw: p.pricePerKw,
    ...(i === 0 && inputs.previousPeakKw > 0 ? { previousPeakKw: inputs.previousPeakKw } : {}),
    appliesToSlot: p.slots,
  }));
  const { demandCharge: _single, furtherDemandCharges: _further, ...rest } = problem;
  return {
    problem: { ...rest, ...(charges.length > 0 ? { demandCharge: charges[0]! } : {}), ...(charges.length > 1 ? { furtherDemandCharges: charges.slice(1) } : {}) },
    keys: [...periods.keys()],
  };
}

/**
 * The whole replay as one problem (every session known from the start, every billing period priced), planned
 * taper-aware (charge-taper.ts) when the physics tapers, so the open-loop replay delivers what the plan does.
 */
export function offlineProblem(inputs: ReplayInputs): { readonly assembled: AssembledProblem; readonly problem: Problem; readonly keys: string[] } {
  const assembled = assembleProblem({
    site: inputs.site,
    horizonStart: inputs.periodStartUtcMs,
    horizonEnd: inputs.simulationEndUtcMs,
    vehicles: inputs.sessions.map((s) => vehicleAtInstants(inputs, s, s.initialEnergyKwh, s.arrivalUtcMs, s.departureUtcMs)),
    signals: siteSignals(inputs, inputs.marketPrice),
  });
  const { problem, keys } = withEveryBillingPeriod(inputs, assembled);
  return { assembled, problem: withChargeTaper(problem, inputs.physics), keys };
}

/** Notes on what the offline problem prices and leaves out (for every run with it). */
export function offlineProblemNotes(offline: { readonly assembled: AssembledProblem; readonly problem: Problem; readonly keys: readonly string[] }, physics: PhysicsModel): string[] {
  const notes: string[] = [];
  const { assembled, keys } = offline;
  if (offline.problem.vehicles.some((v) => v.chargeTaper !== undefined)) notes.push(`offline reference: ${taperAwareNote(physics)}`);
  if (keys.length > 1) notes.push(`the offline solve prices the demand charge of every billing period the replay touches (${keys.join(', ')}), as the KPIs bill them`);
  // Sessions left out of this solve for covering no whole slot are stated by the replay engine in every run's notes.
  const otherDrops = assembled.droppedVehicles.filter((d) => d.reason !== 'no-whole-slot').length;
  if (otherDrops > 0) notes.push(`${otherDrops} session(s) left out of the offline solve outside its horizon`);
  return notes;
}

/** Solves the whole replay at once. `clock` is the caller's (ms). Throws `V2G_ERR_SCENARIO_OFFLINE` when the solve yields no plan of its own. */
export function solveOffline(inputs: ReplayInputs, solver: SolverSetup, clock: () => number): OfflineSolution {
  if (solver.backend === undefined) {
    throw new ScenarioError('V2G_ERR_SCENARIO_POLICY', 'The offline optimum needs a solver backend', [{ path: '/policy/name', message: 'no LP backend was given' }]);
  }
  const started = clock();
  const offline = offlineProblem(inputs);
  const { problem, keys } = offline;
  const notes = offlineProblemNotes(offline, inputs.physics);
  const timeLimitMs = solver.offlineTimeLimitMs ?? offlineTimeLimitMs;
  const plan = solveWithBackend(problem, solver.backend, { ...solver.options, timeLimitMs });
  if (plan.status === 'timed_out' || plan.status === 'error') {
    throw new ScenarioError('V2G_ERR_SCENARIO_OFFLINE', 'The offline reference was not solved; no fallback plan is reported as the reference', [
      { path: '/policy/offlineTimeLimitMs', message: `${plan.stats.backend} ended ${plan.status} after ${Math.round(clock() - started)} ms of a ${timeLimitMs} ms budget: ${plan.message ?? 'no message'}` },
    ]);
  }
  const relaxation = plan.stats.relaxationObjective;
  return {
    plan,
    index: new Map(plan.vehicles.map((v, i) => [v.id, i])),
    bound: plan.status === 'optimal' ? plan.cost.objective : relaxation,
    timeLimitMs,
    billingKeys: keys,
    elapsedMs: clock() - started,
    notes,
  };
}

/** Gap of the plan's objective over its bound (%, of the bound's magnitude); 0 for an optimal plan; undefined without a bound. */
export function offlineBoundGapPct(plan: { readonly objective: number; readonly status: string }, bound: number | undefined): number | undefined {
  if (plan.status === 'optimal') return 0;
  if (bound === undefined) return undefined;
  return ((plan.objective - bound) / Math.max(Math.abs(bound), 1e-9)) * 100;
}

/**
 * How the offline reference was made, for every output: `optimal` and its bound, or `NOT PROVEN OPTIMAL`
 * with its status, bound and gap. The replayed plan's net cost may differ from the plan's (charge taper).
 */
export function offlineReferenceLabel(offline: { readonly netCost: number; readonly objective: number; readonly status: string; readonly bound?: number | null | undefined }): string {
  const bound = offline.bound ?? undefined;
  if (offline.status === 'optimal') return `offline optimum (plan objective ${offline.objective.toFixed(2)} = bound)`;
  const gap = offlineBoundGapPct(offline, bound);
  const boundText = bound === undefined ? 'no bound' : `bound ${bound.toFixed(2)}, gap ${gap!.toFixed(3)} %`;
  return `offline NOT PROVEN OPTIMAL (${offline.status}: plan objective ${offline.objective.toFixed(2)}, ${boundText})`;
}

/** Replays the offline plan: the setpoint of each plugged vehicle is the plan's power in that slot. */
export function offlineController(solution: OfflineSolution): Controller {
  const { plan, index } = solution;
  return {
    policy: 'offline',
    decide(_atUtcMs, slotIndex, plugged) {
      const setpointsKw = new Map<string, number>();
      for (const p of plugged) {
        const i = index.get(p.session.id);
        if (i !== undefined) setpointsKw.set(p.session.id, plan.vehicles[i]!.powerKw[slotIndex] ?? 0);
      }
      return { setpointsKw, status: plan.status, solverMs: 0 };
    },
  };
}
