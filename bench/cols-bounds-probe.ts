/**
 * One process, alternated 40 times: the `highs` package's `changeColsBounds` and the direct call
 * (optimizer/backends/highs-handover.ts `directColsBounds`) on 23,022 columns of a 500-vehicle, 192-slot generated
 * site (a repair's freeze round); medians of CPU ms (issue 17, session 13).
 *
 *   node bin/run-ts.mjs bench/cols-bounds-probe.ts
 */
import { loadHighs } from '../optimizer/backends/highs-loader.ts';
import { directColsBounds, directHandOver } from '../optimizer/backends/highs-handover.ts';
import { chooseEnergyForm } from '../optimizer/energy-rows.ts';
import { buildFormulation } from '../optimizer/formulation.ts';
import { resolveProblem } from '../optimizer/resolved-problem.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';

const highs = await loadHighs();
const rp = resolveProblem(generateDepot({ vehicles: 500, slots: 192, seed: 1 }));
const f = buildFormulation(rp, undefined, chooseEnergyForm(rp));
const model = directHandOver(highs)!(f.lp);
const change = directColsBounds(highs)!;
const n = 23_022;
const cols = Int32Array.from({ length: n }, (_, i) => Math.floor((i * f.lp.numCols) / n));
const lower = new Float64Array(n);
const upper = Float64Array.from(cols, (c) => f.lp.colUpper[c]!);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const viaPackage: number[] = [];
const direct: number[] = [];
for (let i = 0; i < 40; i++) {
  let t = cpuMs();
  model.changeColsBounds({ kind: 'set', indices: cols }, lower, upper);
  viaPackage.push(cpuMs() - t);
  t = cpuMs();
  change(model, f.lp.numCols, cols, lower, upper);
  direct.push(cpuMs() - t);
}
model.dispose();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`${n} column bounds: package ${median(viaPackage).toFixed(2)} ms, direct ${median(direct).toFixed(2)} ms (medians of 40, alternated)`);
