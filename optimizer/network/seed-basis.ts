/**
 * A first LP's optimal simplex basis carried to a neighbouring problem with the network rows it needed (the
 * offline month at the next capacity down: `NetworkRowSeed.basis`). Lowering a capacity changes only bounds, so
 * the neighbour's model has the same columns and, built with the seed's rows, the same rows: the basis that was
 * optimal one capacity up is dual feasible there and its dual simplex starts from it instead of from the slack
 * basis. Columns are matched by position (the same problem but for the limit), the other rows in order, the
 * network rows by key (slot and template name); rows the seeding LP did not hold start basic.
 *
 * A basis is only a start: the simplex proves the optimum from wherever it starts, so the LP optimum and its
 * bound are the same; where the LP has several optimal vertices the one found may differ, and so the LP repair's
 * plan (within its stated gap). A basis that does not fit (another column count or other rows, a seed row with
 * no row here, not one basic variable per row) is not used, and the solve says why (`SeededBasis.refused`).
 */
import type { LpBasis } from '../backends/lp-backend.ts';
import type { ResolvedProblem } from '../resolved-problem.ts';
import type { NetworkRows, NetworkSession } from './network-session.ts';

/**
 * A first LP's optimal basis, one character per status in the backend's codes (HiGHS: 0 lower, 1 basic,
 * 2 upper, 3 zero, 4 nonbasic): one byte per column and row in JSON (the stored offline plan keeps it).
 */
export interface SeedBasis {
  /** Every column's status, in column order. */
  readonly columns: string;
  /** The status of every row that is not a network row, in row order. */
  readonly otherRows: string;
  /** The status of each of the seed's `keys` (same order); rows added after the first LP are basic ('1'). */
  readonly keyRows: string;
}

/** A basis split into its columns, its other rows and its network rows by key (this problem's keys). */
interface KeyedBasis {
  readonly columns: string;
  readonly otherRows: string;
  readonly byKey: ReadonlyMap<number, number>;
}

/** The first-LP basis each problem's solve kept (`keepFirstLpBasis`). */
const keptOf = new WeakMap<ResolvedProblem, KeyedBasis>();
/** The seed basis offered to each problem's first model, or why it cannot be used (`offerSeedBasis`). */
const offeredOf = new WeakMap<ResolvedProblem, KeyedBasis | string>();

const statusText = (s: ArrayLike<number>, pick?: (i: number) => boolean): string => {
  const codes: number[] = [];
  for (let i = 0; i < s.length; i++) if (pick === undefined || pick(i)) codes.push(48 + s[i]!);
  let out = '';
  for (let i = 0; i < codes.length; i += 8192) out += String.fromCharCode(...codes.slice(i, i + 8192));
  return out;
};

/**
 * Keeps the optimal basis `session` holds now (call right after `rp`'s first LP), to go with
 * `knownNetworkRows(rp)` to a neighbouring problem. Does nothing when the backend gives no basis.
 */
export function keepFirstLpBasis(rp: ResolvedProblem, session: NetworkSession): void {
  const basis = session.getBasis?.();
  if (basis === undefined) return;
  const keyOfRow = new Map<number, number>();
  for (const [key, row] of session.networkRowKeys()) keyOfRow.set(row, key);
  const byKey = new Map<number, number>();
  for (const [row, key] of keyOfRow) byKey.set(key, basis.rowStatus[row]!);
  keptOf.set(rp, { columns: statusText(basis.colStatus), otherRows: statusText(basis.rowStatus, (r) => !keyOfRow.has(r)), byKey });
}

/** The kept basis of `rp`'s first LP for a seed of `keys` (rows added after it: basic); undefined when none was kept. */
export function keptBasisFor(rp: ResolvedProblem, keys: readonly number[]): SeedBasis | undefined {
  const kept = keptOf.get(rp);
  if (kept === undefined) return undefined;
  return { columns: kept.columns, otherRows: kept.otherRows, keyRows: keys.map((k) => String(kept.byKey.get(k) ?? 1)).join('') };
}

/**
 * Offers `basis` (of a seed whose keys map to `mappedKeys` here: -1 where a row has no row here) to `rp`'s first
 * model, which is built with exactly the seed's rows when `heldBefore` is 0.
 */
export function offerSeedBasis(rp: ResolvedProblem, basis: SeedBasis, mappedKeys: readonly number[], heldBefore: number): void {
  const unmapped = mappedKeys.filter((k) => k < 0).length;
  if (basis.keyRows.length !== mappedKeys.length) offeredOf.set(rp, `it gives ${basis.keyRows.length} network row statuses for ${mappedKeys.length} rows`);
  else if (unmapped > 0) offeredOf.set(rp, `${unmapped} of its ${mappedKeys.length} network rows have no row in this problem`);
  else if (heldBefore > 0) offeredOf.set(rp, `this problem's model already held ${heldBefore} other network rows`);
  else {
    const byKey = new Map<number, number>();
    mappedKeys.forEach((k, i) => byKey.set(k, basis.keyRows.charCodeAt(i) - 48));
    offeredOf.set(rp, { columns: basis.columns, otherRows: basis.otherRows, byKey });
  }
}

/** The offered seed basis laid onto a model (`basis`), or why it is not used (`refused`). */
export type SeededBasis = { readonly basis: LpBasis } | { readonly refused: string };

/**
 * The seed basis offered to `rp` laid onto the model just built for it (`numCols` columns, `numRows` rows, the
 * network rows `rows.inModel`); undefined when none was offered. Taken once: a later model of `rp` starts cold.
 */
export function seededFirstBasis(rp: ResolvedProblem, rows: NetworkRows, numCols: number, numRows: number): SeededBasis | undefined {
  const seed = offeredOf.get(rp);
  if (seed === undefined) return undefined;
  offeredOf.delete(rp);
  if (typeof seed === 'string') return { refused: seed };
  if (seed.columns.length !== numCols) return { refused: `it has ${seed.columns.length} columns, this model ${numCols}` };
  if (seed.otherRows.length !== numRows - rows.inModel.size) return { refused: `it has ${seed.otherRows.length} rows besides the network rows, this model ${numRows - rows.inModel.size}` };
  const keyOfRow = new Map<number, number>();
  for (const [key, row] of rows.inModel) keyOfRow.set(row, key);
  const colStatus = new Int32Array(numCols);
  let basic = 0;
  for (let j = 0; j < numCols; j++) {
    colStatus[j] = seed.columns.charCodeAt(j) - 48;
    if (colStatus[j] === 1) basic++;
  }
  const rowStatus = new Int32Array(numRows);
  let other = 0;
  for (let r = 0; r < numRows; r++) {
    const key = keyOfRow.get(r);
    rowStatus[r] = key === undefined ? seed.otherRows.charCodeAt(other++) - 48 : (seed.byKey.get(key) ?? 1);
    if (rowStatus[r] === 1) basic++;
  }
  return basic === numRows ? { basis: { colStatus, rowStatus } } : { refused: `it has ${basic} basic variables for ${numRows} rows` };
}
