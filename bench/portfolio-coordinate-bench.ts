/**
 * Portfolio coordination benchmark (optimizer/portfolio/): N generated depots of V vehicles behind one
 * feeder whose import limit lies `--tightness` of the way from the sites' inflexible load to their
 * uncoordinated peak. Coordinates them (HiGHS site solves on a pool of --threads), then re-plans one site
 * at the portfolio's prices. Reports the gap to the certified bound, iterations, site solves, wall and CPU
 * time, and checks the sum of the sites' plans against the limit in every slot.
 *
 *   npm run bench:portfolio -- --coordinate                  # defaults: --sites 5 --vehicles 20 --tightness 0.8,0.6
 *   npm run bench:portfolio -- --coordinate --sites 20 --vehicles 50 --threads 2
 *
 * The coordinator alone, in one process. The service benchmark (a portfolio dispatch through the API and
 * Redis worker processes) is bench/portfolio-bench.ts. Exit code 1 when a plan breaks the limit.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { optimize } from '../optimizer/optimize.ts';
import { coordinatePortfolio, replanSite } from '../optimizer/portfolio/coordinate.ts';
import { problemSubproblem } from '../optimizer/portfolio/site-subproblem.ts';
import { SolverPool } from '../optimizer/solver-pool.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '5' },
    vehicles: { type: 'string', default: '20' },
    slots: { type: 'string', default: '96' },
    tightness: { type: 'string', default: '0.8,0.6' },
    threads: { type: 'string', default: '1' },
    'max-iterations': { type: 'string', default: '40' },
  },
});
const S = Number(values.sites);
const V = Number(values.vehicles);
const T = Number(values.slots);
const pool = new SolverPool({ size: Number(values.threads) });
const sites = Array.from({ length: S }, (_, i) => problemSubproblem(`site-${i + 1}`, generateDepot({ vehicles: V, slots: T, seed: i + 1, minimumCurrent: false }), (p) => optimize(p, { solver: 'highs', pool })));
await pool.warmUp();
const free = await Promise.all(sites.map((s) => s.solve({ adderPerKwh: new Array<number>(T).fill(0) })));
const freeSum = Array.from({ length: T }, (_, t) => free.reduce((a, s) => a + s.netImportKw[t]!, 0));
const floors = Array.from({ length: T }, (_, t) => sites.reduce((a, s) => a + Math.max(0, s.inflexibleNetKw[t]!), 0));
const peak = Math.max(...freeSum);
const freeCost = free.reduce((a, s) => a + s.objective, 0);

console.log(`## Portfolio coordination: ${S} sites x ${V} vehicles x ${T} slots on one feeder limit (bench/portfolio-bench.ts)\n`);
console.log(`${new Date().toISOString()}, ${os.cpus()[0]?.model ?? 'cpu'} x ${os.cpus().length}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, HiGHS site solves on ${values.threads} thread(s).`);
console.log(`Command: \`npm run bench:portfolio -- --coordinate --sites ${S} --vehicles ${V} --slots ${T} --tightness ${values.tightness} --threads ${values.threads}\`. Uncoordinated: peak ${peak.toFixed(1)} kW, cost ${freeCost.toFixed(2)}.\n`);
console.log('| limit at | feeder peak kW | status | method | stop | iterations | site solves | cost | certified bound | gap | wall s | CPU s | re-plan one site: solves, wall s, limit kept |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
let broken = false;
for (const tightness of String(values.tightness).split(',').map(Number)) {
  const importLimitKw = floors.map((f) => f + tightness * (peak - f));
  const limits = { importLimitKw, exportLimitKw: new Array<number>(T).fill(Infinity) };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const plan = await coordinatePortfolio(sites, limits, { maxIterations: Number(values['max-iterations']) });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const kept = (n: readonly number[]) => n.every((x, t) => x <= importLimitKw[t]! + 1e-5);
  const t1 = performance.now();
  const replanned = await replanSite(plan, problemSubproblem('site-1', generateDepot({ vehicles: V, slots: T, seed: 1000, minimumCurrent: false }), (p) => optimize(p, { solver: 'highs', pool })));
  const replanWall = (performance.now() - t1) / 1000;
  broken ||= !kept(plan.netImportKw) || !kept(replanned.netImportKw);
  console.log(
    `| ${(tightness * 100).toFixed(0)} % | ${Math.max(...importLimitKw).toFixed(1)} (max) | ${plan.status} | ${plan.method} | ${plan.stopReason} | ${plan.iterations} | ${plan.solves} | ${plan.objective.toFixed(2)} | ${plan.bound.toFixed(2)} | ${(plan.gap * 100).toFixed(3)} % | ${wall.toFixed(1)} | ${((cpu.user + cpu.system) / 1e6).toFixed(1)} | ${replanned.solves}, ${replanWall.toFixed(2)}, ${kept(replanned.netImportKw) ? 'yes' : 'NO'} |`,
  );
}
console.log('\nCPU is this process only (the HiGHS threads run in it). "limit at": how far from the inflexible load (0 %) to the uncoordinated peak (100 %) the feeder limit lies.');
await pool.close();
if (broken) process.exit(1);
