/**
 * The offline reference's work: one cold offline solve per capacity and seed, with the work it spent (simplex
 * iterations of its LPs, nodes and iterations of its MILP rounds: optimizer/work-limit.ts), what stopped it, its
 * plan's fingerprint (SHA-256 of every power, to compare runs), and its CPU seconds (`process.cpuUsage`).
 *
 *   V2G_DATA_DIR=/work/shared/data nice -n 10 node bin/run-ts.mjs bench/offline-work-bench.ts \
 *     --scenario caltech-week --seeds 1,5 [--capacities 10,50] [--iterations N] [--nodes N] [--time-limit-ms MS]
 *
 * One JSON line per solve (`RESULT {...}`). Without `--capacities` the scenario's own capacity; `--iterations` /
 * `--nodes` set `policy.offlineWorkLimit` (default: the scenario's, else `offlineWorkLimit`); `--time-limit-ms`
 * the wall-clock safety net (default the scenario's, else `offlineTimeLimitMs`). Measured with it: bench/RESULTS.md,
 * issue 13 session 14 (helper i13b).
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import { solveOffline } from '../scenarios/offline-optimum.ts';
import { applySweepValue, parseSeeds, parseSweepValues } from '../scenarios/sweep-plan.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'caltech-week' },
    capacities: { type: 'string' },
    seeds: { type: 'string', default: '1' },
    iterations: { type: 'string' },
    nodes: { type: 'string' },
    'time-limit-ms': { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(values['data-dir']));
const highs = await loadHighsBackend();
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' / ');
const workLimit = {
  ...(values.iterations !== undefined ? { simplexIterations: Number(values.iterations) } : {}),
  ...(values.nodes !== undefined ? { mipNodes: Number(values.nodes) } : {}),
};
console.log(`${values.scenario}, HiGHS ${highs.version}, load ${load()} at start`);
const capacities = values.capacities === undefined ? [undefined] : parseSweepValues(values.capacities).map(Number);
for (const capacity of capacities) {
  for (const seed of parseSeeds(values.seeds!)) {
    const scenario = capacity === undefined ? loaded.scenario : applySweepValue(loaded.scenario, 'capacity', capacity);
    const inputs = loadReplayInputs(scenario, loaded.texts, { seed });
    const base = solverSetup(scenario, highs.backend);
    const solver = {
      ...base,
      ...(Object.keys(workLimit).length > 0 ? { offlineWorkLimit: { ...base.offlineWorkLimit, ...workLimit } } : {}),
      ...(values['time-limit-ms'] !== undefined ? { offlineTimeLimitMs: Number(values['time-limit-ms']) } : {}),
    };
    const cpu = process.cpuUsage();
    try {
      const solution = solveOffline(inputs, solver, () => performance.now());
      const used = process.cpuUsage(cpu);
      const { plan } = solution;
      const hash = createHash('sha256');
      for (const v of plan.vehicles) hash.update(Float64Array.from(v.powerKw));
      console.log(
        `RESULT ${JSON.stringify({
          scenario: scenario.name,
          capacity: capacity ?? 'own',
          seed,
          vehicles: plan.vehicles.length,
          slots: plan.slotCount,
          strategy: solution.integerStrategy,
          status: plan.status,
          source: solution.source,
          objective: plan.cost.objective,
          bound: solution.bound,
          work: solution.work,
          rounds: plan.stats.rounds,
          planSha256: hash.digest('hex').slice(0, 16),
          cpuS: Number(((used.user + used.system) / 1e6).toFixed(1)),
          load: load(),
        })}`,
      );
    } catch (e) {
      const used = process.cpuUsage(cpu);
      console.log(`RESULT ${JSON.stringify({ scenario: scenario.name, capacity: capacity ?? 'own', seed, failed: (e as Error).message, cpuS: Number(((used.user + used.system) / 1e6).toFixed(1)), load: load() })}`);
    }
  }
}
console.log(`load ${load()} at end`);
