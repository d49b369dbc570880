/**
 * CLP (native, through koffi) against HiGHS (WebAssembly) on the project's own LPs, same process, interleaved:
 * the offline month solve (`--what offline`) or a replay of a policy over a window (`--what replay`, e.g.
 * mpc-events), each `--reps` times per backend. Every backend call (open = hand-over, solve, addRows, bounds,
 * bases) is timed in process CPU; `clp` is CLP for LPs and HiGHS for the MILPs that reach it (counted apart).
 *
 *   V2G_DATA_DIR=/work/shared/data nice -n 10 node bin/run-ts.mjs bench/clp-bench.ts \
 *     --what offline --scenario caltech-2019-03-network --capacity 60 --reps 3
 *   ... --what replay --policy mpc-events --capacity 40 --days 3 --reps 3
 *
 *   ... --what depot --vehicles 500 --reps 3          # one generated depot (96 slots), cold: the portfolio's site LP size
 *   ... --what resident --vehicles 500 --reps 2       # issue 17's resident site: first answer, then 4 warm ones (price adders)
 *   ... --seed-from 65                                # offline: seeded as `v2g sweep` seeds it (each backend's own rows and basis)
 *   CLP_FIRST=initial|dual|primal|barrier|plain-dual  # CLP's first solve of a model without a basis (default initial)
 *   --verbose                                         # one line per solve and per rows added
 *
 * Prints per run: backend, total CPU s, CPU s inside backend calls (open / solve / other), LP and MILP counts,
 * simplex iterations, and the plan's objective (offline) or total cost (replay); then the medians.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadHighsBackend, solverSetup } from '../adapters/cli/scenario-command-support.ts';
import { dataDirectory, loadScenarioFiles } from '../adapters/cli/scenario-files.ts';
import { loadClpLibrary } from '../adapters/solvers/clp-library.ts';
import { createClpBackend, type ClpFirstSolve } from '../optimizer/backends/clp-backend.ts';
import type { LpBackend, LpSession } from '../optimizer/backends/lp-backend.ts';
import { computeKpis } from '../scenarios/kpis.ts';
import type { NetworkRowSeed } from '../optimizer/network/lazy-rows.ts';
import { ResidentSite } from '../optimizer/portfolio/resident-site.ts';
import { solveWithBackend } from '../optimizer/solve-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';
import { loadReplayInputs } from '../scenarios/load-replay-inputs.ts';
import { solveOffline } from '../scenarios/offline-optimum.ts';
import { runReplay } from '../scenarios/replay-engine.ts';
import type { PolicyName } from '../scenarios/policy-names.ts';
import { applySweepValue } from '../scenarios/sweep-plan.ts';
import { scenarioWindow } from './scenario-window.ts';

const { values } = parseArgs({
  options: {
    what: { type: 'string', default: 'offline' },
    scenario: { type: 'string', default: 'caltech-2019-03-network' },
    capacity: { type: 'string', default: '60' },
    policy: { type: 'string', default: 'mpc-events' },
    days: { type: 'string' },
    'from-day': { type: 'string', default: '0' },
    reps: { type: 'string', default: '3' },
    backends: { type: 'string', default: 'highs,clp' },
    'data-dir': { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'seed-from': { type: 'string' },
    vehicles: { type: 'string', default: '500' },
  },
});

const verbose = values.verbose!;
const cpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

interface Tally { open: number; solve: number; other: number; lps: number; milps: number; solves: number; iterations: number }
const newTally = (): Tally => ({ open: 0, solve: 0, other: 0, lps: 0, milps: 0, solves: 0, iterations: 0 });

/** `inner` with every call's CPU added to `tally`. */
function timed(inner: LpBackend, tally: Tally): LpBackend {
  const wrap = <A extends unknown[], R>(f: (...a: A) => R, key: 'solve' | 'other') => (...a: A): R => {
    const t = cpuS();
    try {
      return f(...a);
    } finally {
      tally[key] += cpuS() - t;
    }
  };
  return {
    name: inner.name,
    open(lp) {
      const t = cpuS();
      const s = inner.open(lp);
      tally.open += cpuS() - t;
      const out: LpSession = {
        solve: (o) => {
          const t0 = cpuS();
          const a = s.solve(o);
          tally.solve += cpuS() - t0;
          tally.solves++;
          tally.iterations += a.iterations;
          if (verbose) console.log(`    solve ${inner.name} ${lp.numRows}x${lp.numCols}${lp.integerCount > 0 ? ' MILP' : ''} ${JSON.stringify(o)}: ${a.status} ${a.iterations} it ${(cpuS() - t0).toFixed(3)} CPU s obj ${a.objective}`);
          return a;
        },
        setColBounds: wrap(s.setColBounds.bind(s), 'other'),
        addRows: (r) => {
          if (verbose) console.log(`    + ${r.lower.length} rows`);
          wrap(s.addRows.bind(s), 'other')(r);
        },
        dispose: wrap(s.dispose.bind(s), 'other'),
      };
      for (const k of ['setColsBounds', 'setColsCost', 'addCols', 'setStart', 'getBasis', 'setBasis'] as const) {
        const f = s[k] as ((...a: unknown[]) => unknown) | undefined;
        if (f !== undefined) (out as unknown as Record<string, unknown>)[k] = wrap(f.bind(s), 'other');
      }
      return out;
    },
  };
}

/** CLP for LPs, HiGHS for MILPs (CLP solves no MILP). */
function clpWithHighsMilp(clp: LpBackend, highs: LpBackend, tally: Tally): LpBackend {
  return {
    name: 'clp',
    open(lp) {
      if (lp.integerCount > 0) {
        tally.milps++;
        return highs.open(lp);
      }
      tally.lps++;
      return clp.open(lp);
    },
  };
}

/** The price adders of bench/portfolio-resident-measure.ts (a first answer, then four warm ones). */
const residentAdders: number[][] = [
  new Array<number>(96).fill(0),
  Array.from({ length: 96 }, (_, t) => (t >= 2 && t < 10 ? 0.1 : 0)),
  Array.from({ length: 96 }, (_, t) => (t >= 2 && t < 10 ? 0.13 : t >= 10 && t < 12 ? 0.02 : 0)),
  Array.from({ length: 96 }, (_, t) => (t >= 2 && t < 10 ? 0.12 + 0.01 * Math.sin(t) : 0)),
  Array.from({ length: 96 }, (_, t) => (t >= 2 && t < 10 ? 0.125 : 0)),
];

const loaded = await loadScenarioFiles(values.scenario!, dataDirectory(values['data-dir']));
const highs = await loadHighsBackend();
const lib = loadClpLibrary();
const clp = createClpBackend(lib, { firstSolve: (process.env['CLP_FIRST'] ?? 'initial') as ClpFirstSolve });
const scenario = scenarioWindow(applySweepValue(loaded.scenario, 'capacity', Number(values.capacity)), values.days, values['from-day']);
console.log(`${values.what} ${values.what === 'replay' ? values.policy : ''} on ${values.scenario} at ${values.capacity} kVA${values.days ? `, ${values.days} days from day ${values['from-day']}` : ''}; HiGHS ${highs.version} (wasm), CLP ${lib.version} (native, koffi); load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at start`);

/** Each backend's own seed (network rows and first-LP basis of the `--seed-from` capacity), as `v2g sweep` seeds offline solves. */
const seeds = new Map<string, NetworkRowSeed>();
if (values['seed-from'] !== undefined) {
  for (const name of values.backends!.split(',')) {
    const seedScenario = scenarioWindow(applySweepValue(loaded.scenario, 'capacity', Number(values['seed-from'])), values.days, values['from-day']);
    const b = name === 'clp' ? clpWithHighsMilp(clp, highs.backend, newTally()) : highs.backend;
    const s = solveOffline(loadReplayInputs(seedScenario, loaded.texts, { seed: 1 }), { ...solverSetup(seedScenario, b), backend: b }, () => performance.now());
    if (s.networkRows !== undefined) seeds.set(name, s.networkRows);
    console.log(`seed for ${name} from ${values['seed-from']} kVA: ${s.networkRows?.keys.length ?? 0} rows, basis ${s.networkRows?.basis !== undefined}`);
  }
}

const rows: Record<string, { total: number[]; inCalls: number[] }> = {};
for (let rep = 0; rep < Number(values.reps); rep++) {
  for (const name of values.backends!.split(',')) {
    const tally = newTally();
    const base = name === 'clp' ? clpWithHighsMilp(clp, highs.backend, tally) : {
      name: highs.backend.name,
      open: (lp: Parameters<LpBackend['open']>[0]) => {
        if (lp.integerCount > 0) tally.milps++;
        else tally.lps++;
        return highs.backend.open(lp);
      },
    } as LpBackend;
    const backend = timed(base, tally);
    const inputs = loadReplayInputs(scenario, loaded.texts, { seed: 1 });
    const t = cpuS();
    let result: string;
    if (values.what === 'offline') {
      const seed = seeds.get(name);
      const solution = solveOffline(inputs, { ...solverSetup(scenario, backend), backend }, () => performance.now(), {}, seed ? { rows: seed, from: 'bench' } : undefined);
      result = `${solution.plan.status}, objective ${solution.plan.cost.objective.toFixed(6)}, bound ${solution.bound?.toFixed(6)}`;
    } else if (values.what === 'resident') {
      // issue 17's resident site model: a first solve, then warm re-solves after feeder price adders changed.
      const problem = generateDepot({ vehicles: Number(values.vehicles), slots: 96, seed: 1 });
      const site = new ResidentSite(problem, backend, async (p) => solveWithBackend(p, backend), {});
      const steps: string[] = [];
      for (const adder of residentAdders) {
        const c = cpuS();
        const a = await site.answer({ adderPerKwh: adder });
        steps.push(`${a.how} ${((cpuS() - c) * 1000).toFixed(0)} ms ${a.iterations} it LP ${a.solution.plan.stats.relaxationObjective?.toFixed(6)}`);
      }
      site.dispose();
      result = steps.join(' | ');
    } else if (values.what === 'depot') {
      const plan = solveWithBackend(generateDepot({ vehicles: Number(values.vehicles), slots: 96, seed: 1 }), backend);
      result = `${plan.status}, objective ${plan.cost.objective.toFixed(6)}, LP ${plan.stats.relaxationObjective?.toFixed(6)}, ${plan.stats.rounds} rounds`;
    } else {
      const r = runReplay(inputs, values.policy as PolicyName, { solver: { ...solverSetup(scenario, backend), backend }, clock: () => performance.now() });
      const k = computeKpis(r);
      result = `net cost ${k.netCost.toFixed(6)}, delivered ${k.energyDeliveredKwh.toFixed(6)} kWh, peak ${k.peakImportKw.toFixed(4)} kW, ${k.limitViolationCount} limit violations`;
    }
    const total = cpuS() - t;
    const inCalls = tally.open + tally.solve + tally.other;
    (rows[name] ??= { total: [], inCalls: [] }).total.push(total);
    rows[name]!.inCalls.push(inCalls);
    console.log(
      `${name.padEnd(5)} rep ${rep}: ${total.toFixed(2)} CPU s total, ${inCalls.toFixed(2)} in backend calls (open ${tally.open.toFixed(2)}, solve ${tally.solve.toFixed(2)}, other ${tally.other.toFixed(2)}); ${tally.lps} LP + ${tally.milps} MILP models, ${tally.solves} solves, ${tally.iterations} iterations; ${result}`,
    );
  }
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
for (const [name, r] of Object.entries(rows)) console.log(`median ${name}: ${median(r.total).toFixed(2)} CPU s total, ${median(r.inCalls).toFixed(2)} in backend calls`);
console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} at end`);
