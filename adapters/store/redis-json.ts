/**
 * Records as JSON text in Redis. Plain JSON, except that non-finite numbers (which JSON turns into
 * `null`) are kept as `{"$v2gNumber":"Infinity"}` and restored, so a record reads back exactly as it was
 * put. Decoded records are deep-frozen, like the memory store's.
 *
 * Invariant: `decodeRecord(encodeRecord(r))` deep-equals `r` for every JSON value (plus ±Infinity, NaN);
 * properties holding `undefined` are dropped, as JSON does.
 */
import { deepFreeze } from './deep-freeze.ts';

const marker = '$v2gNumber';

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { [marker]: String(value) } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === marker) return Number((value as Record<string, string>)[marker]);
  }
  return value;
}

export function encodeRecord(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/** Parses and deep-freezes a stored record. */
export function decodeRecord<T>(text: string): T {
  const value = text.includes(`"${marker}"`) ? JSON.parse(text, reviver) : JSON.parse(text);
  return deepFreeze(value as T);
}
