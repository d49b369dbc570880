/**
 * Shard worker processes (adapters/decomposition-flow/shard-worker-main.ts) for tests and the bench: real
 * separate Node processes, started and awaited until BullMQ counts them, killed by their own pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ShardProcess {
  readonly queue: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** Output so far (for failure messages). */
  output(): string;
}

/** Starts one shard worker process on `queue` (optionally under `nice -n <nice>`); resolves once it reports ready. */
export async function startShardProcess(queue: string, prefix: string, redisUrl: string, nice = 0): Promise<ShardProcess> {
  const args = ['bin/run-ts.mjs', 'adapters/decomposition-flow/shard-worker-main.ts', '--queue', queue, '--prefix', prefix];
  const child =
    nice > 0
      ? spawn('nice', ['-n', String(nice), process.execPath, ...args], { cwd: repo, env: { ...process.env, REDIS_URL: redisUrl }, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, args, { cwd: repo, env: { ...process.env, REDIS_URL: redisUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes(`ready ${queue}`)) resolve();
    });
    void exited.then(() => reject(new Error(`shard worker ${queue} exited before it was ready: ${text}`)));
  });
  return { queue, child, exited, output: () => text };
}

/** Kills a shard process with `signal` and waits for its exit. */
export async function stopShardProcess(p: ShardProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  await p.exited;
}
