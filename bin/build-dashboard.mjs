#!/usr/bin/env node
// `npm run build:dashboard`: bundles the web dashboard (adapters/dashboard/web: Preact + uPlot) with esbuild into
// dist/dashboard: app-<hash>.js, app-<hash>.css and index.html naming them, plus a build stamp (hash of the front
// end's sources and the bundled packages' versions). The service serves that folder at / (static-assets.ts).
//   --if-stale   build only when dist/dashboard does not match the sources (what `npm start` and the tests run)
//   --quiet      print nothing when there was nothing to do
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './build-stamp.mjs';

const args = new Set(process.argv.slice(2));
const webDir = path.join(repoRoot, 'adapters', 'dashboard', 'web');
const dist = path.join(repoRoot, 'dist', 'dashboard');
const stampFile = 'build-stamp.json';

/** Hash of every front-end source file and the versions of the packages bundled into it. */
function sourceHash() {
  const hash = createHash('sha256');
  const files = readdirSync(webDir).filter((f) => /\.(tsx?|css|html|json)$/.test(f)).sort();
  for (const f of files) hash.update(f).update('\0').update(readFileSync(path.join(webDir, f))).update('\0');
  for (const pkg of ['preact', 'uplot', 'esbuild']) {
    const file = path.join(repoRoot, 'node_modules', pkg, 'package.json');
    hash.update(pkg).update(existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : 'missing');
  }
  hash.update(readFileSync(new URL(import.meta.url)));
  return hash.digest('hex');
}

const hash = sourceHash();
if (args.has('--if-stale')) {
  try {
    const stamp = JSON.parse(readFileSync(path.join(dist, stampFile), 'utf8'));
    if (stamp.sourceHash === hash && existsSync(path.join(dist, 'index.html'))) {
      if (!args.has('--quiet')) console.log('build:dashboard: up to date; nothing to do');
      process.exit(0);
    }
  } catch {
    // no stamp: build
  }
}

const started = performance.now();
const staging = `${dist}.building-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
const { build } = await import('esbuild');
let result;
try {
  result = await build({
    absWorkingDir: repoRoot,
    entryPoints: { app: path.join(webDir, 'main.tsx') },
    outdir: staging,
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    tsconfig: path.join(webDir, 'tsconfig.json'),
  });
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  console.error(`build:dashboard: esbuild failed (${error.message.split('\n')[0]}); dist/dashboard left as it was`);
  process.exit(1);
}
// The browser imports server view types with `import type` (erased); server code itself must never be bundled.
const serverInputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/') && !path.resolve(repoRoot, f).startsWith(webDir + path.sep));
if (serverInputs.length > 0) {
  rmSync(staging, { recursive: true, force: true });
  console.error(`build:dashboard: the bundle would hold code from outside adapters/dashboard/web (${serverInputs.join(', ')}); import server views with \`import type\` only`);
  process.exit(1);
}
const outputs = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
const js = outputs.find((f) => /^app-.*\.js$/.test(f));
const css = outputs.find((f) => /^app-.*\.css$/.test(f));
if (!js || !css) {
  rmSync(staging, { recursive: true, force: true });
  console.error(`build:dashboard: esbuild wrote no app script or stylesheet (${outputs.join(', ')})`);
  process.exit(1);
}
const html = readFileSync(path.join(webDir, 'index.html'), 'utf8').replace('%JS%', js).replace('%CSS%', css);
writeFileSync(path.join(staging, 'index.html'), html);
writeFileSync(path.join(staging, stampFile), `${JSON.stringify({ sourceHash: hash, builtAt: new Date().toISOString(), js, css }, null, 2)}\n`);
const old = `${dist}.old-${process.pid}`;
if (existsSync(dist)) renameSync(dist, old);
renameSync(staging, dist);
rmSync(old, { recursive: true, force: true });
const kib = (f) => (readFileSync(path.join(dist, f)).length / 1024).toFixed(0);
console.log(`build:dashboard: ${js} (${kib(js)} KiB), ${css} (${kib(css)} KiB) in dist/dashboard in ${((performance.now() - started) / 1000).toFixed(1)} s`);
