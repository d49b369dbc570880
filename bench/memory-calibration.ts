/**
 * Calibrates optimizer/memory-estimate.ts: solves one problem in this (fresh) process and prints one JSON line: the
 * model's size, the HiGHS WebAssembly heap after the solve (it never shrinks: the peak), the estimate, and per
 * HiGHS call the heap and the lazy network rows added before it (their growth over rounds). Usage:
 *
 *   node bin/run-ts.mjs bench/memory-calibration.ts --kind depot --vehicles 1000 [--slots 96]
 *   ... --kind taper --vehicles 500 [--form chain|prefix|auto] [--steps 4]   (no --steps: the constant form)
 *   ... --kind network --vehicles 500 [--pod 12] [--tightness 0.35] [--taper] [--form ...]
 *   V2G_DATA_DIR=/work/shared/data ... --kind caltech [--scenario caltech-2019-03-network] [--capacity 45]
 *   ... --size-only   (the problem's row, column and nonzero bounds only: optimizer/model-size-bounds.ts)
 *
 * `caltech` is the scenario's offline month (`solveOffline`, as `v2g replay --policy offline` runs it); the others
 * are generated depots (`solveWithBackend`). bench/memory-calibration-all.ts runs the table of cases, each in its
 * own process.
 */
import { parseArgs } from 'node:util';
import type { LpBackend } from '../optimizer/backends/lp-backend.ts';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import type { EnergyForm } from '../optimizer/energy-rows.ts';
import { checkHighsHeap, modelSize } from '../optimizer/memory-estimate.ts';
import type { Problem } from '../optimizer/problem.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';
import { withDepotNetwork, withTaper } from './support/calibration-problems.ts';

const { values } = parseArgs({
  options: {
    kind: { type: 'string', default: 'depot' },
    vehicles: { type: 'string', default: '100' },
    slots: { type: 'string', default: '96' },
    form: { type: 'string', default: 'auto' },
    steps: { type: 'string' },
    taper: { type: 'boolean', default: false },
    pod: { type: 'string', default: '12' },
    tightness: { type: 'string', default: '0.35' },
    scenario: { type: 'string', default: 'caltech-2019-03-network' },
    capacity: { type: 'string' },
    'time-limit-ms': { type: 'string' },
    'size-only': { type: 'boolean', default: false },
  },
});

const highs = await loadHighs();
const heapBeforeBytes = highs.memoryBytes;
/** Per HiGHS call: rows and nonzeros of the model, rows added since the last call, heap after the call. */
const calls: { rows: number; columns: number; nonzeros: number; addedRows: number; addedNonzeros: number; heapBytes: number }[] = [];
const inner = createHighsBackend(highs);
const backend: LpBackend = {
  ...inner,
  open(lp) {
    const session = inner.open(lp);
    let rows = lp.numRows;
    const columns = lp.numCols;
    let nonzeros = lp.colIndex.length;
    let addedRows = 0;
    let addedNonzeros = 0;
    return {
      ...session,
      solve(options) {
        const answer = session.solve(options);
        calls.push({ rows, columns, nonzeros, addedRows, addedNonzeros, heapBytes: highs.memoryBytes });
        addedRows = addedNonzeros = 0;
        return answer;
      },
      addRows(more) {
        session.addRows(more);
        rows += more.lower.length;
        nonzeros += more.cols.length;
        addedRows += more.lower.length;
        addedNonzeros += more.cols.length;
      },
    };
  },
};

/** `--size-only`: prints the problem's size bounds (model-size-bounds.ts) and the estimate, and exits without solving. */
function sizeOnly(p: Problem): void {
  if (!values['size-only']) return;
  console.log(JSON.stringify({ ...modelSize(p), estimateBytes: checkHighsHeap(p, values.form as EnergyForm | 'auto').estimate.totalBytes }));
  process.exit(0);
}

const cpuStart = process.cpuUsage();
let problem: Problem;
let stats: { status: string; rounds?: number; energyForm?: string; taperRows?: number };
if (values.kind === 'caltech') {
  const { dataDirectory, loadScenarioFiles } = await import('../adapters/cli/scenario-files.ts');
  const { solverSetup } = await import('../adapters/cli/scenario-command-support.ts');
  const { loadReplayInputs } = await import('../scenarios/load-replay-inputs.ts');
  const { offlineProblem, solveOffline } = await import('../scenarios/offline-optimum.ts');
  const { applySweepValue } = await import('../scenarios/sweep-plan.ts');
  const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(undefined));
  const swept = values.capacity !== undefined ? applySweepValue(loaded.scenario, 'capacity', Number(values.capacity)) : loaded.scenario;
  // A longer budget than the policy's (`--time-limit-ms`): on a loaded machine the month may not finish in 300 s of wall time.
  const timeLimitMs = values['time-limit-ms'];
  const scenario = timeLimitMs !== undefined ? { ...swept, policy: { ...swept.policy, offlineTimeLimitMs: Number(timeLimitMs) } } : swept;
  const inputs = loadReplayInputs(scenario, loaded.texts, { seed: 1 });
  problem = offlineProblem(inputs).problem;
  sizeOnly(problem);
  try {
    const solution = solveOffline(inputs, solverSetup(scenario, backend), () => performance.now());
    const s = solution.plan.stats;
    stats = { status: solution.plan.status, rounds: s.rounds, ...(s.energyForm ? { energyForm: s.energyForm } : {}), ...(s.taperRows ? { taperRows: s.taperRows } : {}) };
  } catch (error) {
    // No reference plan (the budget ran out): the heap it reached is still a measurement.
    stats = { status: `error: ${(error as Error).message.slice(0, 200)}` };
  }
} else {
  const depot = generateDepot({ vehicles: Number(values.vehicles), slots: Number(values.slots), seed: 1 });
  const steps = values.steps !== undefined ? Number(values.steps) : undefined;
  const tapered = values.kind === 'taper' || values.taper ? withTaper(depot, steps) : depot;
  problem = values.kind === 'network' ? withDepotNetwork(tapered, Number(values.pod), Number(values.tightness)) : tapered;
  sizeOnly(problem);
  const plan = solveWithBackend(problem, backend, { timeLimitMs: 3_600_000, energyForm: values.form as EnergyForm | 'auto' });
  const s = plan.stats;
  stats = { status: plan.status, rounds: s.rounds, ...(s.energyForm ? { energyForm: s.energyForm } : {}), ...(s.taperRows ? { taperRows: s.taperRows } : {}) };
}
const cpu = process.cpuUsage(cpuStart);
const last = calls.at(-1);
console.log(
  JSON.stringify({
    kind: values.kind,
    vehicles: problem.vehicles.length,
    slots: problem.slotCount,
    form: values.form,
    steps: values.steps ?? null,
    size: modelSize(problem),
    ...stats,
    calls: calls.length,
    maxRows: Math.max(0, ...calls.map((c) => c.rows)),
    maxColumns: Math.max(0, ...calls.map((c) => c.columns)),
    maxNonzeros: Math.max(0, ...calls.map((c) => c.nonzeros)),
    networkRowsAdded: calls.reduce((a, c) => a + c.addedRows, 0),
    networkNonzerosAdded: calls.reduce((a, c) => a + c.addedNonzeros, 0),
    heapBeforeBytes,
    heapAfterBytes: highs.memoryBytes,
    estimateBytes: checkHighsHeap(problem, values.form as EnergyForm | 'auto').estimate.totalBytes,
    growth: calls.filter((c) => c.addedRows > 0).map((c) => [c.addedRows, c.addedNonzeros, c.heapBytes]),
    lastRows: last?.rows ?? 0,
    cpuS: Math.round((cpu.user + cpu.system) / 1e4) / 100,
  }),
);
