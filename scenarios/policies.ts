/**
 * Policies a replay can run, and the controller interface the replay engine drives.
 *
 * - `mpc`: rolling horizon. At every slot boundary with a vehicle plugged in, the problem of what is known
 *   then (decision-problem.ts) is assembled by grid and solved by an LP backend (HiGHS); the first slot of
 *   the plan is applied.
 * - every baseline of the optimizer core (`uncontrolled`, `alap`, `edf`, `llf`, `round-robin`,
 *   `price-greedy`): the same rolling loop, the plan made by the baseline instead of the solver.
 * - `offline`: the perfect-foresight optimum (offline-optimum.ts), one solve over the whole replay knowing
 *   every arrival, departure and price; its plan is applied open-loop through the same vehicle physics.
 */
import { assembleProblem } from '../grid/problem-assembly.ts';
import type { LpBackend } from '../optimizer/backends/lp-backend.ts';
import type { BaselineName } from '../optimizer/baselines/index.ts';
import type { Plan, PlanStatus } from '../optimizer/plan.ts';
import { solveWithBackend, solveWithBaseline, type SolveOptions } from '../optimizer/solve-problem.ts';
import { decisionAssemblyInput, type PluggedVehicle } from './decision-problem.ts';
import { ScenarioError } from './errors.ts';
import { isPolicyName, policyNames, type PolicyName } from './policy-names.ts';
import type { ReplayInputs } from './replay-inputs.ts';

export { isPolicyName, policyNames, type PolicyName } from './policy-names.ts';

/** The policy name, or `V2G_ERR_SCENARIO_POLICY` naming `path`. */
export function requirePolicyName(name: string, path = '/policy/name'): PolicyName {
  if (!isPolicyName(name)) {
    throw new ScenarioError('V2G_ERR_SCENARIO_POLICY', 'The policy is unknown', [{ path, message: `"${name}" is not one of ${policyNames.join(', ')}` }]);
  }
  return name;
}

/** What a controller decided at one slot boundary. */
export interface Decision {
  /** Setpoint per session id for this slot (kW): positive charges, negative discharges; absent = 0. */
  readonly setpointsKw: ReadonlyMap<string, number>;
  readonly status: PlanStatus;
  readonly message?: string;
  /** Time the solver itself reported (ms; build + solve), 0 for baselines and lookups. */
  readonly solverMs: number;
}

/** A controller: called at each slot boundary where a vehicle is plugged in. */
export interface Controller {
  readonly policy: PolicyName;
  decide(atUtcMs: number, slotIndex: number, plugged: readonly PluggedVehicle[], previousPeakKw: number): Decision;
}

/** Solver settings for LP policies. */
export interface SolverSetup {
  /** An LP backend (HiGHS), required by `mpc` and `offline`. */
  readonly backend?: LpBackend;
  readonly options?: SolveOptions;
  /** Time budget of the offline reference's one solve (ms); default `offlineTimeLimitMs` (offline-optimum.ts). */
  readonly offlineTimeLimitMs?: number;
}

/** Throws `V2G_ERR_SCENARIO_POLICY` when an LP policy has no backend. */
export function requireBackend(policy: PolicyName, solver: SolverSetup): void {
  if (solver.backend === undefined) {
    throw new ScenarioError('V2G_ERR_SCENARIO_POLICY', `The ${policy} policy needs a solver backend`, [{ path: '/policy/name', message: 'no LP backend was given' }]);
  }
}

/** The whole plan over the horizon from `atUtcMs` for what is known then: solved (`mpc`) or a baseline's. */
export function planDecision(inputs: ReplayInputs, policy: 'mpc' | BaselineName, solver: SolverSetup, atUtcMs: number, plugged: readonly PluggedVehicle[], previousPeakKw: number): Plan {
  const assembled = assembleProblem(decisionAssemblyInput(inputs, atUtcMs, plugged, previousPeakKw));
  return policy === 'mpc'
    ? solveWithBackend(assembled.problem, solver.backend!, solver.options ?? {})
    : solveWithBaseline(assembled.problem, policy);
}

/** The rolling controller of `mpc` or a baseline. */
export function rollingController(inputs: ReplayInputs, policy: 'mpc' | BaselineName, solver: SolverSetup): Controller {
  if (policy === 'mpc') requireBackend(policy, solver);
  return {
    policy,
    decide(atUtcMs, _slotIndex, plugged, previousPeakKw) {
      const plan = planDecision(inputs, policy, solver, atUtcMs, plugged, previousPeakKw);
      const setpointsKw = new Map<string, number>();
      for (const v of plan.vehicles) setpointsKw.set(v.id, v.powerKw[0] ?? 0);
      return {
        setpointsKw,
        status: plan.status,
        ...(plan.message !== undefined ? { message: plan.message } : {}),
        solverMs: plan.stats.buildMs + plan.stats.solveMs,
      };
    },
  };
}
