/**
 * The greedy crash basis of the first LP (optimizer/crash-basis.ts, `SolveOptions.crashBasis`): a basis of the
 * right size (one basic variable per row, structural columns basic only in pairs with the rows it makes
 * nonbasic), none for the chain form, and what it may and may not change: the LP optimum and the bound are those
 * of the slack-basis start (1e-9 relative), over arbitrary valid problems (negative prices, PV, V2G, limits,
 * demand charges) and generated depots; the plan passes the validator.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../optimizer/backends/highs-loader.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { greedyCrashBasis } from '../../optimizer/crash-basis.ts';
import { buildFormulation } from '../../optimizer/formulation.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { resolveProblem } from '../../optimizer/resolved-problem.ts';
import { solveWithBackend } from '../../optimizer/solve-problem.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import { arbProblem } from './problem-builders.ts';
import { expectGoodPlan, fcParams, relativelyEqual } from './solve-helpers.ts';

let highs: LpBackend;
beforeAll(async () => {
  highs = createHighsBackend(await loadHighs());
});

const lpOptions = { timeLimitMs: 60_000, mipRelGap: 1e-4, presolve: false } as const;

/** The first LP's optimum from the slack basis and from the crash basis, and the crash basis's counts. */
function firstLp(problem: Problem) {
  const rp = resolveProblem(problem);
  const formulation = buildFormulation(rp, undefined, 'prefix');
  const basis = greedyCrashBasis(rp, formulation)!;
  let basic = 0;
  for (let j = 0; j < basis.colStatus.length; j++) if (basis.colStatus[j] === 1) basic++;
  for (let i = 0; i < basis.rowStatus.length; i++) if (basis.rowStatus[i] === 1) basic++;
  const solve = (start?: typeof basis) => {
    const session = highs.open(formulation.lp);
    try {
      const accepted = start === undefined || session.setBasis!(start);
      return { accepted, ...session.solve(lpOptions) };
    } finally {
      session.dispose();
    }
  };
  return { lp: formulation.lp, basic, cold: solve(), crash: solve(basis) };
}

describe('greedyCrashBasis', () => {
  it('has one basic variable per row, is accepted by HiGHS, and saves iterations on a generated depot', () => {
    const { lp, basic, cold, crash } = firstLp(generateDepot({ vehicles: 20, slots: 48, seed: 3, minimumCurrent: true }));
    expect(basic).toBe(lp.numRows);
    expect(crash.accepted).toBe(true);
    expect(crash.status).toBe('optimal');
    expect(relativelyEqual(crash.objective!, cold.objective!, 1e-9, 1e-9)).toBe(true);
    expect(crash.iterations).toBeLessThan(cold.iterations);
  });

  it('is not made for the chain form', () => {
    const rp = resolveProblem(generateDepot({ vehicles: 3, slots: 12, seed: 1 }));
    expect(greedyCrashBasis(rp, buildFormulation(rp, undefined, 'chain'))).toBeUndefined();
  });

  it('property: from the crash basis the LP ends at the slack-basis optimum (1e-9 relative)', () => {
    fc.assert(
      fc.property(arbProblem({ maxVehicles: 5, maxSlots: 12 }), (problem) => {
        const { lp, basic, cold, crash } = firstLp(problem);
        expect(basic).toBe(lp.numRows);
        expect(crash.status).toBe(cold.status);
        if (cold.status === 'optimal') expect(relativelyEqual(crash.objective!, cold.objective!, 1e-9, 1e-9)).toBe(true);
      }),
      fcParams(12_801, 150),
    );
  });
});

describe('solveWithBackend with crashBasis and without (default)', () => {
  it('property: generated depots keep the LP bound (1e-9 relative) and a validated plan; over all, no dearer than from the slack basis (0.05 %)', () => {
    let crashTotal = 0;
    let slackTotal = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 1000 }), fc.boolean(), (vehicles, seed, minimumCurrent) => {
        const depot = generateDepot({ vehicles, slots: 32, seed, minimumCurrent });
        const crash = solveWithBackend(depot, highs, { crashBasis: true });
        const slack = solveWithBackend(depot, highs);
        expectGoodPlan(depot, crash);
        const bound = slack.stats.relaxationObjective!;
        expect(relativelyEqual(crash.stats.relaxationObjective!, bound, 1e-9, 1e-9)).toBe(true);
        expect(crash.cost.objective).toBeGreaterThanOrEqual(bound - 1e-9 * Math.max(1, Math.abs(bound)));
        crashTotal += crash.cost.objective;
        slackTotal += slack.cost.objective;
      }),
      fcParams(12_802, 25),
    );
    // Another LP vertex may repair to another plan, a little dearer or cheaper: not worse in total.
    expect(crashTotal).toBeLessThanOrEqual(slackTotal + 5e-4 * Math.abs(slackTotal));
  });
});
