/**
 * Graceful shutdown of `v2g start` (npm start) on SIGTERM: a request in flight when the signal arrives
 * (an on-demand optimize of the demo depot, waiting for its solve) still gets its full answer, and the
 * process then exits 0 within the grace, although the client (fetch) keeps its connection alive.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function until(check: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('v2g start: SIGTERM', () => {
  it('lets a request in flight finish, then exits 0', async () => {
    // 48 h of horizon: the demo solve takes long enough to be caught in flight
    const child = spawn(process.execPath, ['bin/v2g.mjs', 'start'], { cwd: repo, env: { ...process.env, REDIS_URL: '', LOG_LEVEL: 'warn', PORT: '0', OCPP_PORT: '0', HORIZON_HOURS: '48' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await until(() => /try: {2}export TOKEN=/.test(out), 90_000, 'the banner');
      const base = /listening on (http:\/\/[^ ]+)/.exec(out)![1]!;
      const auth = { authorization: `Bearer ${/export TOKEN=(demo-[0-9a-f]+)/.exec(out)![1]!}` };
      const activeJobs = async () => Number(/^v2g_queue_jobs\{state="active"\} (\d+)/m.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? 0);
      await until(async () => (await fetch(`${base}/v1/sites/demo-depot/plan`, { headers: auth })).status === 200 && (await activeJobs()) === 0, 90_000, 'the demo plan');

      let answeredAt = 0;
      const inFlight = fetch(`${base}/v1/sites/demo-depot/optimize`, { method: 'POST', headers: auth }).then(async (res) => {
        answeredAt = Date.now();
        return { status: res.status, body: (await res.json()) as { siteId?: string; status?: { inForce?: boolean } } };
      });
      await until(async () => answeredAt > 0 || (await activeJobs()) > 0, 30_000, 'the re-plan to start');
      const signalledAt = Date.now();
      child.kill('SIGTERM');

      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ siteId: 'demo-depot', status: { inForce: true } });
      expect(answeredAt).toBeGreaterThan(signalledAt);
      // a keep-alive client (fetch) must not hold the shutdown open until the grace runs out (exit 1)
      expect(await exit, err.slice(-2000)).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 180_000);
});
