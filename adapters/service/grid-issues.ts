/** grid/'s coded input errors as request field issues (pointers prefixed with where the input sat). */
import { GridInputError, type GridIssue } from '../../grid/errors.ts';
import type { FieldIssue } from '../errors.ts';

/** A grid issue located under `prefix` (e.g. `/body/tariff/timeOfUse`); line-located issues keep their line. */
export function fieldIssueOf(issue: GridIssue, prefix: string): FieldIssue {
  if (issue.line !== undefined) return { pointer: prefix, detail: issue.message, line: issue.line };
  const path = issue.path ?? '';
  return { pointer: path.startsWith('/') || path === '' ? `${prefix}${path}` : `${prefix}/${path}`, detail: issue.message };
}

/** Runs `fn`; a `GridInputError` becomes its issues under `prefix` (other errors propagate). */
export function gridIssues(prefix: string, fn: () => void): FieldIssue[] {
  try {
    fn();
    return [];
  } catch (e) {
    if (!(e instanceof GridInputError)) throw e;
    return e.issues.map((i) => fieldIssueOf(i, prefix));
  }
}

/** A `GridInputError` tagged with where its input sat in the request, for the problem document. */
export interface LocatedGridError extends GridInputError {
  pointerPrefix?: string;
}

/** Tags a grid error with the request location of its input and rethrows anything else unchanged. */
export function locateGridError(e: unknown, prefix: string): unknown {
  if (e instanceof GridInputError) (e as LocatedGridError).pointerPrefix = prefix;
  return e;
}
