/** Worker threads (worker-pricer.ts) give the same plan as one thread with the same shards, bit for bit. */
import { describe, expect, it } from 'vitest';
import { solveWithDecomposition } from '../../../optimizer/decomposition/decompose.ts';
import { LocalPricer } from '../../../optimizer/decomposition/local-pricer.ts';
import { WorkerPricer } from '../../../optimizer/decomposition/worker-pricer.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';
import { expectGoodPlan } from '../solve-helpers.ts';

describe('worker-thread pricing', () => {
  for (const stepRule of ['columns', 'polyak'] as const) {
  it(`${stepRule}: two workers give the same plan as one thread`, async () => {
    const problem = generateDepot({ vehicles: 80, seed: 7 });
    const options = { maxIterations: 12, stepRule };
    const local = await solveWithDecomposition(problem, { ...options, pricer: (v, T, dt) => new LocalPricer(v, T, dt, 2) });
    const workers = await solveWithDecomposition(problem, { ...options, pricer: (v, T, dt) => new WorkerPricer(v, T, dt, 2) });
    expectGoodPlan(problem, workers);
    expect(workers.stats.relaxationObjective).toBe(local.stats.relaxationObjective);
    expect(workers.cost).toEqual(local.cost);
    expect(workers.vehicles.map((v) => v.powerKw)).toEqual(local.vehicles.map((v) => v.powerKw));
  });
  }
});
