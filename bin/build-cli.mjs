#!/usr/bin/env node
// `npm run build:cli`: bundles the CLI and the service (adapters/cli/main.ts) and the solver worker thread
// (optimizer/worker/solve-worker.ts) with esbuild into dist/cli, and writes the build stamp that bin/v2g.mjs checks
// at every start. Each command's modules stay in their own chunks (`await import(...)` in the sources), so
// `v2g --help` loads only the command definitions. npm packages stay in node_modules, except TypeBox: its ~1,000
// small ES modules cost more to resolve and link than to run, so they are bundled (with the fastify type provider
// that must share its instance). Types are not checked here (`npm test` type-checks).
//   --if-stale   build only when dist/cli does not match the sources (what `npm start` runs first)
//   --quiet      print nothing when there was nothing to do
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildState, bundledPackages, compiledMain, compiledWorker, distDirName, isVanishedError, repoRoot, sourceDigest, stampFileName } from './build-stamp.mjs';

const args = new Set(process.argv.slice(2));
const ifStale = args.has('--if-stale');
const quiet = args.has('--quiet');

if (ifStale) {
  const state = buildState();
  if (state.fresh) {
    if (!quiet) console.log(`build:cli: ${state.reason}; nothing to do`);
    process.exit(0);
  }
  console.log(`build:cli: ${state.reason}; building`);
}

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

const started = performance.now();
// Hash before compiling: a source edited during the build leaves a stamp that no longer matches (stale, not wrong).
// A source that vanishes while it is hashed (moved, deleted): read them again; if they keep moving, the stamp says
// "no hash" and the next start rebuilds (stale, never wrong).
let digest;
for (let attempt = 1; attempt <= 3 && digest === undefined; attempt++) {
  try {
    digest = sourceDigest();
  } catch (error) {
    if (!isVanishedError(error)) throw error;
    console.error(`build:cli: a source vanished while it was hashed (${error.code} ${error.path ?? ''})${attempt < 3 ? '; hashing again' : '; the stamp will say stale'}`);
  }
}
const hash = digest?.hash ?? null;
const dist = path.join(repoRoot, distDirName);
// Build beside the old tree, then swap: a v2g starting meanwhile finds no stamp and runs the sources instead.
const staging = `${dist}.building-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
mkdirSync(path.dirname(dist), { recursive: true });
// esbuild loads only when there is something to build (`--if-stale` answers in ~0.1 s when fresh).
const { build } = await import('esbuild');
try {
  await build({
    absWorkingDir: repoRoot,
    // Output paths: dist/cli/main.js, dist/cli/worker/solve-worker.js and the chunks beside main.js, so that the
    // solver pool's `new URL('./worker/solve-worker.js', import.meta.url)` finds the worker from any chunk.
    entryPoints: [
      { in: 'adapters/cli/main.ts', out: compiledMain.replace(/\.js$/, '') },
      { in: 'optimizer/worker/solve-worker.ts', out: compiledWorker.replace(/\.js$/, '') },
      // The decomposition's pricing threads (optimizer/decomposition/worker-pricer.ts looks beside the chunks).
      { in: 'optimizer/decomposition/pricing-worker.ts', out: 'worker/pricing-worker' },
      // aggregate-first's price step on a thread of its own (optimizer/portfolio/aggregate-thread.ts looks beside the chunks).
      { in: 'optimizer/portfolio/aggregate-worker.ts', out: 'worker/aggregate-worker' },
      // The decomposed price step's relaxation threads (optimizer/portfolio/relaxation-threads.ts looks beside the chunks).
      { in: 'optimizer/portfolio/relaxation-worker.ts', out: 'worker/relaxation-worker' },
    ],
    outdir: staging,
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [{
      name: 'node-modules-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (resolve) => {
          if (resolve.kind === 'entry-point' || resolve.path.startsWith('node:')) return undefined;
          return bundledPackages.includes(packageName(resolve.path)) ? undefined : { path: resolve.path, external: true };
        });
      },
    }],
  });
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  console.error(`build:cli: esbuild failed (${error.message.split('\n')[0]}); ${distDirName} left as it was`);
  process.exit(1);
}
const stamp = { sourceHash: hash, builtAt: new Date().toISOString(), node: process.version, takenAtMs: digest?.takenAtMs, files: digest?.files };
writeFileSync(path.join(staging, stampFileName), `${JSON.stringify(stamp, null, 2)}\n`);
const old = `${dist}.old-${process.pid}`;
if (existsSync(dist)) renameSync(dist, old);
renameSync(staging, dist);
rmSync(old, { recursive: true, force: true });
console.log(`build:cli: bundled to ${distDirName} in ${((performance.now() - started) / 1000).toFixed(1)} s (sources ${hash === null ? 'unknown: stale' : hash.slice(0, 12)})`);
