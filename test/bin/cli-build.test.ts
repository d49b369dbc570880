/**
 * The compiled CLI (bin/build-cli.mjs -> dist/cli) and its launcher (bin/v2g.mjs): the build stamp tells exactly
 * when dist/cli was built from the current sources (any source edit, addition or removal makes it stale, an mtime
 * alone does not); the launcher runs dist/cli only then, and the sources otherwise. In CI the build made by
 * `npm ci` (the `prepare` script) must match the sources, and it must work: --version, --help without loading
 * a single service or solver package, and a solve on the compiled worker thread.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import * as stamp from '../../bin/build-stamp.mjs';
import { describeNeeding } from '../ci-env.ts';

const run = promisify(execFile);
const repo = stamp.repoRoot;
const version = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string }).version;

describe('the build stamp', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'v2g-stamp-'));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  for (const file of stamp.configFiles) write(file, `{"file": "${file}"}`);
  for (const dir of stamp.sourceDirs) write(`${dir}/nested/${dir}-module.ts`, `export const name = '${dir}';\n`);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists the TypeScript sources of every compiled folder, sorted, and nothing else', () => {
    write('optimizer/notes.md', '# not compiled');
    write('optimizer/types.d.ts', 'declare const x: number;');
    expect(stamp.sourceFiles(root)).toEqual(stamp.sourceDirs.map((d) => `${d}/nested/${d}-module.ts`).sort());
  });

  it('changes with any edit, addition or removal of a source, and with the build config; not with an mtime alone', () => {
    const before = stamp.sourceHash(root);
    const file = path.join(root, 'grid/nested/grid-module.ts');
    utimesSync(file, new Date(), new Date(Date.now() + 60_000));
    expect(stamp.sourceHash(root)).toBe(before);

    writeFileSync(file, "export const name = 'grid2';\n");
    const edited = stamp.sourceHash(root);
    expect(edited).not.toBe(before);
    writeFileSync(file, "export const name = 'grid';\n");
    expect(stamp.sourceHash(root)).toBe(before);

    write('adapters/added.ts', 'export {};\n');
    expect(stamp.sourceHash(root)).not.toBe(before);
    rmSync(path.join(root, 'adapters/added.ts'));
    expect(stamp.sourceHash(root)).toBe(before);

    for (const config of stamp.configFiles) {
      const text = readFileSync(path.join(root, config), 'utf8');
      writeFileSync(path.join(root, config), `${text} `);
      expect(stamp.sourceHash(root), config).not.toBe(before);
      writeFileSync(path.join(root, config), text);
    }
    expect(stamp.sourceHash(root)).toBe(before);
  });

  it('is fresh only when the stamp in dist/cli was written from the current sources', () => {
    expect(stamp.buildState(root)).toMatchObject({ fresh: false, reason: expect.stringMatching(/no build/) });
    write(path.join(stamp.distDirName, stamp.stampFileName), JSON.stringify({ sourceHash: stamp.sourceHash(root) }));
    expect(stamp.buildState(root).fresh).toBe(true);
    write('scenarios/nested/scenarios-module.ts', "export const name = 'edited';\n");
    expect(stamp.buildState(root)).toMatchObject({ fresh: false, reason: expect.stringMatching(/built from other sources/) });
  });

  it('covers every folder the CLI is compiled from (tsconfig includes no other runtime source folder)', () => {
    const tsconfig = JSON.parse(readFileSync(path.join(repo, 'tsconfig.json'), 'utf8')) as { include: string[] };
    const runtime = tsconfig.include.filter((d) => !['bench', 'test', 'vitest.config.ts'].includes(d));
    expect(runtime.sort()).toEqual([...stamp.sourceDirs].sort());
  });
});

const state = stamp.buildState();
describeNeeding('the compiled CLI in dist/cli (built by `npm ci` / `npm run build`)', state.fresh ? undefined : `a build of the current sources (${state.reason})`, () => {
  const v2g = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, ['bin/v2g.mjs', ...args], { cwd: repo, env: { ...process.env, V2G_LAUNCH_TRACE: '1', ...env } });

  it('runs from dist/cli and prints the version', async () => {
    const { stdout, stderr } = await v2g(['--version']);
    expect(stderr).toMatch(/^v2g: compiled: dist\/cli matches the sources/);
    expect(stdout.trim()).toBe(version);
  });

  it('prints the same help as the sources, without loading any service, solver or Redis package', async () => {
    const hook = `data:text/javascript,${encodeURIComponent(
      "import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(\"export async function resolve(s, c, n) { const r = await n(s, c); if (r.url.includes('/node_modules/')) process.stderr.write('LOADED ' + r.url + '\\\\n'); return r; }\"));",
    )}`;
    const compiled = await run(process.execPath, ['--import', hook, 'bin/v2g.mjs', '--help'], { cwd: repo });
    const loaded = compiled.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.replace(/^.*\/node_modules\//, ''));
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.every((file) => file.startsWith('commander/')), loaded.join('\n')).toBe(true);
    const fromSources = await v2g(['--help'], { V2G_FROM_SOURCES: '1' });
    expect(fromSources.stderr).toMatch(/^v2g: sources: V2G_FROM_SOURCES=1/);
    expect(compiled.stdout).toBe(fromSources.stdout);
    expect(compiled.stdout).toMatch(/Commands:[\s\S]*solve[\s\S]*start[\s\S]*sim-chargers/);
  });

  it('every worker entry the compiled chunks start (new URL("./worker/<name>.js")) is built beside them', () => {
    const dist = path.join(repo, stamp.distDirName);
    const named = new Set<string>();
    for (const file of readdirSync(dist).filter((f) => f.endsWith('.js'))) {
      for (const m of readFileSync(path.join(dist, file), 'utf8').matchAll(/new URL\("\.\/worker\/([\w-]+)\.js"/g)) named.add(m[1]!);
    }
    expect([...named].sort()).toEqual(expect.arrayContaining(['aggregate-worker', 'relaxation-worker', 'solve-worker']));
    for (const name of named) expect(existsSync(path.join(dist, 'worker', `${name}.js`)), name).toBe(true);
  });

  it('solves on the compiled solver worker thread', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'v2g-compiled-'));
    try {
      const problem = path.join(dir, 'depot.json');
      await v2g(['generate', '--vehicles', '5', '--slots', '24', '--out', problem]);
      const { stdout } = await v2g(['solve', problem, '--out', path.join(dir, 'plan.json')]);
      expect(stdout).toMatch(/status\s+(optimal|feasible)/);
      expect(stdout).toMatch(/solver\s+highs/);
      const plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as { status: string; vehicles: unknown[] };
      expect(plan.vehicles).toHaveLength(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
