/**
 * Step 1 of issue 17's resident site solvers: per part CPU of one generated site (96 slots, 6 A minimum, V2G)
 * - the model built and opened, its first LP and repair, warm re-solves after only the feeder price adder
 * changed, a cold solve (solveWithBackend, HiGHS on this thread) of the same priced problem - and the HiGHS
 * WebAssembly heap per resident model. HiGHS on the main thread, so process CPU is the solver's.
 *
 *   node bin/run-ts.mjs bench/portfolio-resident-measure.ts [vehicles=500] [seed=1] [models=4]
 */
import { loadavg } from 'node:os';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { pricedProblem } from '../optimizer/portfolio/site-subproblem.ts';
import { ResidentSite } from '../optimizer/portfolio/resident-site.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';
import type { SiteRequest } from '../optimizer/portfolio/site-subproblem.ts';

const vehicles = Number(process.argv[2] ?? 500);
const seed = Number(process.argv[3] ?? 1);
const models = Number(process.argv[4] ?? 4);
const simplex = process.argv[5] as 'auto' | 'primal' | 'dual' | undefined;
const energyForm = process.argv[6] as 'chain' | 'prefix' | undefined;
const T = 96;
const highs = await loadHighs();
const backend = createHighsBackend(highs);
const cpuClockMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const cpuMs = <R>(f: () => R): [R, number] => {
  const c0 = process.cpuUsage();
  const r = f();
  const c = process.cpuUsage(c0);
  return [r, (c.user + c.system) / 1000];
};
const cpuMsAsync = async <R>(f: () => Promise<R>): Promise<[R, number]> => {
  const c0 = process.cpuUsage();
  const r = await f();
  const c = process.cpuUsage(c0);
  return [r, (c.user + c.system) / 1000];
};
const problem = generateDepot({ vehicles, slots: T, seed });
// Warm-up (JIT, HiGHS tier-up) on a small depot.
solveWithBackend(generateDepot({ vehicles: 20, slots: T, seed: 99 }), backend);
console.error(`load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const adders: number[][] = [
  new Array<number>(T).fill(0),
  Array.from({ length: T }, (_, t) => (t >= 2 && t < 10 ? 0.1 : 0)),
  Array.from({ length: T }, (_, t) => (t >= 2 && t < 10 ? 0.13 : t >= 10 && t < 12 ? 0.02 : 0)),
  Array.from({ length: T }, (_, t) => (t >= 2 && t < 10 ? 0.12 + 0.01 * Math.sin(t) : 0)),
  Array.from({ length: T }, (_, t) => (t >= 2 && t < 10 ? 0.125 : 0)),
];
const cold = async (p: typeof problem) => solveWithBackend(p, backend);
const heap0 = highs.memoryBytes;
const [site, buildMs] = cpuMs(() => new ResidentSite(problem, backend, cold, { ...(simplex ? { warmSimplex: simplex } : {}), ...(energyForm ? { energyForm } : {}), clock: cpuClockMs }));
const heap1 = highs.memoryBytes;
const rows: Record<string, unknown>[] = [];
for (const [k, adder] of adders.entries()) {
  const request: SiteRequest = { adderPerKwh: adder };
  const [answer, ms] = await cpuMsAsync(() => site.answer(request));
  const [coldPlan, coldMs] = cpuMs(() => solveWithBackend(pricedProblem(problem, request).problem, backend));
  const coldBound = coldPlan.stats.relaxationObjective!;
  const warmBound = answer.solution.plan.stats.relaxationObjective!;
  rows.push({
    step: k, how: answer.how, cpuMs: Math.round(ms), lpCpuMs: Math.round(site.timings.lpMs), repairCpuMs: Math.round(site.timings.repairMs), assembleCpuMs: Math.round(site.timings.assembleMs),
    iterations: answer.iterations, coldCpuMs: Math.round(coldMs), coldBuildMs: Math.round(coldPlan.stats.buildMs), coldIterations: coldPlan.stats.iterations,
    lpBoundRelDiff: Math.abs(warmBound - coldBound) / Math.max(1, Math.abs(coldBound)), warmObjective: +answer.solution.plan.cost.objective.toFixed(4), coldObjective: +coldPlan.cost.objective.toFixed(4),
  });
}
// Heap: more resident models of other seeds on the same instance.
const more: ResidentSite[] = [];
for (let i = 1; i < models; i++) {
  const s = new ResidentSite(generateDepot({ vehicles, slots: T, seed: seed + i }), backend, cold, { ...(simplex ? { warmSimplex: simplex } : {}), ...(energyForm ? { energyForm } : {}) });
  await s.answer({ adderPerKwh: adders[0]! });
  more.push(s);
  console.error(`heap after ${i + 1} resident models: ${(highs.memoryBytes / 2 ** 20).toFixed(1)} MiB`);
}
const heapN = highs.memoryBytes;
console.log(JSON.stringify({ vehicles, seed, simplex: simplex ?? 'choose', energyForm: energyForm ?? 'auto', buildAndOpenCpuMs: Math.round(buildMs), rows: site.timings && rows, heapBeforeMiB: +(heap0 / 2 ** 20).toFixed(1), heapAfterOneModelMiB: +(heap1 / 2 ** 20).toFixed(1), heapAfterModelsMiB: +(heapN / 2 ** 20).toFixed(1), models, load: loadavg().map((x) => x.toFixed(2)).join(' ') }, null, 1));
site.dispose();
for (const s of more) s.dispose();
