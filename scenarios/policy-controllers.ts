/**
 * The controller of any rolling policy by name, from the registry of policy-names.ts (kept apart from
 * policies.ts so event-mpc.ts, which builds on policies.ts, sits in no import cycle).
 */
import { eventTriggeredController } from './event-mpc.ts';
import { firstSlotBaselineController, forwardBaselines } from './first-slot-baseline.ts';
import { baselineController, mpcController, mpcDemandChargeTreatment, mpcForecastOptions, uncontrolledController, type Controller, type SolverSetup } from './policies.ts';
import { policyKind, type PolicyName } from './policy-names.ts';
import { ScenarioError } from './errors.ts';
import type { ReplayInputs } from './replay-inputs.ts';

/** The rolling controller of any policy but `offline` (by name, from the registry of policy-names.ts). */
export function rollingController(inputs: ReplayInputs, policy: PolicyName, solver: SolverSetup): Controller {
  const kind = policyKind(policy);
  switch (kind.kind) {
    case 'mpc':
      return mpcController(inputs, solver, kind.forecast ? mpcForecastOptions(inputs, kind.variant) : { variant: kind.variant, demandCharge: mpcDemandChargeTreatment, taperAware: true }, policy);
    case 'baseline':
      return forwardBaselines.has(kind.baseline) ? firstSlotBaselineController(inputs, kind.baseline, policy) : baselineController(inputs, kind.baseline, policy);
    case 'uncontrolled':
      return uncontrolledController(inputs);
    case 'mpc-events':
      return eventTriggeredController(inputs, solver);
    case 'offline':
      throw new ScenarioError('V2G_ERR_SCENARIO_POLICY', 'offline is not a rolling policy', [{ path: '/policy/name', message: 'use runReplay(inputs, "offline", ...)' }]);
  }
}
