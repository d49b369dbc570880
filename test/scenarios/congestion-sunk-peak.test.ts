/**
 * Delivery first under congestion with a sunk peak (scenarios/policies.ts `mpcPlan`): when the billing peak already
 * reached the site limit, the second (delivery-first) solve is made whatever the first plan is, so the first is not
 * made (issue 16, session 11). The plan must be the one the two solves gave: the second solve's, unaffected by the
 * first.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import type { Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { eventTriggeredController, mpcEventsOptions, type MadePlan } from '../../scenarios/event-mpc.ts';
import { bindingImportToleranceKw, siteLimitBinds, siteLimitBindsForEveryPlan } from '../../scenarios/mpc-regularisers.ts';
import { mpcPlan, type MpcOptions } from '../../scenarios/policies.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { fcParams } from '../optimizer/solve-helpers.ts';
import { demoInputs, highsBackend } from './scenario-test-helpers.ts';

describe('siteLimitBindsForEveryPlan', () => {
  it('holds only where siteLimitBinds holds for every import of the problem`s slots', () => {
    const arb = fc.record({
      limitKw: fc.array(fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.constant(1e9)), { minLength: 1, maxLength: 6 }),
      peakKw: fc.double({ min: 0, max: 60, noNaN: true }),
      importKw: fc.array(fc.double({ min: -60, max: 60, noNaN: true }), { minLength: 6, maxLength: 6 }),
    });
    let held = 0;
    fc.assert(
      fc.property(arb, ({ limitKw, peakKw, importKw }) => {
        const problem = { slotCount: limitKw.length, importLimitKw: limitKw } as unknown as Problem;
        const every = siteLimitBindsForEveryPlan(problem, peakKw);
        // The plan least likely to bind (every slot exporting more than any limit) binds exactly when every plan does.
        expect(every).toBe(siteLimitBinds(problem, limitKw.map(() => -1e6), peakKw));
        if (every) {
          held++;
          expect(siteLimitBinds(problem, importKw.slice(0, limitKw.length), peakKw)).toBe(true);
        }
      }),
      fcParams(16011, 300),
    );
    expect(held).toBeGreaterThan(20);
  });

  it('is false without a finite limit or with a negative carried peak', () => {
    const unlimited = { slotCount: 2, importLimitKw: [1e9, 1e9] } as unknown as Problem;
    expect(siteLimitBindsForEveryPlan(unlimited, 1e12)).toBe(false);
    expect(siteLimitBindsForEveryPlan({ slotCount: 2 } as unknown as Problem, 5)).toBe(false);
    expect(siteLimitBindsForEveryPlan({ slotCount: 1, importLimitKw: [-1] } as unknown as Problem, -0.5)).toBe(false);
  });
});

/** A backend that counts the models it opens. */
function counting(backend: LpBackend): { backend: LpBackend; opens: () => number } {
  let opens = 0;
  return {
    backend: {
      name: backend.name,
      open(lp) {
        opens++;
        return backend.open(lp);
      },
    },
    opens: () => opens,
  };
}

/** A plan without its timings (the only thing the skipped first solve changed). */
const untimed = (plan: Plan) => ({ ...plan, stats: { ...plan.stats, buildMs: 0, solveMs: 0 }, origin: plan.origin && { ...plan.origin, elapsedMs: 0 } });

describe('mpc-events with the billing peak at the site limit: one solve, the same plan', () => {
  let highs: LpBackend;
  beforeAll(async () => {
    highs = await highsBackend();
  }, 60_000);

  it('each sunk-peak decision of a congested demo depot equals the first solve followed by the delivery-first solve', { timeout: 120_000 }, () => {
    // 30 kW for a depot with ~25 kW of base load: the billing peak reaches the limit early.
    const limitKw = 30;
    const inputs = demoInputs({ site: { connectionImportKw: limitKw } });
    const made: MadePlan[] = [];
    runReplay(inputs, 'mpc-events', { clock: () => 0, controller: eventTriggeredController(inputs, { backend: highs }, mpcEventsOptions, (m) => made.push(m)) });
    const c = mpcEventsOptions.congestionDelivery!;
    const firstOnly: MpcOptions = { ...mpcEventsOptions, congestionDelivery: undefined };
    const secondOnly: MpcOptions = { ...firstOnly, rank: c.rank, quickChargeShare: c.quickChargeShare };
    let sunk = 0;
    for (const m of made) {
      const now = counting(highs);
      const plan = mpcPlan(inputs, now.backend, {}, mpcEventsOptions, m.atUtcMs, m.plugged, m.previousPeakKw);
      const before = counting(highs);
      mpcPlan(inputs, before.backend, {}, firstOnly, m.atUtcMs, m.plugged, m.previousPeakKw);
      const after = counting(highs);
      const again = mpcPlan(inputs, after.backend, {}, secondOnly, m.atUtcMs, m.plugged, m.previousPeakKw);
      if (m.previousPeakKw < limitKw - bindingImportToleranceKw) continue;
      sunk++;
      // Only the delivery-first solve's models were opened, and its plan is the two solves' plan.
      expect(now.opens()).toBe(after.opens());
      expect(untimed(plan)).toEqual(untimed(again));
    }
    expect(sunk).toBeGreaterThan(3);
  });
});
