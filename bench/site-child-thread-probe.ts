/** One captured flow child (bench/site-child-capture.ts) on a solver thread (SolverPool.solveWithBound, the flow child's path) and in this thread, alternated; process CPU ms, medians (issue 17 session 16, helper child). Usage: node bin/run-ts.mjs bench/site-child-thread-probe.ts <cases dir> [reps]. */
import { readdirSync } from 'node:fs';
import { cpuMs, median, readChildCase } from './support/child-case.ts';
import { loadavg } from 'node:os';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { solveWithUncappedLp } from '../optimizer/portfolio/site-bound-solve.ts';
import { SolverPool } from '../optimizer/solver-pool.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
const dir = process.argv[2]!;
const reps = Number(process.argv[3] ?? 3);
const pool = new SolverPool({ size: 1 });
await pool.warmUp();
const backend = createHighsBackend(await loadHighs());
console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const f of readdirSync(dir).sort()) {
  const { problem, request } = readChildCase(`${dir}/${f}`);
  const here: number[] = [];
  const there: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const c0 = cpuMs();
    const a = await pool.solveWithBound(problem, request, { timeLimitMs: 60_000 });
    const c1 = cpuMs();
    const b = await solveWithUncappedLp(problem, request, backend, (p) => Promise.resolve(solveWithBackend(p, backend)), { timeLimitMs: 60_000 });
    const c2 = cpuMs();
    if (a.plan.cost.objective !== b.plan.cost.objective || a.uncapped.pricedBound !== b.uncapped.pricedBound) console.log('DIFFERENT', f);
    if (i > 0) { there.push(c1 - c0); here.push(c2 - c1); }
  }
  console.log(`${f}: solver thread ${median(there).toFixed(0)} ms, this thread ${median(here).toFixed(0)} ms (medians of ${reps})`);
}
console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await pool.close();
