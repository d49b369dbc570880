/**
 * The site relaxation (optimizer/portfolio/site-relaxation.ts) is a relaxation: on random generated depots
 * (V2G, 6 A minimum currents, site limit, demand charge, random efficiencies, targets and feeder price adders),
 * (1) every plan the real optimizer makes maps to a feasible point of it whose relaxed cost is at most the plan's
 * cost (the relaxation with its grid flows fixed to the plan's is feasible, its optimum at most the plan's cost),
 * and (2) its optimum is at most the exact site LP's optimum at the same prices.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../../optimizer/backends/lp-backend.ts';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import { LinearProgramBuilder } from '../../../optimizer/linear-program.ts';
import { optimize } from '../../../optimizer/optimize.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import { addSiteRelaxation, type RelaxationGrouping } from '../../../optimizer/portfolio/site-relaxation.ts';
import { pricedProblem } from '../../../optimizer/portfolio/site-subproblem.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { resolveProblem } from '../../../optimizer/resolved-problem.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

const pool = new SolverPool({ size: 1 });
afterAll(() => pool.close());
let backend: LpBackend;
beforeAll(async () => {
  backend = createHighsBackend(await loadHighs());
});
const T = 24;

/** A generated depot with some vehicles' efficiencies, targets and V2G changed by `seed`. */
function randomSite(seed: number, vehicles: number, tweak: number): Problem {
  const p = generateDepot({ vehicles, slots: T, seed });
  return {
    ...p,
    vehicles: p.vehicles.map((v, i) =>
      (i + tweak) % 3 === 0
        ? { ...v, chargeEfficiency: 0.9, dischargeEfficiency: 0.88, v2gAllowed: !v.v2gAllowed, maxDischargeKw: v.maxDischargeKw ?? 7, targetEnergyKwh: Math.min(v.capacityKwh, v.targetEnergyKwh + 5) }
        : v,
    ),
  };
}

/** The relaxation's optimum, optionally with its grid flows fixed to a plan's (import incl. excess, export incl. excess). */
function relaxedOptimum(problem: Problem, grouping: RelaxationGrouping, fixedTo?: Plan): { status: string; objective?: number } {
  const b = new LinearProgramBuilder();
  const cols = addSiteRelaxation(b, resolveProblem(problem), { grouping });
  if (fixedTo) {
    const tol = 1e-6;
    for (let t = 0; t < T; t++) {
      b.entry(cols.importKw[t]!, 1);
      if (cols.importExcessKw[t]! >= 0) b.entry(cols.importExcessKw[t]!, 1);
      b.endRow(fixedTo.site.importKw[t]! - tol, fixedTo.site.importKw[t]! + tol);
      if (cols.exportKw[t]! < 0 && cols.exportExcessKw[t]! < 0) {
        expect(fixedTo.site.exportKw[t]!).toBeLessThanOrEqual(tol);
        continue;
      }
      if (cols.exportKw[t]! >= 0) b.entry(cols.exportKw[t]!, 1);
      if (cols.exportExcessKw[t]! >= 0) b.entry(cols.exportExcessKw[t]!, 1);
      b.endRow(fixedTo.site.exportKw[t]! - tol, fixedTo.site.exportKw[t]! + tol);
    }
  }
  const session = backend.open(b.build());
  try {
    const answer = session.solve({ timeLimitMs: 60_000, mipRelGap: 1e-4 });
    return { status: answer.status, ...(answer.objective !== undefined ? { objective: answer.objective } : {}) };
  } finally {
    session.dispose();
  }
}

const arbitrarySite = fc.record({
  seed: fc.integer({ min: 1, max: 100_000 }),
  vehicles: fc.integer({ min: 2, max: 6 }),
  tweak: fc.integer({ min: 0, max: 2 }),
  adder: fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: T, maxLength: T }),
  grouping: fc.constantFrom<RelaxationGrouping>('efficiency', 'v2g', 'departure'),
});

describe('the site relaxation', () => {
  it('property: every plan of the optimizer maps to a feasible point of the relaxation costing at most the plan', async () => {
    await fc.assert(
      fc.asyncProperty(arbitrarySite, async ({ seed, vehicles, tweak, adder, grouping }) => {
        const { problem } = pricedProblem(randomSite(seed, vehicles, tweak), { adderPerKwh: adder });
        const plan = await optimize(problem, { solver: 'highs', pool, timeLimitMs: 60_000 });
        expect(['optimal', 'feasible']).toContain(plan.status);
        const relaxed = relaxedOptimum(problem, grouping, plan);
        expect(relaxed.status).toBe('optimal');
        expect(relaxed.objective!).toBeLessThanOrEqual(plan.cost.objective + 1e-6 * Math.max(1, Math.abs(plan.cost.objective)));
      }),
      { numRuns: 12, seed: 1713 },
    );
  }, 300_000);

  it('property: the relaxation\'s optimum is at most the exact site LP\'s optimum at random prices', async () => {
    await fc.assert(
      fc.asyncProperty(arbitrarySite, async ({ seed, vehicles, tweak, adder, grouping }) => {
        const { problem } = pricedProblem(randomSite(seed, vehicles, tweak), { adderPerKwh: adder });
        const plan = await optimize(problem, { solver: 'highs', pool, timeLimitMs: 60_000 });
        const exactLp = plan.stats.relaxationObjective ?? plan.cost.objective;
        const relaxed = relaxedOptimum(problem, grouping);
        expect(relaxed.status).toBe('optimal');
        expect(relaxed.objective!).toBeLessThanOrEqual(exactLp + 1e-6 * Math.max(1, Math.abs(exactLp)));
      }),
      { numRuns: 12, seed: 1714 },
    );
  }, 300_000);

  it('departure groups are at least as tight as V2G groups (and bigger)', () => {
    const problem = generateDepot({ vehicles: 20, slots: T, seed: 5 });
    const v2g = relaxedOptimum(problem, 'v2g');
    const departure = relaxedOptimum(problem, 'departure');
    expect(departure.objective!).toBeGreaterThanOrEqual(v2g.objective! - 1e-6 * Math.max(1, Math.abs(v2g.objective!)));
  });
});
