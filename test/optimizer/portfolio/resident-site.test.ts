/**
 * Resident site models (optimizer/portfolio/resident-site.ts): a warm re-solve after the feeder's adder and the
 * caps changed reaches the LP optimum of a cold solve of the same priced problem (1e-9 relative), its plan
 * passes the validator against that problem and says how it was made; a request the open model cannot take
 * goes cold and says why; the coordinator over resident sites keeps the feeder limit.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import { validatePlan } from '../../../optimizer/plan-validator.ts';
import { coordinateBySiteColumns } from '../../../optimizer/portfolio/site-columns.ts';
import { emptyResidentTally, ResidentSite, residentSubproblem } from '../../../optimizer/portfolio/resident-site.ts';
import { pricedProblem, type SiteRequest } from '../../../optimizer/portfolio/site-subproblem.ts';
import { solveWithBackend } from '../../../optimizer/solve-problem.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';
import { bindingLimits } from './portfolio-fixture.ts';

const T = 24;
const highs = await loadHighs();
const backend = createHighsBackend(highs);
const cold = (p: Problem): Promise<Plan> => Promise.resolve(solveWithBackend(p, backend));
const open: ResidentSite[] = [];
afterAll(() => open.forEach((r) => r.dispose()));
const resident = (problem: Problem, simplex?: 'auto' | 'primal' | 'dual') => {
  const r = new ResidentSite(problem, backend, cold, { timeLimitMs: 60_000, ...(simplex ? { warmSimplex: simplex } : {}) });
  open.push(r);
  return r;
};
const adderArb = fc.array(fc.double({ min: -0.3, max: 0.6, noNaN: true }), { minLength: T, maxLength: T });

describe('resident site model', () => {
  it('property: a warm re-solve at new prices and caps has the cold solve\'s LP optimum (1e-9 relative) and a valid plan', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.record({ adder: adderArb, capFraction: fc.option(fc.double({ min: 0.5, max: 1.5, noNaN: true }), { nil: undefined }) }), { minLength: 2, maxLength: 4 }),
        fc.constantFrom<'auto' | 'primal' | 'dual' | undefined>(undefined, 'auto', 'primal', 'dual'),
        async (seed, steps, simplex) => {
          const problem = generateDepot({ vehicles: 4, slots: T, seed });
          const site = resident(problem, simplex);
          const netBase = problem.baseLoadKw!.map((b, t) => b - (problem.pvKw?.[t] ?? 0));
          for (const [k, step] of steps.entries()) {
            // Caps at or above the inflexible load (the open model takes them): a fraction of the load plus the vehicles' room.
            const importCapKw = step.capFraction === undefined ? undefined : netBase.map((n) => Math.max(0, n) + step.capFraction! * 10);
            const request: SiteRequest = { adderPerKwh: step.adder, ...(importCapKw ? { importCapKw } : {}) };
            const answer = await site.answer(request);
            expect(answer.how).toBe(k === 0 ? 'first' : 'warm');
            const priced = pricedProblem(problem, request).problem;
            const reference = solveWithBackend(priced, backend);
            const warmBound = answer.solution.plan.stats.relaxationObjective!;
            const coldBound = reference.stats.relaxationObjective!;
            expect(Math.abs(warmBound - coldBound)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(coldBound)));
            expect(validatePlan(priced, answer.solution.plan)).toEqual([]);
            expect(answer.solution.plan.message).toMatch(/^resident model, /);
            expect(answer.solution.pricedBound).toBeLessThanOrEqual(answer.solution.plan.cost.objective + 1e-9 * Math.max(1, Math.abs(answer.solution.plan.cost.objective)));
            answer.solution.importKw.forEach((x, t) => expect(x).toBeLessThanOrEqual((importCapKw?.[t] ?? Infinity) + 1e-6));
          }
          site.dispose();
        },
      ),
      { numRuns: 12, seed: 17 },
    );
  });

  it('a cap below the inflexible load (the model has no excess column there) goes cold and says why, a must-export one too', async () => {
    const problem = generateDepot({ vehicles: 3, slots: T, seed: 5 });
    const site = resident(problem);
    const slot = problem.baseLoadKw!.findIndex((b, t) => b - (problem.pvKw?.[t] ?? 0) > 1);
    expect(slot).toBeGreaterThanOrEqual(0);
    const importCapKw = new Array<number>(T).fill(1e6);
    importCapKw[slot] = 0;
    const below = await site.answer({ adderPerKwh: new Array(T).fill(0), importCapKw });
    expect(below.how).toBe('cold');
    expect(below.coldReason).toMatch(/below the inflexible load/);
    importCapKw[slot] = -1;
    const mustExport = await site.answer({ adderPerKwh: new Array(T).fill(0), importCapKw });
    expect(mustExport.how).toBe('cold');
    expect(mustExport.coldReason).toMatch(/below the inflexible load/);
    // The model is still open: its first solve, then warm from that one's basis.
    expect((await site.answer({ adderPerKwh: new Array(T).fill(0.01) })).how).toBe('first');
    expect((await site.answer({ adderPerKwh: new Array(T).fill(0.02) })).how).toBe('warm');
  });

  it('a problem whose LP objective is not its plan\'s cost (a charge preference) answers cold, said', async () => {
    const base = generateDepot({ vehicles: 3, slots: T, seed: 6 });
    const problem: Problem = { ...base, vehicles: base.vehicles.map((v, i) => (i === 0 ? { ...v, chargePreferencePerKwh: new Array<number>(T).fill(0.001) } : v)) };
    const answer = await resident(problem).answer({ adderPerKwh: new Array(T).fill(0) });
    expect(answer.how).toBe('cold');
    expect(answer.coldReason).toMatch(/charge preference/);
  });

  it('auto: the primal simplex after a small price step with the same caps, the backend\'s choice after a large one or new caps', async () => {
    const problem = generateDepot({ vehicles: 4, slots: T, seed: 9 });
    const site = resident(problem, 'auto');
    const top = Math.max(...problem.importPricePerKwh);
    const adder = (x: number) => new Array<number>(T).fill(x);
    await site.answer({ adderPerKwh: adder(0) });
    expect((await site.answer({ adderPerKwh: adder(0.05 * top) })).solution.plan.message).toMatch(/\(primal simplex\)/);
    expect((await site.answer({ adderPerKwh: adder(0.5 * top) })).solution.plan.message).toMatch(/\(backend-chosen simplex\)/);
    // Caps just above the inflexible load: below the site's own limit, so the import columns' bounds change.
    const caps = { importCapKw: problem.baseLoadKw!.map((b, t) => Math.max(0, b - (problem.pvKw?.[t] ?? 0)) + 3) };
    expect((await site.answer({ adderPerKwh: adder(0.5 * top), ...caps })).solution.plan.message).toMatch(/\(backend-chosen simplex\)/);
    expect((await site.answer({ adderPerKwh: adder(0.52 * top), ...caps })).solution.plan.message).toMatch(/\(primal simplex\)/);
  });
});

describe('portfolio by site columns over resident sites', () => {
  it('property: the sum of the sites\' plans never breaks the limit; bound <= cost; every site plan says it was resident or why cold; relaxed rounds never give the plan', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 2, maxLength: 3 }), fc.double({ min: 0.3, max: 0.9, noNaN: true }), fc.boolean(), async (seeds, tightness, relaxedRounds) => {
        const tally = emptyResidentTally();
        const sites = seeds.map((seed, i) => residentSubproblem(`site-${i}`, resident(generateDepot({ vehicles: 4, slots: T, seed })), cold, tally));
        const limits = await bindingLimits(sites, T, tightness);
        const plan = await coordinateBySiteColumns(sites, limits, { maxIterations: 6, relaxedRounds });
        expect(plan.breaches).toEqual([]);
        plan.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(limits.importLimitKw[t]! + 1e-5));
        plan.netImportKw.forEach((n, t) => expect(n).toBeCloseTo(plan.sites.reduce((a, s) => a + s.solution.netImportKw[t]!, 0), 9));
        // A relaxed answer (the LP with its minimum currents not enforced) is a column, never a site's plan.
        for (const s of plan.sites) expect(s.solution.status).not.toBe('relaxed');
        for (const s of plan.sites) expect(s.solution.plan.message ?? '').not.toMatch(/LP relaxation/);
        expect(plan.bound).toBeLessThanOrEqual(plan.objective + 1e-6 * Math.max(1, Math.abs(plan.objective)));
        expect(tally.warm).toBeGreaterThan(0);
        expect(tally.warm + tally.first + tally.cold).toBe(plan.solves + seeds.length);
        // A cold answer is counted with its reason; the others are resident plans that say so.
        expect([...tally.coldReasons.values()].reduce((a, n) => a + n, 0)).toBe(tally.cold);
        if (tally.cold === 0) for (const s of plan.sites) expect(s.solution.plan.message).toMatch(/^resident model, /);
      }),
      { numRuns: 6, seed: 17 },
    );
  });
});
