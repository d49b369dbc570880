/**
 * The generated depot behind `v2g generate`, the demo and the solver benchmark
 * (scenarios/depot-generator.ts): a valid problem, the same for the same seed, and realistic in the ways
 * the issue names - batteries 40-100 kWh, 7-22 kW AC and 50 kW DC chargers, morning and evening arrivals,
 * a daily price shape, and a site import limit that binds.
 */
import { describe, expect, it } from 'vitest';
import { acPowerKw } from '../../optimizer/resolved-problem.ts';
import { validateProblem } from '../../optimizer/problem-validation.ts';
import { solveWithBaseline } from '../../optimizer/solve-problem.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';

const depot = generateDepot({ vehicles: 200, seed: 7 });
const hourOfSlot = (t: number) => 6 + t * depot.slotHours; // the horizon starts at 06:00

describe('generateDepot', () => {
  it('is a valid problem of the size asked for, and the same for the same seed', () => {
    const checked = validateProblem(depot);
    expect(checked.ok ? [] : checked.issues).toEqual([]);
    expect(depot.vehicles).toHaveLength(200);
    expect(depot.slotCount).toBe(96);
    expect(depot.slotHours).toBe(0.25);
    expect(generateDepot({ vehicles: 200, seed: 7 })).toEqual(depot);
    expect(generateDepot({ vehicles: 200, seed: 8 })).not.toEqual(depot);
  });

  it('batteries of 40-100 kWh, with energies and targets inside them', () => {
    for (const v of depot.vehicles) {
      expect(v.capacityKwh).toBeGreaterThanOrEqual(40);
      expect(v.capacityKwh).toBeLessThanOrEqual(100);
      expect(v.targetEnergyKwh).toBeGreaterThanOrEqual(v.energyKwh);
    }
  });

  it('7.4, 11 and 22 kW AC chargers with a 6 A minimum, and 50 kW DC chargers, all in use', () => {
    const ratings = new Set(
      depot.vehicles.map((v) => {
        if (v.acLimit) {
          expect(v.acLimit.minCurrentA).toBe(6);
          return Math.round(acPowerKw(v, v.acLimit.maxCurrentA)! * 10) / 10;
        }
        return v.maxChargeKw;
      }),
    );
    expect([...ratings].sort((a, b) => Number(a) - Number(b))).toEqual([7.4, 11, 22.1, 50]);
    expect(generateDepot({ vehicles: 20, seed: 7, minimumCurrent: false }).vehicles.every((v) => !v.acLimit?.minCurrentA)).toBe(true);
  });

  it('arrivals in the morning (06-10) and the evening (16-21), none in between', () => {
    const hours = depot.vehicles.map((v) => hourOfSlot(v.arrivalSlot));
    const morning = hours.filter((h) => h >= 6 && h < 10).length;
    const evening = hours.filter((h) => h >= 16 && h < 21).length;
    expect(morning + evening).toBe(depot.vehicles.length);
    expect(morning).toBeGreaterThan(60);
    expect(evening).toBeGreaterThan(60);
  });

  it('a daily price shape: a night valley below the morning and evening peaks, the evening dearest', () => {
    const priceAt = (hour: number) => depot.importPricePerKwh[(hour - 6) / depot.slotHours]!;
    const night = priceAt(27); // 03:00 the next day
    expect(priceAt(8)).toBeGreaterThan(night + 0.1);
    expect(priceAt(19)).toBeGreaterThan(priceAt(8));
    expect(Math.min(...depot.importPricePerKwh)).toBeGreaterThanOrEqual(0.05);
    expect(Math.max(...depot.importPricePerKwh)).toBeLessThanOrEqual(0.4);
  });

  it('a site import limit that binds: uncontrolled charging runs into it', () => {
    const plan = solveWithBaseline(depot, 'uncontrolled');
    const atLimit = plan.site.importKw.filter((kw, t) => kw >= depot.importLimitKw![t]! - 1e-6).length;
    expect(atLimit).toBeGreaterThan(0);
    expect(depot.demandCharge?.pricePerKw).toBeGreaterThan(0);
  });
});
