/**
 * Scale-out benchmark: re-plan S sites of V vehicles with 1, then 2, ... `v2g worker` processes on one
 * Redis, with a `v2g api` process running, and report plans per second and the scaling ratio.
 *
 *   node bin/run-ts.mjs bench/scale-bench.ts                       # 200 sites x 50 vehicles, 1 and 2 workers
 *   options: --sites 200 --vehicles 50 --workers 1,2 --pool-size 1 --concurrency 16 --redis redis://127.0.0.1:6379
 *
 * Per worker count, on a fresh random V2G_REDIS_PREFIX (deleted afterwards):
 * 1. Spawns `v2g api` and N `v2g worker`s (SOLVER_POOL_SIZE = --pool-size, default 1: one HiGHS thread per
 *    worker process) and waits until they listen (workers warm their pool first).
 * 2. Seeds S sites straight into the Redis store (this process): the generated demo depot
 *    (adapters/service/demo-site.ts, seed = site number, every vehicle's times shifted to now), without cron
 *    schedules and without queuing a plan, so nothing runs before the clock starts.
 * 3. Starts the clock and asks the API for a re-plan of every site (`POST /v1/sites/{id}/optimize?wait=false`,
 *    --concurrency at a time); stops it when the plan bus (the Redis stream the gateways read) has
 *    announced a new plan for every site. Plans per second = S / elapsed.
 * Worker logs give the per-plan solve and assembly times and how the plans spread over the workers.
 * Prints a Markdown section for bench/RESULTS.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { systemClock } from '../adapters/clock.ts';
import { loadConfig, type ServiceConfig } from '../adapters/config.ts';
import type { ServiceContext } from '../adapters/service/context.ts';
import { seedDemoSite } from '../adapters/service/demo-site.ts';
import { ServiceMetrics } from '../adapters/service/metrics.ts';
import { ReplansAfterWrite } from '../adapters/service/replan-after-write.ts';
import { createPortfolioBackend } from '../adapters/service/portfolio-backend.ts';
import { createServiceBackend } from '../adapters/service/service-backend.ts';
import { createRedisClient, waitForRedis } from '../adapters/store/redis-connection.ts';
import { RoleProcess, killAll } from '../test/adapters/role-processes.ts';
import { deletePrefix } from '../test/adapters/store/redis-test-env.ts';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '200' },
    vehicles: { type: 'string', default: '50' },
    workers: { type: 'string', default: '1,2' },
    'pool-size': { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '16' },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const sites = Number(values.sites);
const vehicles = Number(values.vehicles);
const workerCounts = values.workers.split(',').map(Number);
const poolSize = Number(values['pool-size']);
const concurrency = Number(values.concurrency);
const redisUrl = values.redis;

interface RunResult {
  readonly workers: number;
  readonly elapsedMs: number;
  readonly plansPerSecond: number;
  readonly solveMs: number[];
  readonly assembleMs: number[];
  readonly perWorker: number[];
  readonly seedMs: number;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
};
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const siteId = (i: number) => `bench-${String(i).padStart(4, '0')}`;

/** SIGTERM, then SIGKILL after 15 s. */
async function stop(processes: RoleProcess[]): Promise<void> {
  for (const p of processes) p.kill('SIGTERM');
  const timer = setTimeout(() => void killAll(processes), 15_000);
  await Promise.all(processes.map((p) => p.exit));
  clearTimeout(timer);
}

async function run(workerCount: number): Promise<RunResult> {
  const prefix = `v2g-bench-${randomUUID()}`;
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const env = {
    REDIS_URL: redisUrl, V2G_REDIS_PREFIX: prefix, API_TOKENS: `bench:${token}:admin`, LOG_LEVEL: 'info',
    PORT: '0', SOLVER_POOL_SIZE: String(poolSize), REPLAN_DEBOUNCE_MS: '0', REPLAN_MAX_WAIT_MS: '0',
  };
  const api = new RoleProcess('api', 'api', { ...env, LOG_LEVEL: 'warn' });
  const workers = Array.from({ length: workerCount }, (_, i) => new RoleProcess(`worker-${i + 1}`, 'worker', env));
  const config: ServiceConfig = loadConfig({ ...env, DEMO: 'false' });
  const backend = await createServiceBackend(config, { clock: systemClock, timers: systemClock, processName: 'v2g-bench', onError: () => undefined });
  try {
    const base = await api.listening(120_000);
    await Promise.all(workers.map((w) => w.listening(120_000)));
    await backend.ready(10_000);
    const ctx: ServiceContext = {
      config, clock: systemClock, timers: systemClock, store: backend.store, idempotency: backend.idempotency, portfolios: backend.portfolios, portfolioPlanning: await createPortfolioBackend(config, backend, { clock: systemClock, timers: systemClock, processName: 'v2g-bench', onError: () => undefined }), meterLog: backend.meterLog, chargerCredentials: backend.chargerCredentials, chargerStatus: backend.chargerStatus, queue: backend.queue,
      replans: new ReplansAfterWrite({ queue: backend.queue, config, timers: systemClock }),
      metrics: new ServiceMetrics({ defaultMetrics: false }), readiness: { started: true, closing: false }, changes: backend.changes, authThrottle: backend.authThrottle,
    };
    const seeding = performance.now();
    for (let i = 1; i <= sites; i++) await seedDemoSite(ctx, { siteId: siteId(i), vehicles, seed: i, schedules: false, replan: false });
    const seedMs = performance.now() - seeding;

    const announced = new Set<string>();
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    backend.planBus.subscribe((e) => {
      announced.add(e.siteId);
      if (announced.size === sites) done();
    });
    await (backend.planBus as { ready?: () => Promise<void> }).ready?.();
    await new Promise((r) => setTimeout(r, 200)); // the reader is positioned at the stream's end

    const started = performance.now();
    let next = 1;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (let i = next++; i <= sites; i = next++) {
        const res = await fetch(`${base}/v1/sites/${siteId(i)}/optimize?wait=false`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
        if (res.status !== 202 && res.status !== 200) throw new Error(`optimize ${siteId(i)}: ${res.status} ${await res.text()}`);
      }
    }));
    await all;
    const elapsedMs = performance.now() - started;
    await stop([api, ...workers]);
    // Read the logs once the workers have exited: a plan's log line follows its announcement.
    const saved = workers.map((w) => w.logs.filter((l) => l.msg === 'plan saved'));
    return {
      workers: workerCount,
      elapsedMs,
      plansPerSecond: sites / (elapsedMs / 1000),
      solveMs: saved.flat().map((l) => Number(l.solveWallMs)),
      assembleMs: saved.flat().map((l) => Number(l.assembleMs)),
      perWorker: saved.map((l) => l.length),
      seedMs,
    };
  } finally {
    await stop([api, ...workers]);
    await backend.close();
    const admin = createRedisClient(redisUrl, 'producer');
    await waitForRedis(admin, 5000);
    await deletePrefix(admin, prefix);
    admin.disconnect();
  }
}

const load = loadavg().map((x) => x.toFixed(2)).join(' ');
const cpu = cpus();
console.error(`scale bench: ${sites} sites x ${vehicles} vehicles, workers ${workerCounts.join(',')} (pool ${poolSize} each), Redis ${redisUrl}; load ${load}`);
const results: RunResult[] = [];
for (const n of workerCounts) {
  const r = await run(n);
  results.push(r);
  console.error(`  ${n} worker(s): ${(r.elapsedMs / 1000).toFixed(1)} s, ${r.plansPerSecond.toFixed(2)} plans/s, solve p50 ${median(r.solveMs)} ms, plans per worker ${r.perWorker.join('/')}, seeding ${(r.seedMs / 1000).toFixed(1)} s (not timed)`);
}
const baseline = results[0]!;
const lines = [
  '',
  `## Scale-out: ${sites} sites x ${vehicles} vehicles re-planned by 1 and 2 worker processes on Redis (bench/scale-bench.ts)`,
  '',
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on this ${cpu.length}-core machine (${cpu.length} x ${cpu[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}),`,
  `Redis 7 on 127.0.0.1 (same machine), load average at start ${load}.`,
  `Exact command: \`node bin/run-ts.mjs bench/scale-bench.ts --sites ${sites} --vehicles ${vehicles} --workers ${workerCounts.join(',')} --pool-size ${poolSize} --concurrency ${concurrency}\`.`,
  '',
  `Per run: a fresh V2G_REDIS_PREFIX; \`v2g api\` plus N \`v2g worker\` processes (SOLVER_POOL_SIZE=${poolSize}, so N HiGHS threads in all);`,
  `${sites} generated demo depots of ${vehicles} vehicles (6 A minimum current on AC chargers, V2G, 96 slots) seeded straight into Redis; the clock`,
  'runs from the first `POST /v1/sites/{id}/optimize?wait=false` (16 at a time, through the API process) until the plan bus has announced a',
  'new plan for every site. "solve" is the solver call as the worker sees it (worker thread, LP repair rounds, validation), "assemble"',
  'the problem assembly from the store records; both from the workers\' `plan saved` logs.',
  '',
  '| worker processes | elapsed s | plans/s | scaling vs 1 | solve p50 ms | solve mean ms | assemble p50 ms | plans per worker |',
  '|---:|---:|---:|---:|---:|---:|---:|---|',
  ...results.map((r) =>
    `| ${r.workers} | ${(r.elapsedMs / 1000).toFixed(1)} | ${r.plansPerSecond.toFixed(2)} | ${(r.plansPerSecond / baseline.plansPerSecond).toFixed(2)}x | ${median(r.solveMs).toFixed(0)} | ${mean(r.solveMs).toFixed(0)} | ${median(r.assembleMs).toFixed(0)} | ${r.perWorker.join(' / ')} |`),
  '',
];
console.log(lines.join('\n'));
