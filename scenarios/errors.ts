/**
 * Coded errors for bad scenario input: the scenario file itself, the data files it names, the policy asked
 * for. Same pattern as grid/errors.ts: a stable `code`, every problem found listed in `issues` (each located
 * by a JSON Pointer into the scenario, or a line of a data file); only `V2G_ERR_SCENARIO_OFFLINE` is
 * retryable (with a larger offline work budget, or a larger safety net or a less loaded machine).
 *
 * Errors raised by grid/ while a scenario's data is read (a CSV timestamp without offset, a tariff gap...)
 * keep their own `GridInputError` code; their paths are prefixed with the scenario field that named the
 * file (e.g. `/data/prices`).
 */
import { formatGridIssue, type GridIssue } from '../grid/errors.ts';

/** Stable error codes with what each one means. A retired code is never reused. */
export const scenarioErrorCodes = {
  V2G_ERR_SCENARIO_NOT_FOUND: 'the scenario file does not exist and is not the name of a shipped scenario',
  V2G_ERR_SCENARIO_FORMAT: 'the scenario is not JSON or does not match the scenario schema (each issue names the field)',
  V2G_ERR_SCENARIO_DATA: 'a data file named by the scenario is malformed (missing column, bad timestamp or number)',
  V2G_ERR_SCENARIO_DATA_MISSING: 'a data file named by the scenario was not provided (not found in the data directory)',
  V2G_ERR_SCENARIO_PERIOD: 'the scenario period is empty, too long for one offline solve, or not covered by its data',
  V2G_ERR_SCENARIO_POLICY: 'the policy is unknown or needs a solver backend that was not given',
  V2G_ERR_SCENARIO_CHARGERS: "the scenario's chargers match none of the sessions in its period (each issue names the ids on both sides)",
  V2G_ERR_SCENARIO_OFFLINE: 'the offline reference was not solved (its work budget or its wall-clock safety net spent, or a solver error): no reference is reported rather than a fallback plan; retry with a larger policy.offlineWorkLimit (the issue names the limit), or a larger offlineTimeLimitMs / a less loaded machine when the safety net ended it',
} as const;

/** One of the stable codes of `scenarioErrorCodes`. */
export type ScenarioErrorCode = keyof typeof scenarioErrorCodes;

/** One problem: `path` (JSON Pointer into the scenario, e.g. `/data/sessions/path`) and/or `line` of a data file. */
export type ScenarioIssue = GridIssue;

const issuesInMessage = 20;

/**
 * Bad scenario input. `code` is stable (`scenarioErrorCodes`); `issues` lists every problem found;
 * `retryable` is true only for `V2G_ERR_SCENARIO_OFFLINE`.
 */
export class ScenarioError extends Error {
  readonly code: ScenarioErrorCode;
  readonly retryable: boolean;
  readonly issues: readonly ScenarioIssue[];

  constructor(code: ScenarioErrorCode, summary: string, issues: readonly ScenarioIssue[]) {
    const shown = issues.slice(0, issuesInMessage).map((i) => `  - ${formatGridIssue(i)}`);
    const more = issues.length > issuesInMessage ? [`  ... and ${issues.length - issuesInMessage} more`] : [];
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super([`${summary} (${code}, ${count}):`, ...shown, ...more].join('\n'));
    this.name = 'ScenarioError';
    this.code = code;
    this.retryable = code === 'V2G_ERR_SCENARIO_OFFLINE';
    this.issues = issues;
  }
}

/** Throws a `ScenarioError` when `issues` is not empty. */
export function throwIfScenarioIssues(code: ScenarioErrorCode, summary: string, issues: readonly ScenarioIssue[]): void {
  if (issues.length > 0) throw new ScenarioError(code, summary, issues);
}
