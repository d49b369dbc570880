/**
 * The plan validator's exact check of a network, against magnitudes worked out by hand (the phasor sums
 * of optimizer/network/README.md), just below and just above each limit.
 */
import { describe, expect, it } from 'vitest';
import { assemblePlan, emptyStats } from '../../../optimizer/plan-assembly.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import { validatePlan } from '../../../optimizer/plan-validator.ts';
import type { Network } from '../../../optimizer/network/network-schema.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { validateProblem } from '../../../optimizer/problem-validation.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import { aProblem, aVehicle } from '../problem-builders.ts';

/** A plan of the given powers (kW, per vehicle and slot), assembled like every backend's. */
function planOf(problem: Problem, powerKw: number[][]): Plan {
  return assemblePlan(resolveProblem(problem), { status: 'feasible', powerKw, stats: emptyStats('edf') });
}

function networkCodes(problem: Problem, plan: Plan) {
  return validatePlan(problem, plan).filter((v) => v.code.includes('CURRENT_LIMIT')).map((v) => v.message);
}

const kwAt208 = (amps: number) => (amps * 208) / 1000;

/** Caltech wiring: AB at 30 degrees, BC at -90, CA at 150; one charger each on AB and CA. */
function caltechLike(secondaryA: number, primaryA: number, pod?: number, groupA?: number): Problem {
  const network: Network = {
    groups: [
      { id: 'AB', connection: 'AB', voltageV: 208, chargerIds: ['ab-1', 'ab-2'], ...(groupA !== undefined ? { maxCurrentA: groupA } : {}) },
      { id: 'BC', connection: 'BC', voltageV: 208, chargerIds: ['bc-1'] },
      { id: 'CA', connection: 'CA', voltageV: 208, chargerIds: ['ca-1'] },
    ],
    breakers: pod !== undefined ? [{ id: 'pod', maxCurrentA: pod, chargerIds: ['ab-1', 'ab-2'] }] : [],
    transformer: { secondaryMaxCurrentA: secondaryA, primary: { winding: 'delta', turnsRatio: 4, maxCurrentA: primaryA } },
  };
  const vehicle = (id: string, chargerId: string) => aVehicle({ id, chargerId, maxChargeKw: 7, capacityKwh: 100, targetEnergyKwh: 50, v2gAllowed: true, maxDischargeKw: 7 });
  const p = aProblem({ slotCount: 2, network, vehicles: [vehicle('ev-ab1', 'ab-1'), vehicle('ev-ab2', 'ab-2'), vehicle('ev-ca', 'ca-1')] });
  expect(validateProblem(p).ok).toBe(true);
  return p;
}

describe('transformer lines on the Caltech wiring', () => {
  // AB 20 A and CA 20 A: I_a = 20/30 - 20/150 = 34.641 A at 0; I_b = -20/30: 20 A; I_c = 20/150: 20 A.
  // Delta primary, n = 4: I_pa = (I_a - I_c) / 4 = (51.962, -10) / 4: 13.229 A; I_pb = 13.229 A; I_pc = (0, 20) / 4 = 5 A.
  const powers = [[kwAt208(20), 0], [0, 0], [kwAt208(20), 0]];

  it('secondary line a carries 34.641 A: within 34.65 A, above 34.6 A', () => {
    expect(networkCodes(caltechLike(34.65, 100), planOf(caltechLike(34.65, 100), powers))).toEqual([]);
    expect(networkCodes(caltechLike(34.6, 100), planOf(caltechLike(34.6, 100), powers))).toEqual([
      'slot 0: transformer secondary line a: 34.64101615 A above its limit 34.6 A',
    ]);
  });

  it('primary lines a and b carry 13.229 A and line c 5 A on a delta primary', () => {
    const p = caltechLike(100, 13.2);
    expect(networkCodes(p, planOf(p, powers))).toEqual([
      'slot 0: transformer primary line a: 13.22875656 A above its limit 13.2 A',
      'slot 0: transformer primary line b: 13.22875656 A above its limit 13.2 A',
    ]);
    const q = caltechLike(100, 13.23);
    expect(networkCodes(q, planOf(q, powers))).toEqual([]);
  });

  it('a discharging CA charger reverses its phasor: AB charging 20 A, CA discharging 20 A gives I_a = 20/30 - 20/-30 = 20/90: 20 A (and 20 A on b and c)', () => {
    const p = caltechLike(20.001, 100);
    expect(networkCodes(p, planOf(p, [[kwAt208(20), 0], [0, 0], [-kwAt208(20), 0]]))).toEqual([]);
    const q = caltechLike(19.99, 100);
    expect(networkCodes(q, planOf(q, [[kwAt208(20), 0], [0, 0], [-kwAt208(20), 0]]))).toEqual(
      ['a', 'b', 'c'].map((x) => `slot 0: transformer secondary line ${x}: 20 A above its limit 19.99 A`),
    );
  });

  it('one message per element, with the count of slots it breaks', () => {
    const p = caltechLike(34.6, 100);
    expect(networkCodes(p, planOf(p, [[kwAt208(20), kwAt208(20)], [0, 0], [kwAt208(20), kwAt208(20)]]))).toEqual([
      'slot 0: transformer secondary line a: 34.64101615 A above its limit 34.6 A (2 slots in all)',
    ]);
  });
});

describe('breakers and group limits: sums of amps', () => {
  // Two AB chargers at 20 A: the pod carries 40 A on both of its lines; the group 40 A.
  const powers = [[kwAt208(20), 0], [kwAt208(20), 0], [0, 0]];

  it('a pod of two AB chargers at 20 A each carries 40 A on lines a and b', () => {
    const p = caltechLike(1000, 1000, 39.9);
    const codes = validatePlan(p, planOf(p, powers)).map((v) => [v.code, v.message]);
    expect(codes).toEqual([
      ['V2G_PLAN_BREAKER_CURRENT_LIMIT', 'slot 0: breaker pod line a: 40 A above its limit 39.9 A'],
      ['V2G_PLAN_BREAKER_CURRENT_LIMIT', 'slot 0: breaker pod line b: 40 A above its limit 39.9 A'],
    ]);
    const q = caltechLike(1000, 1000, 40);
    expect(networkCodes(q, planOf(q, powers))).toEqual([]);
  });

  it("a group's breaker: the sum of its chargers' amps", () => {
    const p = caltechLike(1000, 1000, undefined, 39.9);
    expect(validatePlan(p, planOf(p, powers)).map((v) => v.code)).toEqual(['V2G_PLAN_GROUP_CURRENT_LIMIT']);
  });
});

describe('three-phase and line-to-neutral chargers (230 V, wye primary)', () => {
  // A three-phase charger at 11.04 kW draws 16 A on each line (11040 / 3 / 230), balanced; a single-phase
  // charger on AN at 3.68 kW adds 16 A to line a: I_a = 32 A, I_b = I_c = 16 A. Wye primary, n = 2: 16, 8, 8 A.
  function euro(secondaryA: number, primaryA: number): Problem {
    const p = aProblem({
      slotCount: 1,
      importPricePerKwh: [0.1],
      network: {
        groups: [
          { id: '3ph', connection: 'ABC', voltageV: 230, chargerIds: ['cp-3'] },
          { id: 'L1', connection: 'AN', voltageV: 230, chargerIds: ['cp-1'] },
        ],
        transformer: { secondaryMaxCurrentA: secondaryA, primary: { winding: 'wye', turnsRatio: 2, maxCurrentA: primaryA } },
      },
      vehicles: [
        aVehicle({ id: 'ev-3', chargerId: 'cp-3', departureSlot: 1, maxChargeKw: undefined, acLimit: { maxCurrentA: 16, phases: 3, voltageV: 230 } }),
        aVehicle({ id: 'ev-1', chargerId: 'cp-1', departureSlot: 1, maxChargeKw: undefined, acLimit: { maxCurrentA: 16, phases: 1, voltageV: 230 } }),
      ],
    });
    expect(validateProblem(p).ok).toBe(true);
    return p;
  }

  it('line a carries 32 A, b and c 16 A; the primary 16 and 8 A', () => {
    const powers = [[11.04], [3.68]];
    expect(networkCodes(euro(32, 16), planOf(euro(32, 16), powers))).toEqual([]);
    expect(networkCodes(euro(31.9, 15.9), planOf(euro(31.9, 15.9), powers))).toEqual([
      'slot 0: transformer secondary line a: 32 A above its limit 31.9 A',
      'slot 0: transformer primary line a: 16 A above its limit 15.9 A',
    ]);
    expect(networkCodes(euro(15.9, 7.9), planOf(euro(15.9, 7.9), [[11.04], [0]]))).toHaveLength(6);
  });
});
