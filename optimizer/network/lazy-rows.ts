/**
 * The network's rows as lazy constraints. A congested slot has a polygon row per direction for each of its
 * limited currents, but only one or two of them bind at the optimum. So the model is built without them
 * (or with the ones an earlier model of the same problem needed), and each solve is followed by a check of
 * every (slot, row template) pair against the answer: for each (slot, limit) broken, its most violated row
 * is added and the model re-solved from its basis, until no row is broken. The answer then satisfies every
 * row of the full polygon model, and since it is optimal for a model with fewer rows, it is optimal for the
 * full one: laziness changes the work, not the answer. Rows added for one problem are remembered (per
 * resolved problem), so the next model of it (a MILP round) starts with them. A neighbouring problem (the
 * offline month at the next capacity down) can start with them too, and with the first LP's optimal basis
 * (`SeedBasis`): its model then has the same columns and rows, only some bounds differ, so its dual simplex
 * starts from a basis that is optimal one capacity up instead of from the slack basis (the same LP optimum).
 */
import type { LinearProgramBuilder } from '../linear-program.ts';
import { keptBasisFor, offerSeedBasis, type SeedBasis } from './seed-basis.ts';
import type { NetworkRows, NetworkSession } from './network-session.ts';

export type { NetworkRows, NetworkSession } from './network-session.ts';
import type { LpBasis, LpRows, LpSession, LpSolution, LpSolveOptions } from '../backends/lp-backend.ts';
import type { ResolvedProblem } from '../resolved-problem.ts';
import type { NetworkRowSet, SharedRowTemplate } from './magnitude-rows.ts';
import { rowTemplatesOf } from './template-cache.ts';
import { systemClock, type SolveClock } from '../solve-clock.ts';

/** A row counts as broken when its activity passes its bound by more than this (A), plus 1e-9 relative. */
export const lazyRowToleranceA = 1e-7;

const templatesOf = new WeakMap<ResolvedProblem, readonly SharedRowTemplate[]>();
const knownOf = new WeakMap<ResolvedProblem, Set<number>>();

function templates(rp: ResolvedProblem): readonly SharedRowTemplate[] {
  let t = templatesOf.get(rp);
  if (t === undefined) {
    t = rowTemplatesOf(rp);
    templatesOf.set(rp, t);
  }
  return t;
}

/**
 * Network rows a solve of one problem needed, kept to start the model of a neighbouring problem with them
 * (the offline month at the next capacity down: `offlineRowSeed` in scenarios/offline-reuse.ts). Rows are
 * named by slot and template name (`SharedRowTemplate.name`: the limit and the polygon side's angle), so
 * they apply to a problem whose templates have the same names, in any order.
 */
export interface NetworkRowSeed {
  readonly slotCount: number;
  /** Template names; `keys` index into this list. */
  readonly templates: readonly string[];
  /** slot x `templates.length` + template index, ascending. */
  readonly keys: readonly number[];
  /** The optimal basis of the solve's first LP (`SeedBasis`), when it was kept: the neighbour's first LP starts from it. */
  readonly basis?: SeedBasis;
}

/** The network rows `rp`'s models needed so far (undefined: the problem has no network or needed none). */
export function knownNetworkRows(rp: ResolvedProblem): NetworkRowSeed | undefined {
  const known = knownOf.get(rp);
  if (known === undefined || known.size === 0) return undefined;
  const keys = [...known].sort((a, z) => a - z);
  const basis = keptBasisFor(rp, keys);
  return { slotCount: rp.slotCount, templates: templates(rp).map((t) => t.name), keys, ...(basis !== undefined ? { basis } : {}) };
}

/**
 * The rows of `seed` (held by `rp`'s models: `knownNetworkRows`) that `powerKw` (net kW per vehicle of `rp`, per
 * slot: a plan's powers) brings within `slackShare` of their bound (share of the bound; at least 1e-6 A): the rows
 * that bind, or nearly, at that plan. Undefined when none does.
 */
export function bindingNetworkRows(rp: ResolvedProblem, seed: NetworkRowSeed, powerKw: readonly ArrayLike<number>[], slackShare: number): NetworkRowSeed | undefined {
  const own = templates(rp);
  const index = new Map<string, number>();
  own.forEach((t, k) => {
    if (!index.has(t.name)) index.set(t.name, k);
  });
  const n = seed.templates.length;
  const keys = seed.keys.filter((key) => {
    const slot = Math.floor(key / n);
    const k = index.get(seed.templates[key % n]!);
    if (k === undefined || slot >= rp.slotCount) return false;
    const row = own[k]!;
    let activity = 0;
    for (let j = 0; j < row.vehicles.length; j++) activity += row.coefficients[j]! * (powerKw[row.vehicles[j]!]?.[slot] ?? 0);
    const slack = Math.max(1e-6, slackShare * Math.abs(row.upper));
    return activity >= row.upper - slack || activity <= row.lower + slack;
  });
  return keys.length === 0 ? undefined : { slotCount: seed.slotCount, templates: seed.templates, keys };
}

/**
 * Adds `seed`'s rows to those `rp`'s next model is built with (before its first model; rows of a seed are
 * rows of the full polygon model, so the LP's optimum does not change, only the work to reach it and possibly
 * which optimal vertex is found). Rows whose template name `rp` lacks, or whose slot it lacks, are skipped.
 * Returns how many rows were added.
 */
export function seedNetworkRows(rp: ResolvedProblem, seed: NetworkRowSeed): number {
  const own = templates(rp);
  if (own.length === 0 || seed.templates.length === 0) return 0;
  const index = new Map<string, number>();
  own.forEach((t, k) => {
    if (!index.has(t.name)) index.set(t.name, k);
  });
  const known = knownOf.get(rp) ?? new Set<number>();
  knownOf.set(rp, known);
  const before = known.size;
  const n = seed.templates.length;
  const mappedKeys: number[] = [];
  for (const key of seed.keys) {
    const slot = Math.floor(key / n);
    const k = index.get(seed.templates[key % n]!);
    const mapped = k === undefined || slot >= rp.slotCount ? -1 : slot * own.length + k;
    mappedKeys.push(mapped);
    if (mapped >= 0) known.add(mapped);
  }
  if (seed.basis !== undefined) offerSeedBasis(rp, seed.basis, mappedKeys, before);
  return known.size - before;
}

/**
 * `seed` (the rows a problem starting at slot 0 needed) for a problem that starts `slotsLater` slots later on the
 * same slot grid and has `slotCount` slots: slot `t` becomes `t - slotsLater`; rows before the new start or at
 * or after its end are dropped (`mpc-events` carries the rows of one plan to the next: event-mpc.ts). Undefined
 * when no row is left.
 */
export function carryNetworkRows(seed: NetworkRowSeed, slotsLater: number, slotCount: number): NetworkRowSeed | undefined {
  if (!Number.isInteger(slotsLater) || slotsLater < 0) throw new RangeError(`slotsLater must be a whole number >= 0, got ${slotsLater}`);
  const n = seed.templates.length;
  const keys: number[] = [];
  for (const key of seed.keys) {
    const slot = Math.floor(key / n) - slotsLater;
    if (slot >= 0 && slot < slotCount) keys.push(slot * n + (key % n));
  }
  return keys.length === 0 ? undefined : { slotCount, templates: seed.templates, keys };
}

/** The entries (column, coefficient) of row `key` over the model's charge and discharge columns. */
function entries(rows: Pick<NetworkRows, 'templates' | 'slotCount' | 'charge' | 'discharge'>, key: number): { cols: number[]; values: number[] } {
  const t = Math.floor(key / rows.templates.length);
  const row = rows.templates[key % rows.templates.length]!;
  const cols: number[] = [];
  const values: number[] = [];
  for (let k = 0; k < row.vehicles.length; k++) {
    const i = row.vehicles[k]!;
    const w = row.coefficients[k]!;
    const c = rows.charge[i]![t]!;
    const x = rows.discharge[i]![t]!;
    if (c >= 0) {
      cols.push(c);
      values.push(w);
    }
    if (x >= 0) {
      cols.push(x);
      values.push(-w);
    }
  }
  return { cols, values };
}

/**
 * Adds to the model being built the network rows its problem is already known to need (none for the first
 * model of a problem) and returns what the lazy session needs. Call after the vehicles' columns exist.
 */
export function addKnownNetworkRows(b: LinearProgramBuilder, rp: ResolvedProblem, charge: readonly Int32Array[], discharge: readonly Int32Array[]): NetworkRows {
  const known = knownOf.get(rp) ?? new Set<number>();
  knownOf.set(rp, known);
  const rows = { templates: templates(rp), slotCount: rp.slotCount, charge, discharge };
  const inModel = new Map<number, number>();
  for (const key of [...known].sort((a, z) => a - z)) {
    const { cols, values } = entries(rows, key);
    if (cols.length === 0) continue;
    cols.forEach((c, k) => b.entry(c, values[k]!));
    const row = rows.templates[key % rows.templates.length]!;
    inModel.set(key, b.endRow(row.lower, row.upper));
  }
  return { ...rows, inModel, known };
}

/**
 * Each template's coefficients laid out densely by vehicle (0 where a vehicle is not in the row), so a slot's
 * rows are read over the few vehicles drawing or feeding in it instead of over every vehicle of the row (the
 * offline month: rows over all 954 sessions, about 20 of them plugged in at once).
 */
const denseOf = new WeakMap<readonly SharedRowTemplate[], Float64Array[]>();

function denseCoefficients(templates: readonly SharedRowTemplate[], vehicleCount: number): Float64Array[] {
  let dense = denseOf.get(templates);
  if (dense === undefined || dense[0]?.length !== vehicleCount) {
    dense = templates.map((row) => {
      const d = new Float64Array(vehicleCount);
      for (let j = 0; j < row.vehicles.length; j++) d[row.vehicles[j]!] = row.coefficients[j]!;
      return d;
    });
    denseOf.set(templates, dense);
  }
  return dense;
}

/**
 * Per vehicle, the limits with a template that reads it (CSR over vehicles; limit ids as in `SharedRowTemplate.limit`),
 * and how many limit ids there are: a slot whose drawing or feeding vehicles touch no template of a limit leaves every
 * row of that limit at activity 0, which breaks none of them (`mostViolatedRows`).
 */
interface LimitsByVehicle {
  readonly starts: Int32Array;
  readonly limits: Int32Array;
  readonly limitCount: number;
}

const limitsByVehicleOf = new WeakMap<readonly SharedRowTemplate[], LimitsByVehicle>();

function limitsByVehicle(templates: readonly SharedRowTemplate[], vehicleCount: number): LimitsByVehicle {
  let index = limitsByVehicleOf.get(templates);
  if (index !== undefined && index.starts.length === vehicleCount + 1) return index;
  const sets = Array.from({ length: vehicleCount }, () => new Set<number>());
  let limitCount = 0;
  for (const row of templates) {
    limitCount = Math.max(limitCount, row.limit + 1);
    for (const v of row.vehicles) if (v < vehicleCount) sets[v]!.add(row.limit);
  }
  const starts = new Int32Array(vehicleCount + 1);
  sets.forEach((set, v) => (starts[v + 1] = starts[v]! + set.size));
  const limits = new Int32Array(starts[vehicleCount]!);
  sets.forEach((set, v) => limits.set([...set], starts[v]!));
  index = { starts, limits, limitCount };
  limitsByVehicleOf.set(templates, index);
  return index;
}

/** Per slot, the vehicles with a charge or discharge column in it (ascending), in CSR form. */
interface SlotVehicles {
  readonly starts: Int32Array;
  readonly vehicles: Int32Array;
}

const slotVehiclesOf = new WeakMap<readonly Int32Array[], SlotVehicles>();

/** Which vehicles can have power in each slot: built once per model (the columns do not change). */
function vehiclesBySlot(rows: Pick<NetworkRows, 'slotCount' | 'charge' | 'discharge'>): SlotVehicles {
  let index = slotVehiclesOf.get(rows.charge);
  if (index !== undefined) return index;
  const starts = new Int32Array(rows.slotCount + 1);
  const has = (i: number, t: number) => rows.charge[i]![t]! >= 0 || rows.discharge[i]![t]! >= 0;
  for (let i = 0; i < rows.charge.length; i++) for (let t = 0; t < rows.slotCount; t++) if (has(i, t)) starts[t + 1] = starts[t + 1]! + 1;
  for (let t = 0; t < rows.slotCount; t++) starts[t + 1] = starts[t + 1]! + starts[t]!;
  const fill = starts.slice(0, rows.slotCount);
  const vehicles = new Int32Array(starts[rows.slotCount]!);
  for (let i = 0; i < rows.charge.length; i++) {
    for (let t = 0; t < rows.slotCount; t++) {
      if (!has(i, t)) continue;
      vehicles[fill[t]!] = i;
      fill[t] = fill[t]! + 1;
    }
  }
  index = { starts, vehicles };
  slotVehiclesOf.set(rows.charge, index);
  return index;
}

/**
 * For every (slot, limit) whose rows `x` breaks, the key of its most violated row not yet in the model.
 * Each slot's net vehicle powers are read once; a slot where no vehicle draws or feeds breaks no row (every
 * row's bounds hold 0: `lower` <= 0 <= `upper`), so it is skipped (most slots of a rolling horizon). Only the
 * vehicles with a column in the slot are read (`vehiclesBySlot`), and a row's activity is summed over those
 * with non-zero power, in ascending vehicle order: the order of
 * the row's own vehicle list (resolved-network.ts keeps it ascending), and a zero term adds nothing, so the
 * sum is the same number as over the whole row. A limit none of whose templates reads a vehicle with power is
 * skipped: its rows have activity 0, which their bounds hold (test/optimizer/network/lazy-rows.test.ts, the naive scan).
 */
export function mostViolatedRows(rows: NetworkRows, x: ArrayLike<number>, inModel: ReadonlyMap<number, number>): number[] {
  const n = rows.templates.length;
  const vehicleCount = rows.charge.length;
  const dense = denseCoefficients(rows.templates, vehicleCount);
  const bySlot = vehiclesBySlot(rows);
  const byVehicle = limitsByVehicle(rows.templates, vehicleCount);
  const touched = new Uint8Array(byVehicle.limitCount);
  const activeKw = new Float64Array(vehicleCount);
  const active = new Int32Array(vehicleCount);
  const worstBy = new Map<number, number>();
  const worstKey = new Map<number, number>();
  const out: number[] = [];
  for (let t = 0; t < rows.slotCount; t++) {
    let count = 0;
    for (let v = bySlot.starts[t]!; v < bySlot.starts[t + 1]!; v++) {
      const i = bySlot.vehicles[v]!;
      const c = rows.charge[i]![t]!;
      const d = rows.discharge[i]![t]!;
      const p = (c >= 0 ? x[c]! : 0) - (d >= 0 ? x[d]! : 0);
      if (p !== 0) {
        active[count] = i;
        activeKw[count++] = p;
      }
    }
    if (count === 0) continue;
    touched.fill(0);
    for (let j = 0; j < count; j++) for (let m = byVehicle.starts[active[j]!]!; m < byVehicle.starts[active[j]! + 1]!; m++) touched[byVehicle.limits[m]!] = 1;
    worstBy.clear();
    worstKey.clear();
    for (let k = 0; k < n; k++) {
      const row = rows.templates[k]!;
      // No active vehicle in any template of the row's limit: its activity is 0, within bounds that hold 0.
      if (!touched[row.limit] && row.lower <= 0 && row.upper >= 0) continue;
      const key = t * n + k;
      if (inModel.has(key)) continue;
      const coefficients = dense[k]!;
      let activity = 0;
      for (let j = 0; j < count; j++) activity += coefficients[active[j]!]! * activeKw[j]!;
      const tolerance = lazyRowToleranceA + 1e-9 * Math.abs(row.upper);
      const by = Math.max(activity - row.upper, row.lower - activity);
      if (by <= tolerance) continue;
      const best = worstBy.get(row.limit);
      if (best === undefined || by > best) {
        worstBy.set(row.limit, by);
        worstKey.set(row.limit, key);
      }
    }
    for (const key of worstKey.values()) out.push(key);
  }
  return out;
}

function lpRows(rows: NetworkRows, keys: readonly number[]): LpRows {
  const lower = new Float64Array(keys.length);
  const upper = new Float64Array(keys.length);
  const starts = new Int32Array(keys.length + 1);
  const cols: number[] = [];
  const values: number[] = [];
  keys.forEach((key, r) => {
    const row = rows.templates[key % rows.templates.length]!;
    lower[r] = row.lower;
    upper[r] = row.upper;
    const e = entries(rows, key);
    cols.push(...e.cols);
    values.push(...e.values);
    starts[r + 1] = cols.length;
  });
  return { lower, upper, starts, cols: Int32Array.from(cols), values: Float64Array.from(values) };
}

/**
 * `session` (over a model of `builtRowCount` rows built with `rows`) with lazy network rows: each solve
 * re-solves after adding every (slot, limit)'s most violated row, until the answer breaks none. An answer
 * that still breaks a row when the time is up, or when the call's `simplexIterationLimit` is spent, is not returned
 * (status `timed_out`). `clock` keeps the time (the solve's own clock: solve-clock.ts).
 */
export function withLazyNetworkRows(session: LpSession, rows: NetworkRows, builtRowCount: number, clock: SolveClock = systemClock): NetworkSession {
  const rowOf = new Map(rows.inModel);
  let nextRow = builtRowCount;
  return {
    solve(options: LpSolveOptions): LpSolution {
      const started = clock();
      let iterations = 0;
      // `dualEdgeWeight` is for the start the caller set: the first run only (re-solves start from their own basis).
      const { dualEdgeWeight: _first, ...later } = options;
      // An iteration limit is the whole call's: each re-solve gets what the earlier ones left.
      const iterationLimit = options.simplexIterationLimit;
      for (let round = 0; ; round++) {
        const remainingMs = options.timeLimitMs - (clock() - started);
        const left = iterationLimit !== undefined ? { simplexIterationLimit: Math.max(0, iterationLimit - iterations) } : {};
        const answer = session.solve({ ...(round === 0 ? options : later), timeLimitMs: Math.max(1, remainingMs), ...left });
        iterations += answer.iterations;
        if (!answer.x || rows.templates.length === 0) return { ...answer, iterations };
        const keys = mostViolatedRows(rows, answer.x, rowOf);
        if (keys.length === 0) return { ...answer, iterations };
        if (clock() - started >= options.timeLimitMs) {
          return { status: 'timed_out', iterations, message: `time limit reached while adding network rows (${keys.length} still broken)` };
        }
        if (iterationLimit !== undefined && iterations >= iterationLimit) {
          return { status: 'timed_out', iterations, stoppedBy: 'iterations', message: `simplex iteration limit (${iterationLimit}) reached while adding network rows (${keys.length} still broken)` };
        }
        session.addRows(lpRows(rows, keys));
        for (const key of keys) {
          rowOf.set(key, nextRow++);
          rows.known.add(key);
        }
      }
    },
    setColBounds: (col, lower, upper) => session.setColBounds(col, lower, upper),
    ...(session.setColsBounds ? { setColsBounds: (cols: Int32Array, lower: Float64Array, upper: Float64Array) => session.setColsBounds!(cols, lower, upper) } : {}),
    ...(session.setColsCost ? { setColsCost: (cols: Int32Array, cost: Float64Array) => session.setColsCost!(cols, cost) } : {}),
    ...(session.setStart ? { setStart: (x: Float64Array) => session.setStart!(x) } : {}),
    ...(session.getBasis ? { getBasis: () => session.getBasis!() } : {}),
    ...(session.setBasis ? { setBasis: (basis: LpBasis) => session.setBasis!(basis) } : {}),
    addRows: (more) => {
      session.addRows(more);
      nextRow += more.lower.length;
    },
    dispose: () => session.dispose(),
    rowCount: () => nextRow,
    networkRowKeys: () => rowOf,
    networkRowSet(): NetworkRowSet {
      const keys = [...rowOf.keys()];
      return {
        rows: Int32Array.from(keys, (key) => rowOf.get(key)!),
        slackA: Float64Array.from(keys, (key) => {
          const row = rows.templates[key % rows.templates.length]!;
          return row.limitA - row.upper;
        }),
      };
    },
  };
}
