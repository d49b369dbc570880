#!/usr/bin/env node
// The `v2g` command. Runs the compiled CLI (dist/cli, built by `npm ci` / `npm run build`) when its build stamp
// matches the sources; otherwise (never built, or a source changed since) it runs the TypeScript sources through
// tsx's loader: slower to start, never stale (a terminal is told why). V2G_FROM_SOURCES=1 runs the sources
// always; V2G_LAUNCH_TRACE=1 says on standard error which one runs and why.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildState, compiledMain, distDirName, repoRoot } from './build-stamp.mjs';

const state = process.env.V2G_FROM_SOURCES === '1' ? { fresh: false, reason: 'V2G_FROM_SOURCES=1' } : buildState();
if (process.env.V2G_LAUNCH_TRACE === '1') {
  process.stderr.write(`v2g: ${state.fresh ? 'compiled' : 'sources'}: ${state.reason}\n`);
} else if (!state.fresh && process.stderr.isTTY && process.env.V2G_FROM_SOURCES !== '1') {
  process.stderr.write(`v2g: running the TypeScript sources (slower start): ${state.reason}\n`);
}
let main;
if (state.fresh) {
  ({ main } = await import(pathToFileURL(path.join(repoRoot, distDirName, compiledMain)).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../adapters/cli/main.ts'));
}
process.exitCode = await main(process.argv);
