/**
 * The ChargerCredentials port's conformance suite (adapters/store/charger-credentials.ts): set, replace,
 * verify, trust-on-first-use registration (atomic under concurrency), listing order, delete, and that no
 * read returns the hash. Run against the memory and the Redis implementations.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifySecret, type SecretVerifier } from '../../../adapters/credentials/password-hash.ts';
import type { ChargerCredentials } from '../../../adapters/store/charger-credentials.ts';

export interface ChargerCredentialsHarness {
  readonly credentials: ChargerCredentials;
  /** The raw stored hash of a charge point, read behind the port (to prove what is at rest). */
  storedHash(chargePointId: string): Promise<string | undefined>;
  /** Every hash the store's verifier was given, in order (pass `recordingVerifier().verify` to the store). */
  readonly verified: readonly string[];
  cleanup(): Promise<void>;
}

/** A `verifySecret` that records each hash it is given (to prove the scrypt work done). */
export function recordingVerifier(): { verified: string[]; verify: SecretVerifier } {
  const verified: string[] = [];
  return { verified, verify: async (secret, stored) => (verified.push(stored), verifySecret(secret, stored)) };
}

const T0 = Date.parse('2025-06-01T10:00:00Z');
const pw = 'correct-horse-battery-1';

/** Every string anywhere in `value` (to prove a hash is not in it). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** `setup` must create hashes with a small scrypt cost (e.g. 1024): every test hashes. */
export function describeChargerCredentialsConformance(label: string, setup: () => Promise<ChargerCredentialsHarness>): void {
  describe(`ChargerCredentials conformance: ${label}`, () => {
    let h: ChargerCredentialsHarness;

    beforeEach(async () => {
      h = await setup();
    });

    afterEach(async () => {
      await h.cleanup();
    });

    it('constant-time refusal: an unknown id and an id without a password cost the scrypt work of a known one (a dummy hash of the same cost)', async () => {
      const c = h.credentials;
      await c.setPassword('CP-KNOWN', pw, 'api', T0);
      await c.register('CP-NOPW', undefined, T0);
      expect(await c.verifyPassword('CP-KNOWN', 'wrong-password-0001')).toBe(false);
      expect(await c.verifyPassword('CP-UNKNOWN', 'wrong-password-0001')).toBe(false);
      expect(await c.verifyPassword('CP-NOPW', 'wrong-password-0001')).toBe(false);
      expect(await c.verifyPassword('CP-UNKNOWN', 'wrong-password-0001')).toBe(false);
      const costOf = (hash: string) => hash.split('$').slice(0, 4).join('$');
      expect(h.verified).toHaveLength(4);
      expect(h.verified.map(costOf)).toEqual(Array(4).fill(costOf((await h.storedHash('CP-KNOWN'))!)));
      // the dummy is not the known id's hash, and it is made once
      expect(h.verified[1]).not.toBe(h.verified[0]);
      expect(h.verified[3]).toBe(h.verified[1]);
    });

    it('an unknown charge point: get undefined, verify false, delete false, empty list', async () => {
      const c = h.credentials;
      expect(await c.get('CP-1')).toBeUndefined();
      expect(await c.verifyPassword('CP-1', pw)).toBe(false);
      expect(await c.delete('CP-1')).toBe(false);
      expect(await c.list()).toEqual([]);
    });

    it('setPassword keeps only a salted scrypt hash; verify accepts the password (string or Buffer) and nothing else', async () => {
      const c = h.credentials;
      const summary = await c.setPassword('CP-1', pw, 'api', T0);
      expect(summary).toEqual({ chargePointId: 'CP-1', hasPassword: true, source: 'api', createdAtUtcMs: T0, updatedAtUtcMs: T0 });
      expect(await c.get('CP-1')).toEqual(summary);
      const stored = await h.storedHash('CP-1');
      expect(stored).toMatch(/^scrypt\$\d+\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(stored).not.toContain(pw);
      expect(await c.verifyPassword('CP-1', pw)).toBe(true);
      expect(await c.verifyPassword('CP-1', Buffer.from(pw))).toBe(true);
      expect(await c.verifyPassword('CP-1', `${pw}x`)).toBe(false);
      expect(await c.verifyPassword('CP-1', '')).toBe(false);
      expect(await c.verifyPassword('CP-2', pw)).toBe(false);
      for (const read of [summary, await c.get('CP-1'), await c.list()]) {
        for (const s of strings(read)) expect(s).not.toBe(stored);
        expect(JSON.stringify(read)).not.toContain('scrypt');
      }
    });

    it('setPassword replaces the password, keeps createdAt, and takes the new source', async () => {
      const c = h.credentials;
      await c.register('CP-1', 'first-password-0001', T0);
      const replaced = await c.setPassword('CP-1', pw, 'api', T0 + 5_000);
      expect(replaced).toEqual({ chargePointId: 'CP-1', hasPassword: true, source: 'api', createdAtUtcMs: T0, updatedAtUtcMs: T0 + 5_000 });
      expect(await c.verifyPassword('CP-1', 'first-password-0001')).toBe(false);
      expect(await c.verifyPassword('CP-1', pw)).toBe(true);
    });

    it('register is trust on first use: the first password stays; a later one is not stored', async () => {
      const c = h.credentials;
      const first = await c.register('CP-1', 'first-password-0001', T0);
      expect(first).toEqual({ registered: true, summary: { chargePointId: 'CP-1', hasPassword: true, source: 'auto-registered', createdAtUtcMs: T0, updatedAtUtcMs: T0 } });
      const second = await c.register('CP-1', 'other-password-0002', T0 + 1_000);
      expect(second.registered).toBe(false);
      expect(second.summary.updatedAtUtcMs).toBe(T0);
      expect(await c.verifyPassword('CP-1', 'first-password-0001')).toBe(true);
      expect(await c.verifyPassword('CP-1', 'other-password-0002')).toBe(false);
    });

    it('register without a password (security profile 0) records the charge point; a later password is its first', async () => {
      const c = h.credentials;
      expect(await c.register('CP-1', undefined, T0)).toEqual({
        registered: true, summary: { chargePointId: 'CP-1', hasPassword: false, source: 'auto-registered', createdAtUtcMs: T0, updatedAtUtcMs: T0 },
      });
      expect((await c.register('CP-1', undefined, T0 + 1)).registered).toBe(false);
      expect(await c.verifyPassword('CP-1', '')).toBe(false);
      expect(await h.storedHash('CP-1')).toBeUndefined();
      const secured = await c.register('CP-1', 'first-password-0001', T0 + 2_000);
      expect(secured).toEqual({ registered: true, summary: { chargePointId: 'CP-1', hasPassword: true, source: 'auto-registered', createdAtUtcMs: T0, updatedAtUtcMs: T0 + 2_000 } });
      expect(await c.verifyPassword('CP-1', 'first-password-0001')).toBe(true);
    });

    it('of concurrent first registrations exactly one password is stored', async () => {
      const c = h.credentials;
      const passwords = Array.from({ length: 6 }, (_, i) => `racing-password-${String(i).padStart(4, '0')}`);
      const results = await Promise.all(passwords.map((p) => c.register('CP-RACE', p, T0)));
      expect(results.filter((r) => r.registered)).toHaveLength(1);
      const verified = await Promise.all(passwords.map((p) => c.verifyPassword('CP-RACE', p)));
      expect(verified.filter(Boolean)).toHaveLength(1);
      expect(verified.indexOf(true)).toBe(results.findIndex((r) => r.registered));
    });

    it('list is ordered by charge point id; delete forgets the record and its password', async () => {
      const c = h.credentials;
      await c.setPassword('cp-b', pw, 'api', T0);
      await c.register('CP-A', undefined, T0 + 1);
      await c.setPassword('cp-a', pw, 'api', T0 + 2);
      await c.register('CP:1|x@y.z', pw, T0 + 3);
      expect((await c.list()).map((s) => s.chargePointId)).toEqual(['CP-A', 'CP:1|x@y.z', 'cp-a', 'cp-b']);
      expect((await c.list()).map((s) => [s.source, s.hasPassword])).toEqual([['auto-registered', false], ['auto-registered', true], ['api', true], ['api', true]]);
      expect(await c.delete('cp-a')).toBe(true);
      expect(await c.delete('cp-a')).toBe(false);
      expect(await c.get('cp-a')).toBeUndefined();
      expect(await c.verifyPassword('cp-a', pw)).toBe(false);
      expect((await c.list()).map((s) => s.chargePointId)).toEqual(['CP-A', 'CP:1|x@y.z', 'cp-b']);
      expect(await c.verifyPassword('CP:1|x@y.z', pw)).toBe(true);
    });
  });
}
