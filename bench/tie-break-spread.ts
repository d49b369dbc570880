/**
 * Issue 13's complaint "MPC swings with LP tie-breaking", measured directly: one scenario and one seed (the same
 * vehicles, batteries and prices), replayed with HiGHS's `random_seed` set to 0..K-1 on every model. The random
 * seed moves HiGHS's internal random choices (the dual simplex's cost perturbation among them), so among plans of
 * equal cost a different vertex may come back; any change of the replayed KPIs is the tie-break's doing. The
 * seed-to-seed spread of policy-goals-bench.ts mixes that with what the seed itself changes (the drawn batteries),
 * which moves the exact offline optimum too.
 *
 *   node bin/run-ts.mjs bench/tie-break-spread.ts --scenario caltech-week --seed 1 --random-seeds 6 \
 *     --policies mpc,mpc-events,mpc-plain,offline
 *
 * Prints Markdown for bench/RESULTS.md. Needs the real data (V2G_DATA_DIR, default ../shared/data).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Highs } from 'highs';
import { solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { computeKpis } from '../scenarios/kpis.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import type { PolicyName } from '../scenarios/policy-names.ts';
import { runReplay } from '../scenarios/replay-engine.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'caltech-week' },
    seed: { type: 'string', default: '1' },
    'random-seeds': { type: 'string', default: '6' },
    policies: { type: 'string', default: 'mpc,mpc-events,mpc-plain,offline' },
    'data-dir': { type: 'string' },
  },
});
const seed = Number(values.seed);
const randomSeeds = Array.from({ length: Number(values['random-seeds']) }, (_, i) => i);
const policies = values.policies!.split(',') as PolicyName[];
const started = performance.now();
const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(values['data-dir']));
const highs: Highs = await loadHighs();

/** HiGHS's random seed for every model created from now on (set after creation; the backend's own options stay). */
let randomSeed = 0;
const createModel = highs.createModel.bind(highs);
highs.createModel = ((...args: Parameters<Highs['createModel']>) => {
  const model = createModel(...args);
  model.options.set({ random_seed: randomSeed });
  return model;
}) as Highs['createModel'];
const solver = solverSetup(loaded.scenario, createHighsBackend(highs));

const rows: { policy: string; randomSeed: number; netCost: number; deliveredKwh: number; peakKw: number; cpuS: number }[] = [];
for (const rs of randomSeeds) {
  randomSeed = rs;
  for (const policy of policies) {
    console.error(`random_seed ${rs}, ${policy}...`);
    const inputs = loadReplayInputs(loaded.scenario, loaded.texts, { seed });
    const cpu = process.cpuUsage();
    const k = computeKpis(runReplay(inputs, policy, { solver, clock: () => performance.now() }));
    const used = process.cpuUsage(cpu);
    rows.push({ policy, randomSeed: rs, netCost: k.netCost, deliveredKwh: k.energyDeliveredKwh, peakKw: k.peakImportKw, cpuS: (used.user + used.system) / 1e6 });
  }
}

const f = (x: number, d = 2) => x.toFixed(d);
const lines = [
  `${loaded.scenario.name}, seed ${seed}, HiGHS random_seed ${randomSeeds[0]}..${randomSeeds.at(-1)} (net cost in ${loaded.scenario.site.currency}; spread = (max - min) / mean):`,
  '',
  '| policy | net cost per random_seed | spread | delivered kWh min - max | peak kW min - max | CPU s median |',
  '|---|---|---:|---|---|---:|',
];
for (const policy of policies) {
  const mine = rows.filter((r) => r.policy === policy);
  const costs = mine.map((r) => r.netCost);
  const mean = costs.reduce((a, b) => a + b, 0) / costs.length;
  const range = (xs: number[], d: number) => `${f(Math.min(...xs), d)} - ${f(Math.max(...xs), d)}`;
  const cpu = mine.map((r) => r.cpuS).sort((a, b) => a - b)[Math.floor(mine.length / 2)]!;
  lines.push(`| ${policy} | ${costs.map((c) => f(c)).join(' / ')} | ${f((100 * (Math.max(...costs) - Math.min(...costs))) / Math.abs(mean))} % | ${range(mine.map((r) => r.deliveredKwh), 3)} | ${range(mine.map((r) => r.peakKw), 2)} | ${f(cpu, 1)} |`);
}
const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
lines.push('', `${new Date().toISOString().slice(0, 16)}Z, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load ${load} at the end, Node ${process.version}, HiGHS ${highs.version.string}, ${((performance.now() - started) / 1000).toFixed(0)} s.`);
lines.push(`Command: \`node bin/run-ts.mjs bench/tie-break-spread.ts --scenario ${values.scenario} --seed ${seed} --random-seeds ${randomSeeds.length} --policies ${values.policies}\``);
console.log(lines.join('\n'));
