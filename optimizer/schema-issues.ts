/**
 * TypeBox validation errors as input issues: one per path and keyword, unknown fields named once, and the
 * noise of union branches (one error per failed branch) folded into one message. Shared by every layer that
 * validates JSON with TypeBox (the problem here, grid's inputs, scenario files).
 */

/** One thing wrong with an input, located by a JSON Pointer (`/vehicles/3/departureSlot`). */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/** One error as a compiled TypeBox validator reports it (the fields used here). */
export interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message: string;
  /** JSON Pointer into the schema (`#/properties/x/anyOf/1`); used to group a union's branch errors. */
  readonly schemaPath?: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** The part of a compiled TypeBox validator used here. */
export interface ErrorSource {
  Errors(value: unknown): Iterable<SchemaError>;
}

const isUnion = (e: SchemaError) => e.keyword === 'anyOf' || e.keyword === 'oneOf';

/** Keywords that reject a value of the right type for its size or form. */
const rangeKeywords = new Set([
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
]);

/** The type names of a `type` error's `params.type`: one name, or several (`["string", "null"]`). */
function typeNames(type: unknown): string[] {
  if (typeof type === 'string') return [type];
  if (Array.isArray(type) && type.length > 0 && type.every((t) => typeof t === 'string')) return type as string[];
  return ['?'];
}

/**
 * What a failed union says, from its branches' errors at the union's own path: the value's range when a
 * branch took its type (`must be <= 100000` for a scalar power of 1e20), the allowed constants when every
 * branch is one (`must be one of 1, 2, 3`), the allowed types when no branch took the value's type
 * (`must be number or array`); otherwise (a branch failed deeper, and that error is listed on its own) a
 * generic message.
 */
function unionMessage(errors: readonly SchemaError[], union: SchemaError): string {
  const fallback = 'does not match any allowed form';
  if (union.schemaPath === undefined) return fallback;
  const prefix = `${union.schemaPath}/${union.keyword}/`;
  const branchOf = (e: SchemaError) => e.schemaPath?.startsWith(prefix) ? e.schemaPath.slice(prefix.length).split('/')[0] : undefined;
  const inBranches = errors.filter((e) => branchOf(e) !== undefined && e.instancePath.startsWith(union.instancePath));
  const atPath = inBranches.filter((e) => e.instancePath === union.instancePath);
  const ranges = atPath.filter((e) => rangeKeywords.has(e.keyword));
  if (ranges.length > 0) return [...new Set(ranges.map((e) => e.message))].join('; ');
  const branches = new Set(inBranches.map(branchOf));
  const consts = atPath.filter((e) => e.keyword === 'const' && e.params !== undefined && 'allowedValue' in e.params);
  if (consts.length > 0 && new Set(consts.map(branchOf)).size === branches.size && consts.length === atPath.length) {
    return `must be one of ${consts.map((e) => JSON.stringify(e.params!.allowedValue)).join(', ')}`;
  }
  const types = atPath.filter((e) => e.keyword === 'type');
  if (types.length > 0 && new Set(types.map(branchOf)).size === branches.size) {
    return `must be ${[...new Set(types.flatMap((e) => typeNames(e.params?.type)))].join(' or ')}`;
  }
  return fallback;
}

/** Every schema problem of `value` (empty when it conforms), located by JSON Pointer. */
export function schemaIssues(compiled: ErrorSource, value: unknown): InputIssue[] {
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  const unionPaths = new Set<string>();
  const errors = [...compiled.Errors(value)];
  for (const e of errors) if (isUnion(e)) unionPaths.add(e.instancePath);
  for (const e of errors) {
    if (e.keyword === 'boolean' && e.message === 'schema is false') {
      const key = `${e.instancePath}|unknown`;
      if (!seen.has(key)) issues.push({ path: e.instancePath, message: 'unknown field' });
      seen.add(key);
      continue;
    }
    if (e.keyword === 'additionalProperties') continue; // reported per field above
    // A failed union reports each branch; keep only the union's own message.
    if (unionPaths.has(e.instancePath) && !isUnion(e)) continue;
    const key = `${e.instancePath}|${e.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const message = isUnion(e) ? unionMessage(errors, e) : e.message;
    issues.push({ path: e.instancePath || '/', message });
  }
  return issues;
}
