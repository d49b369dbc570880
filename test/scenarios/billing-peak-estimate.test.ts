/**
 * The billing-peak estimate (scenarios/billing-peak-estimate.ts): the day's bound is a lower bound of every schedule's
 * peak, the floor keeps to the site's cap, and a higher floor never makes a decision plan less energy (seeded properties).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { billedImportCapKw, historyPeakEstimate, lowerQuantile, peakEstimateNote, peakFloorKw, windowPeakLowerBoundKw, withPeakFloor } from '../../scenarios/billing-peak-estimate.ts';
import type { ReplaySession } from '../../scenarios/replay-session.ts';
import { arbProblem } from '../optimizer/problem-builders.ts';
import { fcParams } from '../optimizer/solve-helpers.ts';

const hourMs = 3_600_000;
const session = (arrivalH: number, stayH: number, demandKwh: number): ReplaySession =>
  ({ arrivalUtcMs: arrivalH * hourMs, departureUtcMs: (arrivalH + stayH) * hourMs, demandKwh }) as unknown as ReplaySession;
const arbSessions = fc.array(
  fc.record({ a: fc.integer({ min: 0, max: 40 }), stay: fc.integer({ min: 1, max: 20 }), kwh: fc.integer({ min: 0, max: 60 }) }).map((r) => session(r.a / 2, r.stay / 2, r.kwh)),
  { maxLength: 12 },
);

describe('windowPeakLowerBoundKw', () => {
  it('is at most the peak of every schedule: here each session at its even rate over its stay', () => {
    fc.assert(
      fc.property(arbSessions, fc.constantFrom(0.9, 1), (sessions, eff) => {
        const bound = windowPeakLowerBoundKw(sessions, eff);
        // The even schedule's peak: its rate is piecewise constant, largest at some arrival.
        const peak = Math.max(0, ...sessions.map((s) => sessions.filter((o) => o.arrivalUtcMs <= s.arrivalUtcMs && o.departureUtcMs > s.arrivalUtcMs).reduce((sum, o) => sum + o.demandKwh / eff / ((o.departureUtcMs - o.arrivalUtcMs) / hourMs), 0)));
        expect(bound).toBeLessThanOrEqual(peak + 1e-9);
      }),
      fcParams(13_101, 200),
    );
  });

  it('is the energy over the window when every session shares one stay; 0 without energy', () => {
    expect(windowPeakLowerBoundKw([session(8, 4, 20), session(8, 4, 20)], 1)).toBeCloseTo(10, 12);
    expect(windowPeakLowerBoundKw([session(8, 4, 0)], 1)).toBe(0);
    expect(windowPeakLowerBoundKw([], 0.9)).toBe(0);
    // A short stay inside a long one: the short one's window decides (8 kWh in 1 h), not the whole (18 kWh in 10 h).
    expect(windowPeakLowerBoundKw([session(0, 10, 10), session(4, 1, 8)], 1)).toBeCloseTo(8, 12);
  });
});

describe('historyPeakEstimate', () => {
  it('takes the quantile over the days, counting a day without sessions as 0', () => {
    // Three UTC days: 10 kW, none, 4 kW.
    const sessions = [session(8, 2, 20), session(48 + 8, 5, 20)];
    const e = historyPeakEstimate({ sessions, fromUtcMs: 0, toUtcMs: 72 * hourMs }, 'UTC', 1, 'estimate', 0.5);
    expect(e.days).toBe(3);
    expect(e.sessions).toBe(2);
    expect(e.estimateKw).toBeCloseTo(4, 12);
    // No history: no floor, and the note says so.
    const none = historyPeakEstimate({ sessions: [], fromUtcMs: 0, toUtcMs: 72 * hourMs }, 'UTC', 1, 'estimate');
    expect(none.estimateKw).toBe(0);
    expect(peakEstimateNote(none)).toMatch(/no session in the 3 days of history before the period, so no floor/);
    expect(peakEstimateNote(e)).toMatch(/^billing-peak estimate on: 4\.00 kW \(the 0\.5 quantile over 3 days of history, 2 sessions,/);
    expect(lowerQuantile([0, 4, 10], 1)).toBe(10);
    expect(lowerQuantile([], 0.5)).toBe(0);
  });
});

describe('peakFloorKw', () => {
  const problem = (limits: number[], applies?: boolean[]): Problem => ({
    slotCount: limits.length,
    slotHours: 1,
    importPricePerKwh: limits.map(() => 0.1),
    importLimitKw: limits,
    demandCharge: { pricePerKw: 10, ...(applies ? { appliesToSlot: applies } : {}) },
    vehicles: [],
  });
  it('the estimate form is the estimate, at most the largest limit of the billed slots and the capacity', () => {
    const estimate = { form: 'estimate' as const, estimateKw: 12, quantile: 0.5, days: 28, sessions: 100 };
    expect(peakFloorKw(estimate, problem([20, 20]), Infinity)).toBe(12);
    expect(peakFloorKw(estimate, problem([10, 8]), Infinity)).toBe(10);
    expect(peakFloorKw(estimate, problem([10, 30], [true, false]), Infinity)).toBe(10);
    expect(peakFloorKw(estimate, problem([20, 20]), 9)).toBe(9);
    expect(billedImportCapKw({ ...problem([20]), demandCharge: undefined }, Infinity)).toBe(0);
  });
  it('the limit-when-reached form is the cap when the estimate reaches it, else none', () => {
    const at = (kw: number) => ({ form: 'limit-when-reached' as const, estimateKw: kw, quantile: 0.5, days: 28, sessions: 100 });
    expect(peakFloorKw(at(12), problem([10, 10]), Infinity)).toBe(10);
    expect(peakFloorKw(at(9.9), problem([10, 10]), Infinity)).toBe(0);
  });
  it('withPeakFloor only raises the carried peak', () => {
    const p = { ...problem([20]), demandCharge: { pricePerKw: 10, previousPeakKw: 5 } };
    expect(withPeakFloor(p, 3)).toBe(p);
    expect(withPeakFloor(p, 7).demandCharge?.previousPeakKw).toBe(7);
  });
});

describe('a higher billing-peak floor never lowers the energy a decision plans to deliver', () => {
  let highs: LpBackend;
  beforeAll(async () => {
    highs = createHighsBackend(await loadHighs());
  }, 60_000);

  it('the planned shortfall does not rise with the floor (LP, HiGHS)', () => {
    const arb = fc.tuple(
      arbProblem({ v2g: false, minPower: false, maxVehicles: 4, maxSlots: 10 }).filter((p) => p.demandCharge !== undefined && p.vehicles.length > 0),
      fc.integer({ min: 0, max: 30 }),
      fc.integer({ min: 0, max: 30 }),
    );
    fc.assert(
      fc.property(arb, ([problem, a, b]) => {
        const shortfall = (floorKw: number) => {
          const plan = solveWithBackend(withPeakFloor(problem, floorKw), highs, { timeLimitMs: 60_000 });
          expect(['optimal', 'feasible']).toContain(plan.status);
          return plan.vehicles.reduce((s, v) => s + v.shortfallKwh, 0);
        };
        const low = shortfall(Math.min(a, b));
        const high = shortfall(Math.max(a, b));
        expect(high).toBeLessThanOrEqual(low + 1e-6 * (1 + low));
      }),
      fcParams(13_102, 60),
    );
  }, 120_000);
});
