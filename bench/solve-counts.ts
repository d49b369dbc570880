/**
 * Load-independent numbers of the cold solve of generated depots (6 A minimum current): the LP's rows and nonzeros,
 * the first LP's simplex iterations (solved alone), then a whole `solveWithBackend`: all iterations, HiGHS runs,
 * objective, LP bound and gap. For comparing two checkouts on a loaded machine, where CPU times are noise.
 *
 *   node bin/run-ts.mjs bench/solve-counts.ts 50,1000 1,2,3     # sizes, seeds; LIMIT_MS sets the time limit (default 600000)
 */
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';
import { resolveProblem } from '../optimizer/resolved-problem.ts';
import { buildFormulation } from '../optimizer/formulation.ts';
import { chooseEnergyForm } from '../optimizer/energy-rows.ts';

const backend = createHighsBackend(await loadHighs());
const sizes = (process.argv[2] ?? '50,1000').split(',').map(Number);
const seeds = (process.argv[3] ?? '1').split(',').map(Number);
const timeLimitMs = Number(process.env.LIMIT_MS ?? 600_000);
console.log('| N | seed | rows | nonzeros | first-LP iterations | all iterations | HiGHS runs | objective | LP bound | gap | status |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const n of sizes) {
  for (const seed of seeds) {
    const problem = generateDepot({ vehicles: n, seed, minimumCurrent: true });
    const rp = resolveProblem(problem);
    const lp = buildFormulation(rp, undefined, chooseEnergyForm(rp)).lp;
    const session = backend.open(lp);
    const first = session.solve({ timeLimitMs, mipRelGap: 1e-4, presolve: false });
    session.dispose();
    const plan = solveWithBackend(problem, backend, { timeLimitMs });
    const bound = plan.stats.relaxationObjective;
    console.log(
      `| ${n} | ${seed} | ${lp.numRows} | ${lp.values.length} | ${first.iterations} | ${plan.stats.iterations} | ${plan.stats.rounds} | ${plan.cost.objective.toFixed(4)} | ${bound?.toFixed(4) ?? '-'} | ${plan.origin?.gapPct?.toFixed(4) ?? '-'} % | ${plan.status} |`,
    );
  }
}
