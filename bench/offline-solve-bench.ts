/**
 * One offline month solve per capacity (no reuse), with every HiGHS call timed: what the offline reference's
 * LP, its lazy network rows and its LP repair cost, and the CPU seconds of the whole solve (`process.cpuUsage`).
 *
 *   V2G_DATA_DIR=/work/shared/data nice -n 10 node bin/run-ts.mjs bench/offline-solve-bench.ts \
 *     --scenario caltech-2019-03-network --capacities 55
 *
 * Prints the model's size, one line per backend call (status, simplex iterations, wall ms, objective) and rows
 * added between calls, then per capacity the plan's status, objective, bound, rounds and CPU seconds.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import type { LpBackend } from '../optimizer/backends/lp-backend.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import { solveOffline } from '../scenarios/offline-optimum.ts';
import { applySweepValue, parseSweepValues } from '../scenarios/sweep-plan.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'caltech-2019-03-network' },
    capacities: { type: 'string', default: '55' },
    'data-dir': { type: 'string' },
  },
});
const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(values['data-dir']));
const highs = await loadHighsBackend();
/** HiGHS with every call timed and printed. */
const timed: LpBackend = {
  name: 'highs',
  open(lp) {
    console.log(`model ${lp.numRows} rows x ${lp.numCols} columns, ${lp.colIndex.length} nonzeros`);
    const session = highs.backend.open(lp);
    return {
      ...session,
      solve(options) {
        const started = performance.now();
        const answer = session.solve(options);
        console.log(`  solve ${answer.status}: ${answer.iterations} iterations, ${(performance.now() - started).toFixed(0)} ms, objective ${answer.objective}`);
        return answer;
      },
      addRows(rows) {
        console.log(`  + ${rows.lower.length} network rows`);
        session.addRows(rows);
      },
    };
  },
};
console.log(`${values.scenario}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at start`);
for (const capacity of parseSweepValues(values.capacities!).map(Number)) {
  const scenario = applySweepValue(loaded.scenario, 'capacity', capacity);
  const inputs = loadReplayInputs(scenario, loaded.texts, { seed: 1 });
  const cpu = process.cpuUsage();
  const solution = solveOffline(inputs, { ...solverSetup(scenario, highs.backend), backend: timed }, () => performance.now());
  const used = process.cpuUsage(cpu);
  const { plan } = solution;
  console.log(
    `capacity ${capacity}: ${plan.status}, objective ${plan.cost.objective}, bound ${solution.bound}, ${plan.stats.rounds} solves, ${plan.stats.iterations} iterations, ${((used.user + used.system) / 1e6).toFixed(1)} CPU s; ${plan.message ?? ''}`,
  );
}
console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at end`);
