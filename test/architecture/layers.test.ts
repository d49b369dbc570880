/**
 * The layer rule (ARCHITECTURE.md): optimizer/ <- grid/ <- scenarios/ <- adapters/, no I/O below
 * adapters/, no cycles. dependency-cruiser enforces it with .dependency-cruiser.cjs; a fixture proves the
 * rules bite.
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const depcruise = resolve(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

function cruise(cwd: string, paths: string[]): Violation[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [depcruise, '--config', resolve(root, '.dependency-cruiser.cjs'), '--output-type', 'json', ...paths], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    // depcruise exits non-zero when it finds violations; its JSON is still on stdout.
    out = (error as { stdout: string }).stdout;
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('layers', () => {
  it('no module imports a higher layer, does I/O below adapters/, or sits in a cycle', () => {
    const violations = cruise(root, ['optimizer', 'grid', 'scenarios', 'adapters']);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  it('the rules refuse an upward import and file I/O in grid/ (fixture)', () => {
    const violations = cruise(resolve(root, 'test/architecture/fixture'), ['optimizer', 'grid']);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort()).toEqual([
      'only-adapters-do-io: grid/io.ts -> fs',
      'optimizer-is-the-bottom-layer: optimizer/upward.ts -> grid/io.ts',
    ]);
  });
});
