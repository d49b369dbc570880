/**
 * `vehicleHorizonEnd` (resolved-problem.ts) gives a vehicle the end slot and required energy that
 * `resolveProblem` gives it on a problem of any slot count (the forward baselines ask for a horizon longer than
 * their one-slot problem: scenarios/first-slot-baseline.ts), bit for bit, without resolving the rest.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveProblem, vehicleHorizonEnd } from '../../optimizer/resolved-problem.ts';
import { arbProblem } from './problem-builders.ts';
import { fcParams } from './solve-helpers.ts';

describe('vehicleHorizonEnd', () => {
  it("is resolveProblem's end slot and required energy at any slot count, shorter or longer than the problem's", () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 5, maxSlots: 6 }), fc.integer({ min: 1, max: 40 }), (p, slotCount) => {
        const resolved = resolveProblem({ ...p, slotCount });
        p.vehicles.forEach((v, i) => {
          const { endSlot, requiredEnergyKwh } = vehicleHorizonEnd(v, slotCount, p.slotHours);
          expect(endSlot).toBe(resolved.vehicles[i]!.endSlot);
          expect(Object.is(requiredEnergyKwh, resolved.vehicles[i]!.requiredEnergyKwh)).toBe(true);
        });
      }),
      fcParams(1631, 300),
    );
  });

  it('reduces the target by what the last charge limit still charges after the horizon', () => {
    const v = { id: 'v', chargerId: 'c', arrivalSlot: 0, departureSlot: 10, capacityKwh: 60, energyKwh: 10, targetEnergyKwh: 40, maxChargeKw: 11 };
    // 6 slots of 0.25 h after a horizon of 4 slots at 11 kW x 0.95 (the default efficiency): 15.675 kWh.
    expect(vehicleHorizonEnd(v, 4, 0.25)).toEqual({ endSlot: 4, requiredEnergyKwh: 40 - 11 * 0.95 * 0.25 * 6 });
    expect(vehicleHorizonEnd(v, 12, 0.25)).toEqual({ endSlot: 10, requiredEnergyKwh: 40 });
  });
});
