/**
 * What taper-aware planning (scenarios/charge-taper.ts, optimizer/taper-rows.ts) costs and gives: one scenario at
 * one capacity, `mpc-events` replayed with and without it in this process, one after the other (CPU seconds by
 * `process.cpuUsage`, plans made, LP rows per plan and taper rows among them, delivered %, peak); and the offline
 * month problem's size with and without the taper rows (built, not solved).
 *
 *   V2G_DATA_DIR=/work/shared/data nice -n 10 node bin/run-ts.mjs bench/taper-rows-bench.ts \
 *     --scenario caltech-2019-03-network --capacity 80 --days 3 --from-day 3
 *
 * `--days N` replays only sessions arriving in N days of the period, from day `--from-day`; `--no-offline` skips
 * the offline size, `--offline-only` the replays; `--offline-solve` also solves the offline problem with and without
 * the taper rows and replays each plan (CPU s, status, delivered %). Prints Markdown rows.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import { buildFormulation } from '../optimizer/formulation.ts';
import { chooseEnergyForm } from '../optimizer/energy-rows.ts';
import { resolveProblem } from '../optimizer/resolved-problem.ts';
import { eventTriggeredController, mpcEventsOptions, type MadePlan } from '../scenarios/event-mpc.ts';
import { computeKpis } from '../scenarios/kpis.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import { offlineProblem, offlineTimeLimitMs, type OfflineSolution } from '../scenarios/offline-optimum.ts';
import type { Problem } from '../optimizer/problem.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
import { runReplay } from '../scenarios/replay-engine.ts';
import { applySweepValue } from '../scenarios/sweep-plan.ts';
import { scenarioWindow } from './scenario-window.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'caltech-2019-03-network' },
    capacity: { type: 'string', default: '80' },
    days: { type: 'string' },
    'from-day': { type: 'string', default: '0' },
    'data-dir': { type: 'string' },
    'no-offline': { type: 'boolean', default: false },
    'offline-only': { type: 'boolean', default: false },
    'offline-solve': { type: 'boolean', default: false },
  },
});
const clock = () => performance.now();
const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(values['data-dir']));
const scenario = scenarioWindow(applySweepValue(loaded.scenario, 'capacity', Number(values.capacity)), values.days, values['from-day']);
const highs = await loadHighsBackend();
const solver = solverSetup(scenario, highs.backend);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
console.log(`${scenario.name} at ${values.capacity}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at start`);
console.log('| mpc-events | CPU s | plans | LP rows per plan (median / max) | taper rows per plan (median / max) | delivered % | peak kW | net cost | taper-limited slots |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const taperAware of values['offline-only'] ? [] : [false, true]) {
  const inputs = loadReplayInputs(scenario, loaded.texts, { seed: 1 });
  const made: MadePlan[] = [];
  const controller = eventTriggeredController(inputs, solver, { ...mpcEventsOptions, taperAware }, (m) => made.push(m));
  const cpu = process.cpuUsage();
  const result = runReplay(inputs, 'mpc-events', { solver, clock, controller });
  const used = process.cpuUsage(cpu);
  const k = computeKpis(result);
  const rows = made.map((m) => m.plan.stats.rows);
  const taper = made.map((m) => m.plan.stats.taperRows ?? 0);
  console.log(
    `| ${taperAware ? 'taper-aware' : 'plain'} | ${((used.user + used.system) / 1e6).toFixed(2)} | ${made.length} | ${median(rows)} / ${Math.max(0, ...rows)} | ${median(taper)} / ${Math.max(0, ...taper)} | ${k.energyDeliveredPct.toFixed(2)} | ${k.peakImportKw.toFixed(1)} | ${k.netCost.toFixed(2)} | ${k.taperLimitedSlots} |`,
  );
}
if (!values['no-offline']) {
  const inputs = loadReplayInputs(scenario, loaded.texts, { seed: 1 });
  const { problem: aware } = offlineProblem(inputs);
  const problem: Problem = { ...aware, vehicles: aware.vehicles.map(({ chargeTaper: _taper, ...v }) => v) };
  console.log('\n| offline problem | energy form | LP rows | columns | nonzeros | taper rows | taper nonzeros |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const [name, p] of [['plain', problem], ['taper-aware', aware]] as const) {
    const rp = resolveProblem(p);
    const form = chooseEnergyForm(rp);
    const f = buildFormulation(rp, undefined, form);
    console.log(`| ${name} | ${form} | ${f.lp.numRows} | ${f.lp.numCols} | ${f.lp.values.length} | ${f.taperRows.rows} | ${f.taperRows.nonzeros} |`);
  }
  if (values['offline-solve']) {
    console.log('\n| offline solve | CPU s | status | plan objective | rounds | delivered % (replayed) | peak kW |');
    console.log('|---|---:|---|---:|---:|---:|---:|');
    for (const [name, p] of [['plain', problem], ['taper-aware', aware]] as const) {
      const cpu = process.cpuUsage();
      const plan = solveWithBackend(p, highs.backend, { ...solver.options, timeLimitMs: solver.offlineTimeLimitMs ?? offlineTimeLimitMs });
      const used = process.cpuUsage(cpu);
      const offline: OfflineSolution = { plan, index: new Map(plan.vehicles.map((v, i) => [v.id, i])), bound: plan.stats.relaxationObjective, timeLimitMs: 0, billingKeys: [], elapsedMs: 0, notes: [] };
      const k = computeKpis(runReplay(loadReplayInputs(scenario, loaded.texts, { seed: 1 }), 'offline', { solver, clock, offline }));
      console.log(`| ${name} | ${((used.user + used.system) / 1e6).toFixed(2)} | ${plan.status} | ${plan.cost.objective.toFixed(2)} | ${plan.stats.rounds} | ${k.energyDeliveredPct.toFixed(2)} | ${k.peakImportKw.toFixed(1)} |`);
    }
  }
}
console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at end`);
