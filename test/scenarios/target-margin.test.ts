/**
 * The MPC's delivery margin (scenarios/target-margin.ts): targets raised by the margin, never above the capacity,
 * only for vehicles still below their target; no margin = the same problem.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Problem, Vehicle } from '../../optimizer/problem.ts';
import { validateProblem } from '../../optimizer/problem-validation.ts';
import { withTargetMargin } from '../../scenarios/target-margin.ts';

const arbVehicle = fc
  .record({ energy: fc.integer({ min: 0, max: 60 }), need: fc.integer({ min: -10, max: 30 }), capacity: fc.integer({ min: 1, max: 80 }) })
  .map(({ energy, need, capacity }): Vehicle => {
    const cap = Math.max(capacity, energy, 1);
    return { id: 'v', chargerId: 'c', arrivalSlot: 0, departureSlot: 4, energyKwh: energy, capacityKwh: cap, targetEnergyKwh: Math.min(cap, Math.max(0, energy + need)), maxChargeKw: 7 };
  });

describe('withTargetMargin', () => {
  it('property: a vehicle below its target is planned to target + margin, at most its capacity; others unchanged; the problem stays valid', () => {
    fc.assert(
      fc.property(fc.array(arbVehicle, { maxLength: 6 }), fc.double({ min: 0, max: 2, noNaN: true }), (raw, marginKwh) => {
        const vehicles = raw.map((v, i) => ({ ...v, id: `v${i}`, chargerId: `c${i}` }));
        const problem: Problem = { slotCount: 4, slotHours: 0.25, importPricePerKwh: [0.1, 0.2, 0.3, 0.4], vehicles };
        const out = withTargetMargin(problem, marginKwh);
        expect(validateProblem(out).ok).toBe(true);
        out.vehicles.forEach((v, i) => {
          const before = vehicles[i]!;
          expect({ ...v, targetEnergyKwh: 0 }).toEqual({ ...before, targetEnergyKwh: 0 });
          if (before.targetEnergyKwh > before.energyKwh) expect(v.targetEnergyKwh).toBe(Math.min(before.capacityKwh, before.targetEnergyKwh + marginKwh));
          else expect(v.targetEnergyKwh).toBe(before.targetEnergyKwh);
        });
      }),
      { seed: 16, numRuns: 200 },
    );
  });

  it('no margin is the same problem; a negative or infinite margin is refused, naming the field', () => {
    const problem: Problem = { slotCount: 1, slotHours: 1, importPricePerKwh: [0.1], vehicles: [] };
    expect(withTargetMargin(problem, 0)).toBe(problem);
    expect(() => withTargetMargin(problem, -0.1)).toThrow(/marginKwh/);
    expect(() => withTargetMargin(problem, Infinity)).toThrow(/marginKwh/);
  });
});
