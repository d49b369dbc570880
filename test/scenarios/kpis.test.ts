import { describe, expect, it } from 'vitest';
import { computeKpis, percentile } from '../../scenarios/kpis.ts';
import type { ReplayResult, SessionOutcome } from '../../scenarios/replay-result.ts';
import type { ReplaySession } from '../../scenarios/replay-session.ts';

const session = (id: string, initial: number, target: number): ReplaySession => ({
  id, charger: { id: `c-${id}`, maxPowerKw: 10, canDischarge: true, autoCreated: false }, arrivalUtcMs: 0, departureUtcMs: 3_600_000,
  declaredDepartureUtcMs: 3_600_000, declaredFromActual: false, capacityKwh: 50, initialEnergyKwh: initial, targetEnergyKwh: target,
  reserveEnergyKwh: 10, demandKwh: target - initial, capacityRaised: false, v2gAllowed: true, line: 0,
});
const outcome = (s: ReplaySession, final: number, charged: number, discharged = 0, breaches = 0): SessionOutcome => ({
  session: s, finalEnergyKwh: final, chargedKwh: charged, dischargedKwh: discharged, lowestEnergyKwh: Math.min(s.initialEnergyKwh, final), reserveBreachSlots: breaches, limitedSlots: 0,
});

/** Four 30-minute slots, hand-made. */
function result(policy: ReplayResult['policy'] = 'mpc', importKw = [10, 20, 0, 5]): ReplayResult {
  return {
    policy, scenarioName: 't', seed: 1, zone: 'UTC', currency: 'EUR', slotMinutes: 30, degradationCostPerKwh: 0.1,
    periodStartUtcMs: 0, periodEndUtcMs: 4 * 1_800_000, simulationEndUtcMs: 4 * 1_800_000,
    slots: {
      startUtcMs: [0, 1, 2, 3].map((k) => k * 1_800_000),
      marketPricePerKwh: [0.1, 0.1, 0.1, 0.1],
      importPricePerKwh: [0.2, 0.3, 0.2, 0.1],
      exportPricePerKwh: [0.05, 0.05, 0.05, 0.05],
      baseLoadKw: [0, 0, 0, 0], pvKw: [0, 0, 0, 0], pvCurtailedKw: [0, 0, 0, 0],
      fleetChargeKw: [10, 20, 0, 5],
      fleetDischargeKw: [0, 0, 4, 0],
      importKw,
      exportKw: [0, 0, 4, 0],
      importLimitKw: [15, 15, 15, 15],
      exportLimitKw: [2, 2, 2, 2],
      pluggedVehicles: [1, 2, 1, 1],
      triggers: ['slot;arrival', 'slot', 'slot', 'slot;departure'],
      decisionMs: [4, 1, 3, 2],
      planStatus: ['optimal', 'optimal', 'optimal', 'optimal'],
      planMade: ['', '', '', ''],
    },
    chargerPowerKw: [],
    sessions: [outcome(session('a', 10, 30), 30, 10), outcome(session('b', 20, 40), 27, 7.5, 2, 1), outcome(session('c', 5, 5), 5, 0)],
    excluded: [],
    billing: [{ key: '1970-01', pricePerKw: 4, previousPeakKw: 25, peakKw: 20 }],
    decisions: { count: 4, decisionMs: [4, 1, 3, 2], solverMs: [1, 1, 1, 1], statusCounts: { optimal: 4 }, messages: [], planMadeCounts: {} },
    notes: [],
  };
}

describe('KPIs', () => {
  const k = computeKpis(result());

  it('costs: energy, export, the demand charge with the carried peak, degradation, net', () => {
    expect(k.energyCost).toBeCloseTo(0.5 * (0.2 * 10 + 0.3 * 20 + 0.1 * 5), 12);
    expect(k.exportRevenue).toBeCloseTo(0.5 * 0.05 * 4, 12);
    expect(k.demandCharge).toBeCloseTo(4 * 25, 12); // the earlier peak (25 kW) is above this run's (20 kW)
    expect(k.degradationThroughputKwh).toBeCloseTo(0.5 * (35 + 4), 12);
    expect(k.degradationCost).toBeCloseTo(0.1 * 19.5, 12);
    expect(k.netCost).toBeCloseTo(k.energyCost - k.exportRevenue + k.demandCharge + k.degradationCost, 12);
  });

  it('energy per session: delivered against requested, 90 % rule, unmet and spread', () => {
    expect(k.energyRequestedKwh).toBe(40);
    expect(k.energyDeliveredKwh).toBe(27);
    expect(k.energyDeliveredPct).toBeCloseTo(67.5, 12);
    expect(k.sessionsMet90Count).toBe(2); // a (100 %) and c (nothing requested)
    expect(k.unmetKwhTotal).toBe(13);
    expect(k.unmetKwhPerSessionMin).toBe(0);
    expect(k.unmetKwhPerSessionMax).toBe(13);
    expect(k.unmetKwhPerSessionStd).toBeCloseTo(Math.sqrt((2 * (13 / 3) ** 2 + (13 - 13 / 3) ** 2) / 3), 12);
    expect(k.satisfactionMinPct).toBeCloseTo(35, 12);
  });

  it('peaks, limit violations, reserve breaches, solve times', () => {
    expect(k.peakImportKw).toBe(20);
    expect(k.peakExportKw).toBe(4);
    expect(k.limitViolationCount).toBe(2); // import 20 > 15, export 4 > 2
    expect(k.limitViolationKwh).toBeCloseTo(0.5 * 5 + 0.5 * 2, 12);
    expect(k.reserveViolationCount).toBe(1);
    expect([k.solveCount, k.solveTimeP50Ms, k.solveTimeP95Ms, k.solveTimeMaxMs]).toEqual([4, 2, 4, 4]);
  });

  it('gap to the offline run, in % of its net cost', () => {
    const offline = result('offline', [10, 10, 0, 5]);
    const off = computeKpis(offline).netCost;
    expect(computeKpis(result(), offline).gapToOfflinePct).toBeCloseTo((100 * (k.netCost - off)) / off, 9);
    expect(k.gapToOfflinePct).toBeUndefined();
  });

  it('the offline run has one solve, timed by its own solve', () => {
    const offline = { ...result('offline'), offlinePlan: { netCost: 1, objective: 1, bound: 1, boundGapPct: 0, status: 'optimal', message: null, timeLimitMs: 1000, label: 'offline optimum', elapsedMs: 250 } };
    expect(computeKpis(offline).solveCount).toBe(1);
    expect(computeKpis(offline).solveTimeMaxMs).toBe(250);
  });

  it('percentile is nearest-rank', () => {
    expect(percentile([], 0.5)).toBe(0);
    expect(percentile([5, 1, 3], 0.5)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 0.95)).toBe(95);
  });
});
