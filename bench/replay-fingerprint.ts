/**
 * Whether two builds replay identically: one scenario at one capacity, each policy replayed in turn, printed
 * as a SHA-256 of everything the replay computed except timings (per-slot series, per-charger powers, session
 * outcomes, billing, decision statuses and messages, the offline plan's numbers), beside its CPU seconds and
 * headline KPIs. Run it once per build (`--root` = the other checkout's path: its modules are loaded) and
 * compare the hashes.
 *
 *   V2G_DATA_DIR=/work/shared/data nice -n 10 node bin/run-ts.mjs bench/replay-fingerprint.ts \
 *     --scenario caltech-2019-03-network --capacity 15 --days 3 --from-day 3 --policies llf,mpc-events [--root /work/main]
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'caltech-2019-03-network' },
    capacity: { type: 'string', default: '40' },
    policies: { type: 'string', default: 'fcfs,edf,llf,round-robin,mpc-events' },
    days: { type: 'string' },
    'from-day': { type: 'string', default: '0' },
    'data-dir': { type: 'string' },
    root: { type: 'string', default: resolve(import.meta.dirname, '..') },
  },
});
const root = resolve(values.root!);
const load = async (path: string) => import(pathToFileURL(resolve(root, path)).href);
const support = await load('adapters/cli/scenario-command-support.ts');
const files = await load('adapters/cli/scenario-files.ts');
const { computeKpis } = await load('scenarios/kpis.ts');
const { loadReplayInputs } = await load('scenarios/load-replay-inputs.ts');
const { requirePolicyName } = await load('scenarios/policies.ts');
const { runReplay } = await load('scenarios/replay-engine.ts');
const { applySweepValue } = await load('scenarios/sweep-plan.ts');
// The window is this checkout's (it only cuts the scenario's sessions and period).
const { scenarioWindow } = await import('./scenario-window.ts');

const loaded = await files.loadScenarioFiles(values.scenario!, files.dataDirectory(values['data-dir']));
const scenario = scenarioWindow(applySweepValue(loaded.scenario, 'capacity', Number(values.capacity)), values.days, values['from-day']);
const highs = await support.loadHighsBackend();
const solver = support.solverSetup(scenario, highs.backend);
console.log(`${root}: ${scenario.name} at ${values.capacity}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at start`);
console.log('| policy | CPU s | delivered % | peak kW | net cost | SHA-256 of the result without timings |');
console.log('|---|---:|---:|---:|---:|---|');
const timing = new Set(['decisionMs', 'solverMs', 'elapsedMs', 'buildMs', 'solveMs', 'wallMs', 'cpuMs', 'stoppedAfterMs']);
for (const name of values.policies!.split(',')) {
  const inputs = loadReplayInputs(scenario, loaded.texts, { seed: 1 });
  const cpu = process.cpuUsage();
  const result = runReplay(inputs, requirePolicyName(name), { solver, clock: () => 0 });
  const used = process.cpuUsage(cpu);
  const k = computeKpis(result);
  const text = JSON.stringify(result, (key, value: unknown) => (timing.has(key) ? undefined : ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : value));
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  console.log(`| ${name} | ${((used.user + used.system) / 1e6).toFixed(2)} | ${k.energyDeliveredPct.toFixed(4)} | ${k.peakImportKw.toFixed(3)} | ${k.netCost.toFixed(4)} | ${hash} |`);
}
console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at end`);
