/**
 * The portfolio's vehicle column generation alone, in this process (optimizer/portfolio/vehicle-columns.ts):
 * S generated depots of V vehicles (96 slots, seed = site number) behind one feeder import limit F = the
 * sites' summed inflexible peak + --headroom x the vehicles' energy need spread over 8 h (as
 * portfolio-bench.ts). Prints per iteration the gap, then one JSON line: wall and CPU seconds, iterations,
 * plan cost, certified bound, gap, the feeder sum's peak against F, and how the plan was made.
 *
 *   npm run bench:portfolio -- --vehicle-columns --sites 10 --vehicles 50 [--threads 2] [--target-gap 0.005]
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { planPortfolioByVehicleColumns } from '../optimizer/portfolio/vehicle-columns.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '10' },
    vehicles: { type: 'string', default: '50' },
    headroom: { type: 'string', default: '0.3' },
    threads: { type: 'string' },
    'target-gap': { type: 'string', default: '0.005' },
    'time-limit-s': { type: 'string', default: '600' },
  },
});
const S = Number(values.sites);
const V = Number(values.vehicles);
const T = 96;
const sites = Array.from({ length: S }, (_, i) => ({ siteId: `pf-${i + 1}`, problem: generateDepot({ vehicles: V, slots: T, seed: i + 1 }) }));
let floorKw = 0;
let needKwh = 0;
for (const { problem } of sites) {
  floorKw += Math.max(0, ...problem.baseLoadKw!.map((b, t) => b - (problem.pvKw?.[t] ?? 0)));
  needKwh += problem.vehicles.reduce((a, v) => a + Math.max(0, v.targetEnergyKwh - v.energyKwh), 0);
}
const feederKw = Math.round(floorKw + Number(values.headroom) * (needKwh / 8));
const loadAtStart = loadavg().map((x) => x.toFixed(2)).join(' ');
console.error(`vehicle columns: ${S} sites x ${V} vehicles, feeder ${feederKw} kW, ${cpus().length} cores, load ${loadAtStart}`);
const started = performance.now();
const cpu0 = process.cpuUsage();
const plan = await planPortfolioByVehicleColumns(sites, { importLimitKw: new Array<number>(T).fill(feederKw), exportLimitKw: new Array<number>(T).fill(Infinity) }, {
  targetGap: Number(values['target-gap']),
  timeLimitMs: 1000 * Number(values['time-limit-s']),
  ...(values.threads ? { threads: Number(values.threads) } : {}),
  onProgress: (p) => console.error(`  iteration ${p.round}: ${(p.elapsedMs / 1000).toFixed(1)} s, gap ${p.gapPct?.toFixed(3) ?? '-'} % (master)`),
});
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({
  sites: S, vehicles: V, feederKw, loadAtStart, loadAtEnd: loadavg().map((x) => x.toFixed(2)).join(' '),
  wallS: +((performance.now() - started) / 1000).toFixed(1), cpuS: +((cpu.user + cpu.system) / 1e6).toFixed(1),
  iterations: plan.iterations, objective: +plan.objective.toFixed(2), bound: +plan.bound.toFixed(2), gapPct: +(100 * plan.gap).toFixed(3),
  shortfallKwh: +plan.sites.reduce((a, s) => a + s.solution.plan.cost.shortfallKwh, 0).toFixed(2),
  shortfallPenalty: +plan.sites.reduce((a, s) => a + s.solution.plan.cost.shortfallPenalty, 0).toFixed(2),
  demandCharge: +plan.sites.reduce((a, s) => a + s.solution.plan.cost.demandCharge, 0).toFixed(2),
  status: plan.status, breaches: plan.breaches.length, feederPeakKw: +Math.max(...plan.netImportKw).toFixed(1), describe: plan.describe,
}));
process.exit(0);
