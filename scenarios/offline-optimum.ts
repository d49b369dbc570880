/**
 * The perfect-foresight offline optimum: one LP over the whole replay (period start to the last departure)
 * that knows every session's actual arrival, departure, energy and every actual price from the start.
 * It is the bound the other policies are measured against (`gapToOfflinePct`).
 *
 * Its plan is applied open-loop through the same vehicle physics as every policy, so its KPIs are
 * comparable; the plan's own cost (`planNetCost`) is reported too. Limits (stated in scenarios/README.md):
 * the optimizer's problem carries one demand-charge billing period, so a replay crossing a billing month
 * prices only the first month's peak in this solve (a note says so; the KPIs bill every month); and the
 * planner does not model the physics' charge taper.
 */
import { assembleProblem } from '../grid/problem-assembly.ts';
import type { Plan } from '../optimizer/plan.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
import { siteSignals, vehicleAtInstants } from './decision-problem.ts';
import { ScenarioError } from './errors.ts';
import type { Controller, SolverSetup } from './policies.ts';
import type { ReplayInputs } from './replay-inputs.ts';

/** Default time limit of the one offline solve (ms). */
export const offlineTimeLimitMs = 300_000;

/** The offline plan over the whole replay, how long it took, and notes on its limits. */
export interface OfflineSolution {
  readonly plan: Plan;
  /** Session id -> index in `plan.vehicles`. */
  readonly index: ReadonlyMap<string, number>;
  /** Measured by the caller's clock (ms): assembly and solve. */
  readonly elapsedMs: number;
  readonly notes: readonly string[];
}

/** Solves the whole replay at once. `clock` is the caller's (ms). */
export function solveOffline(inputs: ReplayInputs, solver: SolverSetup, clock: () => number): OfflineSolution {
  if (solver.backend === undefined) {
    throw new ScenarioError('V2G_ERR_SCENARIO_POLICY', 'The offline optimum needs a solver backend', [{ path: '/policy/name', message: 'no LP backend was given' }]);
  }
  const started = clock();
  const notes: string[] = [];
  const start = inputs.periodStartUtcMs;
  const billing = inputs.billing?.(start);
  const lastBilling = inputs.billing?.(inputs.simulationEndUtcMs - 1);
  if (billing && lastBilling && billing.key !== lastBilling.key) {
    notes.push(`the offline solve prices only the demand charge of ${billing.key}; the replay reaches ${lastBilling.key}`);
  }
  const assembled = assembleProblem({
    site: inputs.site,
    horizonStart: start,
    horizonEnd: inputs.simulationEndUtcMs,
    vehicles: inputs.sessions.map((s) => vehicleAtInstants(inputs, s, s.initialEnergyKwh, s.arrivalUtcMs, s.departureUtcMs)),
    signals: {
      ...siteSignals(inputs, inputs.marketPrice),
      ...(billing
        ? { demandCharge: { pricePerKw: billing.pricePerKw, billingPeriodStartUtcMs: billing.startUtcMs, billingPeriodEndUtcMs: billing.endUtcMs, previousPeakKw: inputs.previousPeakKw } }
        : {}),
    },
  });
  // Sessions left out of this solve for covering no whole slot are stated by the replay engine in every run's notes.
  const otherDrops = assembled.droppedVehicles.filter((d) => d.reason !== 'no-whole-slot').length;
  if (otherDrops > 0) notes.push(`${otherDrops} session(s) left out of the offline solve outside its horizon`);
  const plan = solveWithBackend(assembled.problem, solver.backend, { timeLimitMs: offlineTimeLimitMs, ...solver.options });
  return {
    plan,
    index: new Map(plan.vehicles.map((v, i) => [v.id, i])),
    elapsedMs: clock() - started,
    notes,
  };
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
