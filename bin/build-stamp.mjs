// The compiled CLI's build stamp: which sources dist/cli was compiled from. `bin/build-cli.mjs` writes it after a
// build; every `v2g` start (bin/v2g.mjs, bin/npm-start.mjs) compares it with the sources and runs dist/cli only when
// they match, so a stale build never runs. Plain JavaScript: it must load without any TypeScript loader.
//
// The check is exact on content and cheap when nothing changed: the stamp keeps every file's SHA-256 with the
// file's size, mtime, ctime and inode as they were when it was hashed. A file whose stat is unchanged keeps its
// recorded hash (a write always moves ctime, which no user-space call can set back); any other file is read and
// hashed again. A file changed within `racyMarginMs` before the stamp was taken is hashed at every check (a write
// in the same clock tick as the stat would not move the recorded times: git's "racily clean" entries). A file
// that vanishes while the sources are read (moved, deleted, an editor's atomic save) makes the sources "changed":
// stale, so `npm start` rebuilds and `v2g` runs the sources; never a crash.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
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

/** A file whose ctime is this close to (or after) the moment its stamp entry was taken is never trusted by its stat. */
export const racyMarginMs = 2000;

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

/** Whether a file system error means "this path is gone or was replaced meanwhile" (a source moved or deleted). */
export function isVanishedError(error) {
  return error !== null && typeof error === 'object' && ['ENOENT', 'ENOTDIR'].includes(error.code);
}

const sameStat = (a, b) => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;

/**
 * The sources as they are now: `{ hash, files, takenAtMs, hashedFiles }`. `hash` is a SHA-256 over every source
 * file's path and content hash and the build's config files (equal hashes, equal output); `files` maps each path
 * to `{ size, mtimeMs, ctimeMs, ino, sha256 }`. With `known` (a stamp), a file whose stat equals its entry there and
 * was not changed within racyMarginMs of `known.takenAtMs` is not read again; `hashedFiles` counts the files read.
 * Throws the file system's error (ENOENT, ENOTDIR: see isVanishedError) when a file vanishes while it runs;
 * `files` (the list to read, default every config and source file) is a parameter so that tests can simulate that.
 */
export function sourceDigest(root = repoRoot, known = undefined, files = undefined) {
  const takenAtMs = Date.now();
  const list = files ?? [...configFiles, ...sourceFiles(root)];
  const trusted = known && typeof known.takenAtMs === 'number' && known.files && typeof known.files === 'object' ? known : undefined;
  const entries = {};
  const whole = createHash('sha256');
  let hashedFiles = 0;
  for (const file of list) {
    const full = path.join(root, file);
    const st = statSync(full);
    const now = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
    const before = trusted?.files[file];
    let sha256;
    if (before && typeof before.sha256 === 'string' && sameStat(before, now) && now.ctimeMs < trusted.takenAtMs - racyMarginMs) {
      sha256 = before.sha256;
    } else {
      sha256 = createHash('sha256').update(readFileSync(full)).digest('hex');
      hashedFiles += 1;
    }
    entries[file] = { ...now, sha256 };
    whole.update(file).update('\0').update(sha256).update('\0');
  }
  return { hash: whole.digest('hex'), files: entries, takenAtMs, hashedFiles };
}

/** The content hash of the sources (sourceDigest's `hash`, every file read). */
export function sourceHash(root = repoRoot) {
  return sourceDigest(root).hash;
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
 * Whether `root`'s dist/cli was compiled from exactly the current sources: `{ fresh, reason, hashedFiles }`, the
 * reason saying why not (no build, a source vanished during the check, or which hash differs). `files`: see
 * sourceDigest (tests).
 */
export function buildState(root = repoRoot, files = undefined) {
  const stamp = readStamp(root);
  if (!stamp || typeof stamp.sourceHash !== 'string') return { fresh: false, reason: `no build in ${distDirName} (run \`npm run build\`)`, hashedFiles: 0 };
  let current;
  try {
    current = sourceDigest(root, stamp, files);
  } catch (error) {
    if (!isVanishedError(error)) throw error;
    return { fresh: false, reason: `the sources changed while they were read (${error.code} ${path.relative(root, error.path ?? '') || error.message}; run \`npm run build\`)`, hashedFiles: 0 };
  }
  if (stamp.sourceHash !== current.hash) {
    return { fresh: false, reason: `${distDirName} was built from other sources (built ${stamp.sourceHash.slice(0, 12)}, sources ${current.hash.slice(0, 12)}; run \`npm run build\`)`, hashedFiles: current.hashedFiles };
  }
  return { fresh: true, reason: `${distDirName} matches the sources (${current.hash.slice(0, 12)}; ${current.hashedFiles} file(s) read)`, hashedFiles: current.hashedFiles };
}
