/**
 * `npm ci` (what CI runs) refuses a lock file that lacks an entry for any dependency, optional
 * platform packages included. The registry this project installs from lacks some of them (e.g.
 * msgpackr-extract's darwin and win32 builds), and `npm install` then silently leaves them out of the
 * lock: CI fails before a single test. This test fails first, naming what is missing; the fix is a
 * lock entry with `version`, `os`, `cpu` and `optional: true` (npm ci skips it on other platforms).
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockPackage {
  version?: string;
  dev?: boolean;
  os?: string[];
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockPackage> };

/** Where npm's resolution would find `name` from the package at `path` (nearest node_modules up the tree). */
function resolves(path: string, name: string): boolean {
  let base = path;
  for (;;) {
    if (lock.packages[`${base ? `${base}/` : ''}node_modules/${name}`]) return true;
    if (base === '') return false;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

describe('package-lock.json', () => {
  it('is lockfile version 3 and lists the root package', () => {
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages['']).toBeDefined();
  });

  it('has an entry for every dependency and optional dependency of every package (npm ci needs them all)', () => {
    const missing: string[] = [];
    for (const [path, pkg] of Object.entries(lock.packages)) {
      for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
        if (!resolves(path, name)) missing.push(`${path || '(root)'} -> ${name}`);
      }
    }
    expect(missing, 'add lock entries for these (see this file)').toEqual([]);
  });

  // npm ci warns (EBADENGINE) for every installed package whose engines exclude the running Node. The README
  // promises Node 20: the service's packages must accept any Node 20, the test tools Node 20.19 (vitest 4,
  // eslint 10). Packages for other operating systems are never installed here and are left out.
  const onLinux = (pkg: LockPackage) => pkg.os === undefined || pkg.os.includes('linux');
  const refusing = (minimum: string, include: (pkg: LockPackage) => boolean) =>
    Object.entries(lock.packages)
      .filter(([path, pkg]) => path !== '' && onLinux(pkg) && include(pkg) && pkg.engines?.node !== undefined)
      .filter(([, pkg]) => !semver.satisfies(minimum, pkg.engines!.node!))
      .map(([path, pkg]) => `${path}@${pkg.version}: node ${pkg.engines!.node}`);

  it('installs no package that refuses Node 20.19 (npm ci warns of none), and no runtime package that refuses Node 20.0', () => {
    expect(refusing('20.19.0', () => true), 'pin or override a version that supports Node 20 (package.json overrides)').toEqual([]);
    expect(refusing('20.0.0', (pkg) => pkg.dev !== true)).toEqual([]);
  });
});
