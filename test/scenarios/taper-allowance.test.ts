import { describe, expect, it } from 'vitest';
import type { Problem } from '../../optimizer/problem.ts';
import type { PhysicsModel } from '../../scenarios/replay-inputs.ts';
import { taperSlowdown, withTaperAllowance } from '../../scenarios/taper-allowance.ts';

const physics: PhysicsModel = { chargeEfficiency: 0.95, dischargeEfficiency: 0.95, taperStartSoc: 0.8, taperEndPowerFraction: 0.2, substepsPerSlot: 3 };

describe('taperSlowdown', () => {
  it('is 1 below the taper start and the mean of 1 / factor above it', () => {
    expect(taperSlowdown(0.2, 0.8, physics)).toBe(1);
    // factor 1 - 4 (soc - 0.8): from 0.8 to 0.9 it falls to 0.6; the integral of 1 / factor is ln(1 / 0.6) / 4.
    expect(taperSlowdown(0.8, 0.9, physics)).toBeCloseTo(Math.log(1 / 0.6) / 4 / 0.1, 9);
    expect(taperSlowdown(0.7, 0.9, physics)).toBeCloseTo((0.1 + Math.log(1 / 0.6) / 4) / 0.2, 9);
    expect(taperSlowdown(0.7, 0.9, { ...physics, taperStartSoc: 1 })).toBe(1);
  });
});

describe('withTaperAllowance', () => {
  it('lowers the limit of later slots for a vehicle whose target is in the taper; slot 0 keeps what the battery accepts now', () => {
    const p: Problem = {
      slotCount: 8,
      slotHours: 0.25,
      importPricePerKwh: new Array<number>(8).fill(0.1),
      vehicles: [
        { id: 'a', chargerId: 'c1', arrivalSlot: 0, departureSlot: 8, energyKwh: 35, capacityKwh: 50, targetEnergyKwh: 45, maxChargeKw: 10 },
        { id: 'b', chargerId: 'c2', arrivalSlot: 0, departureSlot: 8, energyKwh: 10, capacityKwh: 50, targetEnergyKwh: 30, maxChargeKw: 10 },
        { id: 'forecast:1:2', chargerId: 'forecast:2', arrivalSlot: 2, departureSlot: 8, energyKwh: 0, capacityKwh: 5, targetEnergyKwh: 5, maxChargeKw: 10 },
      ],
    };
    const [a, b, phantom] = withTaperAllowance(p, physics).vehicles;
    const limits = a!.maxChargeKw as number[];
    expect(limits[0]).toBe(10);
    expect(limits[1]).toBeCloseTo(10 / taperSlowdown(0.7, 0.9, physics), 9);
    expect(b).toBe(p.vehicles[1]);
    expect(phantom).toBe(p.vehicles[2]);
  });
});
