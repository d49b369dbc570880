/**
 * The aggregate-first coordinator (optimizer/portfolio/aggregate-first.ts) on random portfolios of generated
 * depots solved by HiGHS: the sum of the sites' plans never breaks the shared limit, the bound (the aggregate LP's
 * or the Lagrangian one, named) never exceeds the plan's cost, at most two rounds of site solves; with `then: none`
 * one round and the relaxation's bound; every site's plan passes the validator. `boundSolve: 'warm'` (the uncapped LPs
 * on each site's capped model, one round) gives the cold uncapped round's Lagrangian value; sites without a bound
 * solver get the cold round (said in `lagrangian.lps`).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { optimize } from '../../../optimizer/optimize.ts';
import { validatePlan } from '../../../optimizer/plan-validator.ts';
import type { Plan } from '../../../optimizer/plan.ts';
import { coordinateAggregateFirst } from '../../../optimizer/portfolio/aggregate-first.ts';
import { pricedProblem, problemSubproblem, type SiteSubproblem } from '../../../optimizer/portfolio/site-subproblem.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';
import { bindingLimits, portfolio as buildPortfolio } from './portfolio-fixture.ts';

const pool = new SolverPool({ size: 1 });
afterAll(() => pool.close());
const solve = (p: Problem): Promise<Plan> => optimize(p, { solver: 'highs', pool, timeLimitMs: 60_000 });
const T = 24;
const portfolio = (seeds: readonly number[], vehicles: number): SiteSubproblem[] => buildPortfolio(solve, seeds, vehicles, T);

describe('aggregate-first coordination under a shared feeder limit', () => {
  it('property: the sum of the sites\' plans never breaks the shared limit; bound <= cost; at most two rounds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 2, maxLength: 4 }), fc.double({ min: 0.3, max: 0.9, noNaN: true }), async (seeds, tightness) => {
        const sites = portfolio(seeds, 4);
        const limits = await bindingLimits(sites, T, tightness);
        const plan = await coordinateAggregateFirst(sites, limits, { targetGap: 0 });
        expect(plan.breaches).toEqual([]);
        plan.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(limits.importLimitKw[t]! + 1e-5));
        expect(plan.bound).toBeLessThanOrEqual(plan.objective + 1e-6 * Math.max(1, Math.abs(plan.objective)));
        expect(plan.bound).toBeGreaterThanOrEqual(plan.aggregate.objective! - 1e-9 * Math.max(1, Math.abs(plan.aggregate.objective!)));
        expect(['relaxation', 'lagrangian']).toContain(plan.boundKind);
        expect(plan.lagrangian).toMatchObject({ sitesWithoutBound: 0 });
        // Weak duality over the relaxation: at the aggregate LP's own feeder duals, the exact sites' Lagrangian is at least its value.
        expect(plan.lagrangian!.value).toBeGreaterThanOrEqual(plan.aggregate.objective! - 1e-6 * Math.max(1, Math.abs(plan.aggregate.objective!)));
        expect(plan.bound).toBeGreaterThanOrEqual(plan.lagrangian!.value - 1e-9 * Math.max(1, Math.abs(plan.bound)));
        expect(plan).toMatchObject({ iterations: 2, solves: 2 * sites.length, stopReason: expect.stringMatching(/^(gap|iterations)$/) });
        expect(plan.status).not.toBe('limit-breached');
        plan.sites.forEach((share, s) => {
          // Each capped plan was made at cappedPriceFactor x the feeder adder (default capped-price.ts) within its caps.
          const { problem } = pricedProblem(sites[s]!.problem!, { adderPerKwh: plan.prices.importPerKwh.map((l, t) => plan.cappedPriceFactor! * (l - plan.prices.exportPerKwh[t]!)), importCapKw: share.importCapKw, exportCapKw: share.exportCapKw });
          if (plan.method === 'aggregate-first') expect(validatePlan(problem, share.solution.plan)).toEqual([]);
        });
      }),
      { numRuns: 6, seed: 1713 },
    );
  }, 300_000);

  it('property: boundSolve warm (uncapped LPs on each site\'s capped model) gives the cold round\'s Lagrangian value (1e-6) in ONE round', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 2, maxLength: 3 }), fc.double({ min: 0.3, max: 0.9, noNaN: true }), async (seeds, tightness) => {
        const cold = portfolio(seeds, 4);
        const warm = seeds.map((seed, i) => problemSubproblem(`site-${i}`, cold[i]!.problem!, solve, (base, request) => pool.solveWithBound(base, request, { timeLimitMs: 60_000 })));
        const limits = await bindingLimits(cold, T, tightness);
        const old = await coordinateAggregateFirst(cold, limits, { targetGap: 0, boundSolve: 'cold-round' });
        const now = await coordinateAggregateFirst(warm, limits, { targetGap: 0 });
        expect(old.lagrangian).toMatchObject({ boundSolve: 'cold-round', lps: { warm: 0, crash: 0, first: 0, cold: seeds.length } });
        expect(now.lagrangian).toMatchObject({ boundSolve: 'warm', sitesWithoutBound: 0, lps: { warm: 0, crash: seeds.length, first: 0, cold: 0 } });
        expect(now).toMatchObject({ iterations: 1, solves: 2 * seeds.length });
        const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
        expect(rel(now.lagrangian!.value, old.lagrangian!.value)).toBeLessThanOrEqual(1e-6);
        expect(rel(now.bound, old.bound)).toBeLessThanOrEqual(1e-6);
        expect(now.bound).toBeLessThanOrEqual(now.objective + 1e-6 * Math.max(1, Math.abs(now.objective)));
        // The warm path's plans are the capped round's (its uncapped answers are LP points, never a plan).
        expect(now.method).toBe('aggregate-first');
        now.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(limits.importLimitKw[t]! + 1e-5));
      }),
      { numRuns: 4, seed: 1714 },
    );
  }, 300_000);

  it('property: cappedPriceFactor 0 and 0.5 (capped plans at a lower adder, the same caps) keep the limit, give the same Lagrangian bound as 1 (1e-6) in ONE round, valid plans at their adder; the gap split adds up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 2, maxLength: 3 }), fc.double({ min: 0.3, max: 0.9, noNaN: true }), fc.constantFrom(0, 0.5), fc.boolean(), async (seeds, tightness, factor, swap) => {
        const base = portfolio(seeds, 4);
        const warm = seeds.map((_, i) => problemSubproblem(`site-${i}`, base[i]!.problem!, solve, (b, request) => pool.solveWithBound(b, request, { timeLimitMs: 60_000 })));
        const limits = await bindingLimits(base, T, tightness);
        const old = await coordinateAggregateFirst(warm, limits, { targetGap: 0, swapBestResponses: false });
        const now = await coordinateAggregateFirst(warm, limits, { targetGap: 0, cappedPriceFactor: factor, swapBestResponses: swap });
        expect(now).toMatchObject({ iterations: 1, solves: 2 * seeds.length, method: 'aggregate-first', breaches: [] });
        expect(now.lagrangian).toMatchObject({ boundSolve: 'warm', sitesWithoutBound: 0, lps: { warm: 0, crash: seeds.length, first: 0, cold: 0 } });
        const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
        expect(rel(now.lagrangian!.value, old.lagrangian!.value)).toBeLessThanOrEqual(1e-6);
        expect(now.bound).toBeLessThanOrEqual(now.objective + 1e-6 * Math.max(1, Math.abs(now.objective)));
        now.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(limits.importLimitKw[t]! + 1e-5));
        const adder = now.prices.importPerKwh.map((l, t) => l - now.prices.exportPerKwh[t]!);
        now.sites.forEach((share, s) => {
          // A capped plan at factor x adder within its caps; a swapped one (its best response) at the adder without caps.
          const swapped = now.swap?.swapped[s] === true;
          const request = swapped ? { adderPerKwh: adder } : { adderPerKwh: adder.map((a) => factor * a), importCapKw: share.importCapKw, exportCapKw: share.exportCapKw };
          expect(validatePlan(pricedProblem(warm[s]!.problem!, request).problem, share.solution.plan)).toEqual([]);
        });
        expect(now.swap === undefined).toBe(!swap);
        const split = now.lagrangian!.gapSplit!;
        expect(Math.abs(split.repair + split.caps + split.unusedFeeder - split.total)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(now.objective)));
        if (now.boundKind === 'lagrangian') expect(rel(split.total, now.objective - now.bound)).toBeLessThanOrEqual(1e-6);
      }),
      { numRuns: 4, seed: 1717 },
    );
  }, 300_000);

  it('then: none stops after one round with the relaxation\'s bound, said as such', async () => {
    const sites = portfolio([41, 42, 43], 5);
    const limits = await bindingLimits(sites, T, 0.5);
    const plan = await coordinateAggregateFirst(sites, limits, { then: 'none', targetGap: 0 });
    expect(plan).toMatchObject({ method: 'aggregate-first', boundKind: 'relaxation', iterations: 1, solves: 3, stopReason: 'iterations' });
    expect(plan.bound).toBe(plan.aggregate.objective);
    expect(plan.aggregate).toMatchObject({ status: 'optimal', groups: expect.any(Number) });
    plan.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(limits.importLimitKw[t]! + 1e-5));
  }, 300_000);

  it('then: site-columns hands over (said), warm-started at the aggregate LP\'s prices; the limit kept, bound <= cost', async () => {
    const sites = portfolio([61, 62], 4);
    const limits = await bindingLimits(sites, T, 0.4);
    const plan = await coordinateAggregateFirst(sites, limits, { then: 'site-columns', targetGap: 0, maxIterations: 4 });
    expect(plan.handover).toMatch(/^site-columns: the first round's gap .* was above the target; warm-started at the aggregate LP's prices$/);
    expect(plan.bound).toBeLessThanOrEqual(plan.objective + 1e-6 * Math.max(1, Math.abs(plan.objective)));
    expect(plan.bound).toBeGreaterThanOrEqual(plan.aggregate.objective! - 1e-9 * Math.max(1, Math.abs(plan.aggregate.objective!)));
    plan.netImportKw.forEach((n, t) => expect(n).toBeLessThanOrEqual(limits.importLimitKw[t]! + 1e-5));
  }, 300_000);

  it('a site whose uncapped solve hit its time limit (no proven bound): its relaxation at the same prices stands in, said per site', async () => {
    // The Redis run at 16.8 % (bench/RESULTS.md, session 13/14): one site solve timed out under load, the Lagrangian
    // value became -Infinity and the aggregate LP's loose relaxation bound was reported. Simulated here, not timed.
    const sites = portfolio([41, 42, 43], 5);
    const limits = await bindingLimits(sites, T, 0.5);
    const timedOut = (site: SiteSubproblem): SiteSubproblem => ({
      ...site,
      async solve(request) {
        const s = await site.solve(request);
        if (request.importCapKw) return s;
        return { ...s, status: 'timed_out', pricedBound: -Infinity, message: 'solve overran its 20000 ms time limit by 2010 ms; worker terminated; fallback plan: the price-greedy baseline' };
      },
    });
    const plan = await coordinateAggregateFirst([sites[0]!, timedOut(sites[1]!), sites[2]!], limits, { targetGap: 0 });
    const lag = plan.lagrangian!;
    expect(lag).toMatchObject({ sitesWithoutBound: 1, standIns: 1 });
    expect(lag.sites.map((s) => s.source)).toEqual(['site-solve', 'relaxation', 'site-solve']);
    expect(lag.sites[1]).toMatchObject({ siteId: 'site-1', status: 'timed_out', reason: expect.stringMatching(/^time limit \(solve overran its 20000 ms/) });
    expect(lag.note).toMatch(/^1 site\(s\) without a proven bound of their own: time limit \(site-1\); their relaxation at the same prices stood in for 1$/);
    expect(Number.isFinite(lag.value)).toBe(true);
    // Still at least the aggregate LP's value (each site's part is at least its relaxation's at the same prices), at most the plan.
    expect(lag.value).toBeGreaterThanOrEqual(plan.aggregate.objective! - 1e-6 * Math.max(1, Math.abs(plan.aggregate.objective!)));
    expect(plan.bound).toBeGreaterThanOrEqual(lag.value - 1e-9 * Math.max(1, Math.abs(plan.bound)));
    expect(plan.bound).toBeLessThanOrEqual(plan.objective + 1e-6 * Math.max(1, Math.abs(plan.objective)));
    // The stand-in is below the site's own proven bound at the same prices (the relaxation drops constraints).
    const own = await sites[1]!.solve({ adderPerKwh: plan.prices.importPerKwh.map((l, t) => l - plan.prices.exportPerKwh[t]!) });
    expect(lag.sites[1]!.pricedBound).toBeLessThanOrEqual(own.pricedBound + 1e-6 * Math.max(1, Math.abs(own.pricedBound)));
  }, 300_000);

  it('a site without its problem is refused by name', async () => {
    const [site] = portfolio([51], 3);
    const { problem: _p, ...bare } = site!;
    await expect(coordinateAggregateFirst([bare], { importLimitKw: new Array(T).fill(10), exportLimitKw: new Array(T).fill(Infinity) })).rejects.toThrow(/V2G_ERR_PORTFOLIO_AGGREGATE: site "site-0"/);
  });
});
