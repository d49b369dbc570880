/**
 * PORTFOLIO_COORDINATION=aggregate-first end to end through the API, embedded and (CI=true) on Redis: a portfolio
 * dispatch is split by the aggregate LP of the sites' relaxations and one round of site solves within its caps
 * (optimizer/portfolio/aggregate-first.ts); the portfolio plan says so (its solvedOn names the coordination and
 * which bound it has), its bound is at or below its cost, its gap is the stated one, and the sum of the sites'
 * plans in force keeps the dispatch's limit in every slot it says is met. At most two rounds of site solves. The
 * plan's `boundDetail` says which bound it reports and, after the uncapped round, each site's part of the Lagrangian value.
 * The price step (PORTFOLIO_PRICE_STEP, issue 17 session 14) is said in solvedOn and in `priceStep`: `auto` by its
 * rule (3 sites: the dual simplex) in one chain, `monolithic-ipm` as asked (the interior point, its bound from its
 * duals) in the other.
 * PORTFOLIO_PRICE_STEP=decomposed with PORTFOLIO_PRICE_STEP_THREADS=2 (session 15): said with its rounds, threads and first
 * prices; the next dispatch's step starts from the plan in force's feeder prices (PORTFOLIO_WARM_PRICES) and says so.
 * PORTFOLIO_BOUND_SOLVE=warm (default): ONE round (one flow on Redis), each site solve also answering its uncapped LP;
 * cold-round: the old second round (two flows).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModeHarness, type ModeHarness, type ServiceMode } from '../mode-harness.ts';
import { closeSharedPool, sharedBoundSolver, sharedSolver } from '../service-harness.ts';
import { describeWithRedis } from '../store/redis-test-env.ts';
import { feederOfThree, iso, nextDispatch, ok, q, sumOfPlansInForce } from './portfolio-kit.ts';

function dispatchChain(mode: ServiceMode, priceStep: 'auto' | 'monolithic-ipm' | 'decomposed', bound: 'warm' | 'cold-round', swap = false) {
  let h: ModeHarness;
  beforeAll(async () => {
    // warm: each site solve also answers its uncapped LP on the same model (PORTFOLIO_BOUND_SOLVE=warm, on the shared pool).
    h = await createModeHarness(mode, sharedSolver(), undefined, { portfolioCoordination: 'aggregate-first', portfolioPriceStep: priceStep, portfolioBoundSolve: bound, portfolioPriceStepThreads: 2, portfolioBestResponseSwap: swap, ...(swap ? { portfolioCappedPriceFactor: 1 } : {}) }, bound === 'warm' ? { siteBoundSolve: sharedBoundSolver() } : {});
    await feederOfThree(h, 40);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await closeSharedPool();
  });

  it('import <= 20 kW for 2 h: planned aggregate-first, the sum keeps it, the bound is certified and named', async () => {
    const windowStart = Math.ceil(h.nowUtcMs() / q) * q + 4 * q;
    const body = { kind: 'import-limit', powerKw: 20, start: iso(windowStart), end: iso(windowStart + 8 * q) };
    const d = ok(await h.request('dispatch', { method: 'POST', url: '/v1/portfolios/feeder-1/dispatches', payload: body }), 201);
    expect(d.status).toBe('planned');
    const plan = ok(await h.request('read', { method: 'GET', url: '/v1/portfolios/feeder-1/plan' }), 200);
    expect(plan.id).toBe(d.portfolioPlanId);
    expect(plan.solvedOn).toMatch(/aggregate LP first, then one round within its caps \(PORTFOLIO_COORDINATION=aggregate-first\)/);
    if (priceStep !== 'decomposed') expect(plan.solvedOn).toMatch(/aggregate LP \d+ rows x \d+ columns \(monolithic, on a worker thread of its own\), .*optimal in \d+ ms.*; bound: (relaxation|lagrangian)/);
    if (priceStep === 'decomposed') {
      // Session 15: the sites' relaxations on PORTFOLIO_PRICE_STEP_THREADS=2 threads, said with its rounds and its first prices.
      expect(plan.solvedOn).toMatch(/price step decomposed \(PORTFOLIO_PRICE_STEP=decomposed\); aggregate LP \d+ rows x \d+ columns \(decomposed, on a worker thread of its own\), by decomposition \(\d+ rounds, \d+ relaxation LPs on 2 thread\(s\), first prices (zero|warm: from the feeder prices of portfolio plan \S+ \(the plan in force\) \(first round's bound -?[\d.]+\))\), (optimal|feasible) in \d+ ms/);
      expect(plan.priceStep).toMatchObject({ step: 'decomposed', asked: 'decomposed', lpSolver: 'decomposed', threads: 2, rounds: expect.any(Number), warmStart: expect.stringMatching(/^(zero|warm: )/) });
    } else if (priceStep === 'auto') {
      expect(plan.solvedOn).toMatch(/price step monolithic \(PORTFOLIO_PRICE_STEP=auto, auto: 3 sites <= \d+: one LP by the dual simplex\)/);
      expect(plan.priceStep).toMatchObject({ step: 'monolithic', asked: 'auto', lpSolver: 'simplex', status: 'optimal' });
    } else {
      expect(plan.solvedOn).toMatch(/price step monolithic-ipm \(PORTFOLIO_PRICE_STEP=monolithic-ipm\); aggregate LP \d+ rows x \d+ columns \(monolithic, on a worker thread of its own\), interior point without crossover \(\d+ iterations\)/);
      expect(plan.priceStep).toMatchObject({ step: 'monolithic-ipm', asked: 'monolithic-ipm', why: 'asked', lpSolver: 'ipm', status: 'optimal', boundNote: expect.stringMatching(/Lagrangian value at its row duals/) });
    }
    expect(plan.priceStep.boundKind).toMatch(/^(relaxation|lagrangian)$/);
    expect(['aggregate-first', 'price-iterate']).toContain(plan.method);
    expect(plan.iterations).toBeLessThanOrEqual(2);
    expect(plan.bound).toBeLessThanOrEqual(plan.objective + 1e-6 * Math.max(1, Math.abs(plan.objective)));
    expect(plan.gapPercent).toBeCloseTo((100 * (plan.objective - plan.bound)) / Math.max(1, Math.abs(plan.objective)), 1);
    if (mode === 'redis') expect(plan.siteSolves).toMatchObject({ mode: 'bullmq-flow', plansResolved: 0 });
    // Which bound and, after an uncapped round, every site's part of the Lagrangian value and where it came from.
    expect(plan.boundDetail).toMatchObject({ kind: plan.solvedOn.match(/bound: (relaxation|lagrangian)/)![1], note: expect.stringMatching(/^bound: /) });
    expect(plan.howMade).toContain(plan.boundDetail.note);
    if (plan.boundDetail.sites) {
      expect(plan.boundDetail.sites.map((s: { siteId: string }) => s.siteId)).toEqual(plan.sites.map((s: { siteId: string }) => s.siteId));
      for (const s of plan.boundDetail.sites) expect(s).toMatchObject({ source: 'site-solve', status: expect.stringMatching(/^(optimal|feasible)$/), gapPercent: expect.any(Number) });
    }
    if (bound === 'warm') {
      // One round: each site's solve answered its capped plan and its uncapped LP (on the same model, from the greedy crash basis since session 16): ONE flow in Redis mode.
      expect(plan.iterations).toBe(1);
      expect(plan.solvedOn).toMatch(/uncapped LPs warm: each site's uncapped LP re-solved on its capped model in the same site solve; 0 from the capped LP basis, 3 from the greedy crash basis of the uncapped problem, 0 on a model without a basis, 0 cold uncapped site solves/);
      if (mode === 'redis') expect(plan.siteSolves).toMatchObject({ flows: 1, childJobs: 3 });
    } else if (plan.iterations === 2) {
      // The uncapped round runs only when the first round's gap is above the target.
      expect(plan.solvedOn).toMatch(/uncapped LPs cold-round: a second round of cold uncapped site solves; 0 from the capped LP basis, 0 from the greedy crash basis of the uncapped problem, 0 on a model without a basis, 3 cold/);
      if (mode === 'redis') expect(plan.siteSolves).toMatchObject({ flows: 2, childJobs: 6 });
    }
    // The capped round's adder (PORTFOLIO_CAPPED_PRICE_FACTOR, default 0) and where the gap comes from, said.
    expect(plan.solvedOn).toMatch(new RegExp(`capped plans at ${swap ? 1 : 0} x the feeder prices within their caps`));
    if (bound === 'warm') expect(plan.solvedOn).toMatch(/gap -?\d+\.\d{3} % = LP repair -?\d+\.\d{3} % \+ caps -?\d+\.\d{3} % \+ unused feeder at a price -?\d+\.\d{3} %/);
    // PORTFOLIO_BEST_RESPONSE_SWAP=on: each site also answers its best response (kept beside its plan in Redis), said.
    if (swap && bound === 'warm') expect(plan.solvedOn).toMatch(/best-response swap: \d+ of \d+ site\(s\) offering a cheaper uncapped plan swapped/);
    const sum = await sumOfPlansInForce(h);
    for (const s of d.slots as { start: string; met: boolean }[]) if (s.met) expect(sum.get(iso(Date.parse(s.start)))!).toBeLessThanOrEqual(20 + 0.01);
  }, 300_000);

  if (priceStep === 'decomposed') {
    it('the next dispatch: the decomposed price step starts from the plan in force\'s feeder prices, and says so', async () => {
      const { inForce, plan } = await nextDispatch(h, 25, 16, 4);
      expect(plan.priceStep.warmStart).toMatch(new RegExp(`^warm: from the feeder prices of portfolio plan ${inForce.id} \\(the plan in force\\) \\(first round's bound -?[\\d.]+\\)$`));
      expect(plan.solvedOn).toContain(`feeder prices started from those of portfolio plan ${inForce.id} (the plan in force): the decomposed price step's first round at them (${plan.priceStep.rounds} rounds; ${plan.priceStep.warmStart})`);
      expect(plan.bound).toBeLessThanOrEqual(plan.objective + 1e-6 * Math.max(1, Math.abs(plan.objective)));
    }, 300_000);
  }
}

describe('portfolio dispatch with PORTFOLIO_COORDINATION=aggregate-first (embedded)', () => dispatchChain('embedded', 'auto', 'warm'));
describe('portfolio dispatch with PORTFOLIO_COORDINATION=aggregate-first, PORTFOLIO_PRICE_STEP=monolithic-ipm (embedded)', () => dispatchChain('embedded', 'monolithic-ipm', 'warm'));
describe('portfolio dispatch with PORTFOLIO_COORDINATION=aggregate-first, PORTFOLIO_PRICE_STEP=decomposed on 2 threads (embedded)', () => dispatchChain('embedded', 'decomposed', 'warm'));
describe('portfolio dispatch with PORTFOLIO_COORDINATION=aggregate-first, PORTFOLIO_BOUND_SOLVE=cold-round (embedded)', () => dispatchChain('embedded', 'auto', 'cold-round'));
describeWithRedis('portfolio dispatch with PORTFOLIO_COORDINATION=aggregate-first (Redis)', () => dispatchChain('redis', 'auto', 'warm'));
describeWithRedis('portfolio dispatch with PORTFOLIO_COORDINATION=aggregate-first, PORTFOLIO_BOUND_SOLVE=cold-round (Redis)', () => dispatchChain('redis', 'auto', 'cold-round'));
describe('portfolio dispatch with PORTFOLIO_COORDINATION=aggregate-first, PORTFOLIO_BEST_RESPONSE_SWAP=on (embedded)', () => dispatchChain('embedded', 'auto', 'warm', true));
describeWithRedis('portfolio dispatch with PORTFOLIO_COORDINATION=aggregate-first, PORTFOLIO_BEST_RESPONSE_SWAP=on (Redis)', () => dispatchChain('redis', 'auto', 'warm', true));
