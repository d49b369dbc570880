/**
 * `v2g solve --shards bullmq` end to end: this process is the coordinator (main() in-process), the shard
 * worker a real `v2g shard-worker` process on the test Redis (its own prefix and queue). The plan is the
 * in-thread decomposed plan, and says how it was made; a missing REDIS_URL and a queue nobody serves fail
 * with their codes. CI=true never skips (describeWithRedis).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { main } from '../../../adapters/cli/main.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import { validatePlan } from '../../../optimizer/plan-validator.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';
import { deletePrefix, describeWithRedis, randomPrefix, redisTestUrl, testClient } from '../store/redis-test-env.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function v2g(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['node', 'v2g', ...args], (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** `v2g shard-worker --queue <queue>` from the sources; resolves once it prints ready. */
async function startShardWorker(queue: string, prefix: string): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['bin/v2g.mjs', 'shard-worker', '--queue', queue], {
    cwd: repo,
    env: { ...process.env, REDIS_URL: redisTestUrl, V2G_REDIS_PREFIX: prefix, V2G_FROM_SOURCES: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes(`ready ${queue}`)) resolve();
    });
    void exited.then(() => reject(new Error(`v2g shard-worker exited before it was ready: ${text}`)));
  });
  return { child, exited };
}

describeWithRedis('v2g solve --shards bullmq', () => {
  const prefix = randomPrefix();
  const queue = `shard-${randomUUID()}`;
  let dir: string;
  let problemFile: string;
  let worker: { child: ChildProcess; exited: Promise<number | null> };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'v2g-shard-solve-'));
    problemFile = join(dir, 'depot.json');
    await writeFile(problemFile, JSON.stringify(generateDepot({ vehicles: 30, seed: 3 })));
    worker = await startShardWorker(queue, prefix);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGTERM');
    const code = await worker?.exited;
    await rm(dir, { recursive: true, force: true });
    const client = await testClient();
    await deletePrefix(client, prefix);
    client.disconnect();
    expect(code).toBe(0);
  });

  it('one shard worker process gives the in-thread decomposed plan (seed 3), and says so', async () => {
    vi.stubEnv('REDIS_URL', redisTestUrl);
    vi.stubEnv('V2G_REDIS_PREFIX', prefix);
    const shardedFile = join(dir, 'sharded.json');
    const localFile = join(dir, 'local.json');
    const sharded = await v2g('solve', problemFile, '--shards', 'bullmq', '--shard-queues', queue, '--out', shardedFile);
    expect(sharded.code, sharded.err).toBe(0);
    expect(sharded.out).toContain(`engine decomposition over 1 BullMQ shard worker process (queues ${queue})`);
    const local = await v2g('solve', problemFile, '--engine', 'decomposition', '--out', localFile);
    expect(local.code, local.err).toBe(0);
    const a = JSON.parse(await readFile(shardedFile, 'utf8')) as Plan;
    const b = JSON.parse(await readFile(localFile, 'utf8')) as Plan;
    expect(a.stats.backend).toBe('decomposition');
    expect(validatePlan(generateDepot({ vehicles: 30, seed: 3 }), a)).toEqual([]);
    expect(a.cost).toEqual(b.cost);
    expect(a.stats.relaxationObjective).toBe(b.stats.relaxationObjective);
    expect(a.vehicles.map((v) => v.powerKw)).toEqual(b.vehicles.map((v) => v.powerKw));
  });

  it('without REDIS_URL: V2G_ERR_SHARDS_NEED_REDIS, exit 2, for solve and shard-worker', async () => {
    vi.stubEnv('REDIS_URL', '');
    const solve = await v2g('solve', problemFile, '--shards', 'bullmq');
    expect(solve.code).toBe(2);
    expect(solve.err).toContain('V2G_ERR_SHARDS_NEED_REDIS');
    const shardWorker = await v2g('shard-worker');
    expect(shardWorker.code).toBe(2);
    expect(shardWorker.err).toContain('V2G_ERR_SHARDS_NEED_REDIS');
  });

  it('a shard queue no worker serves: V2G_ERR_DECOMPOSITION_NO_SHARD_WORKER naming it and the command, exit 69', async () => {
    vi.stubEnv('REDIS_URL', redisTestUrl);
    vi.stubEnv('V2G_REDIS_PREFIX', prefix);
    const orphan = `shard-${randomUUID()}`;
    const run = await v2g('solve', problemFile, '--shards', 'bullmq', '--shard-queues', `${queue},${orphan}`);
    expect(run.code).toBe(69);
    expect(run.err).toContain('V2G_ERR_DECOMPOSITION_NO_SHARD_WORKER');
    expect(run.err).toContain(`v2g shard-worker --queue ${orphan}`);
    expect(run.err).not.toContain(`--queue ${queue}`);
  });

  it('--shards bullmq refuses --engine monolithic', async () => {
    const run = await v2g('solve', problemFile, '--shards', 'bullmq', '--engine', 'monolithic');
    expect(run.code).toBe(2);
    expect(run.err).toContain('--engine monolithic');
  });
});
