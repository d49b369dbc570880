/**
 * A lean check of issue 13's congested-limit goal: on one seed of a scenario (default the Caltech week), at each site
 * limit, LLF's and EDF's delivered energy beside `mpc-events` as shipped (`now`) and as on main 7bb9044 (`main`: the
 * constant taper form, candidates ranked by the bill, no delivery first), with the count of plans each made from a
 * baseline (bench/RESULTS.md, "Issue 13, session 10"). No offline reference, no `mpc-forecast`: seconds, not minutes.
 *
 *   node bin/run-ts.mjs bench/congested-limits-bench.ts --seed 2 --limits 10,15
 *
 * Prints tab-separated rows: limit (kW), policy, delivered (%), delivered (kWh), net cost, peak (kW), CPU s, then the
 * baselines that made a plan. Needs the real data (V2G_DATA_DIR).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import { eventTriggeredController, mpcEventsOptions } from '../scenarios/event-mpc.ts';
import { computeKpis } from '../scenarios/kpis.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import type { MpcOptions } from '../scenarios/policies.ts';
import { runReplay } from '../scenarios/replay-engine.ts';
import type { ReplayResult } from '../scenarios/replay-result.ts';

const { values } = parseArgs({ options: { scenario: { type: 'string', default: 'caltech-week' }, seed: { type: 'string', default: '1' }, limits: { type: 'string', default: '10,15,20,30,40,50' } } });
const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(undefined));
const highs = await loadHighsBackend();
const solver = solverSetup(loaded.scenario, highs.backend);
const clock = () => performance.now();
const { taperForm: _tf, candidateObjective: _co, congestionDelivery: _cd, ...mainOptions } = mpcEventsOptions;
const variants: readonly (readonly [string, MpcOptions])[] = [
  ['main', mainOptions],
  ['now', mpcEventsOptions],
];
const seed = Number(values.seed);
for (const limitKw of values.limits!.split(',').map(Number)) {
  const scenario = { ...loaded.scenario, site: { ...loaded.scenario.site, connectionImportKw: limitKw, transformerRatingKw: limitKw } };
  const inputs = loadReplayInputs(scenario, loaded.texts, { seed });
  const row = (name: string, replay: () => ReplayResult, fromBaseline: Record<string, number> = {}) => {
    const before = process.cpuUsage();
    const k = computeKpis(replay());
    const cpu = process.cpuUsage(before);
    console.log([limitKw, name, k.energyDeliveredPct.toFixed(3), k.energyDeliveredKwh.toFixed(3), k.netCost.toFixed(2), k.peakImportKw.toFixed(2), ((cpu.user + cpu.system) / 1e6).toFixed(1), JSON.stringify(fromBaseline)].join('\t'));
  };
  row('llf', () => runReplay(inputs, 'llf', { solver, clock }));
  row('edf', () => runReplay(inputs, 'edf', { solver, clock }));
  for (const [name, options] of variants) {
    const fromBaseline: Record<string, number> = {};
    const controller = eventTriggeredController(inputs, solver, options, ({ plan }) => {
      if (plan.origin?.source === 'baseline') fromBaseline[plan.origin.baseline!] = (fromBaseline[plan.origin.baseline!] ?? 0) + 1;
    });
    row(`mpc-events ${name}`, () => runReplay(inputs, 'mpc-events', { solver, clock, controller }), fromBaseline);
  }
}
console.log(`seed ${seed}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at the end, Node ${process.version}, HiGHS ${highs.version}`);
