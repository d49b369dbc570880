/**
 * Test helpers for grid/: fixtures under test/fixtures/grid and the real data in the shared data directory
 * (V2G_DATA_DIR, default <repo>/../shared/data). Real data is never copied into the project.
 *
 * When a real file is missing, tests that need it are skipped locally (with a message) but FAIL in CI
 * (CI set, see test/ci-env.ts): `realDataMissingLocally` is then false and `readRealData` throws.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inCi } from '../ci-env.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const dataDir = process.env.V2G_DATA_DIR ?? path.resolve(repo, '../shared/data');

/** Text of a fixture in test/fixtures/grid. */
export function fixture(name: string): string {
  return readFileSync(path.join(repo, 'test/fixtures/grid', name), 'utf8');
}

/** True when the file is absent and we are not in CI: the caller skips the test. */
export function realDataMissingLocally(name: string): boolean {
  const missing = !existsSync(path.join(dataDir, name));
  if (missing && !inCi) {
    console.warn(`[grid tests] skipping tests that need ${name}: not found in ${dataDir} (set V2G_DATA_DIR)`);
  }
  return missing && !inCi;
}

/** Text of a real data file; throws a clear error when it is missing (so CI fails). */
export function readRealData(name: string): string {
  const file = path.join(dataDir, name);
  if (!existsSync(file)) throw new Error(`real data file ${file} is missing (CI=${process.env.CI ?? 'unset'}); set V2G_DATA_DIR`);
  return readFileSync(file, 'utf8');
}
