/**
 * A throw-away redis-server on a free port, for tests that stop and restart Redis (the shared test Redis
 * must never be stopped). Needs the `redis-server` binary; `available` says whether it is there.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { hangGuardFloorMs } from '../../hang-guard.ts';

export const redisServerBinary = process.env.V2G_TEST_REDIS_SERVER ?? 'redis-server';
export const redisServerAvailable = spawnSync(redisServerBinary, ['--version'], { encoding: 'utf8' }).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function answers(port: number): Promise<boolean> {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, connectTimeout: 200, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    c.disconnect();
  }
}

export class RedisServerProcess {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServerProcess> {
    const server = new RedisServerProcess(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port; resolves when it answers PING. */
  async restart(): Promise<void> {
    this.child = spawn(redisServerBinary, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    // Polled (redis-server says nothing when it listens; stdio is ignored): a start is noticed within 20 ms; a
    // loaded machine may take seconds, so the bound is the hang-guard floor, not a count of tries.
    const until = Date.now() + hangGuardFloorMs;
    while (!(await answers(this.port))) {
      if (Date.now() > until) throw new Error(`redis-server did not start on port ${this.port} within ${hangGuardFloorMs} ms`);
      await sleep(20);
    }
  }

  /** Kills the server (SIGKILL: like a crash) and waits until the port is closed. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }
}
