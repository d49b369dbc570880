/**
 * Exponential backoff with jitter (pure): the delay before retry number `attempt` (1-based). A refused
 * or failed profile is retried on this schedule, never in a tight loop, and given up after
 * `maxAttempts` (until the plan, the transaction or the connection changes).
 */

export interface BackoffPolicy {
  /** Delay before the first retry (ms). */
  readonly initialDelayMs: number;
  /** Upper bound of any delay (ms). */
  readonly maxDelayMs: number;
  /** Growth per attempt (>= 1). */
  readonly factor: number;
  /** Relative random spread, 0..1 (0.2 = +-20 %). */
  readonly jitter: number;
  /** Attempts (the first send included) before giving up. */
  readonly maxAttempts: number;
}

export const defaultBackoff: BackoffPolicy = { initialDelayMs: 5_000, maxDelayMs: 300_000, factor: 2, jitter: 0.2, maxAttempts: 8 };

/** Delay (ms) before retry `attempt` (1 = the first retry); `random` in [0, 1). */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, attempt - 1));
  const spread = base * policy.jitter * (2 * random() - 1);
  return Math.max(1, Math.round(Math.min(policy.maxDelayMs, base + spread)));
}

/** Throws on a policy that could loop tightly or never give up. */
export function backoffIssues(p: BackoffPolicy): string[] {
  const issues: string[] = [];
  if (!(p.initialDelayMs >= 1)) issues.push('initialDelayMs must be >= 1');
  if (!(p.maxDelayMs >= p.initialDelayMs)) issues.push('maxDelayMs must be >= initialDelayMs');
  if (!(p.factor >= 1)) issues.push('factor must be >= 1');
  if (!(p.jitter >= 0 && p.jitter < 1)) issues.push('jitter must be in [0, 1)');
  if (!(Number.isInteger(p.maxAttempts) && p.maxAttempts >= 1)) issues.push('maxAttempts must be an integer >= 1');
  return issues;
}
