/**
 * Price decomposition with its shards as BullMQ flow children in separate worker processes
 * (adapters/decomposition-flow/), 1 and 2 processes, against the same engine in this process.
 *
 *   npm run bench:decomposition-flow                                   # N = 10000,100000; 1 and 2 processes
 *   npm run bench:decomposition-flow -- --sizes 10000 --workers 1,2 --nice 10 --local 10000
 *
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379); keys under a fresh prefix, deleted at the end.
 * Worker processes run under `nice -n --nice`. Per run: wall, iterations, gap; per pricing (medians): the
 * flow's round trip, the slowest shard's compute, what is left (queueing, fan-in, JSON and base64, Redis),
 * bytes out and back; the one-time `open` (vehicles) and `plan` (the plan back) steps; the coordinator's own
 * time (master LP, placement plan at the first prices): wall minus the steps; peak RSS of every process.
 * `--local N,..`: the same solve with the same shards in this thread (LocalShardExecutor), for the same plan
 * and the in-process time.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { flowShardExecutor, type StepRecord } from '../adapters/decomposition-flow/flow-executor.ts';
import { createRedisClient } from '../adapters/store/redis-connection.ts';
import { solveWithDecomposition } from '../optimizer/decomposition/decompose.ts';
import { LocalShardExecutor } from '../optimizer/decomposition/local-shard-executor.ts';
import type { Plan } from '../optimizer/plan.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';
import { startShardProcess, stopShardProcess } from '../test/adapters/decomposition-flow/shard-processes.ts';
import { deletePrefix } from '../test/adapters/store/redis-test-env.ts';
import { gapOf } from '../optimizer/decomposition/coordinator.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    workers: { type: 'string', default: '1,2' },
    nice: { type: 'string', default: '10' },
    gap: { type: 'string', default: '0.001' },
    'time-limit': { type: 'string', default: '600000' },
    seed: { type: 'string', default: '1' },
    local: { type: 'string', default: '' },
  },
});
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sizes = values.sizes!.split(',').map(Number);
const workerCounts = values.workers!.split(',').map(Number);
const niceLevel = Number(values.nice);
const localSizes = new Set(values.local ? values.local.split(',').map(Number) : []);
const prefix = `v2g-bench-flow-${randomUUID()}`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)}`;
const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const pct = (x: number) => `${(100 * x).toFixed(3)} %`;

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')} at start; node ${process.version}`);
console.log(`command: npm run bench:decomposition-flow -- --sizes ${values.sizes} --workers ${values.workers} --nice ${niceLevel} --gap ${values.gap} --time-limit ${values['time-limit']}${values.local ? ` --local ${values.local}` : ''}`);
console.log('');
console.log(
  '| N | shards (processes) | wall s | iterations | stated gap | pricing round trip ms (median) | slowest shard compute ms | left: queue+fan-in+codec ms (queued / fan-in) | bytes out / back per pricing (KB) | open: s, MB out | plan: s, MB back | coordinator own s | peak RSS MB (coordinator; workers) | same plan as in-thread |',
);
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
for (const n of sizes) {
  const problem = generateDepot({ vehicles: n, seed: Number(values.seed), minimumCurrent: false });
  const localPlans = new Map<number, Plan>();
  for (const k of workerCounts) {
    const queues = Array.from({ length: k }, (_, s) => `decomposition-shard-${s}`);
    const workers = await Promise.all(queues.map((q) => startShardProcess(q, prefix, url, niceLevel)));
    const steps: StepRecord[] = [];
    const start = performance.now();
    let plan: Plan;
    try {
      plan = await solveWithDecomposition(problem, {
        targetGap: Number(values.gap),
        timeLimitMs: Number(values['time-limit']),
        shardExecutor: flowShardExecutor({ connection: () => createRedisClient(url, 'worker', { connectionName: 'v2g-bench-coordinator' }), prefix, shardQueues: queues, onStep: (s) => steps.push(s) }),
      });
    } catch (error) {
      console.log(`| ${n} | ${k} | failed after ${((performance.now() - start) / 1000).toFixed(1)} s: ${(error as Error).message} |`);
      continue;
    } finally {
      await Promise.all(workers.map((w) => stopShardProcess(w)));
    }
    const wallMs = performance.now() - start;
    const prices = steps.filter((s) => s.step === 'price').slice(1); // the first pricing warms the JIT
    const open = steps.find((s) => s.step === 'open')!;
    const planStep = steps.find((s) => s.step === 'plan')!;
    const stepsMs = steps.reduce((t, s) => t + s.wallMs, 0);
    const roundTrip = median(prices.map((s) => s.wallMs));
    const compute = median(prices.map((s) => Math.max(...s.computeMs)));
    let same = '-';
    if (localSizes.has(n)) {
      if (!localPlans.has(k)) {
        localPlans.set(k, await solveWithDecomposition(problem, { targetGap: Number(values.gap), timeLimitMs: Number(values['time-limit']), shardExecutor: (input) => new LocalShardExecutor(input, k) }));
      }
      const local = localPlans.get(k)!;
      same = JSON.stringify(local.vehicles.map((v) => v.powerKw)) === JSON.stringify(plan.vehicles.map((v) => v.powerKw)) ? 'yes (bit for bit)' : 'NO';
    }
    const bound = plan.stats.relaxationObjective!;
    console.log(
      `| ${n} | ${k} | ${(wallMs / 1000).toFixed(1)} | ${plan.stats.iterations} | ${pct(gapOf(plan.cost.objective, bound))} | ${roundTrip.toFixed(0)} | ${compute.toFixed(0)} | ${(roundTrip - compute).toFixed(0)} (${median(prices.map((s) => s.queuedMs)).toFixed(0)} / ${median(prices.map((s) => s.fanInMs)).toFixed(0)}) | ${kb(median(prices.map((s) => s.bytesOut)))} / ${kb(median(prices.map((s) => s.bytesBack)))} | ${(open.wallMs / 1000).toFixed(1)}, ${(open.bytesOut / 1e6).toFixed(1)} | ${(planStep.wallMs / 1000).toFixed(1)}, ${(planStep.bytesBack / 1e6).toFixed(1)} | ${((wallMs - stepsMs) / 1000).toFixed(1)} | ${rssMb()}; ${(planStep.peakRssMb ?? []).join(', ')} | ${same} |`,
    );
  }
}
const client = createRedisClient(url, 'worker');
await deletePrefix(client, prefix);
client.disconnect();
console.log('');
console.log(`load at end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
