/**
 * The profile builder: schedule -> periods merged, cut at the maximum, W or A, discharge gating.
 * Table cases plus fast-check properties (seeded).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultCapabilities } from '../../../adapters/ocpp/capabilities.ts';
import { buildSchedule, buildStationProfile, buildTxProfile, fallbackOf, type PeriodBuildOptions } from '../../../adapters/ocpp/profile-builder.ts';
import { periodTarget } from '../../../adapters/ocpp/profile-spec.ts';
import { kwToRate, rateToKw } from '../../../adapters/ocpp/rate-units.ts';
import { periodAt } from '../../../adapters/ocpp/absolute-schedule.ts';

const T0 = Date.parse('2025-01-06T08:00:00Z');
const SLOT = 900_000;
const base: PeriodBuildOptions = { nowUtcMs: T0, rateUnit: 'W', voltageV: 230, phases: 3, dc: false, maxPeriods: 48, discharge: 'none' };
const values = (valuesKw: number[], startUtcMs = T0) => ({ startUtcMs, slotMs: SLOT, valuesKw });

describe('buildSchedule', () => {
  it('one period per change at slot boundaries, equal neighbours merged, absolute start and duration', () => {
    const built = buildSchedule(values([7, 7, 3, 3, 3, 0]), base)!;
    expect(built.startScheduleUtcMs).toBe(T0);
    expect(built.durationS).toBe(6 * 900);
    expect(built.periods).toEqual([
      { startPeriodS: 0, limit: 7000, numberPhases: 3 },
      { startPeriodS: 1800, limit: 3000, numberPhases: 3 },
      { startPeriodS: 4500, limit: 0, numberPhases: 3 },
    ]);
    expect(built.truncated).toBe(false);
  });

  it('starts at the slot containing now: only the remaining schedule', () => {
    const built = buildSchedule(values([1, 2, 3, 4]), { ...base, nowUtcMs: T0 + 1.5 * SLOT })!;
    expect(built.startScheduleUtcMs).toBe(T0 + SLOT);
    expect(built.periods.map((p) => p.limit)).toEqual([2000, 3000, 4000]);
    expect(built.durationS).toBe(3 * 900);
  });

  it('a future plan starts at its own start; a plan that is over yields nothing', () => {
    expect(buildSchedule(values([1], T0 + 3_600_000), base)!.startScheduleUtcMs).toBe(T0 + 3_600_000);
    expect(buildSchedule(values([1, 2]), { ...base, nowUtcMs: T0 + 2 * SLOT })).toBeUndefined();
  });

  it('cuts at the charger\'s maximum number of periods and ends the schedule there', () => {
    const built = buildSchedule(values([1, 2, 2, 3, 4]), { ...base, maxPeriods: 2 })!;
    expect(built.periods.map((p) => p.limit)).toEqual([1000, 2000]);
    expect(built.durationS).toBe(3 * 900);
    expect(built.truncated).toBe(true);
  });

  it('A: per phase with the configured voltage and phases, rounded towards zero to 0.1 A, merged after rounding', () => {
    const built = buildSchedule(values([7, 7.01, 11.04, 1.38]), { ...base, rateUnit: 'A', phases: 1, voltageV: 230 })!;
    expect(built.periods).toEqual([
      { startPeriodS: 0, limit: 30.4, numberPhases: 1 },
      { startPeriodS: 1800, limit: 48, numberPhases: 1 },
      { startPeriodS: 2700, limit: 6, numberPhases: 1 },
    ]);
  });

  it('DC: no numberPhases', () => {
    expect(buildSchedule(values([50]), { ...base, dc: true })!.periods).toEqual([{ startPeriodS: 0, limit: 50_000 }]);
  });

  it('discharge: clamped to 0 when the charger cannot, a negative limit in negative-limit mode, a CentralSetpoint in 2.1', () => {
    expect(buildSchedule(values([5, -5]), base)!).toMatchObject({ dischargeClamped: true, periods: [{ limit: 5000 }, { limit: 0 }] });
    expect(buildSchedule(values([5, -5]), { ...base, discharge: 'negative-limit' })!.periods.map((p) => p.limit)).toEqual([5000, -5000]);
    expect(buildSchedule(values([5, -5]), { ...base, discharge: 'central-setpoint' })!.periods).toEqual([
      { startPeriodS: 0, limit: 5000, numberPhases: 3 },
      { startPeriodS: 900, operationMode: 'CentralSetpoint', setpoint: -5000, dischargeLimit: -5000, numberPhases: 3 },
    ]);
  });
});

describe('profiles', () => {
  const caps = { ...defaultCapabilities, maxStackLevel: 4, rateUnits: ['W' as const] };
  const schedule = { chargerId: 'CP1', evseId: 2, startUtcMs: T0, slotMs: SLOT, powerKw: [3, 4] };

  it('TxProfile: our id per EVSE, the top stack level, bound to the transaction', () => {
    const { spec } = buildTxProfile(schedule, '77', caps, base)!;
    expect(spec).toMatchObject({ id: 91_002, purpose: 'TxProfile', evseId: 2, stackLevel: 4, transactionId: '77', rateUnit: 'W' });
  });

  it('fallback: the same schedule as a TxDefaultProfile on that EVSE, stack 0, no transaction', () => {
    const { spec } = buildTxProfile(schedule, '77', caps, base)!;
    const fb = fallbackOf(spec, caps);
    expect(fb).toMatchObject({ id: 92_002, purpose: 'TxDefaultProfile', evseId: 2, stackLevel: 0, periods: spec.periods });
    expect(fb.transactionId).toBeUndefined();
  });

  it('station cap: on 0, never negative', () => {
    const spec = buildStationProfile({ chargerId: 'CP1', startUtcMs: T0, slotMs: SLOT, maxPowerKw: [20, 10] }, caps, { ...base, discharge: 'central-setpoint' })!;
    expect(spec).toMatchObject({ id: 93_000, purpose: 'StationMaxProfile', evseId: 0, stackLevel: 0 });
    expect(spec.periods.map((p) => p.limit)).toEqual([20_000, 10_000]);
  });
});

describe('properties (fast-check, seeded)', () => {
  const plan = fc.array(fc.oneof(fc.constant(0), fc.constant(7), fc.double({ min: -22, max: 22, noNaN: true })), { minLength: 1, maxLength: 96 });
  const options = fc.record({
    rateUnit: fc.constantFrom('W' as const, 'A' as const),
    maxPeriods: fc.integer({ min: 1, max: 100 }),
    discharge: fc.constantFrom('none' as const, 'negative-limit' as const, 'central-setpoint' as const),
    phases: fc.constantFrom(1, 3),
    nowSlot: fc.integer({ min: 0, max: 10 }),
  });

  it('periods start at 0, strictly increase, sit on slot boundaries, never repeat a value, never exceed the maximum', () => {
    fc.assert(fc.property(plan, options, (kw, o) => {
      const built = buildSchedule(values(kw), { ...base, ...o, nowUtcMs: T0 + o.nowSlot * SLOT });
      if (o.nowSlot >= kw.length) return built === undefined;
      const p = built!.periods;
      expect(p[0]!.startPeriodS).toBe(0);
      expect(p.length).toBeLessThanOrEqual(o.maxPeriods);
      for (let i = 1; i < p.length; i++) {
        expect(p[i]!.startPeriodS).toBeGreaterThan(p[i - 1]!.startPeriodS);
        expect(p[i]!.startPeriodS % 900).toBe(0);
        expect(JSON.stringify({ ...p[i], startPeriodS: 0 })).not.toBe(JSON.stringify({ ...p[i - 1], startPeriodS: 0 }));
      }
      for (const x of p) {
        if (x.dischargeLimit !== undefined) expect(x.dischargeLimit).toBeLessThanOrEqual(0);
        if (o.discharge !== 'negative-limit' && x.limit !== undefined) expect(x.limit).toBeGreaterThanOrEqual(0);
      }
      return true;
    }), { seed: 20250106, numRuns: 300 });
  });

  it('each covered slot asks for the plan within one rounding step, and never more than planned (charging)', () => {
    fc.assert(fc.property(plan, options, (kw, o) => {
      const built = buildSchedule(values(kw), { ...base, ...o, nowUtcMs: T0 });
      const spec = { ...built!, durationS: built!.durationS };
      const coveredSlots = spec.durationS / 900;
      for (let i = 0; i < coveredSlots; i++) {
        const period = periodAt(spec, T0 + i * SLOT + 1)!;
        const askedKw = rateToKw(periodTarget(period), o.rateUnit, 230, o.phases);
        const wantedKw = o.discharge === 'none' ? Math.max(0, kw[i]!) : kw[i]!;
        // Both units round towards zero: 0.1 A, or one whole watt.
        const stepKw = o.rateUnit === 'A' ? (0.1 * 230 * o.phases) / 1000 : 0.001;
        expect(Math.abs(askedKw - wantedKw)).toBeLessThanOrEqual(stepKw + 1e-9);
        if (wantedKw >= 0) expect(askedKw).toBeLessThanOrEqual(wantedKw + 1e-9);
      }
      return true;
    }), { seed: 7, numRuns: 300 });
  });

  it('W <-> A conversion round-trips within 0.1 A', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 50, noNaN: true }), fc.constantFrom(1, 2, 3), (kw, phases) => {
      const amps = kwToRate(kw, 'A', 230, phases);
      return Math.abs(rateToKw(amps, 'A', 230, phases) - kw) <= (0.1 * 230 * phases) / 1000 + 1e-9;
    }), { seed: 3 });
  });
});
