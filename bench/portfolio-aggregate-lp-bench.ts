/**
 * The aggregate portfolio LP alone (optimizer/portfolio/aggregate-lp.ts): S generated depots of V vehicles over
 * --slots slots (seed = site number, 6 A minimum current; as portfolio-site-columns-bench.ts) under a feeder import
 * limit of the sites' inflexible peak + 0.3 x their energy need over 8 h, 0.8 of it on slots 2-9. Prints its size,
 * build and solve time (wall, this thread), simplex iterations and value.
 *
 *   node bin/run-ts.mjs bench/portfolio-aggregate-lp-bench.ts --sites 50 --vehicles 500 --slots 192 [--simplex dual|primal] [--grouping v2g|departure]
 *     [--backend highs|clp] [--clp-first initial|dual|primal|barrier] [--lp-solver simplex|ipm] [--crossover on|off] [--ipm-tolerance 1e-8]
 *     [--method decomposed [--threads K] [--warm same|dispatch]]
 * `--threads K` (decomposed, session 15): the sites' relaxations on K worker threads (HiGHS each; the master here).
 * `--warm same`: after the cold run, the same instance again from its prices (warmAdderPerKwh); `--warm dispatch`:
 * after the cold run, a dispatch (import <= 0.85 x the limit on slots 68-75, 17:00-19:00 at 15 min) solved cold and
 * then warm from the first run's prices. Every run prints its wall and CPU seconds (process.cpuUsage: every thread).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { createClpBackend, type ClpFirstSolve } from '../optimizer/backends/clp-backend.ts';
import { loadClpLibrary } from '../adapters/solvers/clp-library.ts';
import { solveAggregateByDecomposition } from '../optimizer/portfolio/aggregate-decomposed.ts';
import { solveAggregateLp } from '../optimizer/portfolio/aggregate-lp.ts';
import { aggregateBenchInstance } from './aggregate-bench-instance.ts';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '10' },
    vehicles: { type: 'string', default: '200' },
    slots: { type: 'string', default: '96' },
    simplex: { type: 'string' },
    grouping: { type: 'string', default: 'v2g' },
    /** highs (wasm, default) or clp (native, adapters/solvers/clp-library.ts) with --clp-first initial|dual|primal|barrier. */
    backend: { type: 'string', default: 'highs' },
    'clp-first': { type: 'string', default: 'initial' },
    /** monolithic (one LP, default) or decomposed (aggregate-decomposed.ts; --tolerance relative, default 1e-3; --smoothing 0.9; --max-rounds 60). */
    method: { type: 'string', default: 'monolithic' },
    tolerance: { type: 'string', default: '1e-3' },
    smoothing: { type: 'string', default: '0.9' },
    'max-rounds': { type: 'string', default: '60' },
    /** monolithic with HiGHS: the LP algorithm (simplex | ipm), the IPM's crossover (on | off) and its tolerance. */
    'lp-solver': { type: 'string' },
    crossover: { type: 'string', default: 'on' },
    'ipm-tolerance': { type: 'string' },
    threads: { type: 'string', default: '1' },
    warm: { type: 'string' },
    /** Also print the adder per slot (to compare two methods' prices). */
    prices: { type: 'boolean', default: false },
  },
});
const S = Number(values.sites);
const V = Number(values.vehicles);
const T = Number(values.slots);
const { problems, feederKw, importLimitKw, limits } = aggregateBenchInstance(S, V, T);
const backend = values.backend === 'clp' ? createClpBackend(loadClpLibrary(), { firstSolve: values['clp-first'] as ClpFirstSolve }) : createHighsBackend(await loadHighs());
const lpOptions = {
  excessPricePerKwh: 50,
  timeLimitMs: 3_600_000,
  grouping: values.grouping as 'v2g' | 'departure',
  ...(values.simplex ? { simplex: values.simplex as 'dual' | 'primal' } : {}),
  ...(values['lp-solver'] ? { lpSolver: values['lp-solver'] as 'simplex' | 'ipm', crossover: values.crossover !== 'off' } : {}),
  ...(values['ipm-tolerance'] ? { ipmOptimalityTolerance: Number(values['ipm-tolerance']) } : {}),
};
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const head = { backend: values.backend === 'clp' ? `clp (${values['clp-first']})` : 'highs', sites: S, vehicles: V, slots: T, simplex: values.simplex ?? 'backend', lpSolverAsked: values['lp-solver'] ?? 'backend', crossoverAsked: values.crossover, grouping: values.grouping, feederKw };
if (values.method === 'decomposed') {
  const decomposed = { ...lpOptions, relTolerance: Number(values.tolerance), smoothing: Number(values.smoothing), maxRounds: Number(values['max-rounds']), threads: Number(values.threads) };
  /**
   * Per thread of this process, its CPU seconds (/proc/self/task/<tid>/stat, utime + stime at 100 ticks per s):
   * the relaxation threads end with the step, so they are read after each round (onRound) while they live.
   */
  const threadCpu = () => new Map(readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [tid, (Number(f[11]) + Number(f[12])) / 100] as const;
  }));
  /** One decomposed run, timed (wall and CPU of this process, every thread), printed as one JSON line. */
  const run = async (label: string, runLimits: typeof limits, warm?: number[]) => {
    const loadAtStart = load();
    const before = threadCpu();
    let during = before;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const r = await solveAggregateByDecomposition(problems, runLimits, T, backend, { ...decomposed, onRound: () => (during = threadCpu()), ...(warm ? { warmAdderPerKwh: warm, warmFrom: 'the first run\'s prices' } : {}) });
    const cpu = process.cpuUsage(cpu0);
    const after = threadCpu();
    const main = String(process.pid);
    // This (coordinating) thread; the threads born during the run (the relaxation threads and, under tsx, each one's
    // module-loader thread), at their last round; the threads that were there before (V8's helpers).
    const started = [...during.keys()].filter((tid) => !before.has(tid));
    const threadCpuS = {
      coordinating: +((after.get(main) ?? 0) - (before.get(main) ?? 0)).toFixed(1),
      bornDuringRun: started.map((tid) => +(during.get(tid) ?? 0).toFixed(1)),
      others: +[...after.keys()].filter((tid) => tid !== main && before.has(tid)).reduce((a, tid) => a + (after.get(tid) ?? 0) - (before.get(tid) ?? 0), 0).toFixed(1),
    };
    const { sites: _s, adderPerKwh, ...rest } = r;
    console.log(JSON.stringify({ run: label, ...head, loadAtStart, loadAtEnd: load(), cpuS: +((cpu.user + cpu.system) / 1e6).toFixed(1), wallS: +((performance.now() - wall0) / 1000).toFixed(1), threadCpuS, ...rest, pricedSlots: adderPerKwh?.filter((a) => a !== 0).length, ...(values.prices ? { adderPerKwh: adderPerKwh?.map((a) => +a.toFixed(6)) } : {}) }));
    return r;
  };
  const cold = await run('cold', limits);
  if (values.warm === 'same') await run('warm: same instance from the cold run\'s prices', limits, cold.adderPerKwh);
  if (values.warm === 'dispatch') {
    const dispatched = { ...limits, importLimitKw: importLimitKw.map((l, t) => (t >= 68 && t < 76 ? Math.round(0.85 * l) : l)) };
    await run('dispatch, cold', dispatched);
    await run('dispatch, warm from the first run\'s prices', dispatched, cold.adderPerKwh);
  }
} else {
  const loadAtStart = load();
  const cpu0 = process.cpuUsage();
  const result = solveAggregateLp(problems, limits, T, backend, lpOptions);
  const cpu = process.cpuUsage(cpu0);
  const { sites: _sites, adderPerKwh, ...size } = result;
  console.log(JSON.stringify({ ...head, loadAtStart, loadAtEnd: load(), cpuS: +((cpu.user + cpu.system) / 1e6).toFixed(1), ...size, pricedSlots: adderPerKwh?.filter((a) => a !== 0).length, ...(values.prices ? { adderPerKwh: adderPerKwh?.map((a) => +a.toFixed(6)) } : {}) }));
}
