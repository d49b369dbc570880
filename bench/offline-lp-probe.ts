/**
 * One fresh offline month solve at one capacity, seeded as `v2g sweep` seeds it (the network rows of a solve of
 * the capacity above, kept in a file so the seed is solved once), with every HiGHS call timed in CPU and the
 * solve split into its phases: the first LP with its lazy network rounds, then the LP repair's rounds (each
 * with its own lazy rounds). Extra HiGHS options (`--highs '{"solver":"ipm"}'`) are merged into every run's.
 *
 *   V2G_DATA_DIR=/work/shared/data nice -n 10 node bin/run-ts.mjs bench/offline-lp-probe.ts \
 *     --scenario caltech-2019-03-network --capacity 45 --seed-from 50 [--highs '{...}'] [--no-seed]
 *
 * The seed file is `out/offline-seed-<scenario>-<capacity>.json` (made by an unseeded solve of `--seed-from`
 * the first time it is needed; the file also keeps that solve's first-LP optimal basis). `--highs-first '{...}'` sets
 * options for each model's first run only (later runs get HiGHS's defaults back); `--no-basis` drops the seed's
 * basis (rows only); `--noop-resolves` re-solves every answer once unchanged (what a call costs with nothing to do);
 * `--no-seed` solves unseeded; `--days N --from-day D` for a window; `--quiet` drops the per-call lines. Measured
 * with it: bench/RESULTS.md, "Offline month LPs: where the CPU goes" (issue 16, session 9) and issue 16 session 11.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import type { LpBackend } from '../optimizer/backends/lp-backend.ts';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import type { NetworkRowSeed } from '../optimizer/network/lazy-rows.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import { offlineBoundGapPct, solveOffline } from '../scenarios/offline-optimum.ts';
import { applySweepValue } from '../scenarios/sweep-plan.ts';
import { scenarioWindow } from './scenario-window.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'caltech-2019-03-network' },
    capacity: { type: 'string', default: '45' },
    'seed-from': { type: 'string', default: '50' },
    'no-seed': { type: 'boolean', default: false },
    highs: { type: 'string', default: '{}' },
    'highs-first': { type: 'string', default: '{}' },
    'data-dir': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    days: { type: 'string' },
    'from-day': { type: 'string', default: '0' },
    'no-basis': { type: 'boolean', default: false },
    'noop-resolves': { type: 'boolean', default: false },
  },
});
const extra = JSON.parse(values.highs!) as Record<string, unknown>;
/** Options for the first run of each model only (e.g. the interior point for the first LP); later runs get their defaults back. */
const firstExtra = JSON.parse(values['highs-first']!) as Record<string, unknown>;
const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(values['data-dir']));
const base = scenarioWindow(loaded.scenario, values.days, values['from-day']);
const windowTag = values.days === undefined ? '' : `-d${values.days}f${values['from-day']}`;
const highs = await loadHighs();
const createModel = highs.createModel.bind(highs);
(highs as { createModel: typeof highs.createModel }).createModel = ((...args: Parameters<typeof highs.createModel>) => {
  const model = createModel(...args);
  const store = model.options;
  const set = store.set.bind(store);
  const defaults = Object.fromEntries(Object.keys(firstExtra).map((k) => [k, store.get(k)]));
  let runs = 0;
  (store as { set: typeof store.set }).set = ((o: Record<string, unknown>) => {
    if (typeof o !== 'object' || !('output_flag' in o)) return set(o as never);
    return set({ ...o, ...extra, ...(runs++ === 0 ? firstExtra : defaults) } as never);
  }) as typeof store.set;
  return model;
}) as typeof highs.createModel;
const backend = createHighsBackend(highs);
const cpuS = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;

interface Call { phase: string; iterations: number; cpu: number; rowsAfter: number; objective: number | undefined; status: string }
const calls: Call[] = [];
let phase = 'lp';
let addedSinceSolve = 0;
const timed: LpBackend = {
  name: 'highs',
  open(lp) {
    if (!values.quiet) console.log(`model ${lp.numRows} rows x ${lp.numCols} columns, ${lp.colIndex.length} nonzeros`);
    const session = backend.open(lp);
    let rows = lp.numRows;
    return {
      ...session,
      solve(options) {
        const c = process.cpuUsage();
        const answer = session.solve(options);
        const used = cpuS(process.cpuUsage(c));
        calls.push({ phase, iterations: answer.iterations, cpu: used, rowsAfter: rows, objective: answer.objective, status: answer.status });
        if (!values.quiet) console.log(`  [${phase}] ${answer.status}: ${answer.iterations} it, ${used.toFixed(2)} CPU s, rows ${rows} (+${addedSinceSolve}), obj ${answer.objective}`);
        addedSinceSolve = 0;
        if (values['noop-resolves']) {
          const c2 = process.cpuUsage();
          const again = session.solve(options);
          console.log(`  [noop] ${again.status}: ${again.iterations} it, ${cpuS(process.cpuUsage(c2)).toFixed(2)} CPU s`);
        }
        return answer;
      },
      addRows(more) {
        rows += more.lower.length;
        addedSinceSolve += more.lower.length;
        session.addRows(more);
      },
      setColsBounds(cols, lower, upper) {
        phase = 'repair';
        session.setColsBounds!(cols, lower, upper);
      },
      setColBounds(col, lower, upper) {
        phase = 'repair';
        session.setColBounds(col, lower, upper);
      },
    };
  },
};

const solveAt = (capacity: number, seed: NetworkRowSeed | undefined, b: LpBackend) => {
  const scenario = applySweepValue(base, 'capacity', capacity);
  const inputs = loadReplayInputs(scenario, loaded.texts, { seed: 1 });
  return solveOffline(inputs, { ...solverSetup(scenario, b), offlineTimeLimitMs: 3_600_000 }, () => performance.now(), {}, seed ? { rows: seed, from: 'probe' } : undefined);
};

const capacity = Number(values.capacity);
let seed: NetworkRowSeed | undefined;
if (!values['no-seed']) {
  const file = `out/offline-seed-${values.scenario}-${values['seed-from']}${windowTag}-b.json`;
  if (!fs.existsSync(file)) {
    console.log(`solving ${values['seed-from']} for the seed (unseeded, default options)`);
    const s = solveAt(Number(values['seed-from']), undefined, backend);
    fs.mkdirSync('out', { recursive: true });
    fs.writeFileSync(file, JSON.stringify(s.networkRows ?? null));
  }
  seed = (JSON.parse(fs.readFileSync(file, 'utf8')) as NetworkRowSeed | null) ?? undefined;
  if (seed !== undefined && values['no-basis']) {
    const { basis: _basis, ...rows } = seed;
    seed = rows;
  }
}
console.log(`${base.name} at ${capacity}, seed ${seed ? `${seed.keys.length} rows from ${values['seed-from']}` : 'none'}, seed basis ${seed?.basis !== undefined}, HiGHS extra ${JSON.stringify(extra)} first ${JSON.stringify(firstExtra)}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
const cpu = process.cpuUsage();
const solution = solveAt(capacity, seed, timed);
const total = cpuS(process.cpuUsage(cpu));
const { plan } = solution;
const sum = (p: string, f: (c: Call) => number) => calls.filter((c) => c.phase === p).reduce((a, c) => a + f(c), 0);
const lpCalls = calls.filter((c) => c.phase === 'lp');
console.log(
  `phases: lp ${lpCalls.length} calls ${sum('lp', (c) => c.iterations)} it ${sum('lp', (c) => c.cpu).toFixed(1)} CPU s (first call ${lpCalls[0]?.cpu.toFixed(1)} s); ` +
    `repair ${calls.length - lpCalls.length} calls ${sum('repair', (c) => c.iterations)} it ${sum('repair', (c) => c.cpu).toFixed(1)} CPU s; ` +
    `build ${(plan.stats.buildMs / 1000).toFixed(1)} s wall; HiGHS total ${calls.reduce((a, c) => a + c.cpu, 0).toFixed(1)} CPU s`,
);
console.log(
  `RESULT capacity ${capacity}: ${plan.status}, LP objective ${lpCalls[lpCalls.length - 1]?.objective}, plan objective ${plan.cost.objective}, bound ${solution.bound}, gap ${offlineBoundGapPct({ objective: plan.cost.objective, status: plan.status }, solution.bound)?.toFixed(4)} %, ${plan.stats.rounds} solves, ${plan.stats.iterations} it, ${plan.stats.rows} rows, total ${total.toFixed(1)} CPU s; load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`,
);
