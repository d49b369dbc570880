/**
 * aggregate-first's Lagrangian part of one site (issue 17 session 14), in process, CPU of this thread: the capped
 * solve (a model opened for the request: LP + LP repair, the plan), then the uncapped LP re-solved warm on the SAME
 * model from the capped LP's basis (optimizer/portfolio/site-bound-solve.ts), against a cold solve of the uncapped
 * priced problem (`solveWithBackend`, what the old second round runs: its LP value is `relaxationObjective`).
 * The two uncapped LP values must agree to 1e-6 relative (the bench fails otherwise). Also the capped plan's cost
 * from the resident model (the new path's plan) beside a cold solve of the capped problem (the old path's plan).
 *
 *   npm run bench:site-bound                                   # 500 vehicles, seeds 1-3, 192 slots, 3 reps
 *   npm run bench:site-bound -- --vehicles 200 --seeds 1 --reps 5
 *
 * Case: bench/support/site-request.ts `capped` (the same as bench:site-solve: an import cap of 0.4 x the site
 * limit 17:00-19:00 on both days, adder 0.08 per kWh there, 0.02 elsewhere); the uncapped problem has the same adder.
 * CPU ms: user + system of this process (`process.cpuUsage`), median over --reps after one untimed run of each.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import type { Plan } from '../optimizer/plan.ts';
import type { Problem } from '../optimizer/problem.ts';
import { ResidentSite } from '../optimizer/portfolio/resident-site.ts';
import { pricedProblem, withImportCap } from '../optimizer/portfolio/site-subproblem.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';
import { siteRequestOf } from './support/site-request.ts';

const { values } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '500' },
    seeds: { type: 'string', default: '1,2,3' },
    slots: { type: 'string', default: '192' },
    reps: { type: 'string', default: '3' },
    'cap-share': { type: 'string', default: '0.4' },
  },
});
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const backend = createHighsBackend(await loadHighs());
const cold = (p: Problem): Promise<Plan> => Promise.resolve(solveWithBackend(p, backend));

interface Run {
  cappedObjective: number;
  coldCappedObjective: number;
  cappedMs: number;
  warmUncappedMs: number;
  coldUncappedMs: number;
  warmValue: number;
  coldValue: number;
  warmIterations: number;
  cappedHow: string;
  uncappedHow: string;
}

async function once(problem: Problem, request: ReturnType<typeof siteRequestOf>): Promise<Run> {
  const t0 = cpuMs();
  const site = new ResidentSite(problem, backend, cold, { buildFrom: request.importCapKw ? withImportCap(problem, request.importCapKw) : problem });
  const capped = await site.answer(request);
  const t1 = cpuMs();
  const uncapped = site.uncappedLp({ adderPerKwh: request.adderPerKwh });
  const t2 = cpuMs();
  site.dispose();
  const plan = solveWithBackend(pricedProblem(problem, { adderPerKwh: request.adderPerKwh }).problem, backend);
  const t3 = cpuMs();
  // The old path's capped plan (a cold solve of the capped priced problem: the incumbents' race) beside the resident one.
  const coldCapped = solveWithBackend(pricedProblem(problem, request).problem, backend);
  return {
    cappedObjective: capped.solution.plan.cost.objective,
    coldCappedObjective: coldCapped.cost.objective,
    cappedMs: t1 - t0,
    warmUncappedMs: t2 - t1,
    coldUncappedMs: t3 - t2,
    warmValue: uncapped.pricedBound,
    coldValue: plan.stats.relaxationObjective ?? Number.NaN,
    warmIterations: uncapped.iterations,
    cappedHow: capped.how,
    uncappedHow: uncapped.how,
  };
}

console.log(`site-bound bench: ${new Date().toISOString()}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);
console.log('| vehicles | seed | capped solve (LP + repair) ms | warm uncapped LP ms | its simplex iterations | cold uncapped solve ms | uncapped LP value (warm) | (cold) | relative difference | capped plan cost (resident) | (cold solve) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
let bad = false;
for (const n of values.vehicles.split(',').map(Number)) {
  for (const seed of values.seeds.split(',').map(Number)) {
    const problem = generateDepot({ vehicles: n, slots: Number(values.slots), seed });
    const request = siteRequestOf(problem, 'capped', Number(values['cap-share']));
    await once(problem, request);
    const runs: Run[] = [];
    for (let i = 0; i < Number(values.reps); i++) runs.push(await once(problem, request));
    const r = runs[0]!;
    const diff = Math.abs(r.warmValue - r.coldValue) / Math.max(1, Math.abs(r.coldValue));
    bad ||= !(diff <= 1e-6) || r.cappedHow !== 'first' || r.uncappedHow !== 'warm';
    console.log(`| ${n} | ${seed} | ${median(runs.map((x) => x.cappedMs)).toFixed(0)} | ${median(runs.map((x) => x.warmUncappedMs)).toFixed(0)} | ${r.warmIterations} | ${median(runs.map((x) => x.coldUncappedMs)).toFixed(0)} | ${r.warmValue.toFixed(6)} | ${r.coldValue.toFixed(6)} | ${diff.toExponential(1)} | ${r.cappedObjective.toFixed(4)} | ${r.coldCappedObjective.toFixed(4)} |`);
  }
}
console.log(`load at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(bad ? 1 : 0);
