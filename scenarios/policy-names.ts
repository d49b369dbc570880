/** The policies a replay can run (policies.ts implements them; kept apart so a command line can list them cheaply). */
import { baselineNames, type BaselineName } from '../optimizer/baselines/baseline-names.ts';

/** `mpc`, `mpc-events` (re-plans on events only, event-mpc.ts), `offline`, or a baseline name of the optimizer core. */
export type PolicyName = 'mpc' | 'mpc-events' | 'offline' | BaselineName;

/** Every policy, the MPCs and `offline` first. */
export const policyNames: readonly PolicyName[] = ['mpc', 'mpc-events', 'offline', ...baselineNames];

/** Whether `name` is a policy. */
export function isPolicyName(name: string): name is PolicyName {
  return (policyNames as readonly string[]).includes(name);
}
