import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { problemJsonSchemaText } from '../../optimizer/problem-json-schema.ts';

const schemaFile = resolve(dirname(fileURLToPath(import.meta.url)), '../../optimizer/problem.schema.json');

describe('optimizer/problem.schema.json', () => {
  it('is current with optimizer/problem.ts (regenerate with `npm run schema:problem`)', () => {
    expect(readFileSync(schemaFile, 'utf8')).toBe(problemJsonSchemaText());
  });
});
