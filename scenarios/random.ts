/**
 * Seeded random draws. Every random number of a replay comes from a stream keyed by the run's seed and a
 * stable name (`battery:<session id>`, `sessions:<date>`), so a session gets the same battery whatever other
 * sessions are in the period, and two runs with one seed are identical.
 */
import { seededRandom } from './seeded-random.ts';

/** A distribution of one number, as written in a scenario file. */
export type Distribution =
  | { readonly kind: 'fixed'; readonly value: number }
  /** Uniform on [min, max]. */
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  /** One of `values`, each equally likely. */
  | { readonly kind: 'choice'; readonly values: readonly number[] }
  /** Normal(mean, sd) clipped to [min, max]. */
  | { readonly kind: 'normal'; readonly mean: number; readonly sd: number; readonly min: number; readonly max: number };

/** FNV-1a, 32 bit: a stable hash of a text (not cryptographic). */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A uniform [0, 1) stream for `seed` and a stable `key`. */
export function randomStream(seed: number, key: string): () => number {
  return seededRandom(hashText(`${seed}/${key}`));
}

/** One draw from `d` using `random` (consumes one or two numbers). */
export function draw(d: Distribution, random: () => number): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return d.min + (d.max - d.min) * random();
    case 'choice':
      return d.values[Math.min(d.values.length - 1, Math.floor(random() * d.values.length))]!;
    case 'normal': {
      // Box-Muller; 1 - u keeps the logarithm finite.
      const u = 1 - random();
      const v = random();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return Math.min(d.max, Math.max(d.min, d.mean + d.sd * z));
    }
  }
}
