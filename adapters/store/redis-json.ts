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

/**
 * A revised record (site, session, dispatch, signals) is stored as `<revision>:<JSON without revision>`;
 * the scripts (redis-store-scripts.ts) check and bump the revision in the same step as the write.
 */
export function decodeRevised<T extends { readonly revision: number }>(text: string): T {
  const match = /^(\d+):/.exec(text);
  const revision = match ? Number(match[1]) : 1;
  const json = match ? text.slice(match[0].length) : text;
  const value = (json.includes(`"${marker}"`) ? JSON.parse(json, reviver) : JSON.parse(json)) as Record<string, unknown>;
  return deepFreeze({ ...value, revision } as unknown as T);
}

/** The JSON a script stores behind the revision (the record's own `revision` is dropped). */
export function encodeUnrevised(record: { readonly revision?: number }): string {
  const { revision: _ignored, ...rest } = record;
  return encodeRecord(rest);
}
