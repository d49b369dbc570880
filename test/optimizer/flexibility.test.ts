/**
 * The flexibility envelope: a hand case, and a metamorphic property - without a site import limit the
 * vehicles recover independently, so capping one slot's import at (planned - down) must leave every
 * vehicle's departure energy reachable: the re-optimised plan has no more shortfall than the original.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { flexibilityEnvelope } from '../../optimizer/flexibility.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { resolveProblem } from '../../optimizer/resolved-problem.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { aProblem, aVehicle, arbProblem } from './problem-builders.ts';

let highs: LpBackend;
beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

describe('flexibilityEnvelope', () => {
  it('a single vehicle: up is the charger (capped by the battery), down is what its target can spare', () => {
    // 4 one-hour slots, prices 0.30 / 0.20 / 0.10 / 0.25; 10 of 30 kWh, wants 24 kWh; 7 kW; efficiency 1.
    const problem: Problem = aProblem({
      vehicles: [aVehicle({ energyKwh: 10, capacityKwh: 30, targetEnergyKwh: 24, maxChargeKw: 7, chargeEfficiency: 1 })],
    });
    const plan = solveWithBackend(problem, highs);
    expect(plan.status).toBe('optimal');
    // Cheapest: 7 kW in slot 2 (0.10) and 7 kW in slot 1 (0.20).
    expect(plan.vehicles[0]!.powerKw).toEqual([0, 7, 7, 0]);
    const flex = flexibilityEnvelope(resolveProblem(problem), plan);
    // Up: slot 0 room 20 kWh -> 7 kW; slot 1 planned 7 -> 0; slot 3: energy 24, room 6 kWh -> 6 kW.
    expect(flex.upKw).toEqual([7, 0, 0, 6]);
    // Down: slot 0 nothing planned; slot 1: after it 2 slots x 7 kWh reachable, needs 24 - 14 = 10 from 17 -> may skip all 7;
    // slot 2: after it 7 kWh reachable: must reach 17 from 17 -> may skip all 7; slot 3 nothing planned.
    expect(flex.downKw).toEqual([0, 7, 7, 0]);
  });

  it('with a three-phase network, up is what the current limits leave: two AB chargers under a 40 A group breaker', () => {
    // Both vehicles idle in slot 0 (dearest), each could take 7 kW (33.7 A at 208 V); the group allows 40 A = 8.32 kW.
    const network = { groups: [{ id: 'AB', connection: 'AB' as const, voltageV: 208, maxCurrentA: 40, chargerIds: ['cp-1', 'cp-2'] }] };
    const problem: Problem = aProblem({
      network,
      vehicles: [
        aVehicle({ id: 'ev-1', chargerId: 'cp-1', energyKwh: 0, capacityKwh: 60, targetEnergyKwh: 2, maxChargeKw: 7, chargeEfficiency: 1 }),
        aVehicle({ id: 'ev-2', chargerId: 'cp-2', energyKwh: 0, capacityKwh: 60, targetEnergyKwh: 2, maxChargeKw: 7, chargeEfficiency: 1 }),
      ],
    });
    const plan = solveWithBackend(problem, highs);
    expect(plan.vehicles.map((v) => v.powerKw[0])).toEqual([0, 0]);
    const flex = flexibilityEnvelope(resolveProblem(problem), plan);
    expect(flex.upKw[0]).toBeCloseTo(8.32, 9);
    const free = flexibilityEnvelope(resolveProblem({ ...problem, network: { groups: [{ ...network.groups[0]!, maxCurrentA: 1000 }] } }), plan);
    expect(free.upKw[0]).toBeCloseTo(14, 9);
  });

  it('with a three-phase network, down is what the current limits leave too: discharging is capped by the 40 A breaker', () => {
    // Cheapest slot 0: the plan charges the 2 kWh wanted there; it could instead discharge at 10 kW (48 A at 208 V)
    // and still reach its target later, but the group breaker holds 40 A whichever way the current flows (8.32 kW).
    const group = { id: 'AB', connection: 'AB' as const, voltageV: 208, maxCurrentA: 40, chargerIds: ['cp-1'] };
    const problem: Problem = aProblem({
      importPricePerKwh: [0.1, 0.3, 0.3, 0.3],
      exportLimitKw: [50, 50, 50, 50],
      network: { groups: [group] },
      vehicles: [aVehicle({ energyKwh: 20, capacityKwh: 60, targetEnergyKwh: 22, maxChargeKw: 7, maxDischargeKw: 10, v2gAllowed: true, chargeEfficiency: 1, dischargeEfficiency: 1 })],
    });
    const plan = solveWithBackend(problem, highs);
    expect(plan.vehicles[0]!.powerKw[0]).toBeCloseTo(2, 9);
    expect(flexibilityEnvelope(resolveProblem(problem), plan).downKw[0]).toBeCloseTo(2 + 8.32, 9);
    const free = flexibilityEnvelope(resolveProblem({ ...problem, network: { groups: [{ ...group, maxCurrentA: 1000 }] } }), plan);
    expect(free.downKw[0]).toBeCloseTo(12, 9);
  });

  it('without a site import limit, capping one slot at planned minus down never adds shortfall', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 3, maxSlots: 8, importLimit: false, minPower: false }), fc.nat(), (problem, pick) => {
        const plan = solveWithBackend(problem, highs);
        const flex = flexibilityEnvelope(resolveProblem(problem), plan);
        const t = pick % problem.slotCount;
        const capKw = flex.plannedNetKw[t]! - flex.downKw[t]!;
        if (capKw < 0 || flex.downKw[t]! < 1e-6) return; // an export obligation cannot be expressed as an import cap
        const limits = new Array<number>(problem.slotCount).fill(1e6);
        limits[t] = capKw + 1e-7;
        const capped = solveWithBackend({ ...problem, importLimitKw: limits }, highs);
        expect(['optimal', 'feasible']).toContain(capped.status);
        expect(capped.cost.shortfallKwh).toBeLessThanOrEqual(plan.cost.shortfallKwh + 1e-5);
      }),
      { seed: 20261124, numRuns: 60 },
    );
  });

  it('is never negative and never exceeds the site limits', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 3, maxSlots: 8 }), (problem) => {
        const rp = resolveProblem(problem);
        const plan = solveWithBackend(problem, highs);
        const flex = flexibilityEnvelope(rp, plan);
        for (let t = 0; t < problem.slotCount; t++) {
          expect(flex.upKw[t]).toBeGreaterThanOrEqual(0);
          expect(flex.downKw[t]).toBeGreaterThanOrEqual(0);
          // (a plan may already sit above a limit where the base load alone breaks it: then there is no room)
          expect(flex.upKw[t]).toBeLessThanOrEqual(Math.max(0, rp.importLimitKw[t]! - flex.plannedNetKw[t]!) + 1e-6);
          expect(flex.downKw[t]).toBeLessThanOrEqual(Math.max(0, flex.plannedNetKw[t]! + rp.exportLimitKw[t]!) + 1e-6);
        }
      }),
      { seed: 7, numRuns: 60 },
    );
  });
});
