/**
 * The HiGHS heap estimate (optimizer/memory-estimate.ts): it never under-estimates a solve measured on a
 * fresh WebAssembly instance, it grows with the problem, and a problem above the safe share of the 2 GiB
 * ceiling is refused with V2G_ERR_PROBLEM_TOO_LARGE before any worker starts (it used to abort HiGHS).
 */
import { describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import { OptimizerError } from '../../optimizer/errors.ts';
import { estimateHighsHeapBytes, modelSize, safeHeapShare, wasmHeapCeilingBytes } from '../../optimizer/memory-estimate.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { SolverPool } from '../../optimizer/solver-pool.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';

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

  it('is over the safe share of the ceiling; 10,000 vehicles plugged in for 36 slots (a generated depot mean stay) are not', () => {
    const limit = safeHeapShare * wasmHeapCeilingBytes;
    expect(estimateHighsHeapBytes(huge)).toBeGreaterThan(limit);
    expect(estimateHighsHeapBytes(fleet(10_000, 36))).toBeLessThan(limit);
  });

  it('the pool refuses it with V2G_ERR_PROBLEM_TOO_LARGE naming the limit, without starting a worker', async () => {
    const pool = new SolverPool({ size: 1 });
    try {
      const error = await pool.solve(huge, 'highs').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OptimizerError);
      expect((error as OptimizerError).code).toBe('V2G_ERR_PROBLEM_TOO_LARGE');
      expect((error as OptimizerError).retryable).toBe(false);
      expect((error as Error).message).toMatch(/20000 vehicles over 96 slots.*safe limit of 1536 MiB \(75 % of its 2 GiB ceiling\)/);
      expect(pool.highsVersion).toBeUndefined();
    } finally {
      await pool.close();
    }
  });
});
