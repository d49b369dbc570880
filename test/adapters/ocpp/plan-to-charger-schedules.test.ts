/** An optimizer Plan on a slot grid -> applyPlan input; and applyPlan input validation. */
import { describe, expect, it } from 'vitest';
import { assertChargerPlanSet, chargerPlanSetIssues } from '../../../adapters/ocpp/charger-plan.ts';
import { chargerPlanSetFromPlan } from '../../../adapters/ocpp/plan-to-charger-schedules.ts';
import type { Plan } from '../../../optimizer/plan.ts';

const T0 = Date.parse('2025-01-06T08:00:00Z');
const vehicle = (id: string, chargerId: string, powerKw: number[]) => ({ id, chargerId, powerKw, energyKwh: [], shortfallKwh: 0 });
const plan = (vehicles: Plan['vehicles']) => ({ slotCount: 3, slotHours: 0.25, vehicles }) as unknown as Plan;

describe('chargerPlanSetFromPlan', () => {
  it('maps "<chargePoint>/<evse>" and bare ids (EVSE 1); sums vehicles sharing an EVSE one after another', () => {
    const set = chargerPlanSetFromPlan(plan([
      vehicle('a', 'CP1', [7, 0, 0]),
      vehicle('b', 'CP1', [0, 3, -2]),
      vehicle('c', 'CP2/2', [1, 1, 1]),
    ]), { startUtcMs: T0, slotMs: 900_000, slotCount: 3 }, { planId: 'run-1', stationCapsKw: { CP1: [10, 10, 10] } });
    expect(set).toEqual({
      planId: 'run-1',
      evses: [
        { chargerId: 'CP1', evseId: 1, powerKw: [7, 3, -2], startUtcMs: T0, slotMs: 900_000 },
        { chargerId: 'CP2', evseId: 2, powerKw: [1, 1, 1], startUtcMs: T0, slotMs: 900_000 },
      ],
      stationCaps: [{ chargerId: 'CP1', startUtcMs: T0, slotMs: 900_000, maxPowerKw: [10, 10, 10] }],
    });
  });

  it('refuses a grid that does not match the plan', () => {
    expect(() => chargerPlanSetFromPlan(plan([]), { startUtcMs: T0, slotMs: 3_600_000, slotCount: 3 })).toThrow('V2G_ERR_OCPP_PLAN_INVALID');
  });
});

describe('applyPlan input validation', () => {
  it('lists every problem', () => {
    const issues = chargerPlanSetIssues({
      evses: [
        { chargerId: '', evseId: 0, startUtcMs: NaN, slotMs: 1.5, powerKw: [1, Infinity] },
        { chargerId: 'A', evseId: 1, startUtcMs: T0, slotMs: 900_000, powerKw: [] },
        { chargerId: 'A', evseId: 1, startUtcMs: T0, slotMs: 900_000, powerKw: [] },
      ],
      stationCaps: [{ chargerId: 'A', startUtcMs: T0, slotMs: 900_000, maxPowerKw: [-1] }],
    });
    expect(issues).toEqual([
      '/evses/0: chargerId is empty',
      '/evses/0: startUtcMs is not a finite number',
      '/evses/0: slotMs must be a positive whole number of seconds in ms',
      '/evses/0[1]: Infinity is not a finite number',
      '/evses/0: evseId 0 is not an integer >= 1',
      '/evses/2: A#1 is listed twice',
      '/stationCaps/0[0]: -1 is below 0',
    ]);
    expect(() => assertChargerPlanSet({ evses: [{ chargerId: '', evseId: 1, startUtcMs: T0, slotMs: 900_000, powerKw: [] }] })).toThrow('V2G_ERR_OCPP_PLAN_INVALID');
  });
});
