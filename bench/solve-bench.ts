/**
 * Solver benchmark: every backend and baseline on the same generated depots, side by side, in one run.
 *
 *   npm run bench:solve                      # N = 10, 50, 100, 500, 1000, 2000 x 96 slots
 *   npm run bench:solve -- --sizes 10,50 --reps 5
 *   npm run bench:solve -- --sizes 50,1000 --reps 5 --milp-sizes none --solvers highs,edf   # the issue 12 speed targets
 *   npm run bench:solve -- --no-compare-chain          # without the energy-chain rows
 *
 * Part 1 (the LP: site limit and demand charge on, no minimum current): for each N and backend, the median
 * over --reps of end-to-end ms (the `optimize()` call: worker transfer, build, solve, plan assembly and
 * validation), build ms, solve ms, objective, gap to HiGHS, and the process's peak RSS so far. A backend is
 * dropped for larger N once one solve takes more than 120 s (javascript-lp-solver is run once per size and
 * killed by the pool's watchdog past 120 s).
 * HiGHS runs with the default (automatic) energy form and, beside it, with the per-slot energy chain
 * (`highs (energy chain)`, the model before issue 12's prefix rows: optimizer/energy-rows.ts).
 * Part 2 (the same depots with the 6 A minimum current on AC chargers): HiGHS with the LP repair (default)
 * and with the exact lazy MILP, showing what minimum current costs in time and how far the repair is from
 * the LP bound.
 */
import { parseArgs } from 'node:util';
import { optimize, type SolverName } from '../optimizer/optimize.ts';
import type { Plan } from '../optimizer/plan.ts';
import { SolverPool } from '../optimizer/solver-pool.ts';
import type { SolveOptions } from '../optimizer/solve-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,50,100,500,1000,2000' },
    reps: { type: 'string', default: '3' },
    'milp-sizes': { type: 'string', default: '10,50' },
    seed: { type: 'string', default: '1' },
    solvers: { type: 'string', default: 'highs,lp-solver,uncontrolled,alap,edf,llf,round-robin,price-greedy' },
    /** Also solve with the per-slot energy chain (energy-rows.ts) beside the default energy form. */
    'compare-chain': { type: 'boolean', default: true },
  },
});
const sizes = values.sizes!.split(',').map(Number);
const reps = Number(values.reps);
const milpSizes = values['milp-sizes']!.split(',').filter((s) => s !== '' && s !== 'none').map(Number);
const seed = Number(values.seed);
const compareChain = values['compare-chain']!;
const dropAfterMs = 120_000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

interface Row {
  n: number;
  solver: string;
  endToEndMs: number;
  /** Process CPU time (all threads) per solve: less sensitive than wall time to a loaded machine. */
  cpuMs: number;
  buildMs: number;
  solveMs: number;
  objective: number;
  status: string;
  gap: string;
  rounds: number;
  rssMb: number;
  note?: string;
}

async function measure(problem: ReturnType<typeof generateDepot>, solver: SolverName, runs: number, pool: SolverPool, options: SolveOptions = {}) {
  const times: number[] = [];
  const cpus: number[] = [];
  const builds: number[] = [];
  const solves: number[] = [];
  let plan: Plan | undefined;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    plan = await optimize(problem, { solver, pool, ...options });
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
    builds.push(plan.stats.buildMs);
    solves.push(plan.stats.solveMs);
  }
  return { plan: plan!, endToEndMs: median(times), cpuMs: median(cpus), buildMs: median(builds), solveMs: median(solves) };
}

function table(title: string, rows: Row[]): string {
  const lines = [
    `### ${title}`,
    '',
    '| N | solver | end-to-end ms | CPU ms | build ms | solve ms | objective | status | gap | rounds | peak RSS MB |',
    '|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.n} | ${r.solver} | ${r.endToEndMs.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.buildMs.toFixed(0)} | ${r.solveMs.toFixed(0)} | ${r.objective.toFixed(4)} | ${r.status}${r.note ? ` (${r.note})` : ''} | ${r.gap} | ${r.rounds} | ${r.rssMb} |`,
    );
  }
  return lines.join('\n');
}

const lpPool = new SolverPool({ size: 1 });
const jslpPool = new SolverPool({ size: 1, watchdogGraceMs: 5_000 });
console.error(`warming up HiGHS...`);
await lpPool.warmUp();
const part1: Row[] = [];
const dropped = new Set<string>();
const solvers = values.solvers!.split(',') as SolverName[];
for (const n of sizes) {
  const problem = generateDepot({ vehicles: n, seed, minimumCurrent: false });
  let highsObjective = NaN;
  for (const solver of solvers) {
    if (dropped.has(solver)) continue;
    console.error(`N=${n} ${solver}...`);
    const isJslp = solver === 'lp-solver';
    const pool = isJslp ? jslpPool : lpPool;
    const m = await measure(problem, solver, isJslp ? 1 : reps, pool, isJslp ? { timeLimitMs: dropAfterMs } : {});
    if (solver === 'highs') highsObjective = m.plan.cost.objective;
    const overran = m.endToEndMs > dropAfterMs || m.plan.status === 'timed_out';
    if (overran) dropped.add(solver);
    part1.push({
      n,
      solver,
      endToEndMs: m.endToEndMs,
      cpuMs: m.cpuMs,
      buildMs: m.buildMs,
      solveMs: m.solveMs,
      objective: overran ? NaN : m.plan.cost.objective,
      status: overran ? 'dropped: > 120 s' : m.plan.status,
      gap: overran || solver === 'highs' ? (solver === 'highs' ? '0' : '-') : `${(((m.plan.cost.objective - highsObjective) / Math.abs(highsObjective)) * 100).toFixed(3)} %`,
      rounds: m.plan.stats.rounds,
      rssMb: rssMb(),
    });
    if (solver === 'highs' && compareChain) {
      // The same LP with the per-slot energy chain (the model before the prefix rows), beside the default.
      console.error(`N=${n} highs (energy chain)...`);
      const c = await measure(problem, solver, reps, pool, { energyForm: 'chain' });
      part1.push({ n, solver: 'highs (energy chain)', endToEndMs: c.endToEndMs, cpuMs: c.cpuMs, buildMs: c.buildMs, solveMs: c.solveMs, objective: c.plan.cost.objective, status: c.plan.status, gap: `${(((c.plan.cost.objective - m.plan.cost.objective) / Math.abs(m.plan.cost.objective)) * 100).toFixed(3)} %`, rounds: c.plan.stats.rounds, rssMb: rssMb() });
    }
  }
}
await jslpPool.close();

const part2: Row[] = [];
for (const n of sizes) {
  const problem = generateDepot({ vehicles: n, seed, minimumCurrent: true });
  console.error(`N=${n} highs with minimum current (repair)...`);
  const repair = await measure(problem, 'highs', reps, lpPool);
  const bound = repair.plan.stats.relaxationObjective ?? repair.plan.cost.objective;
  const gapToBound = (p: Plan) => `${(((p.cost.objective - bound) / Math.abs(bound)) * 100).toFixed(4)} % to LP bound`;
  part2.push({
    n,
    solver: 'highs (repair)',
    ...repair,
    objective: repair.plan.cost.objective,
    status: repair.plan.status,
    gap: gapToBound(repair.plan),
    rounds: repair.plan.stats.rounds,
    rssMb: rssMb(),
  });
  if (compareChain) {
    console.error(`N=${n} highs with minimum current (repair, energy chain)...`);
    const chain = await measure(problem, 'highs', reps, lpPool, { energyForm: 'chain' });
    part2.push({ n, solver: 'highs (repair, energy chain)', ...chain, objective: chain.plan.cost.objective, status: chain.plan.status, gap: gapToBound(chain.plan), rounds: chain.plan.stats.rounds, rssMb: rssMb() });
  }
  if (milpSizes.includes(n)) {
    console.error(`N=${n} highs with minimum current (milp)...`);
    const milp = await measure(problem, 'highs', 1, lpPool, { integerStrategy: 'milp', timeLimitMs: dropAfterMs });
    part2.push({
      n,
      solver: 'highs (milp)',
      ...milp,
      objective: milp.plan.cost.objective,
      status: milp.plan.status,
      gap: gapToBound(milp.plan),
      rounds: milp.plan.stats.rounds,
      rssMb: rssMb(),
      note: `${milp.plan.stats.integerColumns} integer columns`,
    });
  }
}
await lpPool.close();

console.log(`Solver benchmark, ${new Date().toISOString()}, node ${process.version}, HiGHS ${lpPool.highsVersion ?? '?'}, seed ${seed}, ${reps} rep(s), medians`);
console.log('');
console.log(table('Part 1: LP (site limit + demand charge, no minimum current), 96 slots', part1));
console.log('');
console.log(table('Part 2: with the 6 A minimum current on AC chargers (HiGHS), 96 slots', part2));
// Issue 12's speed targets: 50 vehicles <= 50 ms, 1,000 vehicles with the 6 A minimum <= 1.5 s, within 0.05 % of the LP bound.
const targets = [
  { n: 50, ms: 50 },
  { n: 1000, ms: 1500 },
];
const targetLines = targets.flatMap(({ n, ms }) => {
  const row = part2.find((r) => r.n === n && r.solver === 'highs (repair)');
  if (!row) return [];
  const gapPct = Number.parseFloat(row.gap);
  const met = row.endToEndMs <= ms && gapPct <= 0.05;
  return [`- N = ${n}: ${row.endToEndMs.toFixed(0)} ms end to end (target <= ${ms}), ${row.cpuMs.toFixed(0)} ms CPU, ${row.gap}: ${met ? 'met' : 'NOT met'}`];
});
if (targetLines.length > 0) console.log(['', '### Issue 12 speed targets (part 2, medians)', '', ...targetLines].join('\n'));
