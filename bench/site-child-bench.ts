/**
 * One flow child of aggregate-first's round, in process, by phase (issue 17 session 16, helper child): the site's
 * problem and request captured by bench/site-child-capture.ts (what portfolio-flow.ts `solveChild` hands to
 * `SolverPool.solveWithBound` -> optimizer/portfolio/site-bound-solve.ts), solved here on this thread. CPU ms of this
 * process (user + system), median over --reps after one untimed run:
 * - `child`: `solveWithUncappedLp` whole (the capped plan + the warm uncapped LP: what the solver thread runs);
 * - its parts, from a second instrumented run: resolve (resolveProblem x2 in the constructor), formulation (JS),
 *   passModel (HiGHS open), capped LP, repair, assemble + validate, uncapped LP (by ResidentSite.timings and clocks);
 * - `validate`: validatePlan of the plan alone; `clone`: structuredClone of the plan (the thread's postMessage);
 *   `keep`: encodeNumbers + gzip of the plan (what the child writes to Redis with keepPlan).
 * Prints the capped plan's objective, the capped LP and uncapped LP values (so a change can be checked against them).
 *
 *   node bin/run-ts.mjs bench/site-child-bench.ts --cases /tmp/child-cases --reps 5
 */
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { encodeNumbers } from '../adapters/service/portfolio-flow.ts';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import type { Plan } from '../optimizer/plan.ts';
import { validatePlan } from '../optimizer/plan-validator.ts';
import { ResidentSite } from '../optimizer/portfolio/resident-site.ts';
import { solveWithUncappedLp } from '../optimizer/portfolio/site-bound-solve.ts';
import { pricedProblem, uncappedAdderOf, withImportCap, type SiteRequest } from '../optimizer/portfolio/site-subproblem.ts';
import type { Problem } from '../optimizer/problem.ts';
import { resolveProblem } from '../optimizer/resolved-problem.ts';
import { solveDefaults, solveWithBackend } from '../optimizer/solve-problem.ts';
import { SolveRun } from '../optimizer/solve-run.ts';
import { cpuMs, median, readChildCase } from './support/child-case.ts';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '/tmp/child-cases' }, reps: { type: 'string', default: '5' }, only: { type: 'string' }, arms: { type: 'string', default: 'slack:last' } } });
/** Arms `<capped start>:<uncapped start>` (slack|crash : last|crash), run alternated rep by rep: a same-load A/B. */
const arms = values.arms.split(',').map((a) => { const [first, uncapped] = a.split(':'); return { name: a, firstStart: first as 'slack' | 'crash', uncappedStart: uncapped as 'last' | 'crash' }; });
type Arm = (typeof arms)[number];
const backend = createHighsBackend(await loadHighs());
const cold = (p: Problem): Promise<Plan> => Promise.resolve(solveWithBackend(p, backend));

interface Parts {
  child: number;
  resolve: number;
  formulation: number;
  passModel: number;
  cappedLp: number;
  repair: number;
  assemble: number;
  uncappedLp: number;
  validate: number;
  clone: number;
  keep: number;
  objective: number;
  cappedLpValue: number;
  uncappedLpValue: number;
  how: string;
  uncappedHow: string;
  iterations: number;
  keptBytes: number;
}

async function once(problem: Problem, request: SiteRequest, arm: Arm): Promise<Parts> {
  const t0 = cpuMs();
  const both = await solveWithUncappedLp(problem, request, backend, cold, { firstStart: arm.firstStart, uncappedStart: arm.uncappedStart });
  const child = cpuMs() - t0;
  // The parts: the same steps, instrumented.
  const buildFrom = request.importCapKw ? withImportCap(problem, request.importCapKw) : problem;
  const r0 = cpuMs();
  resolveProblem(problem);
  const rp = resolveProblem(buildFrom);
  const r1 = cpuMs();
  const run = new SolveRun(backend, solveDefaults.timeLimitMs, solveDefaults.mipRelGap);
  const f = run.build(rp, new Set(), new Set());
  const r2 = cpuMs();
  const session = run.open(f);
  const r3 = cpuMs();
  session.dispose();
  const site = new ResidentSite(problem, backend, cold, { buildFrom, clock: cpuMs, firstStart: arm.firstStart });
  const { uncappedBound: _a, uncappedPlan: _b, uncappedAdderPerKwh: _c, ...capped } = request;
  const answer = await site.answer(capped);
  const timings = { ...site.timings };
  const u0 = cpuMs();
  const lp = site.uncappedLp({ adderPerKwh: uncappedAdderOf(request) }, arm.uncappedStart);
  const uncappedLp = cpuMs() - u0;
  site.dispose();
  const plan = both.plan;
  const v0 = cpuMs();
  const violations = validatePlan(pricedProblem(problem, capped).problem, plan);
  const v1 = cpuMs();
  if (violations.length > 0) throw new Error(`invalid plan: ${violations[0]!.message}`);
  structuredClone(plan);
  const v2 = cpuMs();
  const kept = gzipSync(encodeNumbers(plan));
  const v3 = cpuMs();
  return {
    child, resolve: r1 - r0, formulation: r2 - r1, passModel: r3 - r2, cappedLp: timings.lpMs, repair: timings.repairMs, assemble: timings.assembleMs, uncappedLp, validate: v1 - v0, clone: v2 - v1, keep: v3 - v2,
    objective: plan.cost.objective, cappedLpValue: answer.solution.plan.origin?.bound ?? NaN, uncappedLpValue: both.uncapped.pricedBound, how: both.how, uncappedHow: both.uncapped.how, iterations: lp.iterations, keptBytes: kept.length,
  };
}

const files = readdirSync(values.cases).filter((f) => f.endsWith('.json') && (!values.only || f.includes(values.only))).sort();
console.log(`site-child bench: ${new Date().toISOString()}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}, ${values.reps} reps (medians, CPU ms)`);
const keys = ['child', 'resolve', 'formulation', 'passModel', 'cappedLp', 'repair', 'assemble', 'uncappedLp', 'validate', 'clone', 'keep'] as const;
console.log(`| case | ${keys.join(' | ')} | capped plan objective | capped LP | uncapped LP | how |`);
console.log(`|---|${keys.map(() => '---:').join('|')}|---:|---:|---:|---|`);
for (const file of files) {
  const { problem, request } = readChildCase(`${values.cases}/${file}`);
  for (const arm of arms) await once(problem, request, arm);
  const byArm = arms.map((): Parts[] => []);
  for (let i = 0; i < Number(values.reps); i++) for (const [k, arm] of arms.entries()) byArm[k]!.push(await once(problem, request, arm));
  for (const [k, arm] of arms.entries()) {
  const runs = byArm[k]!;
  const r = runs[0]!;
  const same = runs.every((x) => x.objective === r.objective && x.uncappedLpValue === r.uncappedLpValue);
  console.log(`| ${file} ${arm.name} | ${keys.map((k) => median(runs.map((x) => x[k])).toFixed(0)).join(' | ')} | ${r.objective.toFixed(6)} | ${r.cappedLpValue.toFixed(6)} | ${r.uncappedLpValue.toFixed(6)} | ${r.how}/${r.uncappedHow}, ${r.iterations} uncapped iterations, kept ${(r.keptBytes / 1024).toFixed(0)} KiB${same ? '' : ', NOT REPRODUCIBLE'} |`);
  }
}
console.log(`load at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
