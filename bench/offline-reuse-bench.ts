/**
 * The offline reference of a capacity sweep solved from the largest capacity down with exact reuse
 * (scenarios/offline-reuse.ts), as `v2g sweep` does it, in one process: per capacity whether the plan was
 * reused (from which capacity) or solved, CPU seconds, status, plan objective, bound and gap, delivered share.
 *
 *   V2G_DATA_DIR=/work/shared/data nice -n 10 node bin/run-ts.mjs bench/offline-reuse-bench.ts \
 *     --scenario caltech-2019-03-network --capacities 10:125:5
 *
 * `--days N --from-day D` for a window of the period; `--no-reuse` solves every capacity (the reference to compare);
 * `--no-row-seed` starts every fresh solve without the network rows of the capacity above (`offlineRowSeed`),
 * `--no-basis` with those rows but not that solve's first-LP basis;
 * `--offline-limit-ms N` gives each solve a wall-clock budget other than the scenario's (on a loaded machine the
 * default 300 s of wall time can run out before the CPU work is done).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import { computeKpis } from '../scenarios/kpis.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import { offlineBoundGapPct, solveOffline } from '../scenarios/offline-optimum.ts';
import { offlineRowSeed, reuseOfflinePlan, storeOfflinePlan, type StoredOfflinePlan } from '../scenarios/offline-reuse.ts';
import { runReplay } from '../scenarios/replay-engine.ts';
import { applySweepValue, parseSweepValues } from '../scenarios/sweep-plan.ts';
import { scenarioWindow } from './scenario-window.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'caltech-2019-03-network' },
    capacities: { type: 'string', default: '10:125:5' },
    days: { type: 'string' },
    'from-day': { type: 'string', default: '0' },
    'no-reuse': { type: 'boolean', default: false },
    'no-row-seed': { type: 'boolean', default: false },
    'no-basis': { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    'offline-limit-ms': { type: 'string' },
  },
});
const clock = () => performance.now();
const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(values['data-dir']));
const base = scenarioWindow(loaded.scenario, values.days, values['from-day']);
const capacities = parseSweepValues(values.capacities!).map(Number).sort((a, b) => b - a);
const highs = await loadHighsBackend();
const limitMs = values['offline-limit-ms'] === undefined ? undefined : Number(values['offline-limit-ms']);
const setup = (scenario: Parameters<typeof solverSetup>[0]) => ({ ...solverSetup(scenario, highs.backend), ...(limitMs !== undefined ? { offlineTimeLimitMs: limitMs } : {}) });
console.log(`${base.name}, capacities ${capacities.join(', ')}, reuse ${values['no-reuse'] ? 'off' : 'on'}, row seeds ${values['no-row-seed'] ? 'off' : 'on'}, seed basis ${values['no-basis'] ? 'off' : 'on'}${limitMs !== undefined ? `, budget ${limitMs} ms per solve` : ''}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at start`);
console.log('| capacity | how | CPU s | simplex iterations | status | plan objective | bound | gap % | delivered % | peak kW |');
console.log('|---:|---|---:|---:|---|---:|---:|---:|---:|---:|');
const stored: StoredOfflinePlan[] = [];
let totalCpuS = 0;
for (const capacity of capacities) {
  const scenario = applySweepValue(base, 'capacity', capacity);
  const inputs = loadReplayInputs(scenario, loaded.texts, { seed: 1 });
  const cpu = process.cpuUsage();
  let how = 'solved';
  let row: string;
  try {
    const reused = values['no-reuse'] ? undefined : reuseOfflinePlan(inputs, capacity, stored, clock).solution;
    const rowSeed = values['no-row-seed'] ? undefined : offlineRowSeed(capacity, stored);
    // --no-basis: the rows alone, without the first LP's basis of the capacity above (the A/B of that start).
    const seed = rowSeed !== undefined && values['no-basis'] ? { ...rowSeed, rows: { ...rowSeed.rows, basis: undefined } } : rowSeed;
    const solution = reused ?? solveOffline(inputs, setup(scenario), clock, {}, seed);
    if (!reused && seed !== undefined) how = `solved, seeded from ${/capacity ([\d.]+)/.exec(seed.from)?.[1] ?? '?'}`;
    if (reused) how = `reused (${/capacity ([\d.]+)/.exec(reused.plan.message ?? '')?.[1] ?? '?'})`;
    else stored.push(storeOfflinePlan(solution, capacity, `solved at ${capacity}`));
    const run = runReplay(inputs, 'offline', { solver: setup(scenario), clock, offline: solution });
    const k = computeKpis(run);
    const p = solution.plan;
    const gap = offlineBoundGapPct({ objective: p.cost.objective, status: p.status }, solution.bound);
    row = `${reused ? '-' : `${p.stats.iterations}${p.stats.warmStart === 'basis' ? ' (from basis)' : ''}`} | ${p.status} | ${p.cost.objective.toFixed(2)} | ${solution.bound?.toFixed(2) ?? '-'} | ${gap?.toFixed(4) ?? '-'} | ${k.energyDeliveredPct.toFixed(2)} | ${k.peakImportKw.toFixed(1)}`;
  } catch (e) {
    how = 'FAILED';
    const err = e as { code?: string; issues?: readonly { message: string }[] };
    row = `| ${err.code ?? String(e)}: ${err.issues?.map((i) => i.message).join('; ') ?? ''} | | | | | `;
  }
  const used = process.cpuUsage(cpu);
  const cpuS = (used.user + used.system) / 1e6;
  totalCpuS += cpuS;
  console.log(`| ${capacity} | ${how} | ${cpuS.toFixed(2)} | ${row} |`);
}
console.log(`total CPU ${totalCpuS.toFixed(1)} s; load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at end`);
