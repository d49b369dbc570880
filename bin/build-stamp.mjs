// The compiled CLI's build stamp: which sources dist/cli was compiled from. `bin/build-cli.mjs` writes it after a
// build; `bin/v2g.mjs` compares it with the sources at every start (a content hash, ~10 ms) and runs dist/cli only
// when they match, so a stale build never runs. Plain JavaScript: it must load without any TypeScript loader.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (this file lives in bin/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Folders whose TypeScript the build compiles (everything main.ts and the worker import lives there; a test checks). */
export const sourceDirs = ['optimizer', 'grid', 'scenarios', 'adapters'];

/** npm packages bundled into dist/cli (every other package is imported from node_modules at run time). */
export const bundledPackages = ['typebox', '@fastify/type-provider-typebox'];

/** Files outside those folders whose content changes the output: the build itself and the bundled packages' versions. */
export const configFiles = ['tsconfig.json', 'bin/build-cli.mjs', ...bundledPackages.map((name) => `node_modules/${name}/package.json`)];

/** Where the build goes. */
export const distDirName = path.join('dist', 'cli');

/** The stamp file inside the compiled tree. */
export const stampFileName = 'build-stamp.json';

/** The compiled CLI entry (adapters/cli/main.ts), relative to dist/cli. */
export const compiledMain = 'main.js';

/** The compiled solver worker thread (optimizer/worker/solve-worker.ts), relative to dist/cli: `./worker/solve-worker.js`
 * from main.js and from every chunk beside it (optimizer/solver-pool.ts looks there). */
export const compiledWorker = 'worker/solve-worker.js';

/** Source files that the build compiles, relative to `root`, sorted (posix separators). */
export function sourceFiles(root = repoRoot) {
  const files = [];
  // A plain walk: readdirSync's own `recursive` option is ~20x slower, and this runs at every `v2g` start.
  const walk = (relative) => {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(child);
    }
  };
  for (const dir of sourceDirs) walk(dir);
  return files.sort();
}

/** SHA-256 over every source file's path and content and the build's config files: equal hashes, equal output. */
export function sourceHash(root = repoRoot) {
  const hash = createHash('sha256');
  for (const file of [...configFiles, ...sourceFiles(root)]) {
    hash.update(file).update('\0').update(readFileSync(path.join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

/** The stamp in `root`'s dist/cli, or undefined when there is none (never built, or a build in progress). */
export function readStamp(root = repoRoot) {
  try {
    return JSON.parse(readFileSync(path.join(root, distDirName, stampFileName), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Whether `root`'s dist/cli was compiled from exactly the current sources: `{ fresh, reason }`, the reason
 * saying why not (no build, or which hash differs).
 */
export function buildState(root = repoRoot) {
  const stamp = readStamp(root);
  if (!stamp || typeof stamp.sourceHash !== 'string') return { fresh: false, reason: `no build in ${distDirName} (run \`npm run build\`)` };
  const current = sourceHash(root);
  if (stamp.sourceHash !== current) {
    return { fresh: false, reason: `${distDirName} was built from other sources (built ${stamp.sourceHash.slice(0, 12)}, sources ${current.slice(0, 12)}; run \`npm run build\`)` };
  }
  return { fresh: true, reason: `${distDirName} matches the sources (${current.slice(0, 12)})` };
}
