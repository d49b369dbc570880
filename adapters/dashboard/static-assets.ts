/**
 * The dashboard's front end, served by the service itself: `/` is the page, `/dashboard/<file>` its script,
 * styles and fonts, all from dist/dashboard (built by `npm run build:dashboard`, which `npm ci` runs through
 * `prepare` and `npm start` runs when the front end's sources changed). Nothing comes from a CDN: the page
 * works offline. The files are read once, at the first request, and kept in memory; the script and styles are
 * named by content hash in index.html, so they may be cached for a year and the page never.
 *
 * `/` checks index.html's modification time, so a rebuild while the service runs is served at the next page load.
 *
 * A service whose front end was never built answers `/` with 503 and a page saying how to build it
 * (never a silent blank page).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { packageRoot } from '../package-root.ts';

/** Where the built front end lives. */
export const dashboardDistDir = path.join(packageRoot, 'dist', 'dashboard');

const types: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/** index.html's modification time (ms), or undefined when there is none. */
function builtAtMs(dir: string): number | undefined {
  try {
    return statSync(path.join(dir, 'index.html')).mtimeMs;
  } catch {
    return undefined;
  }
}

function load(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = types[path.extname(name)];
    if (type) assets.set(name, { body: readFileSync(path.join(dir, name)), type });
  }
  return assets;
}

const notBuilt = `<!doctype html><html lang="en"><meta charset="utf-8"><title>v2g dashboard not built</title>
<body style="font-family:system-ui;margin:2rem;max-width:40rem"><h1>The dashboard is not built</h1>
<p>This service has no built front end in <code>dist/dashboard</code>. Build it with <code>npm run build:dashboard</code>
(<code>npm ci</code> and <code>npm start</code> do it too) and reload. The API works meanwhile: <a href="/docs">/docs</a>.</p></body></html>`;

export function registerStaticAssets(app: FastifyInstance, dir: string = dashboardDistDir): void {
  let assets: Map<string, Asset> | undefined;
  let loadedMs: number | undefined;
  const refresh = () => {
    const mtime = builtAtMs(dir);
    if (mtime !== loadedMs) {
      assets = mtime === undefined ? undefined : load(dir);
      loadedMs = mtime;
    }
  };
  const get = () => {
    if (assets === undefined) refresh();
    return assets;
  };
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    refresh();
    const index = assets?.get('index.html');
    reply.header('content-security-policy', csp).header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache');
    if (!index) return reply.code(503).type('text/html; charset=utf-8').send(notBuilt);
    return reply.type(index.type).send(index.body);
  });
  app.get<{ Params: { file: string } }>('/dashboard/:file', { schema: { hide: true } }, async (request, reply) => {
    const asset = get()?.get(request.params.file);
    if (!asset || request.params.file === 'index.html') return reply.code(404).type('text/plain; charset=utf-8').send(`no dashboard file ${request.params.file}`);
    const hashed = /-[A-Z0-9]{8}\.(js|css)$/.test(request.params.file);
    reply.header('x-content-type-options', 'nosniff').header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.type(asset.type).send(asset.body);
  });
}
