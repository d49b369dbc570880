/**
 * Validation of an untrusted `Problem`: the JSON Schema first (types, ranges, unknown fields), then the
 * rules a schema cannot say (array lengths, slot order, energies within capacity, unique ids). Every problem
 * found is listed with its JSON Pointer path; nothing is thrown for bad input.
 */
import { Compile } from 'typebox/compile';
import { ProblemSchema, type Problem } from './problem.ts';

/** One thing wrong with an input, located by a JSON Pointer (`/vehicles/3/departureSlot`). */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

export type ProblemValidation =
  | { readonly ok: true; readonly problem: Problem }
  | { readonly ok: false; readonly issues: readonly InputIssue[] };

const compiled = Compile(ProblemSchema);

/** Largest model accepted (vehicles x slots); past it the WebAssembly heap of one solve is at risk. */
export const maxVehicleSlots = 2_000_000;

function schemaIssues(input: unknown): InputIssue[] {
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  for (const e of compiled.Errors(input)) {
    // TypeBox reports a union member failing twice (once per branch); keep the first per path and keyword.
    if (e.keyword === 'boolean' && e.message === 'schema is false') {
      const key = `${e.instancePath}|unknown`;
      if (!seen.has(key)) issues.push({ path: e.instancePath, message: 'unknown field' });
      seen.add(key);
      continue;
    }
    if (e.keyword === 'additionalProperties') continue; // reported per field above
    const key = `${e.instancePath}|${e.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path: e.instancePath || '/', message: e.message });
  }
  return issues;
}

function checkLength(issues: InputIssue[], value: readonly unknown[] | undefined, n: number, path: string): void {
  if (value !== undefined && value.length !== n) {
    issues.push({ path, message: `must have slotCount = ${n} entries, has ${value.length}` });
  }
}

function ruleIssues(p: Problem): InputIssue[] {
  const issues: InputIssue[] = [];
  const T = p.slotCount;
  checkLength(issues, p.importPricePerKwh, T, '/importPricePerKwh');
  checkLength(issues, p.exportPricePerKwh, T, '/exportPricePerKwh');
  checkLength(issues, p.importLimitKw, T, '/importLimitKw');
  checkLength(issues, p.exportLimitKw, T, '/exportLimitKw');
  checkLength(issues, p.baseLoadKw, T, '/baseLoadKw');
  checkLength(issues, p.pvKw, T, '/pvKw');
  checkLength(issues, p.demandCharge?.appliesToSlot, T, '/demandCharge/appliesToSlot');
  if (p.vehicles.length * T > maxVehicleSlots) {
    issues.push({
      path: '/vehicles',
      message: `${p.vehicles.length} vehicles x ${T} slots exceeds the supported ${maxVehicleSlots} vehicle-slots`,
    });
  }
  const ids = new Map<string, number>();
  p.vehicles.forEach((v, i) => {
    const at = `/vehicles/${i}`;
    const previous = ids.get(v.id);
    if (previous !== undefined) issues.push({ path: `${at}/id`, message: `duplicate id "${v.id}" (also /vehicles/${previous})` });
    else ids.set(v.id, i);
    if (v.arrivalSlot >= T) issues.push({ path: `${at}/arrivalSlot`, message: `must be < slotCount (${T})` });
    if (v.departureSlot <= v.arrivalSlot) {
      issues.push({ path: `${at}/departureSlot`, message: `must be after arrivalSlot (${v.arrivalSlot})` });
    }
    if (v.energyKwh > v.capacityKwh) issues.push({ path: `${at}/energyKwh`, message: `exceeds capacityKwh (${v.capacityKwh})` });
    if (v.targetEnergyKwh > v.capacityKwh) {
      issues.push({ path: `${at}/targetEnergyKwh`, message: `exceeds capacityKwh (${v.capacityKwh})` });
    }
    if ((v.minEnergyKwh ?? 0) > v.capacityKwh) {
      issues.push({ path: `${at}/minEnergyKwh`, message: `exceeds capacityKwh (${v.capacityKwh})` });
    }
    if (v.maxChargeKw === undefined && v.acLimit === undefined) {
      issues.push({ path: `${at}/maxChargeKw`, message: 'required unless acLimit is given' });
    }
    if (Array.isArray(v.maxChargeKw)) checkLength(issues, v.maxChargeKw, T, `${at}/maxChargeKw`);
    if (Array.isArray(v.maxDischargeKw)) checkLength(issues, v.maxDischargeKw, T, `${at}/maxDischargeKw`);
    const ac = v.acLimit;
    if (ac?.minCurrentA !== undefined && ac.minCurrentA > ac.maxCurrentA) {
      issues.push({ path: `${at}/acLimit/minCurrentA`, message: `exceeds maxCurrentA (${ac.maxCurrentA})` });
    }
  });
  return issues;
}

/**
 * Checks an untrusted value against the `Problem` schema and rules. Returns every issue found, each with
 * its JSON Pointer path, or the value typed as a `Problem`.
 */
export function validateProblem(input: unknown): ProblemValidation {
  const issues = schemaIssues(input);
  if (issues.length > 0) return { ok: false, issues };
  const problem = input as Problem;
  const rules = ruleIssues(problem);
  return rules.length > 0 ? { ok: false, issues: rules } : { ok: true, problem };
}

/** One line per issue, for error messages and the CLI. */
export function formatIssues(issues: readonly InputIssue[]): string {
  return issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
}
