/**
 * Price decomposition against plain HiGHS on the same generated depots, in one run.
 *
 *   npm run bench:decomposition                                  # N = 1000, 10000, 20000; HiGHS wherever it fits
 *   npm run bench:decomposition -- --sizes 10000 --highs-max 2000 --reps 3
 *
 * For each N (96 slots, site import limit and demand charge on, no minimum current: the pure LP, so the
 * exact optimum is HiGHS's objective): our engine (optimizer/decomposition/, pricing on worker threads from
 * 2,000 vehicles, coordinator --step-rule: columns (default), bundle or polyak; gap target --gap) - wall ms, iterations, certified bound, plan objective, stated gap, peak
 * RSS - then HiGHS (monolithic LP, the same problem) where N <= --highs-max (default: every N) and the memory
 * estimator lets it run (optimizer/memory-estimate.ts; a refused N prints the refusal as its HiGHS row), and the true distances of the
 * bound and the plan to its optimum. Then a rolling re-plan: one vehicle's target raised by 5 kWh, solved
 * cold and warm-started from the first solve's prices. Medians over --reps.
 */
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import type { DualPrices } from '../optimizer/decomposition/coordinator.ts';
import { gapOf } from '../optimizer/decomposition/coordinator.ts';
import { solveWithDecomposition } from '../optimizer/decomposition/decompose.ts';
import type { Plan } from '../optimizer/plan.ts';
import type { Problem } from '../optimizer/problem.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';
import { assertFitsHighsHeap } from '../optimizer/memory-estimate.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,20000' },
    'highs-max': { type: 'string', default: 'Infinity' },
    reps: { type: 'string', default: '1' },
    gap: { type: 'string', default: '0.001' },
    'time-limit': { type: 'string', default: '120000' },
    seed: { type: 'string', default: '1' },
    replan: { type: 'string', default: '10000' },
    'step-rule': { type: 'string', default: 'columns' },
  },
});
const sizes = values.sizes!.split(',').map(Number);
const highsMax = Number(values['highs-max']);
const reps = Number(values.reps);
const targetGap = Number(values.gap);
const timeLimitMs = Number(values['time-limit']);
const seed = Number(values.seed);
const replanSizes = new Set(values.replan!.split(',').map(Number));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const pct = (x: number) => `${(100 * x).toFixed(3)} %`;

async function ours(problem: Problem, warmStart?: DualPrices) {
  const times: number[] = [];
  const cpu: number[] = [];
  let plan: Plan | undefined;
  let prices: DualPrices | undefined;
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    plan = await solveWithDecomposition(problem, {
      targetGap,
      timeLimitMs,
      stepRule: values['step-rule'] as 'columns' | 'bundle' | 'polyak',
      ...(warmStart ? { warmStart } : {}),
      onPrices: (p) => (prices = p),
    });
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  return { plan: plan!, ms: median(times), cpuMs: median(cpu), prices: prices! };
}

const lines: string[] = [];
const log = (line: string) => {
  lines.push(line);
  console.log(line);
};
log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')} at start; node ${process.version}`);
log(
  `command: npm run bench:decomposition -- --sizes ${values.sizes} --highs-max ${highsMax} --reps ${reps} --gap ${targetGap} --time-limit ${timeLimitMs} --step-rule ${values['step-rule']}`,
);
log('');
log('| N | engine | wall ms | CPU ms (all threads) | iterations | plan objective | certified bound | stated gap | bound below LP | plan above LP | status | peak RSS MB |');
log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|');
const highs = createHighsBackend(await loadHighs());
for (const n of sizes) {
  const problem = generateDepot({ vehicles: n, seed, minimumCurrent: false });
  const d = await ours(problem);
  const bound = d.plan.stats.relaxationObjective!;
  let lp: number | undefined;
  let highsRow: string | undefined;
  let refused: string | undefined;
  try {
    assertFitsHighsHeap(problem);
  } catch (error) {
    refused = (error as Error).message;
  }
  if (n <= highsMax && refused) {
    highsRow = `| ${n} | HiGHS (monolithic LP) | - | - | - | - | - | - | - | - | not run: refused by the memory estimator (${refused}) | - |`;
  } else if (n <= highsMax) {
    const times: number[] = [];
    const cpuStart = process.cpuUsage();
    let h: Plan | undefined;
    for (let r = 0; r < reps; r++) {
      const start = performance.now();
      h = solveWithBackend(problem, highs, { timeLimitMs: 600_000 });
      times.push(performance.now() - start);
    }
    lp = h!.stats.relaxationObjective;
    const used = process.cpuUsage(cpuStart);
    highsRow = `| ${n} | HiGHS (monolithic LP) | ${median(times).toFixed(0)} | ${((used.user + used.system) / 1000 / reps).toFixed(0)} | ${h!.stats.iterations} | ${h!.cost.objective.toFixed(2)} | ${lp?.toFixed(2) ?? '-'} | - | - | - | ${h!.status} | ${rssMb()} |`;
  }
  const below = lp === undefined ? '-' : pct((lp - bound) / Math.abs(lp));
  const above = lp === undefined ? '-' : pct((d.plan.cost.objective - lp) / Math.abs(lp));
  log(
    `| ${n} | decomposition (${values['step-rule']}) | ${d.ms.toFixed(0)} | ${d.cpuMs.toFixed(0)} | ${d.plan.stats.iterations} | ${d.plan.cost.objective.toFixed(2)} | ${bound.toFixed(2)} | ${pct(gapOf(d.plan.cost.objective, bound))} | ${below} | ${above} | ${d.plan.status} | ${rssMb()} |`,
  );
  if (highsRow) log(highsRow);
  if (replanSizes.has(n)) {
    // One change: the first vehicle wants 5 kWh more (within its battery).
    const v0 = problem.vehicles[0]!;
    const changed: Problem = {
      ...problem,
      vehicles: [{ ...v0, targetEnergyKwh: Math.min(v0.capacityKwh, v0.targetEnergyKwh + 5) }, ...problem.vehicles.slice(1)],
    };
    const cold = await ours(changed);
    // Warm: the first solve's prices and its plan (a rolling re-plan keeps both).
    const warm = await ours(changed, { ...d.prices, powerKw: d.plan.vehicles.map((v) => v.powerKw) });
    for (const [label, run] of [['re-plan cold', cold], ['re-plan warm', warm]] as const) {
      const b = run.plan.stats.relaxationObjective!;
      log(
        `| ${n} | ${label} | ${run.ms.toFixed(0)} | ${run.cpuMs.toFixed(0)} | ${run.plan.stats.iterations} | ${run.plan.cost.objective.toFixed(2)} | ${b.toFixed(2)} | ${pct(gapOf(run.plan.cost.objective, b))} | - | - | ${run.plan.status} | ${rssMb()} |`,
      );
    }
  }
}
log('');
log(`load at end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
