/**
 * The late-charge margin of `mpc-events` (mpc-regularisers.ts `withLateChargeMargin`). The guard's premium is a price
 * spread and never buys a peak; under a billing peak already set, the plan could still leave a stay at full power up
 * to its departure (zero laxity), and a car arriving unforeseen on its line then took the power it needed: the 60 kVA
 * residual on the Caltech network (bench/RESULTS.md, issue 16, sessions 8 and 9). The margin prices each stay's last
 * minutes at a share of the shortfall penalty, so the plan raises the peak to keep them free where the stay has time
 * enough before them, and does not where it has not.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { limits, type Problem } from '../../optimizer/problem.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { eventTriggeredController, measuredLateChargeMargin, mpcEventsOptions } from '../../scenarios/event-mpc.ts';
import { hasSharedLimit, isLateChargeMarginNote, lateChargeMarginNote, withLateChargeMargin, withLateChargeMarginOf } from '../../scenarios/mpc-regularisers.ts';
import { rollingController } from '../../scenarios/policy-controllers.ts';
import { demoInputs, highsBackend, stayVehicles } from './scenario-test-helpers.ts';

let backend: LpBackend;
beforeAll(async () => {
  backend = await highsBackend();
}, 120_000);

const slotHours = 1 / 12;

/**
 * 5-minute slots; a base load of `busyKw` in the first `busySlots` slots holds the import at the billing peak already
 * set (`busyKw`); vehicle A is plugged for the whole horizon and needs exactly `busyKw` for the last 12 slots (an
 * hour): the cheapest plan charges it at full power in its last hour, zero laxity. Demand charge 15.51 per kW, the
 * shortfall penalty 200 per kWh (the Caltech scenarios' terms).
 */
function heldPeak(busySlots: number, busyKw = 10): Problem {
  const T = busySlots + 12;
  return {
    slotCount: T,
    slotHours,
    importPricePerKwh: new Array<number>(T).fill(0.1),
    importLimitKw: new Array<number>(T).fill(50),
    baseLoadKw: Array.from({ length: T }, (_, t) => (t < busySlots ? busyKw : 0)),
    shortfallPenaltyPerKwh: 200,
    demandCharge: { pricePerKw: 15.51, previousPeakKw: busyKw },
    vehicles: [{ id: 'a', chargerId: 'c1', arrivalSlot: 0, departureSlot: T, energyKwh: 10, capacityKwh: 60, targetEnergyKwh: 10 + busyKw * 0.95, maxChargeKw: busyKw }],
  };
}

const lastSlotsKwh = (plan: ReturnType<typeof solveWithBackend>, n: number) => plan.vehicles[0]!.powerKw.slice(-n).reduce((a, b) => a + b, 0) * slotHours;

describe('withLateChargeMargin', () => {
  it('adds share x penalty to each stay\'s last slots inside the horizon, only where an earlier slot is left, and nothing else (seeded property)', () => {
    const problem = fc.record({
      T: fc.integer({ min: 2, max: 30 }),
      stays: fc.array(fc.tuple(fc.nat(30), fc.integer({ min: 1, max: 40 }), fc.boolean()), { minLength: 1, maxLength: 4 }),
      margin: fc.integer({ min: 1, max: 8 }),
      share: fc.double({ min: 0.001, max: 1, noNaN: true }),
      penalty: fc.double({ min: 1, max: limits.maxPenaltyPerKwh, noNaN: true }),
    });
    fc.assert(
      fc.property(problem, ({ T, stays, margin, share, penalty }) => {
        const p: Problem = {
          slotCount: T,
          slotHours: 0.25,
          importPricePerKwh: new Array<number>(T).fill(0.2),
          importLimitKw: new Array<number>(T).fill(30),
          shortfallPenaltyPerKwh: penalty,
          vehicles: stayVehicles(stays, T),
        };
        const premium = Math.min(limits.maxPricePerKwh, share * penalty);
        const m = withLateChargeMargin(p, margin, share);
        m.vehicles.forEach((v, i) => {
          const before = p.vehicles[i]!;
          const from = v.departureSlot - margin;
          const priced = from > v.arrivalSlot && from < T;
          for (let t = 0; t < T; t++) {
            const was = before.chargePreferencePerKwh?.[t] ?? 0;
            const now = v.chargePreferencePerKwh?.[t] ?? 0;
            const inMargin = priced && t >= from && t < v.departureSlot;
            if (inMargin) expect(now).toBeCloseTo(Math.min(limits.maxPricePerKwh, was + premium), 12);
            else expect(now).toBe(was);
          }
          expect({ ...v, chargePreferencePerKwh: undefined }).toEqual({ ...before, chargePreferencePerKwh: undefined });
        });
      }),
      { seed: 9, numRuns: 200 },
    );
  });

  it('changes nothing without a shared limit, at margin or share 0, or with no margin given', () => {
    const p = heldPeak(36);
    const { importLimitKw: _dropped, ...unlimited } = p;
    expect(hasSharedLimit(p)).toBe(true);
    expect(hasSharedLimit(unlimited)).toBe(false);
    expect(hasSharedLimit({ ...unlimited, importLimitKw: new Array<number>(p.slotCount).fill(limits.maxPowerKw) })).toBe(false);
    expect(withLateChargeMargin(unlimited, 3, 0.05)).toBe(unlimited);
    expect(withLateChargeMargin(p, 0, 0.05)).toBe(p);
    expect(withLateChargeMargin(p, 3, 0)).toBe(p);
    expect(withLateChargeMarginOf(p, undefined, 5)).toBe(p);
    // 15 minutes at 5-minute slots are 3 slots, at 10-minute slots 2 (rounded up).
    expect(withLateChargeMarginOf(p, { minutes: 15, riskShare: 0.05 }, 5)).toEqual(withLateChargeMargin(p, 3, 0.05));
    expect(withLateChargeMarginOf(p, { minutes: 15, riskShare: 0.05 }, 10)).toEqual(withLateChargeMargin(p, 2, 0.05));
  });

  it('raises the held peak to keep a stay\'s last 15 minutes free when the stay has 3 h before them (the 60 kVA mechanism)', () => {
    const p = heldPeak(36);
    const plain = solveWithBackend(p, backend);
    // Without the margin: no peak above the one already set; the car charges at full power to its departure.
    expect(plain.site.peakImportKw).toBeCloseTo(10, 6);
    expect(lastSlotsKwh(plain, 3)).toBeCloseTo(2.5, 6);
    const kept = solveWithBackend(withLateChargeMargin(p, 3, 0.05), backend);
    // With it (10 per kWh, against 15.51 / 3 h per kWh spread over the busy hours): the 2.5 kWh move before the margin.
    expect(lastSlotsKwh(kept, 3)).toBeCloseTo(0, 6);
    expect(kept.site.peakImportKw).toBeCloseTo(10 + 2.5 / 3, 4);
    expect(kept.cost.shortfallKwh).toBeCloseTo(0, 9);
    expect(kept.cost.netCost).toBeGreaterThan(plain.cost.netCost);
  });

  it('does not buy the peak where the earlier time is too short to be worth it, and never leaves a car short for it', () => {
    // 1 h before the last hour: moving the margin's 2.5 kWh raises the peak by 2.5 kW (38.8 > 25): the plan keeps the peak.
    const p = heldPeak(12);
    const kept = solveWithBackend(withLateChargeMargin(p, 3, 0.05), backend);
    expect(kept.site.peakImportKw).toBeCloseTo(10, 6);
    expect(lastSlotsKwh(kept, 3)).toBeCloseTo(2.5, 6);
    expect(kept.cost.shortfallKwh).toBeCloseTo(0, 9);
    // The site limit leaves no room before the margin: the car still charges in it, in full.
    const full = { ...heldPeak(36), importLimitKw: Array.from({ length: 48 }, (_, t) => (t < 36 ? 10 : 50)) };
    const forced = solveWithBackend(withLateChargeMargin(full, 3, 0.05), backend);
    expect(forced.cost.shortfallKwh).toBeCloseTo(0, 9);
    expect(lastSlotsKwh(forced, 3)).toBeCloseTo(2.5, 6);
  });
});

describe('mpc-events and the late-charge margin', () => {
  const inputs = demoInputs();
  it('is an option (15 min at 5 % of the shortfall penalty as measured), off by default, and says so in the notes when on', () => {
    expect(mpcEventsOptions.lateChargeMargin).toBeUndefined();
    expect(measuredLateChargeMargin).toEqual({ minutes: 15, riskShare: 0.05 });
    expect(eventTriggeredController(inputs, { backend }).notes?.some(isLateChargeMarginNote) ?? false).toBe(false);
    expect(rollingController(inputs, 'mpc', { backend }).notes?.some(isLateChargeMarginNote) ?? false).toBe(false);
    const withMargin = { ...mpcEventsOptions, lateChargeMargin: measuredLateChargeMargin };
    expect(eventTriggeredController(inputs, { backend }, withMargin).notes?.some(isLateChargeMarginNote)).toBe(true);
    expect(lateChargeMarginNote(15, 0.05)).toMatch(/^late-charge margin on: each stay's last 15 min/);
  });
});
