/**
 * Where the decomposed price step's master (optimizer/portfolio/site-column-master.ts, solved in the step's thread)
 * spends (issue 17 session 16): the same instance as portfolio-aggregate-lp-bench.ts (S generated depots x V vehicles x
 * --slots slots, feeder import limit of their inflexible peak + 0.3 x their energy need over 8 h, 0.8 of it on slots
 * 2-9), the step run once with the master's model wrapped: per master solve its wall ms, HiGHS simplex iterations, its
 * columns and rows, and the ms of its addCols. Prints one JSON line per master solve (with --rounds) and a summary line.
 *
 *   node bin/run-ts.mjs bench/portfolio-decomposed-master-profile.ts --sites 200 --vehicles 500 --slots 192 --threads 2 [--rounds]
 *     [--master-simplex primal|dual|choose] [--drop-after N] [--reference on|off]
 * `--drop-after 0 --reference off`: the master as before session 16; the defaults: as the service runs it.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { LpBackend, LpSession } from '../optimizer/backends/lp-backend.ts';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { solveAggregateByDecomposition } from '../optimizer/portfolio/aggregate-decomposed.ts';
import { aggregateBenchInstance } from './aggregate-bench-instance.ts';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '20' },
    vehicles: { type: 'string', default: '100' },
    slots: { type: 'string', default: '192' },
    threads: { type: 'string', default: '1' },
    rounds: { type: 'boolean', default: false },
    'master-simplex': { type: 'string' },
    'drop-after': { type: 'string' },
    /** off: the master's columns as they are (before session 16); on (default): differences from each site's first column. */
    reference: { type: 'string', default: 'on' },
  },
});
const S = Number(values.sites);
const V = Number(values.vehicles);
const T = Number(values.slots);
const { problems, limits } = aggregateBenchInstance(S, V, T);
const base = createHighsBackend(await loadHighs());
const masterSimplex = values['master-simplex'];

/** This (the step's, the master's) thread's CPU ms so far (/proc, 10 ms ticks). */
const threadCpuMs = () => {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
/** Per master solve: wall ms, iterations, columns, rows. */
const solves: { ms: number; cpuMs: number; iterations: number; cols: number; rows: number; addMs: number }[] = [];
let addMs = 0;
/** Per site (its convexity row), its first column (dense over the rows); counts of a later column's entries equal to it. */
const firstColumn = new Map<number, Float64Array>();
let entries = 0;
let sameAsFirst = 0;
function sparsity(c: { starts: Int32Array; rows: Int32Array; values: Float64Array }, rows: number): void {
  for (let j = 0; j + 1 < c.starts.length; j++) {
    const dense = new Float64Array(rows);
    for (let k = c.starts[j]!; k < c.starts[j + 1]!; k++) dense[c.rows[k]!] = c.values[k]!;
    const site = c.rows[c.starts[j + 1]! - 1]!;
    const first = firstColumn.get(site);
    if (!first) { firstColumn.set(site, dense); continue; }
    for (let i = 0; i < rows; i++) {
      if (dense[i] === 0 && first[i] === 0) continue;
      entries++;
      if (Math.abs(dense[i]! - first[i]!) <= 1e-9 * Math.max(1, Math.abs(first[i]!))) sameAsFirst++;
    }
  }
}
/** The master is the one model that gets columns added: its solves are recorded, the relaxations' pass through. */
const backend: LpBackend = {
  ...base,
  open(lp) {
    const s = base.open(lp);
    let cols = lp.numCols;
    let isMaster = false;
    const wrapped: LpSession = {
      ...s,
      addCols: (c) => {
        isMaster = true;
        sparsity(c, lp.numRows);
        const t0 = performance.now();
        s.addCols!(c);
        addMs += performance.now() - t0;
        cols += c.cost.length;
      },
      deleteCols: s.deleteCols ? (set) => { s.deleteCols!(set); cols -= set.length; } : undefined,
      solve: (o) => {
        if (!isMaster) return s.solve(o);
        const options = masterSimplex === 'choose' ? { ...o, simplex: undefined } : masterSimplex === 'dual' ? { ...o, simplex: 'dual' as const } : o;
        const t0 = performance.now();
        const c0 = threadCpuMs();
        const r = s.solve(options);
        solves.push({ ms: performance.now() - t0, cpuMs: threadCpuMs() - c0, iterations: r.iterations, cols, rows: lp.numRows, addMs });
        addMs = 0;
        return r;
      },
    };
    return wrapped;
  },
};
const load0 = loadavg()[0]!.toFixed(2);
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const r = await solveAggregateByDecomposition(problems, limits, T, backend, {
  excessPricePerKwh: 50,
  timeLimitMs: 3_600_000,
  threads: Number(values.threads),
  referenceColumns: values.reference !== 'off',
  ...(values['drop-after'] !== undefined ? { dropColumnsAfterRounds: Number(values['drop-after']) } : {}),
});
const cpu = process.cpuUsage(cpu0);
if (values.rounds) solves.forEach((x, i) => console.log(JSON.stringify({ round: i + 1, ms: +x.ms.toFixed(1), cpuMs: x.cpuMs, iterations: x.iterations, cols: x.cols, rows: x.rows, addMs: +x.addMs.toFixed(1), msPerIteration: +(x.ms / Math.max(1, x.iterations)).toFixed(3) })));
const total = solves.reduce((a, x) => a + x.ms, 0);
const its = solves.reduce((a, x) => a + x.iterations, 0);
const { sites: _s, adderPerKwh: _a, ...rest } = r;
console.log(JSON.stringify({
  sites: S, vehicles: V, slots: T, masterSimplex: masterSimplex ?? 'primal (the step\'s)', load: `${load0} -> ${loadavg()[0]!.toFixed(2)}`,
  cpuS: +((cpu.user + cpu.system) / 1e6).toFixed(1), wallS: +((performance.now() - wall0) / 1000).toFixed(1),
  masterSolveS: +(total / 1000).toFixed(2), masterCpuS: solves.reduce((a, x) => a + x.cpuMs, 0) / 1000, laterEntries: entries, sameAsSiteFirst: sameAsFirst, masterIterations: its, lastCols: solves.at(-1)?.cols, ...rest,
}));
process.exit(0);
