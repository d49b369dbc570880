/**
 * Validation of an untrusted `Problem`: the JSON Schema first (types, ranges, unknown fields), then the
 * rules a schema cannot say (array lengths, slot order, energies within capacity, unique ids). Every problem
 * found is listed with its JSON Pointer path; nothing is thrown for bad input.
 */
import { Compile } from 'typebox/compile';
import { Settings } from 'typebox/system';
import { ProblemSchema, limits, type Problem } from './problem.ts';
import { schemaIssues, type InputIssue } from './schema-issues.ts';
import { isFrozenWellTypedNetwork, networkIssues } from './network/network-validation.ts';

export type { InputIssue } from './schema-issues.ts';

export type ProblemValidation =
  | { readonly ok: true; readonly problem: Problem }
  | { readonly ok: false; readonly issues: readonly InputIssue[] };

const compiled = Compile(ProblemSchema);

/** Most schema issues listed for one input (TypeBox's default is 8); past it the list says it was cut. */
export const maxListedIssues = 200;
if (Settings.Get().maxErrors < maxListedIssues + 1) Settings.Set({ maxErrors: maxListedIssues + 1 });

/**
 * Largest model accepted: plugged-in vehicle-slots (the sum of the vehicles' windows, the LP's columns per
 * kind): a generated 100,000-vehicle depot over a day of 15-minute slots (about 3.5 M). One monolithic
 * HiGHS model holds far less (about 10,000 generated vehicles at 96 slots): the solver pool refuses a
 * larger one with V2G_ERR_PROBLEM_TOO_LARGE (memory-estimate.ts) before it could abort.
 */
export const maxVehicleSlots = 10_000_000;
/**
 * Largest plan accepted: vehicles x slots (every plan holds a power per vehicle and slot; 20 M numbers are
 * about 160 MB per copy). The Caltech March 2019 month at 5 minutes (953 x 10,731) fits.
 */
export const maxDenseVehicleSlots = 20_000_000;

/**
 * `input` without its network when that is a frozen, well-typed one (grid's `problemNetwork`: every decision of a
 * replay carries the same): `network` is an optional property of the schema checked on its own, so the problem
 * passes the schema exactly when the rest does, and the network's check is not repeated per problem.
 */
function withoutCheckedNetwork(input: unknown): unknown {
  if (!isObject(input) || !isFrozenWellTypedNetwork(input.network)) return input;
  const { network: _network, ...rest } = input;
  return rest;
}

function problemSchemaIssues(input: unknown): InputIssue[] {
  // The compiled check is the fast path: a problem that passes it has no schema issue to list (Errors would walk it twice).
  if (compiled.Check(withoutCheckedNetwork(input))) return [];
  const issues = schemaIssues(compiled, input);
  let errors = 0;
  for (const _ of compiled.Errors(input)) if (++errors > maxListedIssues) break;
  if (errors > maxListedIssues) {
    issues.push({ path: '/', message: `more than ${maxListedIssues} schema issues; the list above is cut short` });
  }
  return issues;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Sum of the vehicles' plug windows in slots (each clipped to [0, T]; malformed entries count as the whole horizon). */
function pluggedVehicleSlots(vehicles: readonly unknown[], T: number): number {
  let sum = 0;
  for (const v of vehicles) {
    const a = isObject(v) && isNumber(v.arrivalSlot) ? Math.max(0, Math.min(T, v.arrivalSlot)) : 0;
    const d = isObject(v) && isNumber(v.departureSlot) ? Math.max(0, Math.min(T, v.departureSlot)) : T;
    sum += Math.max(0, d - a);
  }
  return sum;
}

function checkLength(issues: InputIssue[], value: unknown, n: number, path: string): void {
  if (Array.isArray(value) && value.length !== n) {
    issues.push({ path, message: `must have slotCount = ${n} entries, has ${value.length}` });
  }
}

/**
 * The rules a schema cannot say. Runs on whatever parts are well-typed, so one input's schema faults and
 * rule faults are reported together; a part of the wrong type is left to the schema issues.
 */
function ruleIssues(p: Record<string, unknown>): InputIssue[] {
  const issues: InputIssue[] = [];
  // A slotCount the schema refuses is reported there; lengths are not measured against it.
  const T =
    Number.isInteger(p.slotCount) && (p.slotCount as number) >= 1 && (p.slotCount as number) <= limits.maxSlots
      ? (p.slotCount as number)
      : undefined;
  if (T !== undefined) {
    for (const field of ['importPricePerKwh', 'exportPricePerKwh', 'importLimitKw', 'exportLimitKw', 'baseLoadKw', 'pvKw']) {
      checkLength(issues, p[field], T, `/${field}`);
    }
    if (isObject(p.demandCharge)) checkLength(issues, p.demandCharge.appliesToSlot, T, '/demandCharge/appliesToSlot');
    if (Array.isArray(p.furtherDemandCharges)) {
      p.furtherDemandCharges.forEach((dc: unknown, i) => {
        if (isObject(dc)) checkLength(issues, dc.appliesToSlot, T, `/furtherDemandCharges/${i}/appliesToSlot`);
      });
    }
  }
  const vehicles = Array.isArray(p.vehicles) ? p.vehicles : [];
  if (T !== undefined && vehicles.length * T > maxDenseVehicleSlots) {
    issues.push({
      path: '/vehicles',
      message: `${vehicles.length} vehicles x ${T} slots exceeds the supported ${maxDenseVehicleSlots} vehicle-slots of a plan`,
    });
  } else if (T !== undefined) {
    const plugged = pluggedVehicleSlots(vehicles, T);
    if (plugged > maxVehicleSlots) {
      issues.push({ path: '/vehicles', message: `${plugged} plugged-in vehicle-slots exceed the supported ${maxVehicleSlots}` });
    }
  }
  const ids = new Map<string, number>();
  vehicles.forEach((v: unknown, i) => {
    if (!isObject(v)) return;
    const at = `/vehicles/${i}`;
    if (typeof v.id === 'string') {
      const previous = ids.get(v.id);
      if (previous !== undefined) issues.push({ path: `${at}/id`, message: `duplicate id "${v.id}" (also /vehicles/${previous})` });
      else ids.set(v.id, i);
    }
    if (T !== undefined && isNumber(v.arrivalSlot) && v.arrivalSlot >= T) {
      issues.push({ path: `${at}/arrivalSlot`, message: `must be < slotCount (${T})` });
    }
    if (isNumber(v.arrivalSlot) && isNumber(v.departureSlot) && v.departureSlot <= v.arrivalSlot) {
      issues.push({ path: `${at}/departureSlot`, message: `must be after arrivalSlot (${v.arrivalSlot})` });
    }
    if (isNumber(v.capacityKwh) && v.capacityKwh > 0) {
      for (const field of ['energyKwh', 'targetEnergyKwh', 'minEnergyKwh']) {
        const value = v[field];
        if (isNumber(value) && value > v.capacityKwh) {
          issues.push({ path: `${at}/${field}`, message: `exceeds capacityKwh (${v.capacityKwh})` });
        }
      }
    }
    if (v.maxChargeKw === undefined && v.acLimit === undefined) {
      issues.push({ path: `${at}/maxChargeKw`, message: 'required unless acLimit is given' });
    }
    if (T !== undefined) {
      checkLength(issues, v.maxChargeKw, T, `${at}/maxChargeKw`);
      checkLength(issues, v.maxDischargeKw, T, `${at}/maxDischargeKw`);
      checkLength(issues, v.chargePreferencePerKwh, T, `${at}/chargePreferencePerKwh`);
    }
    const ac = v.acLimit;
    if (isObject(ac) && isNumber(ac.minCurrentA) && isNumber(ac.maxCurrentA) && ac.minCurrentA > ac.maxCurrentA) {
      issues.push({ path: `${at}/acLimit/minCurrentA`, message: `exceeds maxCurrentA (${ac.maxCurrentA})` });
    }
  });
  issues.push(...networkIssues(p));
  return issues;
}

/**
 * Checks an untrusted value against the `Problem` schema and rules. Returns every issue found, each with
 * its JSON Pointer path, or the value typed as a `Problem`.
 */
export function validateProblem(input: unknown): ProblemValidation {
  const issues = problemSchemaIssues(input);
  if (isObject(input)) issues.push(...ruleIssues(input));
  return issues.length > 0 ? { ok: false, issues: foldSlotRuns(issues) } : { ok: true, problem: input as Problem };
}

/**
 * An issue that repeats over the entries of one array (`/importLimitKw/0`, `/importLimitKw/1`, ... with the
 * same message) reported once, on the array, with the index ranges: `/importLimitKw: entries 0-95: must
 * be <= 1000000`. Issues that occur once keep their own path.
 */
export function foldSlotRuns(issues: readonly InputIssue[]): InputIssue[] {
  const groups = new Map<string, { prefix: string; message: string; indices: number[]; at: number }>();
  const out: (InputIssue | string)[] = [];
  for (const issue of issues) {
    const m = /^(.*)\/(\d+)$/.exec(issue.path);
    if (!m) {
      out.push(issue);
      continue;
    }
    const key = `${m[1]}\u0000${issue.message}`;
    const group = groups.get(key);
    if (group) group.indices.push(Number(m[2]));
    else {
      groups.set(key, { prefix: m[1]!, message: issue.message, indices: [Number(m[2])], at: out.length });
      out.push(key);
    }
  }
  return out.map((entry) => {
    if (typeof entry !== 'string') return entry;
    const g = groups.get(entry)!;
    if (g.indices.length === 1) return { path: `${g.prefix}/${g.indices[0]}`, message: g.message };
    return { path: g.prefix === '' ? '/' : g.prefix, message: `entries ${ranges(g.indices)}: ${g.message}` };
  });
}

/** `0-3, 7, 9-10` for [0, 1, 2, 3, 7, 9, 10] (sorted, duplicates dropped). */
function ranges(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0]!;
  let end = start;
  for (const i of sorted.slice(1).concat(Number.NaN)) {
    if (i === end + 1) {
      end = i;
      continue;
    }
    parts.push(start === end ? `${start}` : `${start}-${end}`);
    start = end = i;
  }
  return parts.join(', ');
}

/** One line per issue, for error messages and the CLI. */
export function formatIssues(issues: readonly InputIssue[]): string {
  return issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
}
