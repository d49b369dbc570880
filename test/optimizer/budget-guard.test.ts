/**
 * The budget guard (optimizer/budget-guard.ts, used by solve-run.ts): a finishing reserve kept back from every
 * backend call, and no solve of a fresh model whose predicted set-up does not fit the time left. Both are
 * predicted from the time the first model took to build and open, on the solve's own clock: here a fake
 * clock that only the fake backend advances (opening a model costs `openMs`, a solve `solveMs`), so no wall
 * time is involved.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { fallbackMsPerVehicleSlot, fallbackPrepareAtMs, finishReserveFactor, finishReserveMs, predictedSetupMs, setupFactor } from '../../optimizer/budget-guard.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { expectGoodPlan } from './solve-helpers.ts';

let highs: LpBackend;
beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

/** HiGHS behind a fake clock: `open` costs `openMs`; a solve costs `solveMs` or stops at its limit. Records each call's limit. */
function fakeTimed(openMs: number, solveMs: number) {
  let now = 0;
  const limits: number[] = [];
  const backend: LpBackend = {
    name: 'highs',
    open(lp) {
      now += openMs;
      const session = highs.open(lp);
      return {
        solve(options) {
          limits.push(options.timeLimitMs);
          if (solveMs > options.timeLimitMs) {
            now += options.timeLimitMs;
            return { status: 'timed_out', iterations: 0, message: 'fake: stopped at its time limit' };
          }
          now += solveMs;
          return session.solve({ ...options, timeLimitMs: 3_600_000 });
        },
        setColBounds: (col, lower, upper) => session.setColBounds(col, lower, upper),
        addRows: (rows) => session.addRows(rows),
        dispose: () => session.dispose(),
      };
    },
  };
  return { backend, clock: () => now, limits };
}

describe('budget guard', () => {
  const depot = generateDepot({ vehicles: 20, slots: 48, seed: 5 });

  it('predictions scale with the time the model took to build and open', () => {
    expect(finishReserveMs(200)).toBe(finishReserveFactor * 200);
    expect(predictedSetupMs(200)).toBe(setupFactor * 200);
    expect(finishReserveMs(-1)).toBe(0);
  });

  it('a pool prepares its watchdog fallback twice its predicted cost before the limit, never before dispatch', () => {
    expect(fallbackPrepareAtMs(20_000, 100_000)).toBeCloseTo(20_000 - 2 * fallbackMsPerVehicleSlot * 100_000, 9);
    expect(fallbackPrepareAtMs(1_000, 1_000_000)).toBe(0);
  });

  it('every backend call gets the time left less the finishing reserve', () => {
    const fake = fakeTimed(100, 50);
    const plan = solveWithBackend(depot, fake.backend, { timeLimitMs: 10_000 }, { clock: fake.clock });
    expectGoodPlan(depot, plan);
    const reserve = finishReserveMs(100);
    expect(fake.limits[0]).toBe(10_000 - 100 - reserve);
    if (fake.limits.length > 1) expect(fake.limits[1]).toBe(10_000 - 100 - 50 - reserve);
  });

  it('a fresh model whose predicted set-up does not fit is not solved: the best baseline, timed_out, saying why', () => {
    // Opening takes 300 ms of a 1,000 ms budget: 700 left, less the reserve, is below the predicted set-up.
    const fake = fakeTimed(300, 50);
    expect(1000 - 300 - finishReserveMs(300)).toBeLessThan(predictedSetupMs(300));
    const plan = solveWithBackend(depot, fake.backend, { timeLimitMs: 1000 }, { clock: fake.clock });
    expect(fake.limits).toEqual([]);
    expectGoodPlan(depot, plan, ['timed_out']);
    expect(plan.origin?.source).toBe('baseline');
    expect(plan.origin?.elapsedMs).toBeLessThanOrEqual(1000);
    expect(plan.message).toMatch(/not started: the model's predicted set-up \(600 ms\) does not fit the 550 ms left/);
  });

  it('time spent before the solve (handing it to a worker) counts against the budget', () => {
    const fake = fakeTimed(10, 5);
    const plan = solveWithBackend(depot, fake.backend, { timeLimitMs: 1000 }, { clock: fake.clock, alreadyElapsedMs: 400 });
    expectGoodPlan(depot, plan);
    expect(fake.limits[0]).toBe(1000 - 400 - 10 - finishReserveMs(10));
    expect(plan.origin?.elapsedMs).toBeGreaterThanOrEqual(400);
  });
});
