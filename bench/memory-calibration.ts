/**
 * Calibrates optimizer/memory-estimate.ts: solves one generated depot in a fresh process and prints the
 * model's size and the HiGHS WebAssembly heap after the solve. Usage:
 *   node bin/run-ts.mjs bench/memory-calibration.ts <vehicles> [slots]
 */
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { buildFormulation } from '../optimizer/formulation.ts';
import { resolveProblem } from '../optimizer/resolved-problem.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';
import { modelSize } from '../optimizer/memory-estimate.ts';

const vehicles = Number(process.argv[2] ?? 100);
const slots = Number(process.argv[3] ?? 96);
const problem = generateDepot({ vehicles, slots, seed: 1 });
const highs = await loadHighs();
const before = highs.memoryBytes;
const lp = buildFormulation(resolveProblem(problem)).lp;
const started = performance.now();
const plan = solveWithBackend(problem, createHighsBackend(highs), { timeLimitMs: 3_600_000 });
const size = modelSize(problem);
console.log(JSON.stringify({
  vehicles, slots, rows: lp.numRows, cols: lp.numCols, nnz: lp.rowStarts[lp.numRows],
  estimate: size, heapBefore: before, heapAfter: highs.memoryBytes, rounds: plan.stats.rounds,
  ms: Math.round(performance.now() - started), status: plan.status,
}));
