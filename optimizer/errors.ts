/**
 * Coded errors of the optimizer. Expected solver outcomes are plan statuses, never errors (plan.ts); an
 * error here means the optimizer refuses a problem before solving it. Codes are stable: a retired code is
 * never reused for another meaning.
 */

/** Stable error codes with what each one means. */
export const optimizerErrorCodes = {
  V2G_ERR_PROBLEM_TOO_LARGE:
    'the problem is too large for one monolithic HiGHS model: its estimated WebAssembly heap exceeds the safe share of the 2 GiB ceiling',
} as const;

export type OptimizerErrorCode = keyof typeof optimizerErrorCodes;

/** A refusal with a stable `code`; `retryable` is false: the same problem is refused the same way. */
export class OptimizerError extends Error {
  readonly code: OptimizerErrorCode;
  readonly retryable = false as const;

  constructor(code: OptimizerErrorCode, message: string) {
    super(`${message} (${code})`);
    this.name = 'OptimizerError';
    this.code = code;
  }
}
