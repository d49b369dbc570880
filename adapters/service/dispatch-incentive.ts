/**
 * "Deliver Y kW of discharge from t1 to t2" in a problem that has import and export limits but no
 * minimum export.
 *
 * The window's slots get a reward R per kWh added to BOTH the import and the export price. Since
 * import - export = base load - PV + sum(charge - discharge), this rewards every kWh the fleet moves from
 * charging to discharging in the window by R, whatever the direction at the meter, and cannot be farmed by
 * importing and exporting at once (both prices move together). The export limit in the window is capped
 * at Y by a capacity limit (`dispatch:<id>`), so the optimizer exports up to Y and no more.
 *
 * R is half the shortfall penalty (capped so rewarded prices stay within the optimizer's price bound):
 * discharging one kWh that could not be recharged before departure costs
 * about 1/eta (> 1) kWh of shortfall at the full penalty, so departure targets always come first, while
 * R is far above any price spread, so the fleet delivers whenever it physically can.
 *
 * Why not an import limit of 0 in the window: the optimizer prices import above a limit (forced by base
 * load) at 100 x the shortfall penalty, so it would drain vehicles below their targets to cover base load.
 *
 * The reward is not money: `costWithoutIncentives` reports the plan's costs at the real prices.
 */
import type { CostBreakdown, Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { limits, problemDefaults } from '../../optimizer/problem.ts';
import type { SlotGrid } from '../../grid/slot-grid.ts';
import type { DispatchIncentive, DispatchRecord } from '../store/records.ts';

/** Slots of `grid` that [startUtcMs, endUtcMs) touches (a partly covered slot counts, as for limits). */
export function slotsTouched(grid: SlotGrid, startUtcMs: number, endUtcMs: number): number[] {
  const first = Math.max(0, Math.floor((startUtcMs - grid.startUtcMs) / grid.slotMs));
  const last = Math.min(grid.slotCount - 1, Math.ceil((endUtcMs - grid.startUtcMs) / grid.slotMs) - 1);
  const out: number[] = [];
  for (let t = first; t <= last; t++) out.push(t);
  return out;
}

/**
 * The reward per kWh for a problem: half its shortfall penalty, but never so much that a rewarded price
 * leaves the optimizer's price bound (`limits.maxPricePerKwh`) in `slots`.
 */
export function deliveryRewardPerKwh(problem: Problem, slots: readonly number[] = []): number {
  let highest = 0;
  for (const t of slots) highest = Math.max(highest, Math.abs(problem.importPricePerKwh[t]!), Math.abs(problem.exportPricePerKwh?.[t] ?? 0));
  return Math.max(0, Math.min(0.5 * (problem.shortfallPenaltyPerKwh ?? problemDefaults.shortfallPenaltyPerKwh), limits.maxPricePerKwh - highest));
}

/** The problem with rewards in the windows of the export deliveries, and what was added where. */
export function withDeliveryIncentives(
  problem: Problem,
  grid: SlotGrid,
  deliveries: readonly DispatchRecord[],
): { problem: Problem; incentives: DispatchIncentive[] } {
  const windows = deliveries.filter((d) => d.kind === 'export-delivery').map((d) => ({ dispatchId: d.id, slots: slotsTouched(grid, d.startUtcMs, d.endUtcMs) }));
  const reward = deliveryRewardPerKwh(problem, windows.flatMap((w) => w.slots));
  const incentives = windows.filter((w) => w.slots.length > 0 && reward > 0).map((w) => ({ dispatchId: w.dispatchId, rewardPerKwh: reward, slots: w.slots }));
  if (incentives.length === 0) return { problem, incentives: [] };
  const importPrice = [...problem.importPricePerKwh];
  const exportPrice = problem.exportPricePerKwh ? [...problem.exportPricePerKwh] : new Array<number>(problem.slotCount).fill(0);
  const rewarded = new Set<number>();
  for (const i of incentives) for (const t of i.slots) rewarded.add(t);
  for (const t of rewarded) {
    importPrice[t] = importPrice[t]! + reward;
    exportPrice[t] = exportPrice[t]! + reward;
  }
  return { problem: { ...problem, importPricePerKwh: importPrice, exportPricePerKwh: exportPrice }, incentives };
}

/**
 * The plan's costs at the real prices: the rewards are taken back out of the energy cost and the export
 * revenue (the plan's `importKw` includes any import above the limit). `objective` stays what the
 * optimizer minimised.
 */
export function costWithoutIncentives(plan: Plan, incentives: readonly DispatchIncentive[]): CostBreakdown {
  const reward = new Map<number, number>();
  for (const i of incentives) for (const t of i.slots) reward.set(t, i.rewardPerKwh);
  let importReward = 0;
  let exportReward = 0;
  for (const [t, r] of reward) {
    importReward += r * plan.slotHours * plan.site.importKw[t]!;
    exportReward += r * plan.slotHours * plan.site.exportKw[t]!;
  }
  const c = plan.cost;
  return {
    ...c,
    energyCost: c.energyCost - importReward,
    exportRevenue: c.exportRevenue - exportReward,
    netCost: c.netCost - importReward + exportReward,
  };
}
