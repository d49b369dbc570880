// Both builds made from the current sources, in this process: dist/cli (bin/build-stamp.mjs) and dist/dashboard
// (bin/dashboard-stamp.mjs). The checks run here (a few ms when nothing changed); only a stale build starts its
// build script (`bin/build-cli.mjs --if-stale`, `bin/build-dashboard.mjs --if-stale`: they check again, since a
// concurrent start may have built meanwhile, and say why they build). What `npm start` (bin/npm-start.mjs) and
// `bin/build-if-stale.mjs` run.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildState, repoRoot } from './build-stamp.mjs';
import { dashboardBuildState } from './dashboard-stamp.mjs';

/**
 * Builds whatever is stale. Returns `{ ok, cli }`: `ok` false (with `exitCode`) when a build failed, `cli` the
 * state of dist/cli afterwards (bin/launch.mjs runs it when fresh). `quiet`: print nothing for an up-to-date build.
 */
export function ensureBuilds({ quiet = false } = {}) {
  let cli = buildState();
  const builds = [
    { name: 'build:cli', script: 'build-cli.mjs', fresh: () => cli.fresh, after: () => (cli = buildState()) },
    { name: 'build:dashboard', script: 'build-dashboard.mjs', fresh: () => dashboardBuildState().fresh, after: () => undefined },
  ];
  for (const { name, script, fresh, after } of builds) {
    if (fresh()) {
      if (!quiet) console.log(`${name}: up to date; nothing to do`);
      continue;
    }
    const result = spawnSync(process.execPath, [path.join(repoRoot, 'bin', script), '--if-stale'], { cwd: repoRoot, stdio: 'inherit' });
    if (result.status !== 0) return { ok: false, exitCode: result.status || 1, cli };
    after();
  }
  return { ok: true, cli };
}
