/**
 * Bad scenario input through `v2g replay` / `v2g compare`: always exit code 2 with a coded message naming
 * the field, never an "unexpected error" (a crash with a stack trace).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../adapters/cli/main.ts';
import { shippedJson } from './scenario-test-helpers.ts';

async function v2g(...args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const code = await main(['node', 'v2g', ...args], () => undefined, (l) => err.push(l));
  return { code, err: err.join('\n') };
}

const dir = mkdtempSync(path.join(tmpdir(), 'v2g-bad-scenario-'));

function scenarioFile(name: string, edit: (s: Record<string, any>) => void): string {
  const s = structuredClone(shippedJson('generated-demo')) as Record<string, any>;
  edit(s);
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(s));
  return file;
}

describe('scenario input errors on the command line', () => {
  it.each([
    ['a directory instead of a scenario file', () => ['replay', dir], /V2G_ERR_SCENARIO_NOT_FOUND[\s\S]*is a directory/],
    ['text that is not JSON', () => {
      const file = path.join(dir, 'broken.json');
      writeFileSync(file, '{ "name": ');
      return ['replay', file];
    }, /is not JSON \(V2G_ERR_SCENARIO_FORMAT/],
    ['a missing required field', () => ['replay', scenarioFile('no-zone', (s) => delete s.site.zone)], /V2G_ERR_SCENARIO_FORMAT[\s\S]*\/site: must have required properties zone/],
    ['a battery of -5 kWh', () => ['replay', scenarioFile('neg-battery', (s) => { s.assumptions.batteryCapacityKwh = { kind: 'fixed', value: -5 }; })], /V2G_ERR_SCENARIO_FORMAT[\s\S]*\/assumptions\/batteryCapacityKwh\/value/],
    ['an initial SoC up to 150 %', () => ['compare', scenarioFile('soc-150', (s) => { s.assumptions.initialSocPct = { kind: 'uniform', min: 50, max: 150 }; })], /V2G_ERR_SCENARIO_FORMAT[\s\S]*\/assumptions\/initialSocPct\/max/],
    ['an empty policy list', () => ['compare', 'generated-demo', '--policies', ' , '], /V2G_ERR_SCENARIO_POLICY[\s\S]*\/policies: " , " names no policy/],
  ])('refuses %s with exit code 2 and a coded message', async (_what, args, message) => {
    const r = await v2g(...args());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toContain('unexpected error');
  });
});
