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

/** The part of a compiled TypeBox validator used here. */
export interface ErrorSource {
  Errors(value: unknown): Iterable<{ readonly keyword: string; readonly instancePath: string; readonly message: string }>;
}

/** Every schema problem of `value` (empty when it conforms), located by JSON Pointer. */
export function schemaIssues(compiled: ErrorSource, value: unknown): InputIssue[] {
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  const unionPaths = new Set<string>();
  const errors = [...compiled.Errors(value)];
  for (const e of errors) if (e.keyword === 'anyOf' || e.keyword === 'oneOf') unionPaths.add(e.instancePath);
  for (const e of errors) {
    if (e.keyword === 'boolean' && e.message === 'schema is false') {
      const key = `${e.instancePath}|unknown`;
      if (!seen.has(key)) issues.push({ path: e.instancePath, message: 'unknown field' });
      seen.add(key);
      continue;
    }
    if (e.keyword === 'additionalProperties') continue; // reported per field above
    // A failed union reports each branch; keep only the union's own message.
    if (unionPaths.has(e.instancePath) && e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    const key = `${e.instancePath}|${e.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const message = e.keyword === 'anyOf' || e.keyword === 'oneOf' ? 'does not match any allowed form' : e.message;
    issues.push({ path: e.instancePath || '/', message });
  }
  return issues;
}
