/**
 * `v2g start` as a newcomer runs it (`npm start`): a real process on a free port, the demo plan readable
 * with the printed token, graceful shutdown on SIGTERM; and the boot refusals (demo with Redis, a role
 * without Redis, Redis unreachable, bad config).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../adapters/config.ts';
import { bootBanner } from '../../../adapters/cli/service-banner.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function start(env: Record<string, string>, command = 'start'): { child: ChildProcessWithoutNullStreams; out: () => string; err: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['bin/v2g.mjs', command], { cwd: repo, env: { ...process.env, REDIS_URL: '', LOG_LEVEL: 'warn', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

async function waitForAsync(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('v2g start', () => {
  it('boots embedded with the demo site, serves its plan with the printed token, and shuts down gracefully', async () => {
    const p = start({ PORT: '0', OCPP_PORT: '0' });
    try {
      await waitFor(() => /try: {2}export TOKEN=/.test(p.out()), 60_000);
      const base = /listening on (http:\/\/[^ ]+)/.exec(p.out())![1]!;
      const token = /export TOKEN=(demo-[0-9a-f]+)/.exec(p.out())![1]!;
      expect(p.out()).toMatch(/DEMO MODE \(embedded only/);
      // The banner comes once the service listens and has started: ready (the solver threads warm up meanwhile).
      await waitForAsync(async () => (await fetch(`${base}/health/ready`)).status === 200, 300_000);
      // The demo site's first plan is queued at boot and solved once a solver thread has loaded HiGHS.
      let plan = await fetch(`${base}/v1/sites/demo-depot/plan`, { headers: { authorization: `Bearer ${token}` } });
      await waitForAsync(async () => {
        plan = await fetch(`${base}/v1/sites/demo-depot/plan`, { headers: { authorization: `Bearer ${token}` } });
        return plan.status !== 404;
      }, 300_000);
      expect(plan.status).toBe(200);
      const body = (await plan.json()) as { vehicles: unknown[]; status: { inForce: boolean } };
      expect(body.vehicles.length).toBeGreaterThan(0);
      expect(body.status.inForce).toBe(true);
      expect((await fetch(`${base}/v1/sites/demo-depot/plan`)).status).toBe(401);
      p.child.kill('SIGTERM');
      expect(await p.exit).toBe(0);
    } finally {
      p.child.kill('SIGKILL');
    }
  });

  it('refuses the demo with REDIS_URL (embedded only), and a single role without REDIS_URL (exit 2)', async () => {
    const demo = start({ REDIS_URL: 'redis://127.0.0.1:6379', DEMO: 'true', PORT: '0' });
    expect(await demo.exit).toBe(2);
    expect(demo.err()).toMatch(/DEMO \(combination\): demo mode is embedded only/);
    const worker = start({ PORT: '0' }, 'worker');
    expect(await worker.exit).toBe(2);
    expect(worker.err()).toMatch(/v2g worker: needs REDIS_URL/);
  });

  it('exits 69 (EX_UNAVAILABLE) with V2G_ERR_STORE_UNAVAILABLE when Redis does not answer at boot', async () => {
    const p = start({ REDIS_URL: 'redis://127.0.0.1:1', API_TOKENS: 'ops:0123456789abcdef0123:admin', PORT: '0', REDIS_READY_TIMEOUT_MS: '500' }, 'api');
    expect(await p.exit).toBe(69);
    expect(p.err()).toMatch(/v2g api: V2G_ERR_STORE_UNAVAILABLE: Redis did not become ready within 500 ms/);
  });

  it('lists every configuration problem at once (exit 2)', async () => {
    const p = start({ PORT: 'x', HORIZON_HOURS: '1000', DEMO: 'false' });
    expect(await p.exit).toBe(2);
    expect(p.err()).toMatch(/PORT \(env\)/);
    expect(p.err()).toMatch(/HORIZON_HOURS \(env\)/);
  });

  it('the banner shows the URLs, and the demo token only in demo mode', () => {
    const demo = bootBanner(defaultConfig(), 'http://127.0.0.1:8080', 'demo-abc').join('\n');
    expect(demo).toMatch(/OpenAPI UI {3}http:\/\/127\.0\.0\.1:8080\/docs/);
    expect(demo).toMatch(/health\/ready/);
    expect(demo).toMatch(/demo token .*demo-abc/);
    const production = bootBanner(defaultConfig({ demo: false }), 'http://0.0.0.0:8080', undefined).join('\n');
    expect(production).not.toMatch(/demo/i);
  });
});
