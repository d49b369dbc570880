/**
 * Every vehicle short of its target says why (optimizer/shortfall-reasons.ts): its own charger and stay,
 * the site's limits, or the price - and a plan that does not optimise says it was its strategy.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { assemblePlan, emptyStats } from '../../optimizer/plan-assembly.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { resolveProblem } from '../../optimizer/resolved-problem.ts';
import { withShortfallReasons } from '../../optimizer/shortfall-reasons.ts';
import { solveWithBackend, solveWithBaseline } from '../../optimizer/solve-problem.ts';
import { aProblem, aVehicle, arbProblem } from './problem-builders.ts';
import { fcParams } from './solve-helpers.ts';

let highs: LpBackend;

beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

const reasonOf = (p: Problem) => solveWithBackend(p, highs).vehicles[0]!.shortfallReason;

describe('the reason for a shortfall', () => {
  it('own-limit: a van at full power its whole stay still ends short', () => {
    const p = aProblem({ vehicles: [aVehicle({ departureSlot: 2, energyKwh: 0, targetEnergyKwh: 40, maxChargeKw: 11 })] });
    const plan = solveWithBackend(p, highs);
    expect(plan.vehicles[0]!.shortfallKwh).toBeGreaterThan(0);
    expect(plan.vehicles[0]!.shortfallReason).toEqual({ kind: 'own-limit', detail: 'its charger and stay deliver at most 20.90 kWh of the 40.00 kWh required' });
  });

  it('site-limit: the import limit is used up in every slot it could charge more', () => {
    const p = aProblem({ importLimitKw: [5, 5, 5, 5], vehicles: [aVehicle({ energyKwh: 0, targetEnergyKwh: 40 })] });
    expect(reasonOf(p)?.kind).toBe('site-limit');
    expect(reasonOf(p)?.detail).toMatch(/site import limit .* in 4 slots between 0 and 3/);
  });

  it('price: a penalty below the energy price leaves the target unmet by choice', () => {
    const p = aProblem({ shortfallPenaltyPerKwh: 0.05, vehicles: [aVehicle({ energyKwh: 0, targetEnergyKwh: 40 })] });
    const r = reasonOf(p);
    expect(r?.kind).toBe('price');
    expect(r?.detail).toMatch(/cheapest import 0\.1000 per kWh.*penalty of 0\.05 per kWh/);
  });

  it('strategy: a plan that does not optimise and left room says so', () => {
    const p = aProblem({ vehicles: [aVehicle({ energyKwh: 0, targetEnergyKwh: 40 })] });
    const rp = resolveProblem(p);
    const idle = assemblePlan(rp, { status: 'feasible', powerKw: [new Float64Array(4)], stats: emptyStats('edf') });
    expect(withShortfallReasons(rp, idle, false).vehicles[0]!.shortfallReason?.kind).toBe('strategy');
    expect(withShortfallReasons(rp, idle, true).vehicles[0]!.shortfallReason?.kind).toBe('price');
  });

  it('a reason exactly on the vehicles short of their target (HiGHS and every baseline)', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 4, maxSlots: 10 }), (p) => {
        for (const plan of [solveWithBackend(p, highs), solveWithBaseline(p, 'edf'), solveWithBaseline(p, 'alap')]) {
          for (const v of plan.vehicles) expect(v.shortfallReason !== undefined, `${v.id} ${v.shortfallKwh}`).toBe(v.shortfallKwh > 1e-6);
        }
      }),
      fcParams(12_101, 60),
    );
  });
});
