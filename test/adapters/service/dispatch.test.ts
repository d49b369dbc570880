import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../optimizer/plan.ts';
import { acknowledgeDispatch } from '../../../adapters/service/dispatch-ack.ts';
import { costWithoutIncentives, slotsTouched, withDeliveryIncentives } from '../../../adapters/service/dispatch-incentive.ts';
import { deliveryConflict, dispatchIssues } from '../../../adapters/service/dispatch-validation.ts';
import type { PlanRecord } from '../../../adapters/store/records.ts';
import { HOUR, T0, aDispatchRecord } from './builders.ts';

const grid = { startUtcMs: T0, endUtcMs: T0 + 2 * HOUR, slotMs: 900_000, slotCount: 8, zone: 'UTC' };

function record(importKw: number[], exportKw: number[]): PlanRecord {
  const zeros = new Array(8).fill(0);
  const plan = {
    slotHours: 0.25,
    site: { importKw, exportKw, importExcessKw: zeros, exportExcessKw: zeros, pvCurtailedKw: zeros, peakImportKw: 0 },
    cost: { energyCost: 10, exportRevenue: 4, demandCharge: 0, degradationCost: 0, netCost: 6, shortfallKwh: 1.5, shortfallPenalty: 15, limitExcessKwh: 0, objective: 21 },
  } as unknown as Plan;
  return { id: 'p1', grid, plan } as unknown as PlanRecord;
}

describe('slotsTouched', () => {
  it('counts partly covered slots and clips to the grid', () => {
    expect(slotsTouched(grid, T0 + 10 * 60_000, T0 + 31 * 60_000)).toEqual([0, 1, 2]);
    expect(slotsTouched(grid, T0 - HOUR, T0 + 900_000)).toEqual([0]);
    expect(slotsTouched(grid, T0 + 3 * HOUR, T0 + 4 * HOUR)).toEqual([]);
  });
});

describe('acknowledgeDispatch', () => {
  it('an import limit is met where the planned import is at most the limit', () => {
    const ack = acknowledgeDispatch(aDispatchRecord({ powerKw: 10, startUtcMs: T0, endUtcMs: T0 + HOUR }), record([5, 10, 12, 0, 30, 30, 30, 30], new Array(8).fill(0)), T0);
    expect(ack.slots.map((s) => s.met)).toEqual([true, true, false, true]);
    expect(ack).toMatchObject({ fulfilment: 'partial', planId: 'p1', shortfallKwh: 1.5 });
    expect(ack.message).toMatch(/3 of 4 planned slot/);
  });

  it('an export delivery is met where the planned export reaches the power; the part past the horizon is named', () => {
    const d = aDispatchRecord({ kind: 'export-delivery', powerKw: 8, startUtcMs: T0 + HOUR + 30 * 60_000, endUtcMs: T0 + 3 * HOUR });
    const ack = acknowledgeDispatch(d, record(new Array(8).fill(0), [0, 0, 0, 0, 0, 0, 8, 7]), T0);
    expect(ack.slots.map((s) => [s.plannedKw, s.met])).toEqual([
      [8, true],
      [7, false],
    ]);
    expect(ack.beyondHorizonFromUtcMs).toBe(T0 + 2 * HOUR);
    expect(ack.fulfilment).toBe('partial');
    expect(ack.message).toMatch(/beyond the horizon/);
    const none = acknowledgeDispatch({ ...d, startUtcMs: T0, endUtcMs: T0 + HOUR }, record(new Array(8).fill(0), new Array(8).fill(0)), T0);
    expect(none.fulfilment).toBe('none');
    const full = acknowledgeDispatch({ ...d, startUtcMs: T0 + 90 * 60_000, endUtcMs: T0 + 105 * 60_000 }, record(new Array(8).fill(0), [0, 0, 0, 0, 0, 0, 8, 7]), T0);
    expect(full.fulfilment).toBe('full');
  });
});

describe('export delivery incentives', () => {
  const problem = { slotCount: 8, slotHours: 0.25, importPricePerKwh: new Array(8).fill(0.2), vehicles: [] };
  it('adds the reward to import and export price in the window only', () => {
    const d = aDispatchRecord({ kind: 'export-delivery', startUtcMs: T0 + HOUR, endUtcMs: T0 + 90 * 60_000 });
    const r = withDeliveryIncentives(problem, grid, [aDispatchRecord(), d]);
    expect(r.incentives).toEqual([{ dispatchId: 'd1', rewardPerKwh: 5, slots: [4, 5] }]);
    expect(r.problem.importPricePerKwh.map((p) => Math.round(p * 10) / 10)).toEqual([0.2, 0.2, 0.2, 0.2, 5.2, 5.2, 0.2, 0.2]);
    expect(r.problem.exportPricePerKwh).toEqual([0, 0, 0, 0, 5, 5, 0, 0]);
    expect(withDeliveryIncentives({ ...problem, shortfallPenaltyPerKwh: 40 }, grid, [d]).incentives[0]!.rewardPerKwh).toBe(20);
    expect(withDeliveryIncentives(problem, grid, [aDispatchRecord()]).problem).toBe(problem);
  });

  it('caps the reward so rewarded prices stay within the optimizer bound of 100 per kWh', () => {
    const dear = { ...problem, importPricePerKwh: [0.2, 0.2, 0.2, 0.2, 97, 0.2, 0.2, 0.2], shortfallPenaltyPerKwh: 1000 };
    const d = aDispatchRecord({ kind: 'export-delivery', startUtcMs: T0 + HOUR, endUtcMs: T0 + 90 * 60_000 });
    const r = withDeliveryIncentives(dear, grid, [d]);
    expect(r.incentives[0]!.rewardPerKwh).toBeCloseTo(3, 9);
    expect(Math.max(...r.problem.importPricePerKwh)).toBeLessThanOrEqual(100);
  });

  it('costs are reported without the reward', () => {
    const rec = record([0, 0, 0, 0, 4, 0, 0, 0], [0, 0, 0, 0, 0, 8, 0, 0]);
    const cost = costWithoutIncentives(rec.plan, [{ dispatchId: 'd', rewardPerKwh: 5, slots: [4, 5] }]);
    expect(cost.energyCost).toBeCloseTo(10 - 5 * 0.25 * 4, 12);
    expect(cost.exportRevenue).toBeCloseTo(4 - 5 * 0.25 * 8, 12);
    expect(cost.netCost).toBeCloseTo(cost.energyCost - cost.exportRevenue, 12);
    expect(cost.objective).toBe(21);
  });
});

describe('dispatch validation', () => {
  it('refuses a window that is reversed, over or too long', () => {
    expect(dispatchIssues({ startUtcMs: T0, endUtcMs: T0 }, T0)[0]!.pointer).toBe('/body/end');
    expect(dispatchIssues({ startUtcMs: T0 - 2 * HOUR, endUtcMs: T0 - HOUR }, T0)[0]!.detail).toMatch(/past/);
    expect(dispatchIssues({ startUtcMs: T0, endUtcMs: T0 + 8 * 24 * HOUR }, T0)[0]!.detail).toMatch(/7 days/);
    expect(dispatchIssues({ startUtcMs: T0 - HOUR, endUtcMs: T0 + HOUR }, T0)).toEqual([]);
  });

  it('export deliveries may not overlap; limits may', () => {
    const a = aDispatchRecord({ kind: 'export-delivery' });
    expect(deliveryConflict({ ...a, id: 'b' }, [a], T0)).toHaveLength(1);
    expect(deliveryConflict({ ...a, id: 'b' }, [{ ...a, status: 'cancelled' }], T0)).toEqual([]);
    expect(deliveryConflict(aDispatchRecord({ id: 'b' }), [aDispatchRecord()], T0)).toEqual([]);
  });
});
