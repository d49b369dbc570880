/**
 * The charger credentials port: who may connect to the OCPP gateway with security profile 1 or 2 (HTTP
 * Basic per charge point), and which charge points registered themselves (auto-registration). Kept apart
 * from the `Store` port (store.ts): a charge point's secret is not site state, and an auto-registered
 * charge point belongs to no site until an admin lists it on one.
 *
 * Contract for implementations (test/adapters/store/charger-credentials-conformance.ts):
 * - Only a salted scrypt hash of a password is kept (adapters/credentials/password-hash.ts); the hash never
 *   leaves the implementation: reads return `ChargerCredentialSummary` (whether there is one), and
 *   `verifyPassword` compares in constant time inside the store.
 * - `get` returns undefined for an unknown id and never throws for it; `delete` returns whether it existed.
 * - `setPassword` creates or replaces (keeps `createdAtUtcMs`; `source` becomes the one given).
 * - `register` is trust on first use and atomic: it stores a password only for a charge point that has
 *   none, so of two concurrent first connections exactly one sets the password.
 * - `list` is ordered by `chargePointId`.
 * - A Redis implementation rejects with StoreUnavailableError (V2G_ERR_STORE_UNAVAILABLE, 503) when Redis
 *   cannot serve (redis-errors.ts).
 */

/** How a charge point's record came to be. */
export type ChargerCredentialSource =
  /** An admin set its password through the HTTP API (`PUT /v1/chargers/{id}/credentials`). */
  | 'api'
  /** It connected while OCPP_AUTO_REGISTER was on (with security: its first password was kept). */
  | 'auto-registered';

/** The stored form of one charge point's credentials (inside the store only). */
export interface ChargerCredentialRecord {
  /** OCPP charge point identity (identifierString, 1..48 characters), as in `ws://.../ocpp/<id>`. */
  readonly chargePointId: string;
  /**
   * `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` (adapters/credentials/password-hash.ts), or undefined for a
   * charge point auto-registered without security (profile 0: no password was offered).
   */
  readonly passwordHash: string | undefined;
  readonly source: ChargerCredentialSource;
  /** When the record was first written (UTC epoch ms). */
  readonly createdAtUtcMs: number;
  /** When it last changed (UTC epoch ms). */
  readonly updatedAtUtcMs: number;
}

/** What may leave the store: the record without its hash. */
export interface ChargerCredentialSummary {
  readonly chargePointId: string;
  /** Whether a password hash is stored (the charge point can pass security profile 1 or 2). */
  readonly hasPassword: boolean;
  readonly source: ChargerCredentialSource;
  readonly createdAtUtcMs: number;
  readonly updatedAtUtcMs: number;
}

/** The outcome of `register`. */
export interface ChargerRegistration {
  /** True when this call stored the record or its first password; false when a password was there already. */
  readonly registered: boolean;
  readonly summary: ChargerCredentialSummary;
}

export interface ChargerCredentials {
  get(chargePointId: string): Promise<ChargerCredentialSummary | undefined>;
  /** Every record, ordered by charge point id. */
  list(): Promise<ChargerCredentialSummary[]>;
  /** Hashes `password` and stores it for the charge point (creating or replacing the record). */
  setPassword(chargePointId: string, password: string | Buffer, source: ChargerCredentialSource, nowUtcMs: number): Promise<ChargerCredentialSummary>;
  /**
   * Trust on first use, as `auto-registered`: creates the record when missing and stores `password`
   * (when given) unless the charge point already has one.
   */
  register(chargePointId: string, password: string | Buffer | undefined, nowUtcMs: number): Promise<ChargerRegistration>;
  /**
   * Whether `password` matches the stored hash (constant time); false without a record or a hash, after
   * the same scrypt work against a dummy hash (an unknown id costs what a known one does).
   */
  verifyPassword(chargePointId: string, password: string | Buffer): Promise<boolean>;
  /** Forgets the charge point's record and password; returns whether there was one. */
  delete(chargePointId: string): Promise<boolean>;
}

/** The record as it may leave the store. */
export function credentialSummary(record: ChargerCredentialRecord): ChargerCredentialSummary {
  return {
    chargePointId: record.chargePointId,
    hasPassword: record.passwordHash !== undefined,
    source: record.source,
    createdAtUtcMs: record.createdAtUtcMs,
    updatedAtUtcMs: record.updatedAtUtcMs,
  };
}

/** scrypt cost (N) of stored passwords; tests pass a small one for speed. */
export const defaultPasswordHashCost = 16_384;
