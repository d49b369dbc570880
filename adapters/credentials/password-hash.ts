/**
 * Charger secrets at rest (OCPP security profiles 1 and 2: HTTP Basic per charger). Only a salted scrypt
 * hash is kept: `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`. Verification is constant-time, and so is
 * a refusal for an id without a hash (`verifyStoredSecret`: the same scrypt work against a dummy hash of the
 * same cost), so ids cannot be told apart by timing.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_BYTES = 32;

function scrypt(password: Buffer, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** Hashes a secret; `cost` is scrypt's N (power of two, default 16384). */
export async function hashSecret(secret: Buffer | string, cost = 16_384): Promise<string> {
  const salt = randomBytes(16);
  const options = { N: cost, r: 8, p: 1 };
  const key = await scrypt(Buffer.from(secret), salt, options);
  return `scrypt$${options.N}$${options.r}$${options.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when `secret` matches `stored` (a `hashSecret` result); false for anything malformed. */
export async function verifySecret(secret: Buffer | string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length !== KEY_BYTES) return false;
  const key = await scrypt(Buffer.from(secret), salt, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  return timingSafeEqual(key, expected);
}

/** One dummy hash per cost, made once (a random secret nobody knows). */
const dummyHashes = new Map<number, Promise<string>>();

function dummyHash(cost: number): Promise<string> {
  let hash = dummyHashes.get(cost);
  if (!hash) {
    hash = hashSecret(randomBytes(32), cost);
    dummyHashes.set(cost, hash);
  }
  return hash;
}

/** How a store checks a secret; tests pass a counting one. */
export type SecretVerifier = (secret: Buffer | string, stored: string) => Promise<boolean>;

/**
 * `verifySecret` against the stored hash or, when there is none (unknown id, no password), against a dummy
 * hash of cost `cost` (the store's cost for new hashes), answering false: the same scrypt work either way.
 */
export async function verifyStoredSecret(secret: Buffer | string, stored: string | undefined | null, cost: number, verify: SecretVerifier = verifySecret): Promise<boolean> {
  if (stored) return verify(secret, stored);
  await verify(secret, await dummyHash(cost));
  return false;
}
