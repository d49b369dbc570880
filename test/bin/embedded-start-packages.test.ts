/**
 * An embedded `v2g start` (no REDIS_URL: what `npm start` runs) does not load the Redis-only packages: bullmq,
 * ioredis and bull-board load only with REDIS_URL (adapters/service/service-backend.ts imports the Redis backend
 * lazily, adapters/http/app.ts the queue dashboard). Start-up time: bench/RESULTS.md. A static import of any of
 * them on the embedded path makes this test fail.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hook = path.join(repo, 'test/bin/support/trace-packages.mjs');

describe('embedded start', { timeout: 300_000 }, () => {
  it('loads neither bullmq, ioredis nor @bull-board', async () => {
    const child = spawn(process.execPath, ['--import', hook, 'bin/v2g.mjs', 'start'], {
      cwd: repo,
      env: { ...process.env, REDIS_URL: '', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0', OCPP_PORT: '0', SOLVER_POOL_SIZE: '1' },
    });
    let out = '';
    let err = '';
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Once the banner is printed the service listens: every module of its start has been loaded.
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/listening on http/.test(out)) resolve();
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.once('exit', () => reject(new Error(`v2g start exited before listening:\n${err}`)));
    });
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    const packages = new Set([...err.matchAll(/^@package (\S+)$/gm)].map((m) => m[1]!.split('/').slice(0, m[1]!.startsWith('@') ? 2 : 1).join('/')));
    // The trace works: the packages an embedded start needs are there.
    expect([...packages]).toEqual(expect.arrayContaining(['fastify', 'ocpp-rpc']));
    expect([...packages].filter((p) => /^(bullmq|ioredis|@bull-board\/.*)$/.test(p))).toEqual([]);
  });
});
