/**
 * `v2g start` on a port another process holds: one line on standard error naming the port and the setting that
 * changes it (PORT or OCPP_PORT), no stack trace, a non-zero exit (69), and nothing left running: the process
 * exits by itself (the HTTP port it had already taken is closed again when the OCPP port is the busy one).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const host = '127.0.0.1';
const servers: net.Server[] = [];

/** A TCP server holding a free port on `host` until the test ends. */
async function occupyPort(): Promise<number> {
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

/** A port that was free a moment ago (the OS hands out another each time). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `v2g start` to its exit (the test's own timeout bounds a process that never exits: a half-running service). */
function runStart(env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['bin/v2g.mjs', 'start'], {
    cwd: repo,
    env: { ...process.env, REDIS_URL: '', LOG_LEVEL: 'silent', HOST: host, SOLVER_POOL_SIZE: '1', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

// A process start compiles nothing when dist/ is fresh, but runs the sources through tsx when it is not: generous
// timeouts, which only bound a process that never exits.
describe('v2g start on a busy port', { timeout: 300_000 }, () => {
  it('a busy HTTP port: one line naming the port and PORT, exit 69, nothing listening', async () => {
    const port = await occupyPort();
    const run = await runStart({ PORT: String(port), OCPP_PORT: '0' });
    expect(run.code).toBe(69);
    const lines = run.err.trim().split('\n');
    expect(lines).toEqual([`v2g start: V2G_ERR_PORT_UNAVAILABLE: the HTTP API port ${host}:${port} is already in use by another process; choose another with PORT=<port> (environment or --config file; 0 = any free port)`]);
    expect(run.err).not.toMatch(/unexpected error|\n\s+at /);
    // No banner, no demo token: the service never said it was up.
    expect(run.out).not.toMatch(/listening on|TOKEN/);
  });

  it('a busy OCPP port: one line naming the port and OCPP_PORT, exit 69, and the HTTP port already taken is free again', async () => {
    const ocppPort = await occupyPort();
    const httpPort = await freePort();
    const run = await runStart({ PORT: String(httpPort), OCPP_PORT: String(ocppPort) });
    expect(run.code).toBe(69);
    expect(run.err.trim().split('\n')).toEqual([
      `v2g start: V2G_ERR_PORT_UNAVAILABLE: the OCPP (chargers) port ${host}:${ocppPort} is already in use by another process; choose another with OCPP_PORT=<port> (environment or --config file; 0 = any free port)`,
    ]);
    expect(run.out).not.toMatch(/listening on|TOKEN/);
    // The process has exited, so the HTTP port it had bound must be free: binding it succeeds.
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(httpPort, host, () => resolve());
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
});
