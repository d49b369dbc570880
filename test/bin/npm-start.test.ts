/**
 * bin/npm-start.mjs (`npm start`): one process that builds whatever is stale and then runs `v2g start` from the
 * build, so an edited source is compiled before the service starts (never stale) and an unchanged tree builds
 * nothing. Runs in a copy of the project (sources, bin/, dist/, node_modules linked) so that the edit touches no
 * file of the checkout; `v2g start --help` shows which build ran without starting the service.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import * as stamp from '../../bin/build-stamp.mjs';
import { describeNeeding } from '../ci-env.ts';

const run = promisify(execFile);
const repo = stamp.repoRoot;
const state = stamp.buildState();

describeNeeding('npm start (bin/npm-start.mjs)', state.fresh ? undefined : `a build of the current sources (${state.reason})`, () => {
  const copy = mkdtempSync(path.join(tmpdir(), 'v2g-npm-start-'));
  for (const entry of [...stamp.sourceDirs, 'bin', 'dist', 'tsconfig.json', 'package.json']) {
    cpSync(path.join(repo, entry), path.join(copy, entry), { recursive: true });
  }
  symlinkSync(path.join(repo, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  afterAll(() => rmSync(copy, { recursive: true, force: true }));
  const npmStart = (args: string[]) =>
    run(process.execPath, ['bin/npm-start.mjs', ...args], { cwd: copy, env: { ...process.env, V2G_LAUNCH_TRACE: '1', V2G_FROM_SOURCES: '' } });

  it('runs the existing build when it matches the sources, building nothing', async () => {
    const { stdout, stderr } = await npmStart(['--help']);
    expect(stderr).toMatch(/^v2g: compiled: dist\/cli matches the sources/);
    expect(stdout).toMatch(/^Usage: v2g start/);
    expect(stdout).not.toMatch(/build:/);
  }, 120_000);

  it('rebuilds dist/cli after a source edit and runs the new build', async () => {
    const file = path.join(copy, 'adapters/cli/start-command.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("'run the service: ", "'run the edited service: "));
    expect(stamp.buildState(copy).fresh).toBe(false);
    const { stdout, stderr } = await npmStart(['--help']);
    expect(stdout).toMatch(/build:cli: dist\/cli was built from other sources .*; building/);
    expect(stdout).toMatch(/run the edited service: /);
    expect(stderr).toMatch(/^v2g: compiled: dist\/cli matches the sources/m);
    expect(stamp.buildState(copy).fresh).toBe(true);
  }, 300_000);
});
