/**
 * The layer rule of ARCHITECTURE.md: optimizer/ <- grid/ <- scenarios/ <- adapters/ ("<-" = "is imported
 * by"). Nothing imports upward, nothing imports bench/ or test/, and there are no cycles.
 * Checked by test/architecture/layers.test.ts (part of `npm test`).
 */
module.exports = {
  forbidden: [
    {
      name: 'optimizer-is-the-bottom-layer',
      comment: 'optimizer/ is pure math: it imports nothing from grid/, scenarios/ or adapters/',
      severity: 'error',
      from: { path: '^optimizer/' },
      to: { path: '^(grid|scenarios|adapters)/' },
    },
    {
      name: 'grid-imports-only-optimizer',
      severity: 'error',
      from: { path: '^grid/' },
      to: { path: '^(scenarios|adapters)/' },
    },
    {
      name: 'scenarios-do-not-import-adapters',
      severity: 'error',
      from: { path: '^scenarios/' },
      to: { path: '^adapters/' },
    },
    {
      name: 'no-imports-of-bench-or-test',
      severity: 'error',
      from: { path: '^(optimizer|grid|scenarios|adapters)/' },
      to: { path: '^(bench|test)/' },
    },
    {
      name: 'only-adapters-do-io',
      comment: 'files, sockets, processes and environment belong to adapters/ (worker threads are how the optimizer keeps solves off the event loop)',
      severity: 'error',
      from: { path: '^(optimizer|grid|scenarios)/' },
      to: { path: '^(fs|node:fs|fs/promises|node:fs/promises|net|node:net|http|node:http|https|node:https|child_process|node:child_process|dgram|node:dgram|tls|node:tls|http2|node:http2|dns|node:dns|readline|node:readline|undici|ioredis|bullmq|fastify|ocpp-rpc|ws)$', pathNot: '^$' },
    },
    {
      name: 'service-does-not-import-http',
      comment: 'adapters/http calls adapters/service; the reverse would make the two folders a cycle. What wires both (the composition root) lives in adapters/composition/',
      severity: 'error',
      from: { path: '^adapters/service/' },
      to: { path: '^adapters/(http|composition)/' },
    },
    {
      name: 'http-does-not-import-dashboard',
      comment: 'adapters/dashboard builds on adapters/http (route helpers, views, wire times); the reverse would make the two folders a cycle. The composition root registers the dashboard routes on the HTTP app (HttpAppOptions.moreRoutes)',
      severity: 'error',
      from: { path: '^adapters/http/' },
      to: { path: '^adapters/dashboard/' },
    },
    {
      name: 'service-does-not-import-dashboard',
      comment: 'the change feed the service announces writes on lives in adapters/change-feed/ (the dashboard is one reader of it); adapters/dashboard reads the service context, so the reverse would be a folder cycle',
      severity: 'error',
      from: { path: '^adapters/(service|change-feed)/' },
      to: { path: '^adapters/dashboard/' },
    },
    {
      name: 'only-entry-points-import-the-composition-root',
      comment: 'adapters/composition/ wires every adapter; only the CLI (and tests) may import it, else a wired folder would depend on its wiring',
      severity: 'error',
      from: { path: '^adapters/', pathNot: '^adapters/(cli|composition)/' },
      to: { path: '^adapters/composition/' },
    },
    {
      name: 'store-does-not-import-ocpp',
      comment: 'the store runs no OCPP code (hashing of charger credentials is shared from adapters/credentials/); it may name the types of the OCPP records it keeps (a delivery report)',
      severity: 'error',
      from: { path: '^adapters/store/' },
      to: { path: '^adapters/ocpp/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js'] },
  },
};
