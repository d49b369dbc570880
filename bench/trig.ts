import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import { runReplay } from '../scenarios/replay-engine.ts';
import { readScenario } from '../scenarios/scenario-parse.ts';
import { applySweepValue } from '../scenarios/sweep-plan.ts';
const loaded = await loadScenarioFiles('caltech-2019-03-network', dataDirectory(undefined));
let scenario = applySweepValue(loaded.scenario, 'capacity', Number(process.argv[2] ?? 40));
const end = new Date(Date.parse(scenario.period.start) + Number(process.argv[3] ?? 3) * 86_400_000).toISOString();
scenario = readScenario({ ...JSON.parse(JSON.stringify(scenario)), period: { ...scenario.period, end } }, 'x');
const highs = await loadHighsBackend();
const inputs = loadReplayInputs(scenario, loaded.texts, { seed: 1 });
const r = runReplay(inputs, 'mpc-events', { solver: solverSetup(scenario, highs.backend), clock: () => performance.now() });
const s = r.slots; const c: Record<string, number> = {};
let di = 0;
for (let k = 0; k < s.triggers.length; k++) {
  if (s.planStatus[k] === 'idle') continue;
  const solved = r.decisions.solverMs[di++]! > 0;
  if (!solved) continue;
  const t = s.triggers[k]!; const key = t.includes('arrival') ? 'arrival' : t.includes('departure') ? 'departure-only' : 'other';
  c[key] = (c[key] ?? 0) + 1;
}
console.log(c, r.decisions.count, r.decisions.messages);
