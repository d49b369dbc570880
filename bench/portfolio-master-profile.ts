/**
 * Where the portfolio column generation's time goes (issue 17): the multi-site restricted master alone, per
 * solve (wall ms and HiGHS simplex iterations), with the same generated depots and feeder as
 * portfolio-vehicle-columns-bench.ts, vehicles priced in this thread; then the settled plan's departure
 * shortfall and the surplus vehicles leave with (what the shortfall swap can move).
 *
 *   node bin/run-ts.mjs bench/portfolio-master-profile.ts SITES VEHICLES [primal|dual|choose] [MAX_ITERATIONS]
 *   NOMIN=1 ... (the depots without the 6 A minimum current: no rounding)
 *
 * Prints one JSON line (wall, master seconds, iterations, plan cost, master value, bound), the per-solve list,
 * and one JSON line of surplus and shortfall (kWh, vehicles).
 */
import { generatePortfolioColumns } from '../optimizer/decomposition/column-generation.ts';
import { highsMaster } from '../optimizer/decomposition/decompose.ts';
import { dpVehicles } from '../optimizer/decomposition/dp-vehicles.ts';
import { LocalPricer } from '../optimizer/decomposition/local-pricer.ts';
import { StoredColumns } from '../optimizer/decomposition/stored-columns.ts';
import { resolveProblem } from '../optimizer/resolved-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';
import type { LpBackend } from '../optimizer/backends/lp-backend.ts';

const S = Number(process.argv[2] ?? 10), V = Number(process.argv[3] ?? 50), mode = process.argv[4] ?? 'primal', iters = Number(process.argv[5] ?? 30);
const T = 96;
const problems = Array.from({ length: S }, (_, i) => generateDepot({ vehicles: V, slots: T, seed: i + 1, ...(process.env.NOMIN ? { minimumCurrent: false } : {}) }));
let floorKw = 0, needKwh = 0;
for (const p of problems) { floorKw += Math.max(0, ...p.baseLoadKw!.map((b, t) => b - (p.pvKw?.[t] ?? 0))); needKwh += p.vehicles.reduce((a, v) => a + Math.max(0, v.targetEnergyKwh - v.energyKwh), 0); }
const F = Math.round(floorKw + 0.3 * (needKwh / 8));
const members = problems.map((p) => { const rp = resolveProblem(p); return { rp, vehicles: dpVehicles(rp) }; });
const base = await highsMaster();
const log: string[] = [];
let n = 0;
const wrapped: LpBackend = { ...base, open(lp) {
  const s = base.open(lp);
  console.error(`master: ${lp.numRows} rows, ${lp.numCols} cols`);
  return { ...s, addCols: s.addCols, solve(o) {
    const t0 = performance.now();
    const opts = mode === 'choose' ? { ...o, simplex: undefined } : mode === 'dual' ? { ...o, simplex: 'dual' as const } : o;
    const r = s.solve(opts);
    const ms = performance.now() - t0;
    n++;
    log.push(`${n}:${ms.toFixed(0)}ms/${r.iterations}it`);
    return r;
  } };
} };
const t0 = performance.now();
const run = await generatePortfolioColumns(members, (input) => new StoredColumns(new LocalPricer(input.vehicles, input.slotCount, input.slotHours), input), {
  targetGap: 0.005, maxIterations: iters, timeLimitMs: 600_000, masterBackend: wrapped, now: () => performance.now(),
  feeder: { importLimitKw: new Array(T).fill(F), exportLimitKw: new Array(T).fill(Infinity), excessCostKw: 0.25 * Math.max(...members.map((m) => m.rp.limitExcessPenaltyPerKwh)) },
  groups: Math.max(64, S),
});
console.log(JSON.stringify({ S, V, mode, wallS: ((performance.now() - t0) / 1000).toFixed(1), masterS: (run.masterMs / 1000).toFixed(1), it: run.iterations, obj: run.objective.toFixed(2), master: run.history.at(-1)?.primal.toFixed(2), bound: run.bound.toFixed(2), stop: run.stopReason }));
let surplus = 0, short = 0, nShort = 0, nSur = 0;
run.sites.forEach((site, k) => members[k]!.vehicles.forEach((v, i) => {
  let e = v.initialEnergyKwh;
  const p = site.powers[i]!;
  for (let t = v.arrivalSlot; t < v.endSlot; t++) e += p[t]! > 0 ? 0.25 * v.chargeEfficiency * p[t]! : (0.25 * p[t]!) / v.dischargeEfficiency;
  const d = e - v.requiredEnergyKwh;
  if (d > 1e-6) { surplus += d; nSur++; } else if (d < -1e-6) { short -= d; nShort++; }
}));
console.log(JSON.stringify({ surplusKwh: surplus.toFixed(2), nSur, shortKwh: short.toFixed(2), nShort }));
process.exit(0);
