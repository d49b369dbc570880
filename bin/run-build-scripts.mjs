#!/usr/bin/env node
// `npm run build`: runs every `build:*` script of package.json, in the order written (build:cli compiles the
// CLI and the service to dist/cli; each front end or other artefact adds its own `build:<name>`). Stops at the
// first that fails, with its exit code.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './build-stamp.mjs';

const { scripts = {} } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const names = Object.keys(scripts).filter((name) => name.startsWith('build:'));
// Under npm, npm_execpath is npm's own CLI script: run it with this node rather than whichever `npm` is on PATH.
const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
for (const name of names) {
  const result = spawnSync(npm[0], [...npm[1], 'run', '--silent', name], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${name} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}
