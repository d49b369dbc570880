import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyAssumptions, minInitialSoc } from '../../scenarios/fleet-assumptions.ts';
import { draw, randomStream } from '../../scenarios/random.ts';
import type { PhysicsModel } from '../../scenarios/replay-inputs.ts';
import type { ChargerSpec, SourceSession } from '../../scenarios/replay-session.ts';
import type { Assumptions } from '../../scenarios/scenario-schema.ts';
import { acceptedChargeKw, applySetpoint } from '../../scenarios/vehicle-physics.ts';

const physics: PhysicsModel = { chargeEfficiency: 0.9, dischargeEfficiency: 0.92, taperStartSoc: 0.8, taperEndPowerFraction: 0.2, substepsPerSlot: 3 };
const charger: ChargerSpec = { id: 'c1', maxPowerKw: 11, canDischarge: true, autoCreated: false };
const assumptions: Assumptions = {
  seed: 1,
  batteryCapacityKwh: { kind: 'uniform', min: 40, max: 80 },
  initialSocPct: { kind: 'uniform', min: 20, max: 60 },
  maxTargetSocPct: 90,
  reserveSocPct: 20,
  v2gOptInShare: 0.5,
  chargeEfficiency: 0.95,
  dischargeEfficiency: 0.95,
  degradationCostPerKwh: 0,
  energyDemand: 'delivered',
};
const source = (id: string, deliveredKwh: number, requestedKwh?: number): SourceSession => ({
  id, chargerId: 'c1', arrivalUtcMs: 0, departureUtcMs: 8 * 3_600_000, declaredDepartureUtcMs: undefined, deliveredKwh, requestedKwh, line: 0,
});

describe('seeded draws', () => {
  it('a stream depends only on seed and key', () => {
    const a = randomStream(7, 'battery/x');
    const b = randomStream(7, 'battery/x');
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(randomStream(8, 'battery/x')()).not.toBe(randomStream(7, 'battery/x')());
  });

  it('distributions stay in their range', () => {
    fc.assert(fc.property(fc.integer(), (seed) => {
      const r = randomStream(seed, 'd');
      const u = draw({ kind: 'uniform', min: 2, max: 5 }, r);
      const n = draw({ kind: 'normal', mean: 0, sd: 10, min: -1, max: 1 }, r);
      const c = draw({ kind: 'choice', values: [1, 2, 3] }, r);
      return u >= 2 && u <= 5 && n >= -1 && n <= 1 && [1, 2, 3].includes(c);
    }));
  });
});

describe('fleet assumptions', () => {
  it('give a session the same battery whatever else is replayed (own stream per session id)', () => {
    expect(applyAssumptions(source('s1', 10), charger, assumptions, 1)).toEqual(applyAssumptions(source('s1', 10), charger, assumptions, 1));
    expect(applyAssumptions(source('s1', 10), charger, assumptions, 1).capacityKwh).not.toBe(applyAssumptions(source('s1', 10), charger, assumptions, 2).capacityKwh);
  });

  it('take the metered kWh times the charge efficiency as the energy to add', () => {
    const s = applyAssumptions(source('s1', 10, 30), charger, assumptions, 1);
    expect(s.demandKwh).toBeCloseTo(9.5, 6);
    const requested = applyAssumptions(source('s1', 10, 30), charger, { ...assumptions, energyDemand: 'requested' }, 1);
    expect(requested.demandKwh).toBeCloseTo(28.5, 6);
    const fallback = applyAssumptions(source('s1', 10), charger, { ...assumptions, energyDemand: 'requested' }, 1);
    expect(fallback.demandKwh).toBeCloseTo(9.5, 6);
  });

  it('enlarge a battery too small for the demand and flag it', () => {
    const s = applyAssumptions(source('big', 80), charger, { ...assumptions, batteryCapacityKwh: { kind: 'fixed', value: 40 } }, 1);
    expect(s.capacityRaised).toBe(true);
    expect(s.initialEnergyKwh).toBeCloseTo(minInitialSoc * s.capacityKwh, 6);
    expect(s.targetEnergyKwh).toBeCloseTo(0.9 * s.capacityKwh, 6);
  });

  it('allow V2G only when the driver opted in and the charger can discharge', () => {
    const all = { ...assumptions, v2gOptInShare: 1 };
    expect(applyAssumptions(source('s', 5), charger, all, 1).v2gAllowed).toBe(true);
    expect(applyAssumptions(source('s', 5), { ...charger, canDischarge: false }, all, 1).v2gAllowed).toBe(false);
    expect(applyAssumptions(source('s', 5), charger, { ...assumptions, v2gOptInShare: 0 }, 1).v2gAllowed).toBe(false);
  });

  it('always give 0 <= initial <= target <= maxTarget x capacity, initial >= 5 %', () => {
    fc.assert(fc.property(fc.integer(), fc.double({ min: 0.1, max: 200, noNaN: true }), fc.double({ min: 50, max: 100, noNaN: true }), (seed, kwh, maxTarget) => {
      const a = { ...assumptions, maxTargetSocPct: maxTarget, initialSocPct: { kind: 'uniform' as const, min: 0, max: 100 } };
      const s = applyAssumptions(source(`s${seed}`, kwh), charger, a, seed);
      const eps = 1e-5;
      return s.initialEnergyKwh >= minInitialSoc * s.capacityKwh - eps && s.initialEnergyKwh <= s.targetEnergyKwh + eps &&
        s.targetEnergyKwh <= (maxTarget / 100) * s.capacityKwh + eps && Math.abs(s.demandKwh - kwh * 0.95) < eps;
    }));
  });
});

describe('vehicle physics', () => {
  it('charges at the setpoint below the taper, with the efficiency loss', () => {
    const r = applySetpoint(20, 60, 6, 11, 0.25, 3, physics);
    expect(r.averagePowerKw).toBeCloseTo(6, 9);
    expect(r.chargedKwh).toBeCloseTo(1.5, 9);
    expect(r.energyKwh).toBeCloseTo(20 + 0.9 * 1.5, 9);
    expect(r.limited).toBe(false);
  });

  it('accepts less above the taper start, down to the end fraction at 100 %', () => {
    expect(acceptedChargeKw(10, 0.8, physics)).toBe(10);
    expect(acceptedChargeKw(10, 0.9, physics)).toBeCloseTo(6, 9);
    expect(acceptedChargeKw(10, 1, physics)).toBeCloseTo(2, 9);
    const r = applySetpoint(54, 60, 11, 11, 0.25, 3, physics); // 90 % SoC
    expect(r.limited).toBe(true);
    expect(r.averagePowerKw).toBeLessThan(11 * 0.6 + 1e-9);
  });

  it('discharges with the discharge efficiency and never below empty', () => {
    const r = applySetpoint(30, 60, -9.2, 11, 0.25, 3, physics);
    expect(r.dischargedKwh).toBeCloseTo(2.3, 9);
    expect(r.energyKwh).toBeCloseTo(30 - 2.3 / 0.92, 9);
    const empty = applySetpoint(0.1, 60, -11, 11, 0.25, 3, physics);
    expect(empty.energyKwh).toBeGreaterThanOrEqual(0);
    expect(empty.dischargedKwh).toBeCloseTo(0.1 * 0.92, 9);
  });

  it('gives a vehicle leaving mid-slot only the steps it is plugged in', () => {
    const r = applySetpoint(20, 60, 6, 11, 0.25, 1, physics);
    expect(r.chargedKwh).toBeCloseTo(0.5, 9);
    expect(r.averagePowerKw).toBeCloseTo(2, 9);
  });

  it('keeps energy in [0, capacity], never exceeds the setpoint, and balances energy', () => {
    fc.assert(fc.property(
      fc.double({ min: 10, max: 100, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: -22, max: 22, noNaN: true }),
      fc.integer({ min: 0, max: 3 }),
      (capacity, soc, setpoint, steps) => {
        const e0 = capacity * soc;
        const r = applySetpoint(e0, capacity, setpoint, 22, 0.25, steps, physics);
        const balance = e0 + physics.chargeEfficiency * r.chargedKwh - r.dischargedKwh / physics.dischargeEfficiency;
        return r.energyKwh >= 0 && r.energyKwh <= capacity + 1e-9 && Math.abs(r.averagePowerKw) <= Math.abs(setpoint) + 1e-9 &&
          Math.abs(r.energyKwh - balance) < 1e-6 && r.lowestEnergyKwh <= Math.min(e0, r.energyKwh) + 1e-9;
      },
    ));
  });
});
