/** The engine choice (optimizer/engine.ts) and `optimize` running the decomposition on the solver pool's workers. */
import { afterAll, describe, expect, it } from 'vitest';
import { chooseEngine, decompositionThresholdVehicleSlots, pluggedVehicleSlots } from '../../optimizer/engine.ts';
import { optimize } from '../../optimizer/optimize.ts';
import { SolverPool } from '../../optimizer/solver-pool.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { aProblem, aVehicle } from './problem-builders.ts';
import { expectGoodPlan } from './solve-helpers.ts';

const pool = new SolverPool({ size: 1 });
afterAll(() => pool.close());

describe('chooseEngine', () => {
  it('auto decomposes above the plugged vehicle-slot threshold only', () => {
    const small = aProblem({ slotCount: 8, vehicles: [aVehicle({ departureSlot: 8 })] });
    expect(pluggedVehicleSlots(small)).toBe(8);
    expect(chooseEngine(small)).toMatchObject({ engine: 'monolithic', overridden: false });
    const stays = Math.ceil((decompositionThresholdVehicleSlots + 1) / 8);
    const large = { ...small, vehicles: Array.from({ length: stays }, (_, i) => aVehicle({ id: `ev-${i}`, chargerId: `cp-${i}`, departureSlot: 8 })) };
    expect(chooseEngine(large).engine).toBe('decomposition');
    expect(chooseEngine(large, 'monolithic').engine).toBe('monolithic');
    expect(chooseEngine(small, 'decomposition').engine).toBe('decomposition');
  });

  it('a three-phase network stays monolithic and says why when that overrides the request', () => {
    const networked = {
      ...aProblem(),
      network: { groups: [{ id: 'g', connection: 'AN' as const, voltageV: 230, chargerIds: ['cp-1'] }] },
    };
    const choice = chooseEngine(networked as never, 'decomposition');
    expect(choice).toMatchObject({ engine: 'monolithic', overridden: true });
    expect(choice.reason).toContain('network');
  });
});

describe('optimize with an engine', () => {
  it('runs the decomposition on a worker and the plan says so', async () => {
    const problem = generateDepot({ vehicles: 20, seed: 5 });
    const plan = await optimize(problem, { pool, engine: 'decomposition', decomposition: { maxIterations: 15 } });
    expectGoodPlan(problem, plan);
    expect(plan.stats.backend).toBe('decomposition');
    expect(plan.message).toMatch(/^engine decomposition \(requested\); price decomposition: \d+ iterations/);
    expect(plan.stats.relaxationObjective).toBeLessThanOrEqual(plan.cost.objective + 1e-9);
  });

  it('monolithic by request is the plain LP plan', async () => {
    const problem = generateDepot({ vehicles: 5, seed: 5 });
    const plan = await optimize(problem, { pool, engine: 'monolithic' });
    expect(plan.stats.backend).toBe('highs');
  });
});
