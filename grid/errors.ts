/**
 * Coded errors for bad grid input (files, signals, times, site and vehicle descriptions).
 *
 * Every error lists *all* problems found in its input (not only the first), each located by a JSON
 * Pointer path, a line (and column) number, or an XML element path. Codes are stable: a retired code is
 * never reused for another meaning. Bad input is never retryable: the same input fails the same way.
 */

/** Stable error codes with what each one means. */
export const gridErrorCodes = {
  V2G_ERR_TIME_FORMAT: 'an instant is not RFC 3339 with a UTC offset, or a date or time field is out of range',
  V2G_ERR_DURATION_FORMAT: 'an ISO 8601 duration is malformed or has no fixed length',
  V2G_ERR_UNKNOWN_ZONE: 'an IANA time zone name is unknown',
  V2G_ERR_NONEXISTENT_LOCAL_TIME: 'a local time falls in a spring-forward gap and the policy is to reject it',
  V2G_ERR_AMBIGUOUS_LOCAL_TIME: 'a local time occurs twice (fall back) and the policy is to reject it',
  V2G_ERR_SLOT_GRID: 'the slot grid parameters do not tile the horizon',
  V2G_ERR_SIGNAL_GAP: 'a signal does not cover part of the horizon',
  V2G_ERR_SIGNAL_OVERLAP: 'two intervals of a signal overlap',
  V2G_ERR_SIGNAL_VALUE: 'a signal value is not a finite number or is out of range',
  V2G_ERR_UNKNOWN_UNIT: 'a unit is not in the unit table',
  V2G_ERR_UNIT_MISMATCH: 'a unit cannot be converted to the unit required (other quantity or currency)',
  V2G_ERR_CSV_FORMAT: 'a CSV text is malformed (header, columns, timestamps or numbers)',
  V2G_ERR_XML_FORMAT: 'an XML text is malformed or is not the expected ENTSO-E document',
  V2G_ERR_XML_UNSAFE: 'an XML text was refused as unsafe (a document type or entity declaration, nesting too deep, or a reserved name)',
  V2G_ERR_ENTSOE_NO_DATA: 'ENTSO-E answered with an acknowledgement document instead of data',
  V2G_ERR_OPENADR_FORMAT: 'an OpenADR 3 event is malformed',
  V2G_ERR_OPENADR_UNSUPPORTED_PAYLOAD: 'an OpenADR 3 event carries a payload type this parser does not support',
  V2G_ERR_TARIFF_FORMAT: 'a tariff is malformed, leaves days uncovered or has overlapping schedules',
  V2G_ERR_PRICE_TERM: 'a price term (network fee, tax) is malformed',
  V2G_ERR_SITE_INPUT: 'a site description or capacity limit is malformed',
  V2G_ERR_VEHICLE_INPUT: 'a vehicle description is malformed',
  V2G_ERR_PROBLEM_INVALID: 'the assembled optimizer problem does not pass validateProblem',
  V2G_ERR_ASSEMBLY_INPUT: 'several inputs of a problem assembly are bad (each issue names its code)',
} as const;

export type GridErrorCode = keyof typeof gridErrorCodes;

/**
 * One problem in an input. At least one location is set: `path` (a JSON Pointer such as
 * `/vehicles/2/arrival`, or an XML element path such as `TimeSeries[2]/Period[1]/Point[7]`), or `line`
 * (1-based, with an optional 1-based `column`).
 */
export interface GridIssue {
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
  /** A human sentence saying what is wrong and, where it helps, what was expected. */
  readonly message: string;
}

/** How many issues the error message spells out; `issues` always holds all of them. */
const issuesInMessage = 20;

function where(issue: GridIssue): string {
  if (issue.line !== undefined) {
    return issue.column !== undefined ? `line ${issue.line}, column ${issue.column}` : `line ${issue.line}`;
  }
  return issue.path !== undefined && issue.path !== '' ? issue.path : '/';
}

/** One line per issue: `line 4: the value "abc" is not a number`. */
export function formatGridIssue(issue: GridIssue): string {
  return `${where(issue)}: ${issue.message}`;
}

/**
 * Bad grid input. `code` is stable (see `gridErrorCodes`); `issues` lists every problem found;
 * `retryable` is always false because retrying the same input cannot succeed.
 */
export class GridInputError extends Error {
  readonly code: GridErrorCode;
  readonly retryable = false as const;
  readonly issues: readonly GridIssue[];

  /**
   * @param code the stable error code
   * @param summary a sentence naming the input, e.g. "The CSV price file could not be read"
   * @param issues every problem found (at least one)
   */
  constructor(code: GridErrorCode, summary: string, issues: readonly GridIssue[]) {
    const shown = issues.slice(0, issuesInMessage).map((i) => `  - ${formatGridIssue(i)}`);
    const more = issues.length > issuesInMessage ? [`  ... and ${issues.length - issuesInMessage} more`] : [];
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super([`${summary} (${code}, ${count}):`, ...shown, ...more].join('\n'));
    this.name = 'GridInputError';
    this.code = code;
    this.issues = issues;
  }
}

/** Throws a `GridInputError` when `issues` is not empty. */
export function throwIfIssues(code: GridErrorCode, summary: string, issues: readonly GridIssue[]): void {
  if (issues.length > 0) throw new GridInputError(code, summary, issues);
}

/** Prefixes every issue's JSON Pointer path (issues located by line keep their line). */
export function prefixIssues(prefix: string, issues: readonly GridIssue[]): GridIssue[] {
  return issues.map((i) => (i.line !== undefined ? i : { ...i, path: `${prefix}${i.path ?? ''}` }));
}
