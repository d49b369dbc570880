/**
 * Anytime solving at size, with the real clock: a generated depot solved by HiGHS (the solver pool, as
 * `v2g solve` does) under a short time limit, beside EDF and the other baselines. Issue 12 measured a
 * 5,000-vehicle depot returning the EDF fallback (34 % above the LP optimum) once the LP had used half
 * of the limit; this shows which plan comes back now, its cost against EDF, its gap to the bound, and how far
 * past the limit the call returned (the budget's tolerance: 2 s + 10 % of the limit, solver-pool.ts).
 *
 *   nice -n 10 node bin/run-ts.mjs bench/anytime-bench.ts -- --vehicles 5000 --limits 20000,60000
 */
import { parseArgs } from 'node:util';
import { baselineNames } from '../optimizer/baselines/index.ts';
import { optimize } from '../optimizer/optimize.ts';
import { SolverPool } from '../optimizer/solver-pool.ts';
import { solveWithBaseline } from '../optimizer/solve-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';

const { values } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '5000' },
    limits: { type: 'string', default: '20000,60000' },
    seed: { type: 'string', default: '1' },
  },
});
const vehicles = Number(values.vehicles);
const limits = values.limits!.split(',').map(Number);
const problem = generateDepot({ vehicles, seed: Number(values.seed) });
const edf = solveWithBaseline(problem, 'edf').cost.objective;
const bestBaseline = Math.min(...baselineNames.map((name) => solveWithBaseline(problem, name).cost.objective));
const pool = new SolverPool({ size: 1 });
await pool.warmUp();
console.log(`Anytime bench, ${new Date().toISOString()}, node ${process.version}, ${vehicles} vehicles x 96 slots, seed ${values.seed}`);
console.log(`EDF objective ${edf.toFixed(2)}, cheapest baseline ${bestBaseline.toFixed(2)}`);
console.log('');
console.log('| time limit ms | wall ms | over the limit | status | plan returned | objective | vs EDF | gap to bound | how it ended |');
console.log('|---:|---:|---:|---|---|---:|---:|---:|---|');
for (const timeLimitMs of limits) {
  const start = performance.now();
  const plan = await optimize(problem, { solver: 'highs', pool, engine: 'monolithic', timeLimitMs });
  const wallMs = performance.now() - start;
  const origin = plan.origin;
  const source = origin?.source === 'baseline' ? `baseline ${origin.baseline}` : (origin?.source ?? '?');
  const vsEdf = ((plan.cost.objective - edf) / Math.abs(edf)) * 100;
  const gap = origin?.gapPct !== undefined ? `${origin.gapPct.toFixed(3)} %` : 'no bound';
  const over = `${(((wallMs - timeLimitMs) / timeLimitMs) * 100).toFixed(1)} %`;
  const how = (plan.message ?? '').split('; fallback plan')[0]!.slice(0, 160);
  console.log(`| ${timeLimitMs} | ${wallMs.toFixed(0)} | ${over} | ${plan.status} | ${source} | ${plan.cost.objective.toFixed(2)} | ${vsEdf.toFixed(2)} % | ${gap} | ${how} |`);
}
await pool.close();
