import { solveWithDecomposition } from '../optimizer/decomposition/decompose.ts';
import { generateDepot } from '../scenarios/depot-generator.ts';
import { assemblePlan } from '../optimizer/plan-assembly.ts';
for (const [seed, n] of [[3, 25], [1, 8], [5, 120]]) {
  const problem = generateDepot({ vehicles: n!, seed, slots: 48 });
  const plan = await solveWithDecomposition(problem, { maxIterations: 30 });
  console.log(seed, n, plan.message, JSON.stringify(plan.cost));
}
