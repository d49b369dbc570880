/**
 * CPU per solve of one generated depot (6 A minimum current), in-process: HiGHS on this thread, no worker, after
 * 5 warm-up solves. For A/B runs of two checkouts on a loaded machine, where process CPU is fairer than wall time.
 *
 *   node bin/run-ts.mjs bench/solve-cpu-loop.ts 1000 3     # vehicles, timed solves
 */
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';

const backend = createHighsBackend(await loadHighs());
const vehicles = Number(process.argv[2] ?? 50);
const reps = Number(process.argv[3] ?? 100);
const problem = generateDepot({ vehicles, seed: 1, minimumCurrent: true });
for (let i = 0; i < 5; i++) solveWithBackend(problem, backend);
const cpu = process.cpuUsage();
let plan = solveWithBackend(problem, backend);
for (let i = 1; i < reps; i++) plan = solveWithBackend(problem, backend);
const used = process.cpuUsage(cpu);
console.log(`${vehicles} vehicles: ${((used.user + used.system) / 1000 / reps).toFixed(1)} ms CPU per solve over ${reps}, objective ${plan.cost.objective.toFixed(4)}, ${plan.stats.rounds} HiGHS runs`);
