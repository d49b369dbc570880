/**
 * The project's root folder (the one holding package.json), found from a module's own URL. Code that reads a
 * file shipped with the project (scenarios/shipped, package.json) starts from here, never from a path
 * relative to its own file: the same module runs from the sources (adapters/cli/x.ts) and from the compiled
 * tree (dist/cli/adapters/cli/x.js), at different depths.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `moduleUrl`'s folder that holds a package.json. */
export function packageRootOf(moduleUrl: string): string {
  const start = path.dirname(fileURLToPath(moduleUrl));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

/** This project's root folder. */
export const packageRoot: string = packageRootOf(import.meta.url);

/** The `version` in this project's package.json. */
export function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : '0.0.0';
}
