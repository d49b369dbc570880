import { solveWithDecomposition } from '/work/wt/i15/optimizer/decomposition/decompose.ts';
import { generateDepot } from '/work/wt/i15/scenarios/depot-generator.ts';
let bad = 0;
let sumGap = 0;
let runs = 0;
for (let seed = 1; seed <= 30; seed++) {
  for (const n of [8, 25, 120]) {
    const problem = generateDepot({ vehicles: n, seed, slots: 48 });
    const plan = await solveWithDecomposition(problem, { maxIterations: 30 });
    const m = plan.message ?? '';
    const gap = Number(/gap ([0-9.e+-]+) %/.exec(m)?.[1]);
    sumGap += gap; runs++;
    if (!m.includes('master plan') || m.includes('failed')) { bad++; console.log(seed, n, plan.status, m.slice(0, 300)); }
  }
}
console.log('not master', bad, 'of', runs, 'mean stated gap %', (sumGap / runs).toFixed(3));
