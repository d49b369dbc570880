/** The policies a replay can run (policies.ts implements them; kept apart so a command line can list them cheaply). */
import { baselineNames, type BaselineName } from '../optimizer/baselines/baseline-names.ts';

/** `mpc`, `offline`, or a baseline name of the optimizer core. */
export type PolicyName = 'mpc' | 'offline' | BaselineName;

/** Every policy, `mpc` and `offline` first. */
export const policyNames: readonly PolicyName[] = ['mpc', 'offline', ...baselineNames];

/** Whether `name` is a policy. */
export function isPolicyName(name: string): name is PolicyName {
  return (policyNames as readonly string[]).includes(name);
}
