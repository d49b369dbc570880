/**
 * CPU per decision of a forward baseline (first-slot-baseline.ts) on a month's real decision states: the replay is
 * run once to record every state (time, plugged vehicles and energies, carried peak), then the controller decides
 * them all again `--reps` times, each timed with `process.cpuUsage` (no replay engine, physics or KPIs around it).
 * `--root` loads another checkout's modules (as bench/replay-fingerprint.ts), so two builds run the same states;
 * `--lifted` times the sweep's capacity-checked controller (the baseline and, until the capacity first binds, the
 * same baseline with the capacity lifted) instead.
 *
 *   V2G_DATA_DIR=/work/shared/data nice -n 10 node bin/run-ts.mjs bench/baseline-decision-bench.ts \
 *     --scenario caltech-2019-03-network --capacity 40 --baseline llf [--root /work/main]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
const { values } = parseArgs({ options: { scenario: { type: 'string', default: 'caltech-2019-03-network' }, capacity: { type: 'string', default: '40' }, baseline: { type: 'string', default: 'llf' }, reps: { type: 'string', default: '5' }, root: { type: 'string', default: resolve(import.meta.dirname, '..') }, lifted: { type: 'boolean', default: false } } });
const root = resolve(values.root!);
const load = async (p: string) => import(pathToFileURL(resolve(root, p)).href);
const files = await load('adapters/cli/scenario-files.ts');
const { loadReplayInputs } = await load('scenarios/load-replay-inputs.ts');
const { runReplay } = await load('scenarios/replay-engine.ts');
const { applySweepValue } = await load('scenarios/sweep-plan.ts');
const { firstSlotBaselineController } = await load('scenarios/first-slot-baseline.ts');
const { capacityCheckedController } = await load('scenarios/capacity-slack.ts');
const loaded = await files.loadScenarioFiles(values.scenario!, files.dataDirectory(undefined));
const scenario = applySweepValue(loaded.scenario, 'capacity', Number(values.capacity));
const inputs = loadReplayInputs(scenario, loaded.texts, { seed: 1 });
const b = values.baseline!;
const policy = b === 'uncontrolled' ? 'fcfs' : b;
const states: [number, number, unknown[], number][] = [];
const make = () => (values.lifted ? capacityCheckedController(inputs, policy, {}, Number(values.capacity)).controller : firstSlotBaselineController(inputs, b, policy));
const ctl = make();
runReplay(inputs, policy, { clock: () => 0, controller: { policy, decide(a: number, k: number, p: unknown[], peak: number) { states.push([a, k, p.map((x) => ({ ...(x as object) })), peak]); return ctl.decide(a, k, p, peak); } } });
for (let r = 0; r < Number(values.reps); r++) {
  const c2 = make();
  const c = process.cpuUsage();
  for (const [a, k, p, peak] of states) c2.decide(a, k, p, peak);
  const u = process.cpuUsage(c);
  console.log(`${root} ${b} ${states.length} decisions: ${((u.user + u.system) / states.length).toFixed(1)} us CPU per decision`);
}
