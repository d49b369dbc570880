/**
 * The first LP of one generated site (192 slots, the `capped` request of bench/support/site-request.ts) under HiGHS
 * options, each on a fresh model from the slack basis and, with `--crash`, from the greedy crash basis
 * (optimizer/crash-basis.ts): CPU ms (min over --reps, alternated), simplex iterations, objective. For deciding
 * which options are worth a whole-solve A/B in bench/site-solve-bench.ts (issue 17, session 13).
 *
 *   node bin/run-ts.mjs bench/site-lp-options-probe.ts --vehicles 500 --seed 1 \
 *     --variants '{"default":{},"presolve":{"presolve":"on"},"devex":{"simplex_dual_edge_weight_strategy":1}}' --crash
 */
import { parseArgs } from 'node:util';
import type { EnergyForm } from '../optimizer/energy-rows.ts';
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { directHandOver } from '../optimizer/backends/highs-handover.ts';
import { greedyCrashBasis } from '../optimizer/crash-basis.ts';
import { chooseEnergyForm } from '../optimizer/energy-rows.ts';
import { buildFormulation } from '../optimizer/formulation.ts';
import { pricedProblem } from '../optimizer/portfolio/site-subproblem.ts';
import { resolveProblem } from '../optimizer/resolved-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';
import { siteRequestOf } from './support/site-request.ts';
import { readChildCase } from './support/child-case.ts';

const { values } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
    reps: { type: 'string', default: '3' },
    variants: { type: 'string', default: '{"default":{}}' },
    crash: { type: 'boolean', default: false },
    /** A captured flow child (bench/site-child-capture.ts): its capped problem instead of a generated depot's (session 16). */
    case: { type: 'string' },
    /** The energy form (prefix | chain); default chooseEnergyForm's. */
    form: { type: 'string' },
  },
});
const highs = await loadHighs();
const open = directHandOver(highs)!;
const captured = values.case ? readChildCase(values.case) : undefined;
const problem = captured?.problem ?? generateDepot({ vehicles: Number(values.vehicles), slots: 192, seed: Number(values.seed) });
const request = captured ? (({ uncappedBound: _a, uncappedAdderPerKwh: _b, ...capped }) => capped)(captured.request) : siteRequestOf(problem, 'capped');
const rp = resolveProblem(pricedProblem(problem, request).problem);
const f = buildFormulation(rp, undefined, (values.form as EnergyForm | undefined) ?? chooseEnergyForm(rp));
console.log(`${f.lp.numRows} rows x ${f.lp.numCols} columns, ${f.lp.values.length} nonzeros (${f.energyForm}), presolve off unless a variant sets it`);
const variants = JSON.parse(values.variants) as Record<string, object>;
const crash = values.crash ? greedyCrashBasis(rp, f) : undefined;
const starts: [string, typeof crash][] = [['slack', undefined], ...(crash ? [['crash', crash] as [string, typeof crash]] : [])];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const best = new Map<string, { ms: number; line: string }>();
for (let rep = 0; rep < Number(values.reps); rep++) {
  for (const [start, basis] of starts) {
    for (const [name, options] of Object.entries(variants)) {
      const model = open(f.lp);
      try {
        model.options.set({ output_flag: false, presolve: 'off', ...options });
        if (basis) model.setBasis({ colStatus: Int32Array.from(basis.colStatus), rowStatus: Int32Array.from(basis.rowStatus) });
        const c0 = cpuMs();
        model.run();
        const ms = cpuMs() - c0;
        const key = `${start} ${name}`;
        const line = `${model.info.get('simplex_iteration_count')} iterations, status ${model.getModelStatus()}, objective ${model.getObjectiveValue().toFixed(6)}`;
        if (ms < (best.get(key)?.ms ?? Infinity)) best.set(key, { ms, line });
      } finally {
        model.dispose();
      }
    }
  }
}
for (const [key, { ms, line }] of best) console.log(`${key.padEnd(24)} ${ms.toFixed(0).padStart(6)} ms  ${line}`);
