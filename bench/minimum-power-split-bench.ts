/**
 * The column-generation plan with minimum currents (optimizer/decomposition/minimum-power-split.ts) on many small
 * generated depots: how often the master plan is the one returned (not the placement plan, not a fallback after
 * the validator refused it) and the mean stated gap against the certified (LP) bound.
 *
 *   npm run bench:minimum-power-split                       # seeds 1-30 x N = 8, 25, 120, 48 slots, 6 A minimum
 *   npm run bench:minimum-power-split -- --seeds 10 --sizes 25 --slots 96
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { solveWithDecomposition } from '../optimizer/decomposition/decompose.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '30' },
    sizes: { type: 'string', default: '8,25,120' },
    slots: { type: 'string', default: '48' },
    iterations: { type: 'string', default: '30' },
  },
});
const sizes = values.sizes!.split(',').map(Number);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}; node ${process.version}`);
console.log(`command: npm run bench:minimum-power-split -- --seeds ${values.seeds} --sizes ${values.sizes} --slots ${values.slots} --iterations ${values.iterations}`);
let runs = 0;
let master = 0;
let refused = 0;
let gapSum = 0;
for (let seed = 1; seed <= Number(values.seeds); seed++) {
  for (const n of sizes) {
    const problem = generateDepot({ vehicles: n, seed, slots: Number(values.slots) });
    const plan = await solveWithDecomposition(problem, { maxIterations: Number(values.iterations) });
    const message = plan.message ?? '';
    runs++;
    if (/, master plan[ ;(]/.test(message)) master++;
    if (message.includes('master plan: ')) refused++;
    gapSum += Number(/gap ([0-9.e+-]+) %/.exec(message)?.[1] ?? NaN);
  }
}
console.log(`${runs} depots: master plan returned ${master}, master plan refused by the validator ${refused}, mean stated gap ${(gapSum / runs).toFixed(3)} %`);
