/**
 * Replay benchmark: the Caltech month (August 2021, 15-minute slots) under rolling-horizon MPC with one
 * in-process HiGHS backend, plus uncontrolled charging and the offline optimum for context.
 *
 *   node bin/run-ts.mjs bench/replay-bench.ts                       # caltech-month, budget 60 s
 *   node bin/run-ts.mjs bench/replay-bench.ts --scenario caltech-week --reps 3
 *
 * Prints a Markdown section (numbers, date, command, machine) for bench/RESULTS.md. Needs the real data
 * (V2G_DATA_DIR, default ../shared/data). Exit code 1 when the MPC replay exceeds --budget-s.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import { computeKpis, percentile } from '../scenarios/kpis.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import { runReplay } from '../scenarios/replay-engine.ts';
import type { ReplayResult } from '../scenarios/replay-result.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'caltech-month' },
    reps: { type: 'string', default: '1' },
    'budget-s': { type: 'string', default: '60' },
    'data-dir': { type: 'string' },
  },
});
const reps = Number(values.reps);
const budgetS = Number(values['budget-s']);
const clock = () => performance.now();

const loadStart = clock();
const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(values['data-dir']));
const inputs = loadReplayInputs(loaded.scenario, loaded.texts);
const loadMs = clock() - loadStart;
const highsStart = clock();
const highs = await loadHighsBackend();
const highsMs = clock() - highsStart;
const solver = solverSetup(loaded.scenario, highs.backend);

const timed = (policy: 'mpc' | 'uncontrolled' | 'offline'): { result: ReplayResult; ms: number } => {
  const started = clock();
  const result = runReplay(inputs, policy, { solver, clock });
  return { result, ms: clock() - started };
};

console.error(`${loaded.scenario.name}: ${inputs.sessions.length} sessions; warming up...`);
timed('uncontrolled');
const mpcRuns: { result: ReplayResult; ms: number }[] = [];
for (let r = 0; r < reps; r++) {
  console.error(`mpc replay ${r + 1}/${reps}...`);
  mpcRuns.push(timed('mpc'));
}
const offline = timed('offline');
const uncontrolled = timed('uncontrolled');
const mpc = mpcRuns[Math.floor(mpcRuns.length / 2)]!;
const sortedMs = mpcRuns.map((r) => r.ms).sort((a, b) => a - b);
const medianMs = sortedMs[Math.floor(sortedMs.length / 2)]!;
const decisions = mpc.result.decisions;
const solverSum = decisions.solverMs.reduce((a, b) => a + b, 0);
const kpi = (r: ReplayResult) => computeKpis(r, offline.result);
const slots = mpc.result.slots.startUtcMs.length;
const ok = medianMs <= budgetS * 1000;

const cpus = os.cpus();
const lines = [
  `### Replay: ${loaded.scenario.name}, rolling-horizon MPC (${new Date().toISOString().slice(0, 10)})`,
  '',
  `Command: \`node bin/run-ts.mjs bench/replay-bench.ts --scenario ${values.scenario} --reps ${reps}\`; ` +
    `node ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, HiGHS ${highs.version} (WebAssembly, in-process, one backend), seed ${inputs.seed}.`,
  '',
  `${inputs.sessions.length} sessions (${inputs.excluded.length} excluded), ${slots} slots of ${inputs.slotMinutes} min, ` +
    `horizon ${inputs.horizonHours} h, ${decisions.count} MPC decisions (solves).`,
  '',
  '| measure | value |',
  '|---|---:|',
  `| MPC replay wall time (median of ${reps}) | ${(medianMs / 1000).toFixed(2)} s ${ok ? `(budget ${budgetS} s: met)` : `(budget ${budgetS} s: **missed**)`} |`,
  `| per decision p50 / p95 / max (assembly + solve + validation) | ${percentile(decisions.decisionMs, 0.5).toFixed(1)} / ${percentile(decisions.decisionMs, 0.95).toFixed(1)} / ${Math.max(...decisions.decisionMs).toFixed(1)} ms |`,
  `| of which HiGHS build + solve (sum) | ${(solverSum / 1000).toFixed(2)} s |`,
  `| plan statuses | ${Object.entries(decisions.statusCounts).map(([k, v]) => `${k} ${v}`).join(', ')} |`,
  `| scenario load (parse CSV, tariff, sessions) | ${loadMs.toFixed(0)} ms |`,
  `| HiGHS load | ${highsMs.toFixed(0)} ms |`,
  `| offline optimum (one solve, whole month) | ${(offline.result.offlinePlan!.elapsedMs / 1000).toFixed(2)} s solve, ${(offline.ms / 1000).toFixed(2)} s with its replay |`,
  `| uncontrolled replay | ${(uncontrolled.ms / 1000).toFixed(2)} s |`,
  '',
  `| policy | net cost (${inputs.site.currency}) | energy cost | demand charge | peak kW | delivered kWh | delivered % | gap to offline |`,
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...([['offline', offline.result], ['mpc', mpc.result], ['uncontrolled', uncontrolled.result]] as const).map(([name, r]) => {
    const k = kpi(r);
    return `| ${name} | ${k.netCost.toFixed(2)} | ${k.energyCost.toFixed(2)} | ${k.demandCharge.toFixed(2)} | ${k.peakImportKw.toFixed(1)} | ${k.energyDeliveredKwh.toFixed(1)} | ${k.energyDeliveredPct.toFixed(2)} | ${k.gapToOfflinePct?.toFixed(2) ?? '-'} % |`;
  }),
];
console.log(lines.join('\n'));
if (!ok) process.exitCode = 1;
