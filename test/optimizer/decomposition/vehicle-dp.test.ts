/**
 * The per-vehicle DP (optimizer/decomposition/vehicle-dp.ts) against HiGHS on the same single-vehicle LP:
 * a site with a large base load and no limits imports at every slot, so the site's cost is linear in the
 * vehicle's power and the fleet LP's optimum is that constant plus the DP's optimum under lambda_t = dt x
 * price_t. Random vehicles from the shared arbitrary (V2G, reserves, per-slot limits, negative prices where
 * the LP burns energy, departures after the horizon).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../../optimizer/backends/lp-backend.ts';
import { buildFormulation } from '../../../optimizer/formulation.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import { dpVehicles } from '../../../optimizer/decomposition/dp-vehicles.ts';
import { DpWorkspace, solveVehicleDp, valueAtArrival } from '../../../optimizer/decomposition/vehicle-dp.ts';
import { aProblem, aVehicle, arbProblem } from '../problem-builders.ts';
import { fcParams, relativelyEqual } from '../solve-helpers.ts';

let highs: LpBackend;
beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

const baseKw = 1000;

/** The problem with the site reduced to a linear import cost. */
function linearSite(p: Problem): Problem {
  const { importLimitKw: _i, exportLimitKw: _e, pvKw: _p, demandCharge: _d, exportPricePerKwh: _x, ...rest } = p;
  return { ...rest, baseLoadKw: new Array<number>(p.slotCount).fill(baseKw) };
}

function lpObjective(problem: Problem): number {
  const rp = resolveProblem(problem);
  const session = highs.open(buildFormulation(rp).lp);
  try {
    const answer = session.solve({ timeLimitMs: 60_000, mipRelGap: 1e-4 });
    expect(answer.status).toBe('optimal');
    return answer.objective!;
  } finally {
    session.dispose();
  }
}

function dpObjective(problem: Problem, singleDirection = false) {
  const rp = resolveProblem(problem);
  const ws = new DpWorkspace();
  const lambda = rp.importPricePerKwh.map((price) => rp.slotHours * price);
  const power = new Float64Array(rp.slotCount);
  let objective = 0;
  let constant = 0;
  for (let t = 0; t < rp.slotCount; t++) constant += lambda[t]! * baseKw;
  for (const v of dpVehicles(rp)) {
    const r = solveVehicleDp(v, rp.slotHours, lambda, power, ws, { singleDirection });
    if (!singleDirection) expect(relativelyEqual(r.objective, valueAtArrival(v, ws), 1e-9, 1e-9), `V0 ${valueAtArrival(v, ws)} vs ${r.objective}`).toBe(true);
    objective += r.objective;
  }
  return { objective: objective + constant, rp };
}

describe('vehicle DP', () => {
  it('equals the LP optimum of one vehicle (1e-6 relative)', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 1, maxSlots: 24 }).filter((p) => p.vehicles.length === 1), (raw) => {
        const problem = linearSite(raw);
        const lp = lpObjective(problem);
        const dp = dpObjective(problem).objective;
        expect(relativelyEqual(dp, lp, 1e-6, 1e-6), `DP ${dp} vs LP ${lp}: ${JSON.stringify(problem)}`).toBe(true);
      }),
      fcParams(1501, 150),
    );
  });

  it('equals the LP optimum of a fleet without shared limits (sum of vehicles)', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 5, maxSlots: 16 }), (raw) => {
        const problem = linearSite(raw);
        expect(relativelyEqual(dpObjective(problem).objective, lpObjective(problem), 1e-6, 1e-6)).toBe(true);
      }),
      fcParams(1502, 60),
    );
  });

  it('with single direction costs no less than the LP and never charges and discharges at once', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 1, maxSlots: 24 }).filter((p) => p.vehicles.length === 1), (raw) => {
        const problem = linearSite(raw);
        const rp = resolveProblem(problem);
        const v = dpVehicles(rp)[0]!;
        const lambda = rp.importPricePerKwh.map((price) => rp.slotHours * price);
        const c = new Float64Array(rp.slotCount);
        const x = new Float64Array(rp.slotCount);
        const r = solveVehicleDp(v, rp.slotHours, lambda, new Float64Array(rp.slotCount), new DpWorkspace(), { singleDirection: true }, c, x);
        for (let t = 0; t < rp.slotCount; t++) expect(Math.min(c[t]!, x[t]!)).toBeLessThanOrEqual(1e-12);
        const relaxed = solveVehicleDp(v, rp.slotHours, lambda, new Float64Array(rp.slotCount), new DpWorkspace());
        expect(r.objective).toBeGreaterThanOrEqual(relaxed.objective - 1e-9 * Math.max(1, Math.abs(relaxed.objective)));
      }),
      fcParams(1503, 100),
    );
  });

  it('charges in the cheapest slots up to the target (hand-computed)', () => {
    // 4 one-hour slots at 0.30 / 0.20 / 0.10 / 0.25, 11 kW, 10 -> 30 kWh at efficiency 1: 11 kWh at 0.10,
    // 9 kWh at 0.20.
    const problem = aProblem({ vehicles: [aVehicle({ chargeEfficiency: 1 })] });
    const rp = resolveProblem(problem);
    const power = new Float64Array(4);
    const r = solveVehicleDp(dpVehicles(rp)[0]!, 1, [0.3, 0.2, 0.1, 0.25], power, new DpWorkspace());
    expect([...power]).toEqual([0, 9, 11, 0].map((x) => expect.closeTo(x, 9)));
    expect(r.objective).toBeCloseTo(11 * 0.1 + 9 * 0.2, 9);
    expect(r.shortfallKwh).toBeCloseTo(0, 9);
  });
});
