import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirectory, loadScenarioFiles } from '../../adapters/cli/scenario-files.ts';
import { realScenarioMissingLocally } from './scenario-test-helpers.ts';

describe('data file provenance', () => {
  it.skipIf(realScenarioMissingLocally('caltech-week'))('records the SHA-256 and size of every data file read', async () => {
    const dir = dataDirectory();
    const loaded = await loadScenarioFiles('caltech-week', dir);
    expect(loaded.dataFileRecords.map((r) => r.path)).toEqual(loaded.dataFiles);
    for (const r of loaded.dataFileRecords) {
      const bytes = readFileSync(path.join(dir, r.path));
      expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(r.bytes).toBe(bytes.length);
    }
  });
});
