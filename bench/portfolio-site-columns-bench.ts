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
 * Session 15: `aggregate-first:<bound>:<swap|noswap>:<factor>` also sets the best-response swap and the capped round's
 * adder share (`--swap`, `--capped-price-factor`, default capped-price.ts); every aggregate-first arm prints where its gap
 * comes from (gap-split.ts); `--probe-scales` / `--probe-polyak` print the Lagrangian at other prices (diagnosis).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { optimize } from '../optimizer/optimize.ts';
import { coordinatePortfolio } from '../optimizer/portfolio/coordinate.ts';
import { coordinateBySiteColumns } from '../optimizer/portfolio/site-columns.ts';
import { coordinateAggregateFirst, type LagrangianInfo } from '../optimizer/portfolio/aggregate-first.ts';
import { defaultCappedPriceFactor } from '../optimizer/portfolio/capped-price.ts';
import type { PriceStepChoice } from '../optimizer/portfolio/price-step.ts';
import { problemSubproblem } from '../optimizer/portfolio/site-subproblem.ts';
import { SolverPool } from '../optimizer/solver-pool.ts';
import { aggregateBenchInstance } from './aggregate-bench-instance.ts';
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
    /**
     * Diagnosis (issue 17 session 15): after aggregate-first, the Lagrangian value at other feeder prices, from each
     * site's uncapped LP on a resident model in this thread (not timed in the method's CPU): the adder scaled by each
     * factor of --probe-scales (e.g. 0.5,0.8,0.9,1.1), and with --probe-polyak one projected subgradient step from
     * the adder (Polyak, target the plan's cost) at each factor of --probe-polyak (e.g. 0.5,1).
     */
    'probe-scales': { type: 'string' },
    /** aggregate-first: the best-response swap (AggregateFirstOptions.swapBestResponses; default off, --swap on). */
    swap: { type: 'boolean', default: false },
    /** aggregate-first: the capped round's adder as a share of the feeder prices (AggregateFirstOptions.cappedPriceFactor); a 4th method part `aggregate-first:warm:swap:0` overrides it. */
    'capped-price-factor': { type: 'string' },
    'probe-polyak': { type: 'string' },
  },
});
const S = Number(values.sites);
const V = Number(values.vehicles);
const T = Number(values.slots);
const { problems, feederKw, importLimitKw, limits } = aggregateBenchInstance(S, V, T, Number(values.headroom));
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
  // `aggregate-first:warm:noswap` / `:swap`: the best-response swap off / on for this arm (default --swap).
  const [method, armBound, armSwap, armFactor] = methodArm.split(':') as [string, string | undefined, string | undefined, string | undefined];
  const cappedPriceFactor = Number(armFactor ?? values['capped-price-factor'] ?? defaultCappedPriceFactor);
  const swap = (armSwap ?? (values.swap ? 'swap' : 'noswap')) === 'swap';
  const boundSolve = (armBound ?? values['bound-solve']) as 'warm' | 'cold-round';
  const resident = method === 'site-columns-resident' ? await residentSites() : undefined;
  const loadAtStart = loadavg().map((x) => x.toFixed(2)).join(' ');
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const options = { targetGap: Number(values['target-gap']), ...(values['max-iterations'] ? { maxIterations: Number(values['max-iterations']) } : {}) };
  let aggregate: Record<string, unknown> | undefined;
  const plan =
    method === 'aggregate-first'
      ? await coordinateAggregateFirst(sites, limits, { ...options, boundSolve, swapBestResponses: swap, cappedPriceFactor, then: values.then as 'lagrangian' | 'lagrangian-recover' | 'site-columns' | 'none', grouping: values.grouping as 'v2g' | 'departure', priceStep: values['price-step'] as PriceStepChoice, onAggregate: (a) => {
          aggregate = { method: a.method, rows: a.rows, cols: a.cols, nonzeros: a.nonzeros, groups: a.groups, buildMs: a.buildMs, solveMs: a.solveMs, simplexIterations: a.simplexIterations, ...(a.lpSolver ? { lpSolver: a.lpSolver } : {}), objective: a.objective, ...(a.primalObjective !== undefined ? { primalObjective: a.primalObjective, boundNote: a.boundNote } : {}), status: a.status };
          console.error(`  aggregate LP: ${JSON.stringify(aggregate)}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
        } })
      : method === 'site-columns' || resident
      ? await coordinateBySiteColumns(resident?.sites ?? sites, limits, { ...options, relaxedRounds: values['relaxed-rounds'], priceRule: values['price-rule'] as 'polyak' | 'master' | 'box', onRound: (r) => console.error(`  round ${r.round}: ${((performance.now() - started) / 1000).toFixed(1)} s, bound ${r.bound.toFixed(2)}, master ${r.masterObjective.toFixed(2)}, plan ${r.planObjective?.toFixed(2) ?? '-'}, recovery solves ${r.recoverySolves}, solves ${r.solves}`) })
      : await coordinatePortfolio(sites, limits, options);
  const cpu = process.cpuUsage(cpu0);
  const split = (plan as { lagrangian?: LagrangianInfo }).lagrangian?.gapSplit;
  const swapped = (plan as { swap?: { count: number; offered: number; saved: number; passes: number } }).swap;
  if (swapped) console.error(`  best-response swap: ${swapped.count} of ${swapped.offered} offered, saved ${swapped.saved.toFixed(2)}, ${swapped.passes} passes`);
  if (split) console.error(`  ${split.note}; worst sites ${JSON.stringify(split.worstSites.map((w) => ({ id: w.siteId, repair: +w.repair.toFixed(2), caps: +w.caps.toFixed(2) })))}`);
  const kept = plan.netImportKw.every((n, t) => n <= importLimitKw[t]! + 1e-5);
  broken ||= !kept;
  console.log(JSON.stringify({
    method: method.startsWith('site-columns') ? `${method} (${values['price-rule']})` : method === 'aggregate-first' ? `${method} (bound ${boundSolve}${boundSolve === 'warm' ? `, swap ${swap ? 'on' : 'off'}` : ''}, capped price factor ${cappedPriceFactor})` : method,
    ...(resident ? { planningCpuS: resident.planningCpuS, heapMiB: resident.heapMiB, instances: resident.instances, answers: { warm: resident.tally.warm, first: resident.tally.first, cold: resident.tally.cold, coldReasons: Object.fromEntries(resident.tally.coldReasons) }, residentForm: values['resident-form'] ?? 'auto', relaxedRounds: values['relaxed-rounds'], warmSimplex: values['warm-simplex'] ?? 'backend' } : {}), sites: S, vehicles: V, feederKw, loadAtStart, loadAtEnd: loadavg().map((x) => x.toFixed(2)).join(' '),
    wallS: +((performance.now() - started) / 1000).toFixed(1), cpuS: +((cpu.user + cpu.system) / 1e6).toFixed(1),
    iterations: plan.iterations, solves: plan.solves, planMethod: plan.method, stop: plan.stopReason, status: plan.status, ...(plan.boundKind ? { boundKind: plan.boundKind } : {}), ...(aggregate ? { aggregate, then: values.then, grouping: values.grouping } : {}), ...('priceStep' in plan ? { priceStep: plan.priceStep } : {}), ...('handover' in plan && plan.handover ? { handover: plan.handover } : {}), ...('lagrangian' in plan && plan.lagrangian ? { lagrangian: plan.lagrangian } : {}),
    objective: +plan.objective.toFixed(2), bound: +plan.bound.toFixed(2), gapPct: +(100 * plan.gap).toFixed(3), limitKept: kept,
  }));
  for (const r of resident?.residents ?? []) r.dispose();
  if (method === 'aggregate-first' && (values['probe-scales'] || values['probe-polyak'])) await probePrices(plan.prices, plan.objective);
}

/** The Lagrangian value sum_s LP_s(a) - dt sum_t (max(0,a) L + max(0,-a) E) at each adder, each site's LP warm on one resident model. */
async function lagrangianAt(adders: readonly (readonly number[])[]): Promise<{ values: number[]; net: number[][] }> {
  const values = adders.map(() => 0);
  const net = adders.map(() => new Array<number>(T).fill(0));
  let highs: Highs | undefined;
  for (const p of problems) {
    if (!highs || highs.memoryBytes > 1.2 * 2 ** 30) highs = await loadHighs();
    const r = new ResidentSite(p, createHighsBackend(highs), cold);
    try {
      adders.forEach((a, k) => {
        const lp = r.uncappedLp({ adderPerKwh: a });
        values[k]! += lp.pricedBound;
        lp.netImportKw.forEach((n, t) => (net[k]![t]! += n));
      });
    } finally {
      r.dispose();
    }
  }
  const dt = problems[0]!.slotHours;
  adders.forEach((a, k) => a.forEach((x, t) => (values[k]! -= dt * (x > 0 ? x * importLimitKw[t]! : 0))));
  return { values, net };
}

async function probePrices(prices: { importPerKwh: readonly number[]; exportPerKwh: readonly number[] }, planObjective: number) {
  const cpu0 = process.cpuUsage();
  const a = prices.importPerKwh.map((l, t) => l - prices.exportPerKwh[t]!);
  const scales = (values['probe-scales'] ?? '').split(',').filter(Boolean).map(Number);
  const first = await lagrangianAt([a, ...scales.map((c) => a.map((x) => c * x))]);
  const pct = (v: number) => `${((100 * (planObjective - v)) / Math.abs(planObjective)).toFixed(3)} %`;
  console.error(`  probe: L(a) ${first.values[0]!.toFixed(2)} (gap ${pct(first.values[0]!)}); ${scales.map((c, k) => `L(${c} a) ${first.values[k + 1]!.toFixed(2)} (gap ${pct(first.values[k + 1]!)})`).join('; ')}`);
  const g = first.net[0]!.map((n, t) => n - importLimitKw[t]!);
  const priced = a.flatMap((x, t) => (x > 0 ? [t] : []));
  const under = priced.filter((t) => g[t]! < 0);
  console.error(`  probe: ${priced.length} priced slots, ${under.length} where the uncapped LPs leave feeder unused (sum ${under.reduce((x, t) => x - g[t]!, 0).toFixed(0)} kW); over the limit in ${g.filter((x) => x > 1e-6).length} slots (sum ${g.reduce((x, y) => x + Math.max(0, y), 0).toFixed(0)} kW); adder max ${Math.max(...a).toFixed(4)}`);
  const thetas = (values['probe-polyak'] ?? '').split(',').filter(Boolean).map(Number);
  if (thetas.length > 0) {
    // Projected subgradient: a component at 0 with a negative subgradient stays 0.
    const d = g.map((x, t) => (a[t]! <= 0 && x < 0 ? 0 : x));
    const norm2 = d.reduce((x, y) => x + y * y, 0) * problems[0]!.slotHours;
    const steps = thetas.map((th) => a.map((x, t) => Math.max(0, x + (th * (planObjective - first.values[0]!) * d[t]!) / Math.max(1e-12, norm2))));
    const second = await lagrangianAt(steps);
    console.error(`  probe: Polyak ${thetas.map((th, k) => `theta ${th}: L ${second.values[k]!.toFixed(2)} (gap ${pct(second.values[k]!)})`).join('; ')}`);
  }
  const cpu = process.cpuUsage(cpu0);
  console.error(`  probe CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
}
await pool.close();
process.exit(broken ? 1 : 0);
