/**
 * Where the capacity sweep's time goes: one scenario at one capacity, each policy replayed in turn in this
 * process, with its CPU seconds (`process.cpuUsage`), wall seconds, decisions, solves (decisions that made a
 * plan) and headline KPIs.
 *
 *   V2G_DATA_DIR=/work/shared/data nice -n 10 node bin/run-ts.mjs bench/sweep-cost-bench.ts \
 *     --scenario caltech-2019-03-network --capacity 40 --policies uncontrolled,fcfs,edf,llf,round-robin,mpc-events,offline
 *
 * `--days N` replays only sessions arriving in N days of the period, from day `--from-day` (0 = its first). Prints one Markdown row per policy.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import { computeKpis } from '../scenarios/kpis.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import { requirePolicyName } from '../scenarios/policies.ts';
import { runReplay } from '../scenarios/replay-engine.ts';
import { applySweepValue } from '../scenarios/sweep-plan.ts';
import { scenarioWindow } from './scenario-window.ts';
import type { LpBackend, LpRows, LpSolveOptions } from '../optimizer/backends/lp-backend.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'caltech-2019-03-network' },
    capacity: { type: 'string', default: '40' },
    policies: { type: 'string', default: 'uncontrolled,fcfs,edf,llf,round-robin,mpc-events,offline' },
    days: { type: 'string' },
    'from-day': { type: 'string', default: '0' },
    'data-dir': { type: 'string' },
  },
});
const clock = () => performance.now();
const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(values['data-dir']));
const scenario = scenarioWindow(applySweepValue(loaded.scenario, 'capacity', Number(values.capacity)), values.days, values['from-day']);
const highs = await loadHighsBackend();
/** HiGHS work per policy, independent of the load: sessions opened, solves (each lazy round is one), simplex iterations, row additions. */
const counts = { opens: 0, solves: 0, iterations: 0, addRows: 0, firstIterations: 0 };
const counted: LpBackend = {
  name: highs.backend.name,
  open(lp) {
    counts.opens++;
    const session = highs.backend.open(lp);
    let first = true;
    return new Proxy(session, {
      get(target, key, receiver) {
        if (key === 'solve') {
          return (options: LpSolveOptions) => {
            const answer = target.solve(options);
            counts.solves++;
            counts.iterations += answer.iterations;
            if (first) counts.firstIterations += answer.iterations;
            first = false;
            return answer;
          };
        }
        if (key === 'addRows') {
          return (rows: LpRows) => {
            counts.addRows++;
            target.addRows(rows);
          };
        }
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  },
};
const solver = solverSetup(scenario, counted);
console.log(`${scenario.name} at ${values.capacity}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at start`);
console.log('| policy | CPU s | wall s | decisions | solves | delivered % | peak kW | unbalance % | net cost | HiGHS models / solves / iterations (first LPs) / row additions | statuses |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
const lastMessages: string[] = [];
for (const name of values.policies!.split(',')) {
  const policy = requirePolicyName(name);
  const inputs = loadReplayInputs(scenario, loaded.texts, { seed: 1 });
  Object.assign(counts, { opens: 0, solves: 0, iterations: 0, addRows: 0, firstIterations: 0 });
  const cpu = process.cpuUsage();
  const wall = clock();
  const result = runReplay(inputs, policy, { solver, clock });
  const wallS = (clock() - wall) / 1000;
  const used = process.cpuUsage(cpu);
  const k = computeKpis(result);
  const solves = result.decisions.solverMs.filter((ms) => ms > 0).length;
  lastMessages.push(...result.decisions.messages.filter((m) => /status|fallback|error/i.test(m)).map((m) => `${name}: ${m}`));
  const statuses = Object.entries(result.decisions.statusCounts).map(([s, n]) => `${s} ${n}`).join(', ');
  console.log(
    `| ${name} | ${((used.user + used.system) / 1e6).toFixed(2)} | ${wallS.toFixed(2)} | ${result.decisions.count} | ${solves} | ${k.energyDeliveredPct.toFixed(4)} | ${k.peakImportKw.toFixed(3)} | ${k.currentUnbalancePct?.toFixed(3) ?? '-'} | ${k.netCost.toFixed(4)} | ${counts.opens} / ${counts.solves} / ${counts.iterations} (${counts.firstIterations}) / ${counts.addRows} | ${statuses} |`,
  );
}
for (const m of lastMessages) console.log(`message: ${m}`);
console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at end`);
