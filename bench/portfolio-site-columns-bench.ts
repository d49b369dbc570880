/**
 * Site-column Dantzig-Wolfe (optimizer/portfolio/site-columns.ts) beside the feeder-price loop
 * (coordinate.ts) on the same portfolio, in this process: S generated depots of V vehicles (96 slots, seed =
 * site number, 6 A minimum current), one feeder import limit F = the sites' summed inflexible peak +
 * --headroom x the vehicles' energy need over 8 h (as portfolio-bench.ts), and a dispatch "import <= 0.8 F"
 * on slots 2-9 (2 h). Site solves by HiGHS on a pool of --threads. Prints one JSON line per method: wall and
 * process CPU seconds (HiGHS threads included), rounds, site solves, plan cost, certified bound, gap, whether
 * the sum kept the limit in every slot.
 *
 * Method `site-columns-resident`: the same coordinator over resident site models (optimizer/portfolio/
 * resident-site.ts), on this process's main thread: each site's LP is built and solved once at zero adder
 * before the clock starts (planning time: the plan in force; its CPU printed as `planningCpuS`), then every
 * round re-solves the open models from their last LP basis. A new HiGHS instance once one passes 1.2 GiB.
 *
 *   npm run bench:portfolio -- --site-columns --sites 10 --vehicles 50 [--methods site-columns,coordinate,site-columns-resident] [--threads 2]
 *     [--resident-form chain|prefix] [--warm-simplex auto|primal|dual] [--relaxed-rounds] [--slots 96]
 *
 * Method `aggregate-first` (aggregate-first.ts): the aggregate LP of the sites' relaxations, one round of site
 * solves within its caps, then `--then lagrangian|site-columns|none`; `--grouping v2g|departure`; `--price-step
 * monolithic|monolithic-ipm|monolithic-ipm-crossover|decomposed|auto` (optimizer/portfolio/price-step.ts; default monolithic).
 * `--site-time-limit-ms N`: each site solve's wall-clock limit (default the solver's 60 s; a loaded machine needs more).
 * solves within its caps, then `--then lagrangian|site-columns|none`; `--grouping v2g|departure`; `--bound-solve
 * warm|cold-round` (or `--methods aggregate-first:cold-round,aggregate-first:warm`: both arms in one process).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { optimize } from '../optimizer/optimize.ts';
import { coordinatePortfolio } from '../optimizer/portfolio/coordinate.ts';
import { coordinateBySiteColumns } from '../optimizer/portfolio/site-columns.ts';
import { coordinateAggregateFirst } from '../optimizer/portfolio/aggregate-first.ts';
import type { PriceStepChoice } from '../optimizer/portfolio/price-step.ts';
import { problemSubproblem } from '../optimizer/portfolio/site-subproblem.ts';
import { SolverPool } from '../optimizer/solver-pool.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { emptyResidentTally, ResidentSite, residentSubproblem } from '../optimizer/portfolio/resident-site.ts';
import type { Highs } from 'highs';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '10' },
    vehicles: { type: 'string', default: '50' },
    headroom: { type: 'string', default: '0.3' },
    threads: { type: 'string', default: '2' },
    methods: { type: 'string', default: 'site-columns,coordinate' },
    'max-iterations': { type: 'string' },
    'target-gap': { type: 'string', default: '0.005' },
    /** site-columns' price rule: polyak (default), master, box. */
    'price-rule': { type: 'string', default: 'polyak' },
    'resident-form': { type: 'string' },
    'warm-simplex': { type: 'string' },
    /** Rounds ask for columns only (SiteRequest.relaxed): resident sites re-solve only their LP; the plan comes from recoveries. */
    'relaxed-rounds': { type: 'boolean', default: false },
    slots: { type: 'string', default: '96' },
    /** aggregate-first: what follows a first round above the target (lagrangian, site-columns, none). */
    then: { type: 'string', default: 'lagrangian' },
    /** Each site solve's wall-clock limit (ms; default the solver's, 60 s): under heavy load a solve stopped by it proves no bound. */
    'site-time-limit-ms': { type: 'string' },
    /** aggregate-first: how the aggregate LP is solved (price-step.ts). */
    'price-step': { type: 'string', default: 'monolithic' },
    /** aggregate-first: the relaxation's vehicle groups (v2g, departure). */
    grouping: { type: 'string', default: 'v2g' },
    /**
     * aggregate-first: how the Lagrangian bound's uncapped LPs are solved: warm (default: on each site's capped model,
     * SolverPool.solveWithBound) or cold-round (the old second round of cold site solves). A method name
     * `aggregate-first:cold-round` / `aggregate-first:warm` overrides it per method (a same-load pair in one run).
     */
    'bound-solve': { type: 'string', default: 'warm' },
  },
});
const S = Number(values.sites);
const V = Number(values.vehicles);
const T = Number(values.slots);
const problems = Array.from({ length: S }, (_, i) => generateDepot({ vehicles: V, slots: T, seed: i + 1 }));
let floorKw = 0;
let needKwh = 0;
for (const problem of problems) {
  floorKw += Math.max(0, ...problem.baseLoadKw!.map((b, t) => b - (problem.pvKw?.[t] ?? 0)));
  needKwh += problem.vehicles.reduce((a, v) => a + Math.max(0, v.targetEnergyKwh - v.energyKwh), 0);
}
const feederKw = Math.round(floorKw + Number(values.headroom) * (needKwh / 8));
const importLimitKw = Array.from({ length: T }, (_, t) => (t >= 2 && t < 10 ? Math.round(0.8 * feederKw) : feederKw));
const limits = { importLimitKw, exportLimitKw: new Array<number>(T).fill(Infinity) };
const pool = new SolverPool({ size: Number(values.threads) });
await pool.warmUp();
const siteTimeLimit = values['site-time-limit-ms'] ? { timeLimitMs: Number(values['site-time-limit-ms']) } : {};
const sites = problems.map((p, i) => problemSubproblem(`pf-${i + 1}`, p, (q) => optimize(q, { solver: 'highs', pool, ...siteTimeLimit }), (base, request) => pool.solveWithBound(base, request)));
console.error(`site columns bench: ${S} sites x ${V} vehicles, feeder ${feederKw} kW (dispatch ${importLimitKw[2]} kW on slots 2-9), ${cpus().length} cores, ${values.threads} solver threads`);
const cold = (q: Parameters<typeof optimize>[0]) => optimize(q, { solver: 'highs', pool, ...siteTimeLimit });
/** Resident site models, built and solved at zero adder before any clock (planning time). */
async function residentSites() {
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const tally = emptyResidentTally();
  const instances: Highs[] = [];
  let highs: Highs | undefined;
  const residents: ResidentSite[] = [];
  for (const p of problems) {
    if (!highs || highs.memoryBytes > 1.2 * 2 ** 30) instances.push((highs = await loadHighs()));
    const r = new ResidentSite(p, createHighsBackend(highs), cold, { ...(values['warm-simplex'] ? { warmSimplex: values['warm-simplex'] as 'auto' | 'primal' | 'dual' } : {}), ...(values['resident-form'] ? { energyForm: values['resident-form'] as 'chain' | 'prefix' } : {}) });
    await r.answer({ adderPerKwh: new Array<number>(T).fill(0) });
    residents.push(r);
  }
  const cpu = process.cpuUsage(cpu0);
  const heapMiB = instances.reduce((a, h) => a + h.memoryBytes, 0) / 2 ** 20;
  console.error(`resident models: ${residents.length} on ${instances.length} HiGHS instance(s), ${heapMiB.toFixed(0)} MiB heap, planning ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU s, ${((performance.now() - started) / 1000).toFixed(1)} s wall`);
  return { residents, tally, planningCpuS: +((cpu.user + cpu.system) / 1e6).toFixed(1), heapMiB: Math.round(heapMiB), instances: instances.length, sites: residents.map((r, i) => residentSubproblem(`pf-${i + 1}`, r, cold, tally)) };
}
let broken = false;
for (const methodArm of values.methods.split(',')) {
  const [method, armBound] = methodArm.split(':') as [string, string | undefined];
  const boundSolve = (armBound ?? values['bound-solve']) as 'warm' | 'cold-round';
  const resident = method === 'site-columns-resident' ? await residentSites() : undefined;
  const loadAtStart = loadavg().map((x) => x.toFixed(2)).join(' ');
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const options = { targetGap: Number(values['target-gap']), ...(values['max-iterations'] ? { maxIterations: Number(values['max-iterations']) } : {}) };
  let aggregate: Record<string, unknown> | undefined;
  const plan =
    method === 'aggregate-first'
      ? await coordinateAggregateFirst(sites, limits, { ...options, boundSolve, then: values.then as 'lagrangian' | 'lagrangian-recover' | 'site-columns' | 'none', grouping: values.grouping as 'v2g' | 'departure', priceStep: values['price-step'] as PriceStepChoice, onAggregate: (a) => {
          aggregate = { method: a.method, rows: a.rows, cols: a.cols, nonzeros: a.nonzeros, groups: a.groups, buildMs: a.buildMs, solveMs: a.solveMs, simplexIterations: a.simplexIterations, ...(a.lpSolver ? { lpSolver: a.lpSolver } : {}), objective: a.objective, ...(a.primalObjective !== undefined ? { primalObjective: a.primalObjective, boundNote: a.boundNote } : {}), status: a.status };
          console.error(`  aggregate LP: ${JSON.stringify(aggregate)}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
        } })
      : method === 'site-columns' || resident
      ? await coordinateBySiteColumns(resident?.sites ?? sites, limits, { ...options, relaxedRounds: values['relaxed-rounds'], priceRule: values['price-rule'] as 'polyak' | 'master' | 'box', onRound: (r) => console.error(`  round ${r.round}: ${((performance.now() - started) / 1000).toFixed(1)} s, bound ${r.bound.toFixed(2)}, master ${r.masterObjective.toFixed(2)}, plan ${r.planObjective?.toFixed(2) ?? '-'}, recovery solves ${r.recoverySolves}, solves ${r.solves}`) })
      : await coordinatePortfolio(sites, limits, options);
  const cpu = process.cpuUsage(cpu0);
  const kept = plan.netImportKw.every((n, t) => n <= importLimitKw[t]! + 1e-5);
  broken ||= !kept;
  console.log(JSON.stringify({
    method: method.startsWith('site-columns') ? `${method} (${values['price-rule']})` : method === 'aggregate-first' ? `${method} (bound ${boundSolve})` : method,
    ...(resident ? { planningCpuS: resident.planningCpuS, heapMiB: resident.heapMiB, instances: resident.instances, answers: { warm: resident.tally.warm, first: resident.tally.first, cold: resident.tally.cold, coldReasons: Object.fromEntries(resident.tally.coldReasons) }, residentForm: values['resident-form'] ?? 'auto', relaxedRounds: values['relaxed-rounds'], warmSimplex: values['warm-simplex'] ?? 'backend' } : {}), sites: S, vehicles: V, feederKw, loadAtStart, loadAtEnd: loadavg().map((x) => x.toFixed(2)).join(' '),
    wallS: +((performance.now() - started) / 1000).toFixed(1), cpuS: +((cpu.user + cpu.system) / 1e6).toFixed(1),
    iterations: plan.iterations, solves: plan.solves, planMethod: plan.method, stop: plan.stopReason, status: plan.status, ...(plan.boundKind ? { boundKind: plan.boundKind } : {}), ...(aggregate ? { aggregate, then: values.then, grouping: values.grouping } : {}), ...('priceStep' in plan ? { priceStep: plan.priceStep } : {}), ...('handover' in plan && plan.handover ? { handover: plan.handover } : {}), ...('lagrangian' in plan && plan.lagrangian ? { lagrangian: plan.lagrangian } : {}),
    objective: +plan.objective.toFixed(2), bound: +plan.bound.toFixed(2), gapPct: +(100 * plan.gap).toFixed(3), limitKept: kept,
  }));
  for (const r of resident?.residents ?? []) r.dispose();
}
await pool.close();
process.exit(broken ? 1 : 0);
