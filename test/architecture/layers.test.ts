/**
 * The layer rule (ARCHITECTURE.md): optimizer/ <- grid/ <- scenarios/ <- adapters/, no I/O below
 * adapters/, no cycles. dependency-cruiser enforces it with .dependency-cruiser.cjs; a fixture proves the
 * rules bite.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const depcruise = resolve(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

function cruise(cwd: string, paths: string[]): Violation[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [depcruise, '--config', resolve(root, '.dependency-cruiser.cjs'), '--output-type', 'json', ...paths], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    // depcruise exits non-zero when it finds violations; its JSON is still on stdout.
    out = (error as { stdout: string }).stdout;
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
}

/**
 * I/O through globals, which no import shows: the network (`fetch`, WebSocket, XMLHttpRequest), the
 * environment and the standard streams. Only adapters/ may use them.
 */
const globalIo = /\bfetch\s*\(|\bprocess\.(env|stdout|stderr|stdin|argv|exit)\b|\bnew\s+WebSocket\s*\(|\bXMLHttpRequest\b/;

/** `file:line: text` of every line of a TypeScript source that uses I/O through a global. */
function globalIoUses(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => (globalIo.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourcesUnder(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

describe('layers', () => {
  it('no module imports a higher layer, does I/O below adapters/, or sits in a cycle', () => {
    const violations = cruise(root, ['optimizer', 'grid', 'scenarios', 'adapters']);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  it('the rules refuse an upward import, file I/O in grid/, a service->http, an http->dashboard and a service->dashboard folder cycle, a wired folder importing the composition root, and the store importing ocpp/ (fixture)', () => {
    const violations = cruise(resolve(root, 'test/architecture/fixture'), ['optimizer', 'grid', 'adapters']);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort()).toEqual([
      // adapters/dashboard/routes.ts imports adapters/http/routes.ts (allowed): the reverse closes a folder cycle.
      'http-does-not-import-dashboard: adapters/http/app.ts -> adapters/dashboard/routes.ts',
      'only-adapters-do-io: grid/io.ts -> fs',
      'only-entry-points-import-the-composition-root: adapters/ocpp/boot.ts -> adapters/composition/root.ts',
      'optimizer-is-the-bottom-layer: optimizer/upward.ts -> grid/io.ts',
      // adapters/http/routes.ts imports adapters/service/helper.ts: with this, the two folders form a cycle that no file cycle shows.
      'service-does-not-import-dashboard: adapters/change-feed/feed.ts -> adapters/dashboard/change-feed.ts',
      'service-does-not-import-dashboard: adapters/service/backend.ts -> adapters/dashboard/change-feed.ts',
      'service-does-not-import-http: adapters/service/wiring.ts -> adapters/http/routes.ts',
      'store-does-not-import-ocpp: adapters/store/credentials.ts -> adapters/ocpp/password-hash.ts',
    ]);
  });

  it('no module below adapters/ does I/O through a global (fetch, process.env, the standard streams)', () => {
    const uses = ['optimizer', 'grid', 'scenarios'].flatMap((layer) =>
      sourcesUnder(resolve(root, layer)).flatMap((file) => globalIoUses(relative(root, file), readFileSync(file, 'utf8'))),
    );
    expect(uses).toEqual([]);
  });

  it('the global-I/O rule bites (fixture lines)', () => {
    const text = ['const a = await fetch(url);', 'const port = process.env.PORT;', 'process.stdout.write(x);', 'const ok = prefetch;'].join('\n');
    expect(globalIoUses('grid/x.ts', text)).toEqual([
      'grid/x.ts:1: const a = await fetch(url);',
      'grid/x.ts:2: const port = process.env.PORT;',
      'grid/x.ts:3: process.stdout.write(x);',
    ]);
  });
});
