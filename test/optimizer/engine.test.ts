/** The engine choice (optimizer/engine.ts) and `optimize` running the decomposition on the solver pool's workers. */
import { afterAll, describe, expect, it } from 'vitest';
import { chooseEngine, pluggedVehicleSlots, predictedSeconds } from '../../optimizer/engine.ts';
import { estimateHighsHeapBytes, safeHeapShare, wasmHeapCeilingBytes } from '../../optimizer/memory-estimate.ts';
import { optimize } from '../../optimizer/optimize.ts';
import { SolverPool } from '../../optimizer/solver-pool.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { aProblem, aVehicle } from './problem-builders.ts';
import { expectGoodPlan } from './solve-helpers.ts';

const pool = new SolverPool({ size: 1 });
afterAll(() => pool.close());

describe('chooseEngine', () => {
  const fleetOf = (stays: number) => {
    const small = aProblem({ slotCount: 8, vehicles: [aVehicle({ departureSlot: 8 })] });
    return { ...small, vehicles: Array.from({ length: stays }, (_, i) => aVehicle({ id: `ev-${i}`, chargerId: `cp-${i}`, departureSlot: 8 })) };
  };

  it('auto keeps the exact LP while it fits and is predicted faster, decomposes once it is predicted slower', () => {
    const small = fleetOf(1);
    expect(pluggedVehicleSlots(small)).toBe(8);
    expect(chooseEngine(small)).toMatchObject({ engine: 'monolithic', overridden: false });
    expect(chooseEngine(small).reason).toMatch(/predicted .* s monolithic vs .* s decomposed/);
    // The smallest fleet of 8-slot stays whose monolithic solve is predicted slower.
    let stays = 1;
    while (predictedSeconds(8 * stays).monolithic <= predictedSeconds(8 * stays).decomposition) stays *= 2;
    const large = fleetOf(stays);
    expect(estimateHighsHeapBytes(large)).toBeLessThanOrEqual(safeHeapShare * wasmHeapCeilingBytes);
    expect(chooseEngine(large).engine).toBe('decomposition');
    expect(chooseEngine(fleetOf(Math.floor(stays / 4))).engine).toBe('monolithic');
    expect(chooseEngine(large, 'monolithic').engine).toBe('monolithic');
    expect(chooseEngine(small, 'decomposition').engine).toBe('decomposition');
  });

  it('auto decomposes a problem whose monolithic model would not fit the HiGHS heap, and says so', () => {
    // Per vehicle beyond the size where the prefix energy rows (and their memory term) stop (energy-rows.ts).
    const heapPerStay = estimateHighsHeapBytes(fleetOf(20_001)) - estimateHighsHeapBytes(fleetOf(20_000));
    const huge = fleetOf(Math.ceil((safeHeapShare * wasmHeapCeilingBytes) / heapPerStay) + 1);
    expect(estimateHighsHeapBytes(huge)).toBeGreaterThan(safeHeapShare * wasmHeapCeilingBytes);
    const choice = chooseEngine(huge);
    expect(choice.engine).toBe('decomposition');
    expect(choice.reason).toContain('would not fit');
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
    const phases: string[] = [];
    const plan = await optimize(problem, { pool, engine: 'decomposition', decomposition: { maxIterations: 15 }, onProgress: (p) => phases.push(p.phase) });
    expectGoodPlan(problem, plan);
    // Progress crosses the worker thread: one event per iteration, then the end.
    expect(phases.filter((p) => p === 'decomposition').length).toBe(plan.stats.iterations);
    expect(phases.at(-1)).toBe('done');
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
