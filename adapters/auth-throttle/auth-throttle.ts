/**
 * Auth-failure throttles: credential guessing (HTTP bearer tokens, the queue dashboard's Basic password,
 * OCPP charger passwords) is slowed down per identity and per source address, in one process or, on
 * Redis, across every process (redis-auth-throttle.ts), so N API or gateway processes do not give N
 * times the guesses.
 *
 * Policy per key (`AuthThrottlePolicy`): the first `freeFailures` failures within `windowMs` cost nothing;
 * each further failure blocks the key for `baseBlockMs x 2^(failures - freeFailures - 1)`, at most
 * `maxBlockMs`. A blocked key is refused before its credentials are even checked (HTTP 429
 * `V2G_ERR_AUTH_THROTTLED` with Retry-After; OCPP handshake 429). Failures are forgotten `windowMs` after
 * the last one; a success clears the identity's failures (not the address's: one right password must
 * not wipe the guesses made from that address for other identities).
 *
 * Keys: `{ kind: 'id', value }` (a charger id, a Basic user name) and `{ kind: 'address', value }` (the
 * source IP). Addresses get `addressFreeFailures` (many chargers can share one NAT address).
 */

export interface ThrottleKey {
  readonly kind: 'id' | 'address';
  readonly value: string;
}

export interface AuthThrottlePolicy {
  /** Failures without a block, per identity. Default 5. */
  readonly freeFailures: number;
  /** Failures without a block, per source address. Default 20. */
  readonly addressFreeFailures: number;
  /** First block (ms). Default 1000. */
  readonly baseBlockMs: number;
  /** Longest block (ms). Default 15 min. */
  readonly maxBlockMs: number;
  /** Failures are forgotten this long after the last one (ms). Default 15 min. */
  readonly windowMs: number;
}

export const defaultAuthThrottlePolicy: AuthThrottlePolicy = { freeFailures: 5, addressFreeFailures: 20, baseBlockMs: 1_000, maxBlockMs: 900_000, windowMs: 900_000 };

export interface AuthThrottle {
  /** How long (ms) the longest-blocked of `keys` stays blocked; 0 = check the credentials. */
  blockedForMs(keys: readonly ThrottleKey[]): Promise<number>;
  /** Records a failed credential check for every key. */
  failed(keys: readonly ThrottleKey[]): Promise<void>;
  /** Records a success: the identities' failures are cleared (addresses' are kept). */
  succeeded(keys: readonly ThrottleKey[]): Promise<void>;
}

/** The block after `failures` failures of a key of `kind` (ms; 0 = none). */
export function blockAfter(failures: number, kind: ThrottleKey['kind'], policy: AuthThrottlePolicy): number {
  const free = kind === 'address' ? policy.addressFreeFailures : policy.freeFailures;
  if (failures <= free) return 0;
  return Math.min(policy.maxBlockMs, policy.baseBlockMs * 2 ** Math.min(failures - free - 1, 40));
}

/** `Retry-After` seconds for a block of `ms`. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
