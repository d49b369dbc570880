// The web dashboard's build stamp: which front-end sources dist/dashboard was bundled from. `bin/build-dashboard.mjs`
// writes it after a build; `bin/build-if-stale.mjs` (what `npm start` runs first) compares it with the sources.
// Plain JavaScript: it must load without any TypeScript loader.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './build-stamp.mjs';

/** The front end's sources (Preact + uPlot). */
export const dashboardWebDir = path.join(repoRoot, 'adapters', 'dashboard', 'web');

/** Where the bundle goes. */
export const dashboardDist = path.join(repoRoot, 'dist', 'dashboard');

/** The stamp file inside dist/dashboard. */
export const dashboardStampFile = 'build-stamp.json';

/** Hash of every front-end source file, the versions of the packages bundled into it and the build script itself. */
export function dashboardSourceHash() {
  const hash = createHash('sha256');
  const files = readdirSync(dashboardWebDir).filter((f) => /\.(tsx?|css|html|json)$/.test(f)).sort();
  for (const f of files) hash.update(f).update('\0').update(readFileSync(path.join(dashboardWebDir, f))).update('\0');
  for (const pkg of ['preact', 'uplot', 'esbuild']) {
    const file = path.join(repoRoot, 'node_modules', pkg, 'package.json');
    hash.update(pkg).update(existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : 'missing');
  }
  hash.update(readFileSync(path.join(repoRoot, 'bin', 'build-dashboard.mjs')));
  return hash.digest('hex');
}

/** Whether dist/dashboard was bundled from exactly the current sources: `{ fresh, hash }` (hash: the sources' now). */
export function dashboardBuildState() {
  const hash = dashboardSourceHash();
  try {
    const stamp = JSON.parse(readFileSync(path.join(dashboardDist, dashboardStampFile), 'utf8'));
    return { fresh: stamp.sourceHash === hash && existsSync(path.join(dashboardDist, 'index.html')), hash };
  } catch {
    return { fresh: false, hash }; // no stamp: never built, or a build in progress
  }
}
