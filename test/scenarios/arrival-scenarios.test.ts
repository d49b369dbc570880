import { describe, expect, it } from 'vitest';
import { phantomIdPrefix } from '../../scenarios/arrival-forecast.ts';
import { scenarioPhantoms, weekShiftScenarios } from '../../scenarios/arrival-scenarios.ts';
import { demoInputs } from './scenario-test-helpers.ts';

const weekMs = 7 * 86_400_000;

describe('weekShiftScenarios', () => {
  it('moves the history forward by whole weeks, never holding a session of the period', () => {
    const inputs = demoInputs();
    const scenarios = weekShiftScenarios(inputs, 4);
    expect(scenarios.map((s) => s.shiftWeeks)).toEqual([1, 2, 3, 4]);
    const replayed = new Set(inputs.sessions.map((s) => s.id));
    for (const sc of scenarios) {
      expect(sc.sessions.length).toBe(inputs.arrivalHistory.sessions.length);
      sc.sessions.forEach((s, i) => {
        const h = inputs.arrivalHistory.sessions[i]!;
        expect(replayed.has(s.id)).toBe(false);
        expect(s.arrivalUtcMs - h.arrivalUtcMs).toBe(sc.shiftWeeks * weekMs);
        expect(s.declaredDepartureUtcMs - s.arrivalUtcMs).toBe(h.declaredDepartureUtcMs - h.arrivalUtcMs);
        expect(s.demandKwh).toBe(h.demandKwh);
      });
    }
  });
});

describe('scenarioPhantoms', () => {
  it('are whole cars arriving after slot 0 and inside the horizon, empty, with unique ids that are never a session id', () => {
    const inputs = demoInputs();
    const [sc] = weekShiftScenarios(inputs, 1);
    const at = inputs.periodStartUtcMs + 6 * 3_600_000;
    const grid = { horizonStartUtcMs: at, slotMinutes: 15, slotCount: 96, chargeEfficiency: 0.95 };
    const phantoms = scenarioPhantoms(sc!, grid);
    expect(phantoms.length).toBeGreaterThan(0);
    for (const v of phantoms) {
      expect(v.id.startsWith(phantomIdPrefix)).toBe(true);
      expect(v.arrivalSlot).toBeGreaterThanOrEqual(1);
      expect(v.arrivalSlot).toBeLessThan(grid.slotCount);
      expect(v.departureSlot).toBeGreaterThan(v.arrivalSlot);
      expect(v.energyKwh).toBe(0);
      expect(v.targetEnergyKwh).toBeGreaterThan(0);
    }
    expect(new Set(phantoms.map((v) => v.id)).size).toBe(phantoms.length);
    // Every session of the scenario arriving in slots 1..95 (and staying past its arrival slot) is one phantom, at its full demand.
    const slotMs = 15 * 60_000;
    const inside = sc!.sessions.filter((s) => {
      const a = Math.ceil((s.arrivalUtcMs - at) / slotMs);
      return a >= 1 && a < 96 && Math.floor((s.declaredDepartureUtcMs - at) / slotMs) > a && s.demandKwh > 0;
    });
    expect(phantoms.reduce((a, v) => a + v.targetEnergyKwh, 0)).toBeCloseTo(inside.reduce((a, s) => a + s.demandKwh, 0), 9);
  });
});
