/**
 * Portfolio dispatch benchmark (issue 17): S generated depots of V vehicles in one portfolio behind one feeder
 * limit, on Redis with `v2g api` and N `v2g worker` processes. The clock runs from `POST
 * /v1/portfolios/{id}/dispatches` ("import <= X kW" for 2 h) until the dispatch is split (the portfolio job
 * done) AND the plan bus has announced the coordinated plan of every site (each plan stored first). The
 * portfolio plan's cost is compared with its certified bound (the Lagrangian dual, gap target 0.5 %).
 *
 *   npm run bench:portfolio                                     # the issue's size: --sites 200 --vehicles 500 --workers 2,1
 *   npm run bench:portfolio -- --sites 20 --vehicles 100 --workers 2,1
 *   npm run bench:portfolio -- --coordinate ...                 # the coordinator alone, in process (portfolio-coordinate-bench.ts)
 *   npm run bench:portfolio -- --vehicle-columns ...            # the vehicle column generation alone, in process
 *   npm run bench:portfolio -- --site-columns ...               # site-column Dantzig-Wolfe beside the price loop, in process
 *
 * Per worker count, on a fresh random V2G_REDIS_PREFIX (deleted afterwards):
 * 1. Spawns `v2g api` and N `v2g worker`s (SOLVER_POOL_SIZE = --pool-size, default 1) and waits until they listen.
 * 2. Seeds S demo depots straight into the Redis store (adapters/service/demo-site.ts, seed = site number, all
 *    with the seeding's start as "now"; not timed, no plan queued; `npm run bench:demo-seed` times it alone) and creates the portfolio through the API: feeder import limit F = the sites' summed
 *    inflexible peak + --headroom (default 0.3) x the vehicles' energy need spread over 8 h; the dispatch asks
 *    for --dispatch-share (default 0.8) x F from the next half hour for 2 h.
 * 3. Times the dispatch as above. In Redis mode every round of site solves is a BullMQ flow (a child job per
 *    site, portfolio-flow.ts), so N workers share them; the plan's `siteSolves` says how they spread.
 * Prints a Markdown section for bench/RESULTS.md. Exit code 1 when a run fails or a plan breaks the limit.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { deletePrefix } from '../test/adapters/store/redis-test-env.ts';

if (process.argv.includes('--coordinate')) {
  process.argv = process.argv.filter((a) => a !== '--coordinate');
  await import('./portfolio-coordinate-bench.ts');
} else if (process.argv.includes('--site-columns')) {
  process.argv = process.argv.filter((a) => a !== '--site-columns');
  await import('./portfolio-site-columns-bench.ts');
} else if (process.argv.includes('--vehicle-columns')) {
  process.argv = process.argv.filter((a) => a !== '--vehicle-columns');
  await import('./portfolio-vehicle-columns-bench.ts');
} else {
  await main();
}

async function main() {
  const { systemClock } = await import('../adapters/clock.ts');
  const { loadConfig } = await import('../adapters/config.ts');
  const { seedDemoSite } = await import('../adapters/service/demo-site.ts');
  const { ServiceMetrics } = await import('../adapters/service/metrics.ts');
  const { ReplansAfterWrite } = await import('../adapters/service/replan-after-write.ts');
  const { createPortfolioBackend } = await import('../adapters/service/portfolio-backend.ts');
  const { createServiceBackend } = await import('../adapters/service/service-backend.ts');
  const { createRedisClient, waitForRedis } = await import('../adapters/store/redis-connection.ts');
  const { generateDepot } = await import('../scenarios/depot-generator.ts');
  const { RoleProcess, killAll } = await import('../test/adapters/role-processes.ts');
  type RP = InstanceType<typeof RoleProcess>;

  const { values } = parseArgs({
    options: {
      sites: { type: 'string', default: '200' },
      vehicles: { type: 'string', default: '500' },
      workers: { type: 'string', default: '2,1' },
      'pool-size': { type: 'string', default: '1' },
      headroom: { type: 'string', default: '0.3' },
      'dispatch-share': { type: 'string', default: '0.8' },
      'timeout-s': { type: 'string', default: '3600' },
      redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      /** The vehicle column generation path: N shard worker processes (the pricing) and one coordinating worker. */
      'vehicle-shards': { type: 'boolean', default: false },
      /** PORTFOLIO_COORDINATION of the worker processes: aggregate-first (the service's default since session 16), site-columns (before) or price-loop. */
      coordination: { type: 'string', default: 'aggregate-first' },
      /** PORTFOLIO_FLOW_PLANS of the workers: carry (the chosen plans taken as made) or resolve (the old last round). */
      'flow-plans': { type: 'string', default: 'carry' },
      /** Plan the portfolio before the dispatch (not timed): the dispatch's coordination then starts from that plan's prices. */
      'plan-first': { type: 'boolean', default: false },
      /** PORTFOLIO_WARM_PRICES of the workers: last-plan (default) or none (every coordination from zero prices). */
      'warm-prices': { type: 'string', default: 'last-plan' },
      /** PORTFOLIO_SITE_MODELS of the workers: cold (default) or resident (site LPs kept open, sites routed to one worker). */
      'site-models': { type: 'string', default: 'cold' },
      /** PORTFOLIO_RESIDENT_MIB of the workers (resident models' HiGHS heap estimate per solver thread); default the service's. */
      'resident-mib': { type: 'string' },
      /** PORTFOLIO_BOUND_SOLVE of the workers (aggregate-first): warm (default: the uncapped LPs in the same site solve, one flow) or cold-round. */
      'bound-solve': { type: 'string', default: 'warm' },
    },
  });
  const vehicleShards = values['vehicle-shards'];
  const { startShardProcess, stopShardProcess } = await import('../test/adapters/decomposition-flow/shard-processes.ts');
  const S = Number(values.sites);
  const V = Number(values.vehicles);
  const workerCounts = values.workers.split(',').map(Number);
  const poolSize = Number(values['pool-size']);
  const redisUrl = values.redis;
  const siteId = (i: number) => `pf-${String(i).padStart(4, '0')}`;
  const command = `nice -n 10 npm run bench:portfolio -- --sites ${S} --vehicles ${V} --workers ${values.workers} --pool-size ${poolSize} --headroom ${values.headroom} --dispatch-share ${values['dispatch-share']}${vehicleShards ? ' --vehicle-shards' : ''} --coordination ${values.coordination} --flow-plans ${values['flow-plans']}${values['plan-first'] ? ' --plan-first' : ''} --warm-prices ${values['warm-prices']}${values['site-models'] !== 'cold' ? ` --site-models ${values['site-models']}` : ''}${values['resident-mib'] !== undefined ? ` --resident-mib ${values['resident-mib']}` : ''}${values['bound-solve'] !== 'warm' ? ` --bound-solve ${values['bound-solve']}` : ''}`;
  /** CPU seconds (user + system, all threads) of a process so far, from /proc (Linux); NaN where unreadable. */
  const { readFileSync } = await import('node:fs');
  const cpuSeconds = (pid: number | undefined): number => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return NaN;
    }
  };

  /** Peak resident set (VmHWM, MiB) of a process so far, from /proc (Linux); NaN where unreadable. */
  const peakRssMiB = (pid: number | undefined): number => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    } catch {
      return NaN;
    }
  };

  interface RunResult {
    readonly workers: number;
    readonly elapsedMs: number;
    readonly seedMs: number;
    /** Quarter-hours from the sites' slot 0 (the seeding's) to the one the dispatch was posted in: runs compare when equal. */
    readonly slotsAfterSeed: number;
    readonly feederKw: number;
    readonly dispatchKw: number;
    readonly plan: Record<string, unknown> & { gapPercent: number | null; objective: number; bound: number | null; iterations: number; solves: number; wallMs: number; status: string; stopReason: string; siteSolves?: { flows: number; childJobs: number; byWorker: Record<string, number>; plansCarried?: number; plansResolved?: number; resident?: { warm: number; first: number; cold: number; replaced?: number }; cpuMs?: { childSolves: number; keepPlans: number; takeAndCheck: number } }; slots: { netImportKw: number; importLimitKw: number | null }[] };
    readonly fulfilment: string;
    readonly loadAtStart: string;
    readonly loadAtEnd: string;
    readonly limitKept: boolean;
    /** CPU seconds of the worker processes and of the api during the dispatch (until every plan announced). */
    readonly workerCpuS: number;
    readonly apiCpuS: number;
    /** Each worker process's peak resident set (VmHWM, MiB) at the end of the run (resident models stay in it). */
    readonly workerPeakRssMiB: number[];
    /** Quarter-hours from the seeded slot 0 to the first plan's start (--plan-first): its sites' problems equal the dispatch's only in the same slot. */
    readonly firstSlotsAfterSeed?: number;
    /** The plan made before the dispatch (--plan-first): its rounds, solves, gap; not timed. */
    readonly first?: { iterations: number; solves: number; gapPercent: number | null; wallMs: number; siteSolves?: RunResult['plan']['siteSolves'] };
  }

  async function stop(processes: RP[]): Promise<void> {
    for (const p of processes) p.kill('SIGTERM');
    const timer = setTimeout(() => void killAll(processes), 15_000);
    await Promise.all(processes.map((p) => p.exit));
    clearTimeout(timer);
  }

  async function run(workerCount: number): Promise<RunResult> {
    const prefix = `v2g-bench-pf-${randomUUID()}`;
    const token = `bench-${randomBytes(16).toString('hex')}`;
    const env = {
      REDIS_URL: redisUrl, V2G_REDIS_PREFIX: prefix, API_TOKENS: `bench:${token}:admin+dispatch+read`, LOG_LEVEL: 'info',
      PORT: '0', SOLVER_POOL_SIZE: String(poolSize), REPLAN_DEBOUNCE_MS: '0', REPLAN_MAX_WAIT_MS: '0', REDIS_COMMAND_TIMEOUT_MS: '60000', PORTFOLIO_COORDINATION: values.coordination,
      PORTFOLIO_FLOW_PLANS: values['flow-plans'], PORTFOLIO_WARM_PRICES: values['warm-prices'], PORTFOLIO_SITE_MODELS: values['site-models'], PORTFOLIO_BOUND_SOLVE: values['bound-solve'],
      ...(values['resident-mib'] !== undefined ? { PORTFOLIO_RESIDENT_MIB: values['resident-mib'] } : {}),
    };
    // --vehicle-shards: N shard worker processes price the portfolio's vehicles; one `v2g worker` coordinates.
    const shardQueues = Array.from({ length: workerCount }, (_, i) => `decomposition-shard-${i + 1}`);
    if (vehicleShards) Object.assign(env, { DECOMPOSITION_SHARD_QUEUES: shardQueues.join(','), PORTFOLIO_VEHICLE_COLUMNS_FROM: '1' });
    const shards = vehicleShards ? await Promise.all(shardQueues.map((q) => startShardProcess(q, prefix, redisUrl))) : [];
    const api = new RoleProcess('api', 'api', { ...env, LOG_LEVEL: 'warn' });
    const workers = Array.from({ length: vehicleShards ? 1 : workerCount }, (_, i) => new RoleProcess(`worker-${i + 1}`, 'worker', { ...env, LOG_LEVEL: 'warn' }));
    const config = loadConfig({ ...env, DEMO: 'false' });
    const backend = await createServiceBackend(config, { clock: systemClock, timers: systemClock, processName: 'v2g-bench', onError: () => undefined });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
      return JSON.parse(text) as Record<string, unknown>;
    };
    let base = '';
    try {
      base = await api.listening(300_000);
      await Promise.all(workers.map((w) => w.listening(300_000)));
      await backend.ready(10_000);
      const ctx = {
        config, clock: systemClock, timers: systemClock, store: backend.store, idempotency: backend.idempotency, portfolios: backend.portfolios, portfolioPlanning: await createPortfolioBackend(config, backend, { clock: systemClock, timers: systemClock, processName: 'v2g-bench', onError: () => undefined }), meterLog: backend.meterLog, chargerCredentials: backend.chargerCredentials, chargerStatus: backend.chargerStatus, queue: backend.queue,
        replans: new ReplansAfterWrite({ queue: backend.queue, config, timers: systemClock }),
        metrics: new ServiceMetrics({ defaultMetrics: false }), readiness: { started: true, closing: false }, changes: backend.changes, authThrottle: backend.authThrottle,
      };
      const seeding = performance.now();
      // Every site seeded at one instant (the seeding's start): their slot 0 is the same quarter-hour even when the
      // seeding crosses one (it did in s15-w1's 2-worker run: part of the sites one slot later, another problem).
      const seededAt = systemClock.nowUtcMs();
      const seedCtx = { ...ctx, clock: { nowUtcMs: () => seededAt } };
      let floorKw = 0;
      let needKwh = 0;
      const slots = Math.ceil((2 * config.horizonHours * 60) / 15);
      for (let i = 1; i <= S; i++) {
        await seedDemoSite(seedCtx, { siteId: siteId(i), vehicles: V, seed: i, schedules: false, replan: false });
        const depot = generateDepot({ vehicles: V, slots, seed: i });
        floorKw += Math.max(0, ...Array.from({ length: slots }, (_, t) => (depot.baseLoadKw?.[t] ?? 0) - (depot.pvKw?.[t] ?? 0)));
        needKwh += depot.vehicles.reduce((a, v) => a + Math.max(0, v.targetEnergyKwh - v.energyKwh), 0);
      }
      const seedMs = performance.now() - seeding;
      const feederKw = Math.round(floorKw + Number(values.headroom) * (needKwh / 8));
      const dispatchKw = Math.round(Number(values['dispatch-share']) * feederKw);
      await call('POST', '/v1/portfolios', { id: 'bench-feeder', name: 'Bench feeder', kind: 'feeder', timeZone: 'Europe/Berlin', siteIds: Array.from({ length: S }, (_, k) => siteId(k + 1)), sharedLimits: { importLimitKw: feederKw } });

      let first: RunResult['first'];
      let firstSlotsAfterSeed: number | undefined;
      if (values['plan-first']) {
        firstSlotsAfterSeed = Math.floor(Date.now() / 900_000) - Math.floor(seededAt / 900_000);
        // The plan in force before the dispatch (not timed): a coordination under the feeder limit alone.
        await call('POST', '/v1/portfolios/bench-feeder/plan?wait=false');
        const until = Date.now() + Number(values['timeout-s']) * 1000;
        for (;;) {
          if (Date.now() > until) throw new Error('the first portfolio plan did not come within --timeout-s');
          const res = await fetch(`${base}/v1/portfolios/bench-feeder/plan`, { headers: { authorization: `Bearer ${token}` } });
          if (res.status === 200) {
            const p = (await res.json()) as { iterations: number; solves: number; gapPercent: number | null; wallMs: number; siteSolves?: RunResult['plan']['siteSolves'] };
            first = { iterations: p.iterations, solves: p.solves, gapPercent: p.gapPercent, wallMs: p.wallMs, ...(p.siteSolves ? { siteSolves: p.siteSolves } : {}) };
            break;
          }
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      const announced = new Map<string, string>();
      backend.planBus.subscribe((e) => {
        announced.set(e.siteId, e.planId);
      });
      await (backend.planBus as { ready?: () => Promise<void> }).ready?.();
      const start = Math.ceil((Date.now() + 1_800_000) / 900_000) * 900_000;
      const slotsAfterSeed = Math.floor(Date.now() / 900_000) - Math.floor(seededAt / 900_000);
      const loadAtStart = loadavg().map((x) => x.toFixed(2)).join(' ');
      const workerCpu0 = workers.reduce((a, w) => a + cpuSeconds(w.child.pid), 0);
      const apiCpu0 = cpuSeconds(api.child.pid);
      const started = performance.now();
      const posted = await call('POST', '/v1/portfolios/bench-feeder/dispatches?wait=false', { kind: 'import-limit', powerKw: dispatchKw, start: new Date(start).toISOString(), end: new Date(start + 8 * 900_000).toISOString() });
      const deadline = Date.now() + Number(values['timeout-s']) * 1000;
      let dispatch: Record<string, unknown> = posted;
      for (;;) {
        if (Date.now() > deadline) throw new Error(`no answer within --timeout-s ${values['timeout-s']}`);
        if (dispatch.status !== 'pending') {
          if (dispatch.status !== 'planned') throw new Error(`the dispatch ${String(dispatch.status)}: ${JSON.stringify(dispatch.failure ?? dispatch.message)}`);
          const plan = await call('GET', '/v1/portfolios/bench-feeder/plan');
          const planIds = new Map((plan.sites as { siteId: string; planId: string }[]).map((s) => [s.siteId, s.planId]));
          if ([...planIds].every(([id, planId]) => announced.get(id) === planId)) {
            const elapsedMs = performance.now() - started;
            const workerCpuS = workers.reduce((a, w) => a + cpuSeconds(w.child.pid), 0) - workerCpu0;
            const apiCpuS = cpuSeconds(api.child.pid) - apiCpu0;
            const workerPeakRssMiB = workers.map((w) => peakRssMiB(w.child.pid));
            const p = plan as unknown as RunResult['plan'];
            const limitKept = p.slots.every((s) => s.importLimitKw === null || s.netImportKw <= s.importLimitKw + 1e-3);
            const loadAtEnd = loadavg().map((x) => x.toFixed(2)).join(' ');
            return { workers: workerCount, elapsedMs, seedMs, slotsAfterSeed, feederKw, dispatchKw, plan: p, fulfilment: String(dispatch.fulfilment), loadAtStart, loadAtEnd, limitKept, workerCpuS, apiCpuS, workerPeakRssMiB, ...(first ? { first } : {}), ...(firstSlotsAfterSeed !== undefined ? { firstSlotsAfterSeed } : {}) };
          }
        }
        await new Promise((r) => setTimeout(r, 200));
        dispatch = await call('GET', `/v1/portfolios/bench-feeder/dispatches/${String(posted.id)}`);
      }
    } finally {
      await stop([api, ...workers]);
      await Promise.all(shards.map((p) => stopShardProcess(p)));
      await backend.close();
      const admin = createRedisClient(redisUrl, 'producer');
      await waitForRedis(admin, 5000);
      await deletePrefix(admin, prefix);
      admin.disconnect();
    }
  }

  const cpu = cpus();
  console.error(`portfolio bench: ${S} sites x ${V} vehicles, workers ${workerCounts.join(',')} (pool ${poolSize} each); load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const results: RunResult[] = [];
  let failed = false;
  for (const n of workerCounts) {
    try {
      const r = await run(n);
      results.push(r);
      failed ||= !r.limitKept;
      console.error(`  ${n} worker(s): ${(r.elapsedMs / 1000).toFixed(1)} s, worker CPU ${r.workerCpuS.toFixed(1)} s, api CPU ${r.apiCpuS.toFixed(1)} s, worker peak RSS ${r.workerPeakRssMiB.map((x) => x.toFixed(0)).join(' / ')} MiB, load ${r.loadAtStart} -> ${r.loadAtEnd}, plans carried/resolved ${r.plan.siteSolves?.plansCarried ?? '-'}/${r.plan.siteSolves?.plansResolved ?? '-'}${r.first ? `, first plan ${r.first.iterations} rounds ${r.first.solves} solves gap ${r.first.gapPercent} %` : ''}, gap ${r.plan.gapPercent ?? 'none'} %, ${r.plan.iterations} iterations, ${r.plan.solves} site solves, by ${JSON.stringify(r.plan.siteSolves?.byWorker ?? {})}; seeding ${(r.seedMs / 1000).toFixed(1)} s (not timed), dispatch posted ${r.slotsAfterSeed} quarter-hour(s) after the seeded slot 0; method ${String(r.plan.method)}; ${String(r.plan.solvedOn)}`);
      const parts = (label: string, ss: RunResult['plan']['siteSolves'] | undefined) => ss?.cpuMs ? `  ${label}: CPU s: child solves ${(ss.cpuMs.childSolves / 1000).toFixed(1)}, keeping plans ${(ss.cpuMs.keepPlans / 1000).toFixed(1)}, taking + checking ${(ss.cpuMs.takeAndCheck / 1000).toFixed(1)}; resident ${JSON.stringify(ss.resident ?? 'none')}` : `  ${label}: no per-part CPU`;
      console.error(parts('dispatch', r.plan.siteSolves));
      if (r.first) console.error(parts('first plan', r.first.siteSolves));
      // aggregate-first: which bound, and per site where its part came from (its solve, its relaxation standing in, none).
      const bd = r.plan.boundDetail as { note: string; sites?: { siteId: string; status: string; source: string; gapPercent: number | null; reason?: string }[] } | undefined;
      if (bd) console.error(`  ${bd.note}${bd.sites ? `; sites by status: ${JSON.stringify(Object.fromEntries([...new Set(bd.sites.map((s) => s.status))].map((st) => [st, bd.sites!.filter((s) => s.status === st).length])))}, weakest own gap ${Math.max(...bd.sites.map((s) => s.gapPercent ?? Infinity)).toFixed(3)} %${bd.sites.filter((s) => s.reason).map((s) => `; ${s.siteId}: ${s.source}, ${s.reason}`).join('')}` : ''}`);
    } catch (error) {
      failed = true;
      console.error(`  ${n} worker(s): FAILED: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const one = results.find((r) => r.workers === 1);
  const lines = [
    '',
    `### ${S} sites x ${V} vehicles (${S * V} vehicles), one feeder limit, a portfolio dispatch on Redis (bench/portfolio-bench.ts)`,
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpu.length} x ${cpu[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; Redis on 127.0.0.1.`,
    `Command: \`${command}\`.`,
    '',
    '| worker processes | load avg at start -> end (1/5/15 min) | dispatch to every plan stored and announced, s | scaling vs 1 | worker CPU s | api CPU s | coordination wall s | iterations | site solves | flows | child jobs per worker | chosen plans carried / re-solved | first plan (rounds, solves, gap %) | plan cost | certified bound | gap % | stop | status | fulfilment | feeder / dispatch kW | limit kept |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|---:|---:|---|---|---|---|---|',
    ...results.map((r) => `| ${r.workers} | ${r.loadAtStart} -> ${r.loadAtEnd} | ${(r.elapsedMs / 1000).toFixed(1)} | ${one ? (one.elapsedMs / r.elapsedMs).toFixed(2) + 'x' : '-'} | ${r.workerCpuS.toFixed(1)} | ${r.apiCpuS.toFixed(1)} | ${(r.plan.wallMs / 1000).toFixed(1)} | ${r.plan.iterations} | ${r.plan.solves} | ${r.plan.siteSolves?.flows ?? '-'} | ${Object.values(r.plan.siteSolves?.byWorker ?? {}).join(' / ')} | ${r.plan.siteSolves?.plansCarried ?? '-'} / ${r.plan.siteSolves?.plansResolved ?? '-'} | ${r.first ? `${r.first.iterations}, ${r.first.solves}, ${r.first.gapPercent ?? 'none'}` : '-'} | ${r.plan.objective.toFixed(2)} | ${r.plan.bound?.toFixed(2) ?? 'none'} | ${r.plan.gapPercent ?? 'none'} | ${r.plan.stopReason} | ${r.plan.status} | ${r.fulfilment} | ${r.feederKw} / ${r.dispatchKw} | ${r.limitKept ? 'yes' : 'NO'} |`),
    '',
    ...results.map((r) => `${r.workers} worker(s): seeding ${(r.seedMs / 1000).toFixed(1)} s (not timed), ${r.firstSlotsAfterSeed !== undefined ? `first plan posted ${r.firstSlotsAfterSeed} and ` : ''}dispatch posted ${r.slotsAfterSeed} quarter-hour(s) after the seeded slot 0 (rows compare when equal); worker peak RSS ${r.workerPeakRssMiB.map((x) => x.toFixed(0)).join(' / ')} MiB${r.first?.siteSolves?.resident ? `; resident answers, first plan ${JSON.stringify(r.first.siteSolves.resident)}, dispatch ${JSON.stringify(r.plan.siteSolves?.resident ?? 'none')}` : ''}; method ${String(r.plan.method)}; ${String(r.plan.solvedOn)}`),
    '',
  ];
  console.log(lines.join('\n'));
  if (failed) process.exitCode = 1;
}
