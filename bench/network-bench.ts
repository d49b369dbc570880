/**
 * Three-phase network benchmark.
 *
 * Part 1, the inner approximation's loss: on the Caltech network (one vehicle per line pair, no charger
 * limit, weights = charge efficiencies drawn at random) the LP's optimum against the exact second-order-cone
 * optimum (test/optimizer/network/exact-socp.ts, an interior-point method sharing nothing with the LP), for
 * each `maxMagnitudeLossPct`: measured loss (worst, median) against the stated bound.
 *
 * Part 2, what the network costs the solver: a Caltech-like decision (33 cars on the 54 EVSEs at 5-minute
 * slots, 12-hour horizon, 6 A minimum, SCE-like prices) solved with one aggregate kW limit and with the
 * three-phase network at each loss parameter: rows, CPU and wall time (medians of --reps, after a warm-up),
 * objective, and every plan checked by the validator (exact magnitudes).
 *
 *   npm run bench:network                       # defaults: --cases 40 --reps 5 --rating 40
 *
 * Prints a Markdown section for bench/RESULTS.md; exit code 1 when a measured loss exceeds its bound or a
 * plan fails the validator.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createHighsBackend } from '../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { validatePlan } from '../optimizer/plan-validator.ts';
import type { Problem } from '../optimizer/problem.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
import { exactCaltechOptimum } from '../test/optimizer/network/exact-socp.ts';
import { caltechNetwork, caltechSite } from '../test/optimizer/network/network-builders.ts';
import { seededRandom } from '../scenarios/seeded-random.ts';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '40' },
    reps: { type: 'string', default: '5' },
    rating: { type: 'string', default: '40' },
    seed: { type: 'string', default: '1' },
  },
});
const cases = Number(values.cases);
const reps = Number(values.reps);
const ratingKva = Number(values.rating);
const losses = [2, 0.5, 0.1];
const highs = createHighsBackend(await loadHighs());
let failed = false;

// ---------------------------------------------------------------------------------------------------------
// Part 1

const caltechChargers = ['CA-308', 'CA-304', 'CA-307'];
function maxEnergy(kva: number, eta: readonly number[], lossPct: number): Problem {
  return {
    slotCount: 1,
    slotHours: 1,
    importPricePerKwh: [0],
    shortfallPenaltyPerKwh: 10,
    network: caltechNetwork(kva, lossPct),
    vehicles: caltechChargers.map((chargerId, g) => ({
      id: `ev-${g}`, chargerId, arrivalSlot: 0, departureSlot: 1, energyKwh: 0, capacityKwh: 10_000, targetEnergyKwh: 10_000, maxChargeKw: 5_000, chargeEfficiency: eta[g]!,
    })),
  };
}

const rnd = seededRandom(Number(values.seed));
const draws = Array.from({ length: cases }, () => ({ kva: 10 + Math.floor(rnd() * 116), eta: [0, 1, 2].map(() => 0.05 + 0.95 * rnd()) }));
const exact = draws.map((d) => exactCaltechOptimum(d.kva, d.eta));
const lossRows: string[] = [];
for (const lossPct of losses) {
  const measured = draws.map((d, i) => {
    const problem = maxEnergy(d.kva, d.eta, lossPct);
    const plan = solveWithBackend(problem, highs);
    if (validatePlan(problem, plan).length > 0) failed = true;
    const lp = plan.vehicles.reduce((s, v, g) => s + d.eta[g]! * v.powerKw[0]!, 0);
    return (100 * (exact[i]! - lp)) / exact[i]!;
  }).sort((a, b) => a - b);
  const worst = measured[measured.length - 1]!;
  if (worst > lossPct + 1e-6 || measured[0]! < -1e-6) failed = true;
  lossRows.push(`| ${lossPct} | ${measured[Math.floor(measured.length / 2)]!.toFixed(4)} | ${worst.toFixed(4)} | ${measured[0]!.toFixed(6)} |`);
}

// ---------------------------------------------------------------------------------------------------------
// Part 2

function decision(network: boolean, lossPct: number): Problem {
  const T = 144;
  const ids = caltechSite().chargers.map((c) => c.id);
  const r = seededRandom(7);
  const vehicles = Array.from({ length: 33 }, (_, i) => {
    const stay = 12 + Math.floor(r() * 120);
    return {
      id: `ev-${i}`,
      chargerId: ids[(i * 5) % ids.length]!,
      arrivalSlot: 0,
      departureSlot: stay,
      energyKwh: 0,
      capacityKwh: 100,
      targetEnergyKwh: Math.min(60, 3 + r() * 25),
      maxChargeKw: 6.6,
      acLimit: { maxCurrentA: 32, minCurrentA: 6, phases: 1 as const, voltageV: 208 },
      chargeEfficiency: 1,
    };
  });
  return {
    slotCount: T,
    slotHours: 1 / 12,
    currency: 'USD',
    importPricePerKwh: Array.from({ length: T }, (_, t) => (t < 48 ? 0.06 : t < 96 ? 0.27 : 0.09)),
    ...(network ? { network: caltechNetwork(ratingKva, lossPct) } : { importLimitKw: new Array<number>(T).fill(ratingKva) }),
    demandCharge: { pricePerKw: 15.51 },
    shortfallPenaltyPerKwh: 200,
    vehicles,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const solverRows: string[] = [];
for (const [label, network, lossPct] of [['aggregate kW limit', false, 0], ...losses.map((l) => [`three-phase, loss ${l} %`, true, l] as const)] as const) {
  const problem = decision(network, lossPct);
  solveWithBackend(problem, highs);
  const times: number[] = [];
  const cpu: number[] = [];
  let last = solveWithBackend(problem, highs);
  for (let k = 0; k < reps; k++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    last = solveWithBackend(problem, highs);
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1000);
    times.push(performance.now() - started);
  }
  if (validatePlan(problem, last).length > 0) failed = true;
  const delivered = last.vehicles.reduce((s, v) => s + v.powerKw.reduce((a, p) => a + p, 0) / 12, 0);
  solverRows.push(`| ${label} | ${last.stats.rows} | ${last.stats.columns} | ${median(cpu).toFixed(0)} | ${median(times).toFixed(0)} | ${last.stats.rounds} | ${last.status} | ${last.cost.objective.toFixed(2)} | ${delivered.toFixed(1)} |`);
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`### Three-phase network (bench/network-bench.ts)

Measured ${new Date().toISOString()} on ${os.cpus().length} x ${cpu}, node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}.
Command: \`npm run bench:network -- --cases ${cases} --reps ${reps} --rating ${ratingKva} --seed ${values.seed}\`.

Part 1, the LP's inner polygon against the exact cone (Caltech network, ${cases} random ratings 10-125 kVA and weights; loss = (exact - LP) / exact):

| maxMagnitudeLossPct | median loss % | worst loss % | least loss % |
|---:|---:|---:|---:|
${lossRows.join('\n')}

Part 2, one Caltech-like MPC decision (33 cars, 144 five-minute slots, 6 A minimum, ${ratingKva} kVA / kW), HiGHS, median of ${reps} after a warm-up:

| limit model | rows | columns | CPU ms | wall ms | rounds | status | objective | delivered kWh |
|---|---:|---:|---:|---:|---:|---|---:|---:|
${solverRows.join('\n')}
${failed ? '\n**FAILED: a loss above its bound or a plan the validator refused.**' : ''}`);
process.exit(failed ? 1 : 0);
