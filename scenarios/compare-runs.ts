/**
 * Several policies on one scenario, side by side: the offline optimum is solved once and replayed first as
 * the reference row, then every requested policy; each row's gap is to that reference.
 */
import { ScenarioError } from './errors.ts';
import { computeKpis } from './kpis.ts';
import type { KpiRow } from './kpi-table.ts';
import { solveOffline } from './offline-optimum.ts';
import { requirePolicyName, type PolicyName } from './policies.ts';
import { howRunWasMade, runRowName } from './run-label.ts';
import { runReplay, type ReplayDependencies } from './replay-engine.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import type { ReplayResult } from './replay-result.ts';

/** One policy's replay in a comparison. */
export interface ComparedRun {
  readonly policy: PolicyName;
  readonly result: ReplayResult;
  /** Wall time of the replay (ms, injected clock). */
  readonly elapsedMs: number;
}

/** Every run and its KPI row; rows[0] is the offline reference (gap 0). */
export interface Comparison {
  /** The offline reference first, then the policies in the order asked (offline is not repeated). */
  readonly runs: readonly ComparedRun[];
  readonly rows: readonly KpiRow[];
}

/** Parses `mpc,uncontrolled,edf` into policy names (`V2G_ERR_SCENARIO_POLICY` for an unknown one or an empty list). */
export function parsePolicyList(text: string): PolicyName[] {
  const names = text.split(',').map((x) => x.trim()).filter((x) => x !== '');
  if (names.length === 0) {
    throw new ScenarioError('V2G_ERR_SCENARIO_POLICY', 'No policy to compare', [{ path: '/policies', message: `"${text}" names no policy (e.g. mpc,uncontrolled,edf)` }]);
  }
  return [...new Set(names.map((n) => requirePolicyName(n, '/policies')))];
}

/** Runs the offline reference and `policies` on the same inputs. `onRun` reports each run as it starts. */
export function comparePolicies(
  inputs: ReplayInputs,
  policies: readonly PolicyName[],
  deps: ReplayDependencies,
  onRun?: (policy: PolicyName, index: number, count: number) => void,
): Comparison {
  const order: PolicyName[] = ['offline', ...policies.filter((p) => p !== 'offline')];
  const offline = solveOffline(inputs, deps.solver ?? {}, deps.clock);
  const runs: ComparedRun[] = [];
  order.forEach((policy, i) => {
    onRun?.(policy, i, order.length);
    const started = deps.clock();
    const result = runReplay(inputs, policy, { ...deps, offline });
    runs.push({ policy, result, elapsedMs: deps.clock() - started });
  });
  const reference = runs[0]!.result;
  const rows = runs.map((r) => ({ policy: runRowName(r.result), kpis: computeKpis(r.result, reference), howMade: howRunWasMade(r.result) }));
  return { runs, rows };
}
