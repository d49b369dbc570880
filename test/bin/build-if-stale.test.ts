/**
 * bin/build-if-stale.mjs, what `npm start` runs first: one process checks both build stamps (dist/cli and
 * dist/dashboard) and, once both are built from the current sources, builds nothing and says so per build.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildState, repoRoot } from '../../bin/build-stamp.mjs';
import { dashboardBuildState } from '../../bin/dashboard-stamp.mjs';

const run = promisify(execFile);
const script = path.join(repoRoot, 'bin', 'build-if-stale.mjs');

describe('build-if-stale', () => {
  it('leaves both builds matching the sources, and then reports both up to date without building', async () => {
    await run(process.execPath, [script, '--quiet'], { cwd: repoRoot });
    expect(buildState().fresh).toBe(true);
    expect(dashboardBuildState().fresh).toBe(true);
    const again = await run(process.execPath, [script], { cwd: repoRoot });
    expect(again.stdout.trim().split('\n')).toEqual(['build:cli: up to date; nothing to do', 'build:dashboard: up to date; nothing to do']);
    const quiet = await run(process.execPath, [script, '--quiet'], { cwd: repoRoot });
    expect(quiet.stdout).toBe('');
  }, 180_000);
});
