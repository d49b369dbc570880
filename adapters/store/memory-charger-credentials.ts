/**
 * Charger credentials in memory (embedded mode, tests): the reference behaviour of the
 * `ChargerCredentials` port (charger-credentials.ts). Lost when the process stops, like the rest of the
 * embedded state.
 */
import { hashSecret, verifySecret, verifyStoredSecret, type SecretVerifier } from '../credentials/password-hash.ts';
import {
  credentialSummary, defaultPasswordHashCost,
  type ChargerCredentialRecord, type ChargerCredentials, type ChargerCredentialSource, type ChargerCredentialSummary, type ChargerRegistration,
} from './charger-credentials.ts';

export interface MemoryChargerCredentialsOptions {
  /** scrypt N of new hashes; default 16 384. */
  readonly hashCost?: number;
  /** How a password is checked against a hash (default `verifySecret`; tests count the scrypt work). */
  readonly verify?: SecretVerifier;
}

export class MemoryChargerCredentials implements ChargerCredentials {
  private readonly records = new Map<string, ChargerCredentialRecord>();
  private readonly hashCost: number;
  private readonly verify: SecretVerifier;

  constructor(options: MemoryChargerCredentialsOptions = {}) {
    this.hashCost = options.hashCost ?? defaultPasswordHashCost;
    this.verify = options.verify ?? verifySecret;
  }

  async get(chargePointId: string): Promise<ChargerCredentialSummary | undefined> {
    const record = this.records.get(chargePointId);
    return record ? credentialSummary(record) : undefined;
  }

  async list(): Promise<ChargerCredentialSummary[]> {
    return [...this.records.values()].map(credentialSummary).sort((a, b) => (a.chargePointId < b.chargePointId ? -1 : a.chargePointId > b.chargePointId ? 1 : 0));
  }

  async setPassword(chargePointId: string, password: string | Buffer, source: ChargerCredentialSource, nowUtcMs: number): Promise<ChargerCredentialSummary> {
    const passwordHash = await hashSecret(password, this.hashCost);
    const old = this.records.get(chargePointId);
    const record: ChargerCredentialRecord = Object.freeze({ chargePointId, passwordHash, source, createdAtUtcMs: old?.createdAtUtcMs ?? nowUtcMs, updatedAtUtcMs: nowUtcMs });
    this.records.set(chargePointId, record);
    return credentialSummary(record);
  }

  async register(chargePointId: string, password: string | Buffer | undefined, nowUtcMs: number): Promise<ChargerRegistration> {
    const passwordHash = password !== undefined ? await hashSecret(password, this.hashCost) : undefined;
    // Checked after the (asynchronous) hashing, so two concurrent first connections cannot both win.
    const old = this.records.get(chargePointId);
    if (old && (old.passwordHash !== undefined || passwordHash === undefined)) return { registered: false, summary: credentialSummary(old) };
    const record: ChargerCredentialRecord = Object.freeze({
      chargePointId, passwordHash, source: 'auto-registered', createdAtUtcMs: old?.createdAtUtcMs ?? nowUtcMs, updatedAtUtcMs: nowUtcMs,
    });
    this.records.set(chargePointId, record);
    return { registered: true, summary: credentialSummary(record) };
  }

  async verifyPassword(chargePointId: string, password: string | Buffer): Promise<boolean> {
    // No record or no hash: the same scrypt work against a dummy hash (constant-time refusal).
    return verifyStoredSecret(password, this.records.get(chargePointId)?.passwordHash, this.hashCost, this.verify);
  }

  async delete(chargePointId: string): Promise<boolean> {
    return this.records.delete(chargePointId);
  }
}
