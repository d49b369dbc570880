import { expect } from 'vitest';
import { GridInputError, type GridErrorCode } from '../../grid/errors.ts';

/** Runs `fn`, expects a `GridInputError` with `code`, and returns it for further checks. */
export function catchGridError(fn: () => unknown, code: GridErrorCode): GridInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GridInputError);
    const err = e as GridInputError;
    expect(err.code, err.message).toBe(code);
    expect(err.retryable).toBe(false);
    expect(err.issues.length).toBeGreaterThan(0);
    for (const issue of err.issues) {
      expect(issue.message.length).toBeGreaterThan(0);
      expect(issue.path !== undefined || issue.line !== undefined).toBe(true);
    }
    return err;
  }
  throw new Error(`expected a GridInputError ${code}, nothing was thrown`);
}
