/**
 * The LP repair, the repair with its exact polish (optimizer/exact-polish.ts) and the exact lazy MILP
 * (HiGHS MIP) on the same small seeded depots, in one run: how far each ends above the MILP optimum, the
 * overload each reports, and the time each takes.
 *
 *   node bin/run-ts.mjs bench/exact-polish-bench.ts                    # 24 seeds, 6 vehicles x 32 slots, both variants
 *   node bin/run-ts.mjs bench/exact-polish-bench.ts -- --vehicles 8 --slots 48 --seeds 12
 *
 * Variant "pv": PV that cannot be curtailed and export forbidden (issue 12's case).
 */
import { parseArgs } from 'node:util';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import type { Plan } from '../optimizer/plan.ts';
import type { Problem } from '../optimizer/problem.ts';
import { solveWithBackend, type SolveOptions } from '../optimizer/solve-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';

const { values } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '6' },
    slots: { type: 'string', default: '32' },
    seeds: { type: 'string', default: '24' },
  },
});
const vehicles = Number(values.vehicles);
const slots = Number(values.slots);
const seedCount = Number(values.seeds);
const highs = createHighsBackend(await loadHighs());
const generous = { timeLimitMs: 3_600_000 };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function timed(problem: Problem, options: SolveOptions): { plan: Plan; ms: number } {
  const start = performance.now();
  const plan = solveWithBackend(problem, highs, options);
  return { plan, ms: performance.now() - start };
}

console.log(`Exact polish vs exact MILP, ${new Date().toISOString()}, node ${process.version}, ${vehicles} vehicles x ${slots} slots, seeds 1-${seedCount}`);
console.log('');
console.log('| variant | strategy | instances above MILP by > 0.01 % | worst above MILP | median ms | max ms | overload kWh total |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const variant of ['generated', 'pv'] as const) {
  const rows = { repair: [] as { above: number; ms: number; excess: number }[], polished: [] as { above: number; ms: number; excess: number }[], milp: [] as { above: number; ms: number; excess: number }[] };
  for (let seed = 1; seed <= seedCount; seed++) {
    const p = generateDepot({ vehicles, slots, seed });
    const problem = variant === 'pv' ? { ...p, pvCurtailable: false, exportLimitKw: new Array<number>(p.slotCount).fill(0) } : p;
    const repair = timed(problem, { ...generous, exactPolish: { maxVehicles: 0 } });
    const polished = timed(problem, generous);
    const milp = timed(problem, { ...generous, integerStrategy: 'milp' });
    const optimum = milp.plan.cost.objective;
    const above = (plan: Plan) => ((plan.cost.objective - optimum) / Math.max(1, Math.abs(optimum))) * 100;
    for (const [key, r] of [['repair', repair], ['polished', polished], ['milp', milp]] as const) {
      rows[key].push({ above: above(r.plan), ms: r.ms, excess: r.plan.cost.limitExcessKwh });
    }
    console.error(`${variant} seed ${seed}: repair ${above(repair.plan).toFixed(4)} %, polished ${above(polished.plan).toFixed(4)} %, milp ${milp.plan.status}`);
  }
  for (const [key, list] of Object.entries(rows)) {
    const over = list.filter((r) => r.above > 0.01).length;
    const worst = Math.max(...list.map((r) => r.above));
    const excess = list.reduce((sum, r) => sum + r.excess, 0);
    console.log(`| ${variant} | ${key} | ${over} of ${list.length} | ${worst.toFixed(4)} % | ${median(list.map((r) => r.ms)).toFixed(0)} | ${Math.max(...list.map((r) => r.ms)).toFixed(0)} | ${excess.toFixed(3)} |`);
  }
}
