/**
 * Rolling policies of a capacity sweep run from the lowest capacity up, with the runs the capacity bound
 * nowhere replayed at the capacities above (scenarios/capacity-slack.ts), as `v2g sweep` does it, in one
 * process: per policy and capacity how the run was made (fresh: bound from which slot, or never; reused from
 * which capacity), CPU seconds, delivered share, peak, net cost; totals per policy.
 *
 *   V2G_DATA_DIR=/work/shared/data nice -n 10 node bin/run-ts.mjs bench/capacity-reuse-bench.ts \
 *     --scenario caltech-2019-03-network --capacities 10:125:5 --policies uncontrolled,fcfs,edf,llf,round-robin,mpc-events
 *
 * `--days N --from-day D` for a window of the period; `--no-reuse` runs every capacity afresh (the reference);
 * `--compare` also runs every reused capacity afresh and prints the KPIs that differ.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import type { RecordedRun } from '../scenarios/capacity-slack.ts';
import { parsePolicyList } from '../scenarios/compare-runs.ts';
import { applySweepValue, parseSweepValues } from '../scenarios/sweep-plan.ts';
import { scenarioWindow } from './scenario-window.ts';
import { runSweepTask, type RollingRunStore } from '../scenarios/sweep-task.ts';
import type { SweepRun } from '../scenarios/sweep-table.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'caltech-2019-03-network' },
    capacities: { type: 'string', default: '10:125:5' },
    policies: { type: 'string', default: 'uncontrolled,fcfs,edf,llf,round-robin,mpc-events' },
    days: { type: 'string' },
    'from-day': { type: 'string', default: '0' },
    'no-reuse': { type: 'boolean', default: false },
    compare: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
  },
});
const clock = () => performance.now();
const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(values['data-dir']));
const base = scenarioWindow(loaded.scenario, values.days, values['from-day']);
const capacities = parseSweepValues(values.capacities!).map(Number).sort((a, b) => a - b);
const policies = parsePolicyList(values.policies!);
const highs = await loadHighsBackend();
const label = `highs ${highs.version}`;
console.log(`${base.name}, capacities ${capacities.join(', ')}, reuse ${values['no-reuse'] ? 'off' : 'on'}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at start`);
console.log('| policy | capacity | how | CPU s | delivered % | peak kW | net cost |');
console.log('|---|---:|---|---:|---:|---:|---:|');

const run = (policy: (typeof policies)[number], capacity: number, store?: RollingRunStore): { run: SweepRun; cpuS: number } => {
  const scenario = applySweepValue(base, 'capacity', capacity);
  const cpu = process.cpuUsage();
  const r = runSweepTask({ index: 0, scenarioName: base.name, value: capacity, seed: 1, policy, scenario }, loaded.texts, solverSetup(scenario, highs.backend), label, clock, undefined, store);
  const used = process.cpuUsage(cpu);
  return { run: r, cpuS: (used.user + used.system) / 1e6 };
};
const compared = ['energyDeliveredPct', 'peakImportKw', 'maxUtilisationPct', 'netCost', 'unmetKwhTotal', 'limitViolationKwh', 'networkViolationSlots', 'currentUnbalancePct'] as const;
const totals: string[] = [];
for (const policy of policies) {
  const kept: RecordedRun[] = [];
  const store: RollingRunStore = {
    lower: () => undefined,
    keep: (r) => kept.push(r),
  };
  let total = 0;
  let fresh = 0;
  for (const capacity of capacities) {
    const lower = kept.filter((k) => k.capacity < capacity).sort((a, b) => b.capacity - a.capacity)[0];
    const { run: r, cpuS } = run(policy, capacity, values['no-reuse'] ? undefined : { ...store, lower: () => lower });
    total += cpuS;
    const c = r.provenance.capacity;
    const how = c === undefined ? 'fresh (not checked)' : c.reusedFromCapacity !== undefined ? `reused (${c.reusedFromCapacity})` : c.bound ? `fresh, bound from slot ${c.firstBoundSlot}` : 'fresh, never bound';
    if (c?.reusedFromCapacity === undefined) fresh++;
    const k = r.kpis;
    console.log(`| ${policy} | ${capacity} | ${how} | ${cpuS.toFixed(2)} | ${k.energyDeliveredPct.toFixed(4)} | ${k.peakImportKw.toFixed(3)} | ${k.netCost.toFixed(4)} |`);
    if (values.compare && c?.reusedFromCapacity !== undefined) {
      const f = run(policy, capacity).run.kpis;
      const diffs = compared.filter((m) => k[m] !== f[m]).map((m) => `${m} ${String(k[m])} reused vs ${String(f[m])} fresh`);
      console.log(`|  | ${capacity} | fresh run: ${diffs.length === 0 ? 'identical KPIs' : diffs.join('; ')} | | | | |`);
    }
  }
  totals.push(`${policy}: ${total.toFixed(1)} CPU s, ${fresh} fresh runs of ${capacities.length}`);
}
for (const t of totals) console.log(t);
console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at end`);
