/**
 * `mpc-events`: re-plans on arrivals, departures, drift from the plan and plan age only, follows its plan in
 * between; on the demo it solves far fewer times than `mpc` and delivers about as much within the limits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { maxPlanAgeHours } from '../../scenarios/event-mpc.ts';
import { computeKpis, type Kpis } from '../../scenarios/kpis.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import type { ReplayResult } from '../../scenarios/replay-result.ts';
import { demoInputs, highsBackend } from './scenario-test-helpers.ts';

/** A backend that counts the models it is asked to solve. */
function counting(backend: LpBackend): { backend: LpBackend; opened: () => number } {
  let n = 0;
  return { backend: { name: backend.name, open: (lp) => (n++, backend.open(lp)) }, opened: () => n };
}

let events: ReplayResult;
let mpc: Kpis;
let eventKpis: Kpis;
let eventSolves: number;
let mpcSolves: number;

beforeAll(async () => {
  // A 6-hour look-ahead keeps the two replays short (mpc solves at every quarter-hour).
  const inputs = demoInputs({ site: { connectionImportKw: 60 }, horizonHours: 6 });
  const a = counting(await highsBackend());
  events = runReplay(inputs, 'mpc-events', { solver: { backend: a.backend }, clock: () => 0 });
  eventSolves = a.opened();
  const b = counting(await highsBackend());
  // mpc-events plans like mpc (the same regularisers), so that is the policy it is measured against.
  mpc = computeKpis(runReplay(inputs, 'mpc', { solver: { backend: b.backend }, clock: () => 0 }));
  mpcSolves = b.opened();
  eventKpis = computeKpis(events);
}, 900_000);

describe('mpc-events', () => {
  it('solves at every arrival, and far less often than once per decision', () => {
    const s = events.slots;
    // A departure the plan foresaw (nothing more planned for the vehicle, every stay within the plan) needs no new plan.
    const eventSlots = s.triggers.filter((t, k) => t.includes('arrival') && s.planStatus[k] !== 'idle').length;
    expect(eventSolves).toBeGreaterThanOrEqual(eventSlots);
    expect(eventSolves).toBeLessThan(events.decisions.count / 2);
    expect(eventSolves).toBeLessThan(mpcSolves / 2);
    // The solver's own time is reported only for the decisions that solved.
    expect(events.decisions.solverMs.filter((ms) => ms > 0).length).toBeLessThanOrEqual(eventSolves);
  });

  it('never follows a plan for more than maxPlanAgeHours', () => {
    const slotsPerPlan = (maxPlanAgeHours * 60) / events.slotMinutes;
    const decisions = events.slots.planStatus.filter((s) => s !== 'idle').length;
    expect(eventSolves).toBeGreaterThanOrEqual(Math.ceil(decisions / slotsPerPlan));
  });

  // Measured 2026-12-06: mpc 95.37 %, mpc-events 93.00 % (88.9 % before it had mpc's regularisers). With the
  // prefix energy rows (no state-of-charge columns) HiGHS lands on another of the equal-cost plans: mpc 95.41 %,
  // mpc-events 92.45 %. Session 6 (taper-aware planning, two-round repair): mpc 96.84 %, mpc-events 92.52 %
  // (95.77 / 93.18 % with the taper rows and the old repair). The regularisers do not make the event plans
  // unique, and mpc re-plans every slot where mpc-events follows its plan; the margin allows for that, the
  // floor below is the absolute promise.
  it('keeps the site limit and delivers within 5 points of mpc (the same planner solving at every decision)', () => {
    expect(eventKpis.limitViolationKwh).toBe(0);
    expect(eventKpis.energyDeliveredPct).toBeGreaterThan(mpc.energyDeliveredPct - 5);
    expect(eventKpis.energyDeliveredPct).toBeGreaterThan(91);
  });
});
