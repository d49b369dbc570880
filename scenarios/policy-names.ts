/**
 * The policies a replay can run, by name, in one registry (policies.ts builds their controllers; kept apart
 * so a command line can list them cheaply). A sweep or a comparison picks policies from here by name.
 */
import type { BaselineName } from '../optimizer/baselines/baseline-names.ts';

/** How a policy decides (policies.ts). */
export type PolicyKind =
  /**
   * Rolling-horizon LP with regularisers (mpc-regularisers.ts); `variant` picks the weights; `forecast`: plans
   * the expected arrivals learnt from the days before the period (arrival-forecast.ts) and the charge taper
   * (taper-allowance.ts), quick charge ranked by laxity (`mpcForecastOptions`, policies.ts).
   */
  | { readonly kind: 'mpc'; readonly variant: MpcVariant; readonly forecast?: true }
  /** An optimizer baseline in the same rolling loop, within the site and network limits. */
  | { readonly kind: 'baseline'; readonly baseline: BaselineName }
  /** Every plugged vehicle at its charger's full power until its target, ignoring every site limit. */
  | { readonly kind: 'uncontrolled' }
  /** The MPC that re-plans only on events (arrivals, departures, drift, plan age: event-mpc.ts). */
  | { readonly kind: 'mpc-events' }
  /** The perfect-foresight offline optimum (offline-optimum.ts). */
  | { readonly kind: 'offline' };

/** The MPC variants: `robust` (cost first, quick-charge regulariser), `quick` (delivery first), `plain` (cost only, no regulariser). */
export type MpcVariant = 'robust' | 'quick' | 'plain';

/** Every policy: what it is, in one line, and how it decides. */
export const policyRegistry = {
  mpc: { kind: { kind: 'mpc', variant: 'robust' }, description: 'rolling-horizon LP, least cost, with a small quick-charge regulariser (unique plan, headroom for arrivals)' },
  offline: { kind: { kind: 'offline' }, description: 'perfect-foresight optimum over the whole replay (the reference)' },
  'mpc-events': { kind: { kind: 'mpc-events' }, description: 'rolling-horizon LP re-planned only on events (arrivals, departures, drift, plan age), the plan followed in between' },
  'mpc-quick': { kind: { kind: 'mpc', variant: 'quick' }, description: 'rolling-horizon LP, delivery first: energy as early as possible, then cost' },
  'mpc-plain': { kind: { kind: 'mpc', variant: 'plain' }, description: 'rolling-horizon LP, least cost only, no regulariser (ties broken by the solver)' },
  'mpc-forecast': {
    kind: { kind: 'mpc', variant: 'quick', forecast: true },
    description: 'rolling-horizon LP planning the arrivals expected from the 28 days before the period (phantom vehicles) and the charge taper; delivery first (quick charge, least laxity first), then cost',
  },
  uncontrolled: { kind: { kind: 'uncontrolled' }, description: 'every vehicle at full power from arrival until its target, ignoring site limits (violations counted)' },
  fcfs: { kind: { kind: 'baseline', baseline: 'uncontrolled' }, description: 'full power within the site limit, first come first served' },
  edf: { kind: { kind: 'baseline', baseline: 'edf' }, description: 'earliest deadline first, within the site limit' },
  llf: { kind: { kind: 'baseline', baseline: 'llf' }, description: 'least laxity first, within the site limit' },
  'round-robin': { kind: { kind: 'baseline', baseline: 'round-robin' }, description: 'equal shares in turn, within the site limit' },
  alap: { kind: { kind: 'baseline', baseline: 'alap' }, description: 'as late as possible, within the site limit' },
  'price-greedy': { kind: { kind: 'baseline', baseline: 'price-greedy' }, description: 'cheapest slots first, within the site limit' },
} as const satisfies Record<string, { readonly kind: PolicyKind; readonly description: string }>;

/** A policy's name. */
export type PolicyName = keyof typeof policyRegistry;

/** Every policy, `mpc` and `offline` first. */
export const policyNames: readonly PolicyName[] = Object.keys(policyRegistry) as PolicyName[];

/** Whether `name` is a policy. */
export function isPolicyName(name: string): name is PolicyName {
  return Object.hasOwn(policyRegistry, name);
}

/** How policy `name` decides. */
export function policyKind(name: PolicyName): PolicyKind {
  return policyRegistry[name].kind;
}

/** Policies that cannot plan on a three-phase network (`site.network`): `mpc-forecast` (its phantoms sit on no charger). */
const notOnNetwork: ReadonlySet<PolicyName> = new Set(['mpc-forecast']);

/** Whether policy `name` runs on a scenario with a three-phase network. */
export function policySupportsNetwork(name: PolicyName): boolean {
  return !notOnNetwork.has(name);
}

/**
 * The policies `compare` and `sweep` run when none are named: every one that runs on any scenario
 * (`mpc-forecast`, slower and not on a network, is run when named).
 */
export const defaultPolicyNames: readonly PolicyName[] = policyNames.filter(policySupportsNetwork);

/** Whether the policy needs an LP backend (the MPC variants and offline). */
export function policyNeedsSolver(name: PolicyName): boolean {
  const k = policyKind(name).kind;
  return k === 'mpc' || k === 'mpc-events' || k === 'offline';
}
