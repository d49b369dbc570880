/**
 * One cold site solve as the portfolio coordinator makes it (issue 17), in process, per part CPU: the path of a
 * flow child (adapters/service/portfolio-flow.ts `solveChild`): `problemSubproblem(...).solve(request)` ->
 * `pricedProblem` (the feeder's adder and import cap) -> the site's solver (`optimize` -> solver pool -> worker
 * thread -> `solveWithBackend` on HiGHS) -> `siteSolutionOf`. Here `solveWithBackend` runs on this thread (no pool:
 * the structured clone to the worker and back is not counted), so its parts can be timed with `process.cpuUsage`.
 *
 *   npm run bench:site-solve                                   # 500 and 200 vehicles, seeds 1-3, 192 slots, uncapped and capped, 3 reps
 *   npm run bench:site-solve -- --vehicles 500 --seeds 1 --reps 5 --cases capped
 *   npm run bench:site-solve -- --json out.json                # the rows as JSON too (A/B scripts)
 *
 * Problem: `generateDepot({ vehicles, slots: 192, seed })` (V2G, 6 A minimum current: LP + LP repair, site limit,
 * demand charge), as bench/portfolio-bench.ts seeds its sites. `capped`: a feeder-style import cap of --cap-share
 * (default 0.4) x the site's import limit from 17:00 to 19:00 of both days (slots 44-51, 140-147; slot 0 is 06:00) and
 * a price adder of 0.08 per kWh there, 0.02 elsewhere (the coordinator's price of net import).
 * Parts (CPU ms, user + system of this process, median over --reps after --warm untimed solves of the same case):
 * - prep: `pricedProblem` + `resolveProblem` and the incumbents' set-up, up to the model build;
 * - build: `buildFormulation` (the LP in CSR form);
 * - handover: the backend's `open` (checks + copy into HiGHS's memory + `Highs_passModel`);
 * - lp: the first HiGHS run (the LP relaxation);
 * - repair: from the LP's answer to the repair's last HiGHS run (conflict search, bound fixing, the re-solves;
 *   `repairLp` is the HiGHS runs alone);
 * - assembly: from the last HiGHS run to the finished plan (answer, `assemblePlan`, the incumbents' choice with the
 *   validator, shortfall reasons) and `siteSolutionOf`; `validator` is `validatePlan` of the returned plan timed
 *   again on its own (inside assembly once);
 * - total: the whole `solve(request)`.
 * Fingerprint: sha256 (first 12 hex) of the returned plan's powers, site flows and cost (exact doubles): a change
 * that keeps the plan keeps it.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { createClpBackend, type ClpFirstSolve } from '../optimizer/backends/clp-backend.ts';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import type { LpBackend, LpSession } from '../optimizer/backends/lp-backend.ts';
import type { Plan } from '../optimizer/plan.ts';
import { validatePlan } from '../optimizer/plan-validator.ts';
import { problemSubproblem, type SiteRequest } from '../optimizer/portfolio/site-subproblem.ts';
import { siteRequestOf } from './support/site-request.ts';
import type { Problem } from '../optimizer/problem.ts';
import { solveWithBackend, type SolveOptions } from '../optimizer/solve-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';

const { values } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '500,200' },
    seeds: { type: 'string', default: '1,2,3' },
    slots: { type: 'string', default: '192' },
    reps: { type: 'string', default: '3' },
    warm: { type: 'string', default: '1' },
    cases: { type: 'string', default: 'uncapped,capped' },
    'cap-share': { type: 'string', default: '0.4' },
    /** SolveOptions as JSON (e.g. '{"crashBasis":true}'): an option arm beside the default. */
    options: { type: 'string', default: '{}' },
    json: { type: 'string' },
    /** The LP backend: `highs` (the portfolio's, default) or `clp` (COIN-OR CLP through koffi, HiGHS for MILPs; needs libClp). */
    backend: { type: 'string', default: 'highs' },
    /** CLP's first solve of a model (clp-backend.ts `ClpFirstSolve`); default `initial`. */
    'clp-first': { type: 'string', default: 'initial' },
  },
});
const sizes = values.vehicles.split(',').map(Number);
const seeds = values.seeds.split(',').map(Number);
const slots = Number(values.slots);
const reps = Number(values.reps);
const warm = Number(values.warm);
const cases = values.cases.split(',');
const capShare = Number(values['cap-share']);
const solveOptions = JSON.parse(values.options) as SolveOptions;

const parts = ['prep', 'build', 'handover', 'lp', 'repair', 'repairLp', 'assembly', 'validator', 'total'] as const;
type Part = (typeof parts)[number];

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** A backend that notes the CPU clock at each open and HiGHS run (the part boundaries). */
class TimedBackend implements LpBackend {
  readonly name: LpBackend['name'];
  marks: { kind: 'open' | 'solve'; startMs: number; endMs: number }[] = [];
  constructor(private readonly inner: LpBackend) {
    this.name = inner.name;
  }
  open(lp: Parameters<LpBackend['open']>[0]): LpSession {
    const startMs = cpuMs();
    const session = this.inner.open(lp);
    this.marks.push({ kind: 'open', startMs, endMs: cpuMs() });
    const marks = this.marks;
    // A view of the session (a class instance for CLP: its methods live on the prototype) whose solve is timed.
    return new Proxy(session, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (key === 'solve') {
          return (options: Parameters<LpSession['solve']>[0]) => {
            const s = cpuMs();
            const answer = target.solve(options);
            marks.push({ kind: 'solve', startMs: s, endMs: cpuMs() });
            return answer;
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

/** sha256 of the plan's decisions and costs (exact doubles), first 12 hex digits. */
export function planFingerprint(plan: Plan): string {
  const h = createHash('sha256');
  for (const v of plan.vehicles) h.update(Float64Array.from(v.powerKw));
  h.update(Float64Array.from(plan.site.importKw));
  h.update(Float64Array.from(plan.site.exportKw));
  h.update(Float64Array.from(plan.site.pvCurtailedKw));
  h.update(JSON.stringify(plan.cost));
  return h.digest('hex').slice(0, 12);
}

interface Measured {
  readonly ms: Record<Part, number>;
  readonly plan: Plan;
  readonly rounds: number;
}

async function solveOnce(problem: Problem, request: SiteRequest, backend: TimedBackend): Promise<Measured> {
  backend.marks = [];
  let buildAt = Number.NaN;
  const t0 = cpuMs();
  let plan: Plan | undefined;
  let pricedProblem: Problem = problem;
  // The solver is synchronous (as on the worker thread); only microtasks lie between it and `siteSolutionOf`.
  await problemSubproblem('bench', problem, async (priced) => {
    pricedProblem = priced;
    plan = solveWithBackend(priced, backend, solveOptions, { onProgress: (p) => { if (p.phase === 'build' && Number.isNaN(buildAt)) buildAt = cpuMs(); } });
    return plan;
  }).solve(request);
  const t1 = cpuMs();
  if (plan === undefined) throw new Error('the solve did not run synchronously');
  const open = backend.marks.find((m) => m.kind === 'open')!;
  const solves = backend.marks.filter((m) => m.kind === 'solve');
  const first = solves[0]!;
  const last = solves.at(-1)!;
  const v0 = cpuMs();
  const violations = validatePlan(pricedProblem, plan);
  const v1 = cpuMs();
  if (violations.length > 0) throw new Error(`the plan fails the validator: ${violations[0]!.message}`);
  const ms: Record<Part, number> = {
    prep: buildAt - t0,
    build: open.startMs - buildAt,
    handover: open.endMs - open.startMs,
    lp: first.endMs - first.startMs,
    repair: last.endMs - first.endMs,
    repairLp: solves.slice(1).reduce((s, m) => s + m.endMs - m.startMs, 0),
    assembly: t1 - last.endMs,
    validator: v1 - v0,
    total: t1 - t0,
  };
  return { ms, plan, rounds: solves.length };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const highsBackend = createHighsBackend(await loadHighs());
async function clpBackend(): Promise<LpBackend> {
  const { loadClpLibrary } = await import('../adapters/solvers/clp-library.ts');
  return createClpBackend(loadClpLibrary(), { milp: highsBackend, firstSolve: values['clp-first'] as ClpFirstSolve });
}
const backend = new TimedBackend(values.backend === 'clp' ? await clpBackend() : highsBackend);
console.log(`site-solve bench: ${new Date().toISOString()}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}, backend ${values.backend}${values.backend === 'clp' ? ` (first solve ${values['clp-first']})` : ''}, options ${JSON.stringify(solveOptions)}`);
console.log(`| vehicles | seed | case | ${parts.join(' | ')} | HiGHS runs | iterations | rows x cols (form) | status | objective | fingerprint |`);
console.log(`|${'---|'.repeat(parts.length + 9)}`);
const rows: unknown[] = [];
for (const n of sizes) {
  for (const seed of seeds) {
    const problem = generateDepot({ vehicles: n, slots, seed });
    for (const kind of cases) {
      const request = siteRequestOf(problem, kind, capShare);
      for (let i = 0; i < warm; i++) await solveOnce(problem, request, backend);
      const runs: Measured[] = [];
      for (let i = 0; i < reps; i++) runs.push(await solveOnce(problem, request, backend));
      const prints = new Set(runs.map((r) => planFingerprint(r.plan)));
      if (prints.size > 1) throw new Error(`the plan differs between repetitions: ${[...prints].join(', ')}`);
      const ms = Object.fromEntries(parts.map((p) => [p, median(runs.map((r) => r.ms[p]))])) as Record<Part, number>;
      const plan = runs[0]!.plan;
      const fingerprint = [...prints][0]!;
      rows.push({ vehicles: n, seed, case: kind, ms, runs: runs.map((r) => r.ms), highsRuns: runs[0]!.rounds, status: plan.status, objective: plan.cost.objective, fingerprint });
      const st = plan.stats;
      console.log(`| ${n} | ${seed} | ${kind} | ${parts.map((p) => ms[p].toFixed(0)).join(' | ')} | ${runs[0]!.rounds} | ${st.iterations} | ${st.rows} x ${st.columns} (${st.energyForm}) | ${plan.status} | ${plan.cost.objective.toFixed(4)} | ${fingerprint} |`);
    }
  }
}
console.log(`load at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (values.json) writeFileSync(values.json, JSON.stringify({ options: solveOptions, rows }, null, 1));
