/** The published JSON Schema of a `Problem` (the file format of `v2g solve`), generated from the TypeBox schema. */
import { ProblemSchema } from './problem.ts';

export function problemJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'V2G optimisation problem',
    description:
      'One site over a horizon of slots: prices, limits, base load and PV per slot, and the vehicles with their stays, batteries and targets. Generated from optimizer/problem.ts by `npm run schema:problem`; do not edit by hand.',
    ...JSON.parse(JSON.stringify(ProblemSchema)),
  };
}

/** The schema file's exact text (two-space JSON and a final newline). */
export function problemJsonSchemaText(): string {
  return `${JSON.stringify(problemJsonSchema(), null, 2)}\n`;
}
