// Runs the `v2g` command line in this process: the compiled CLI (dist/cli) when `state` says it matches the
// sources, else the TypeScript sources through tsx's loader (slower to start, never stale; a terminal is told why).
// V2G_FROM_SOURCES=1 runs the sources always; V2G_LAUNCH_TRACE=1 says on standard error which one runs and why.
// Used by bin/v2g.mjs (the `v2g` command) and bin/npm-start.mjs (`npm start`).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildState, compiledMain, distDirName, repoRoot } from './build-stamp.mjs';

/** Runs `argv` (process.argv form: node, script, args...) and sets process.exitCode to the command's exit code. */
export async function launch(argv, state = undefined) {
  const fromSources = process.env.V2G_FROM_SOURCES === '1';
  const chosen = fromSources ? { fresh: false, reason: 'V2G_FROM_SOURCES=1' } : (state ?? buildState());
  if (process.env.V2G_LAUNCH_TRACE === '1') {
    process.stderr.write(`v2g: ${chosen.fresh ? 'compiled' : 'sources'}: ${chosen.reason}\n`);
  } else if (!chosen.fresh && process.stderr.isTTY && !fromSources) {
    process.stderr.write(`v2g: running the TypeScript sources (slower start): ${chosen.reason}\n`);
  }
  let main;
  if (chosen.fresh) {
    ({ main } = await import(pathToFileURL(path.join(repoRoot, distDirName, compiledMain)).href));
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    ({ main } = await import('../adapters/cli/main.ts'));
  }
  process.exitCode = await main(argv);
}
