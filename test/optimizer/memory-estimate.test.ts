/**
 * The HiGHS heap estimate (optimizer/memory-estimate.ts): it never under-estimates a solve measured on a
 * fresh WebAssembly instance, it grows with the problem, and a problem above the safe share of the 2 GiB
 * ceiling is refused with V2G_ERR_PROBLEM_TOO_LARGE before any worker starts (it used to abort HiGHS).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import { OptimizerError } from '../../optimizer/errors.ts';
import { estimateHighsHeapBytes, modelSize, safeHeapShare, wasmHeapCeilingBytes } from '../../optimizer/memory-estimate.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { SolverPool } from '../../optimizer/solver-pool.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { withDepotNetwork, withTaper } from '../../bench/support/calibration-problems.ts';
import { arbNetworkProblem } from './network/network-builders.ts';

/** `n` identical plugged-in vehicles over `slots` slots (built directly: no generator limits). */
function fleet(n: number, slots: number): Problem {
  return {
    slotCount: slots,
    slotHours: 0.25,
    importPricePerKwh: new Array<number>(slots).fill(0.2),
    vehicles: Array.from({ length: n }, (_, i) => ({
      id: `ev-${i}`,
      chargerId: `cp-${i}`,
      arrivalSlot: 0,
      departureSlot: slots,
      energyKwh: 10,
      capacityKwh: 60,
      targetEnergyKwh: 50,
      maxChargeKw: 11,
      v2gAllowed: true,
    })),
  };
}

describe('estimateHighsHeapBytes', () => {
  it('is at least what a solve takes on a fresh HiGHS instance', async () => {
    const problem = generateDepot({ vehicles: 120, slots: 96, seed: 5 });
    const highs = await loadHighs();
    const plan = solveWithBackend(problem, createHighsBackend(highs), { timeLimitMs: 3_600_000 });
    expect(['optimal', 'feasible']).toContain(plan.status);
    expect(estimateHighsHeapBytes(problem)).toBeGreaterThanOrEqual(highs.memoryBytes);
  });

  it('is at least what a solve took on a fresh HiGHS instance, on random tapered problems on three-phase sites', async () => {
    // Generated depots (tens of vehicles, up to a day of slots: stepped tapers pass the heap's first growth steps) and small random
    // networks, with a constant or a stepped taper on every vehicle; each solved on its own fresh instance.
    const arbCase = fc.oneof(
      fc
        .record({
          vehicles: fc.integer({ min: 10, max: 30 }),
          slots: fc.constantFrom(48, 96),
          seed: fc.integer({ min: 1, max: 1000 }),
          steps: fc.constantFrom(undefined, 2, 4),
          pod: fc.integer({ min: 4, max: 20 }),
          tightness: fc.constantFrom(0.15, 0.35, 0.6),
        })
        .map((c) => withDepotNetwork(withTaper(generateDepot(c), c.steps), c.pod, c.tightness)),
      fc.tuple(arbNetworkProblem({ maxVehicles: 8, maxSlots: 48 }), fc.constantFrom(undefined, 3)).map(([p, steps]) => withTaper(p, steps)),
    );
    await fc.assert(
      fc.asyncProperty(arbCase, async (problem) => {
        const highs = await loadHighs();
        solveWithBackend(problem, createHighsBackend(highs), { timeLimitMs: 3_600_000 });
        expect(estimateHighsHeapBytes(problem)).toBeGreaterThanOrEqual(highs.memoryBytes);
      }),
      { seed: 20261207, numRuns: 5 },
    );
  });

  it('grows with vehicles and with slots; counts only plugged-in slots', () => {
    expect(estimateHighsHeapBytes(fleet(200, 96))).toBeGreaterThan(estimateHighsHeapBytes(fleet(100, 96)));
    expect(estimateHighsHeapBytes(fleet(100, 192))).toBeGreaterThan(estimateHighsHeapBytes(fleet(100, 96)));
    const p = fleet(2, 10);
    const shortStay: Problem = { ...p, vehicles: [{ ...p.vehicles[0]!, arrivalSlot: 8 }, { ...p.vehicles[1]!, departureSlot: 40 }] };
    expect(modelSize(shortStay).vehicleSlots).toBe(2 + 10);
  });
});

describe('a problem too large for the WebAssembly heap', () => {
  // 20,000 vehicles x 96 slots: 1.92 M vehicle-slots, inside the schema's 2 M, aborted HiGHS at 2 GiB.
  const huge = fleet(20_000, 96);

  it('is over the safe share of the ceiling; 7,500 V2G vehicles plugged in for 36 slots (a generated depot mean stay) are not', () => {
    const limit = safeHeapShare * wasmHeapCeilingBytes;
    expect(estimateHighsHeapBytes(huge)).toBeGreaterThan(limit);
    expect(estimateHighsHeapBytes(fleet(7_500, 36))).toBeLessThan(limit);
    // About 8,500 generated vehicles at 96 slots (70 % V2G) fit; 9,000 do not (optimizer/README.md, "Memory").
    expect(estimateHighsHeapBytes(generateDepot({ vehicles: 8_500, slots: 96, seed: 1 }))).toBeLessThan(limit);
    expect(estimateHighsHeapBytes(generateDepot({ vehicles: 9_000, slots: 96, seed: 1 }))).toBeGreaterThan(limit);
  });

  it('the pool refuses it with V2G_ERR_PROBLEM_TOO_LARGE naming the limit, without starting a worker', async () => {
    const { error, workerStarted } = await poolRefusal(huge);
    expect((error as OptimizerError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/20000 vehicles over 96 slots.*safe limit of 1536 MiB \(75 % of its 2 GiB ceiling\)/);
    expect(workerStarted).toBe(false);
  });
});

/** What the pool answers to `problem` (it must refuse it with V2G_ERR_PROBLEM_TOO_LARGE), and whether a worker started. */
async function poolRefusal(problem: Problem): Promise<{ error: unknown; workerStarted: boolean }> {
  const pool = new SolverPool({ size: 1 });
  try {
    const error = await pool.solve(problem, 'highs').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OptimizerError);
    expect((error as OptimizerError).code).toBe('V2G_ERR_PROBLEM_TOO_LARGE');
    return { error, workerStarted: pool.highsVersion !== undefined };
  } finally {
    await pool.close();
  }
}

describe('a problem estimated too large for its charge-taper or network rows', () => {
  const limit = safeHeapShare * wasmHeapCeilingBytes;

  it('the pool refuses a 60-step taper on 200 vehicles with the taper field named, without starting a worker', async () => {
    // 61 taper rows per plugged slot (1.2 M rows); the estimate before session 10 left them out (106 MiB: accepted).
    expect(estimateHighsHeapBytes(fleet(200, 96))).toBeLessThan(0.5 * limit);
    const { error, workerStarted } = await poolRefusal(withTaper(fleet(200, 96), 60));
    expect((error as Error).message).toMatch(/200 vehicles over 96 slots.*charge-taper rows \(\/vehicles\/0\/chargeTaper and others: up to 1171200 rows\)/);
    expect(workerStarted).toBe(false);
  });

  it('the pool refuses 1,000 vehicles under 4,006 network limits with the network field named, without starting a worker', async () => {
    // A pod (group and breaker) per charger: 1,000 + 3,000 + 6 limits x 96 slots, 3 lazy rows priced per pair.
    const p = fleet(1000, 96);
    expect(estimateHighsHeapBytes(p)).toBeLessThan(limit);
    const { error, workerStarted } = await poolRefusal(withDepotNetwork(p, 1));
    expect((error as Error).message).toMatch(/1000 vehicles over 96 slots.*three-phase network rows \(\/network: 384576 limit-slots\)/);
    expect(workerStarted).toBe(false);
  });
});
