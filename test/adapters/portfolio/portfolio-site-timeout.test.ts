/**
 * A portfolio dispatch whose site solves hit their time limit (a loaded machine, SOLVE_TIME_LIMIT_MS too short):
 * the dispatch still completes with the best plan each site had by then, within its share, and every output names
 * those sites (adapters/service/portfolio-site-outcomes.ts). Until session 14 one such site failed the whole
 * coordination (V2G_ERR_SOLVE_FAILED) and the retry met the same load. Embedded and (CI=true) on Redis, with the
 * default coordination and with aggregate-first's warm bound solve.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../optimizer/plan.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import type { SiteBoundSolver } from '../../../optimizer/portfolio/site-subproblem.ts';
import type { PlanSolver } from '../../../adapters/service/replan-worker.ts';
import { createModeHarness, type ModeHarness, type ServiceMode } from '../mode-harness.ts';
import { closeSharedPool, sharedBoundSolver, sharedSolver } from '../service-harness.ts';
import { describeWithRedis } from '../store/redis-test-env.ts';
import { feederOfThree, iso, ok, q, siteIds, sumOfPlansInForce } from './portfolio-kit.ts';

const message = 'time limit of 20000 ms reached (test): the best plan by then';
/** The plan a solve makes, answered as one whose time limit ran out (what solveWithBackend says then). */
const timedOut = (plan: Plan): Plan => ({ ...plan, status: 'timed_out', message });

function timeoutChain(mode: ServiceMode, coordination: 'site-columns' | 'aggregate-first') {
  let h: ModeHarness;
  beforeAll(async () => {
    const solve = sharedSolver();
    const timingOut: PlanSolver = async (problem: Problem, onProgress) => timedOut(await solve(problem, onProgress));
    const bound = sharedBoundSolver();
    const timingOutBound: SiteBoundSolver = async (problem, request) => {
      const answer = await bound(problem, request);
      return { ...answer, plan: timedOut(answer.plan) };
    };
    h = await createModeHarness(mode, timingOut, undefined, { portfolioCoordination: coordination }, coordination === 'aggregate-first' ? { siteBoundSolve: timingOutBound } : {});
    await feederOfThree(h, 40);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
    await closeSharedPool();
  });

  it('is planned, keeps the limit, and names every site kept with its timed-out plan', async () => {
    const windowStart = Math.ceil(h.nowUtcMs() / q) * q + 4 * q;
    const body = { kind: 'import-limit', powerKw: 20, start: iso(windowStart), end: iso(windowStart + 8 * q) };
    const d = ok(await h.request('dispatch', { method: 'POST', url: '/v1/portfolios/feeder-1/dispatches', payload: body }), 201);
    expect(d.status, JSON.stringify(d.failure ?? d.message)).toBe('planned');
    const plan = ok(await h.request('read', { method: 'GET', url: '/v1/portfolios/feeder-1/plan' }), 200);
    expect(plan.id).toBe(d.portfolioPlanId);
    // Never optimal with a site's plan that is not its solver's optimum; every such site named with the solver's message.
    expect(plan.status).not.toBe('optimal');
    expect(plan.timedOutSites.map((s: { siteId: string }) => s.siteId).sort()).toEqual([...siteIds].sort());
    for (const s of plan.timedOutSites) expect(s.message).toBe(message);
    expect(plan.solvedOn).toMatch(/3 site\(s\) hit their solve's time limit of \d+ ms and keep the best plan they had by then, within their share: depot-/);
    expect(plan.howMade).toMatch(/3 site\(s\) keep the best plan they had when their solve's time limit ran out: depot-/);
    for (const s of plan.sites) expect(s.planStatus).toBe('timed_out');
    // The limit holds where the dispatch says it is met.
    const sum = await sumOfPlansInForce(h);
    for (const s of d.slots as { start: string; met: boolean }[]) if (s.met) expect(sum.get(iso(Date.parse(s.start)))!).toBeLessThanOrEqual(20 + 0.01);
    expect(d.fulfilment).toBe('full');
    // The dispatch and its measured delivery (JSON and CSV) say how the plans were made.
    expect(d.planHowMade).toMatch(/3 site\(s\) hit their solve's time limit/);
    const mv = ok(await h.request('read', { method: 'GET', url: `/v1/portfolios/feeder-1/dispatches/${d.id}/measured-delivery` }), 200);
    expect(mv).toMatchObject({ portfolioPlanId: plan.id, planHowMade: d.planHowMade });
    expect(mv.sitePlans.map((s: { siteId: string }) => s.siteId).sort()).toEqual([...siteIds].sort());
    for (const s of mv.sitePlans) expect(s.howMade).toMatch(/^solver timed_out: time limit of 20000 ms reached \(test\)/);
    const csv = await h.request('read', { method: 'GET', url: `/v1/portfolios/feeder-1/dispatches/${d.id}/measured-delivery?format=csv` });
    const rows = csv.body.trim().split('\r\n');
    expect(rows[0]).toMatch(/,plan_id,how_made$/);
    expect(rows.filter((r) => r.includes('solver timed_out: time limit of 20000 ms reached (test)'))).toHaveLength(3 * 8);
    // Each site's own plan says how it was made.
    for (const id of siteIds) {
      const sitePlan = ok(await h.request('read', { method: 'GET', url: `/v1/sites/${id}/plan` }), 200);
      expect(sitePlan.status).toMatchObject({ solver: 'timed_out', message });
    }
  }, 300_000);
}

describe('portfolio dispatch whose site solves time out (embedded)', () => timeoutChain('embedded', 'site-columns'));
describe('portfolio dispatch whose site solves time out, aggregate-first (embedded)', () => timeoutChain('embedded', 'aggregate-first'));
describeWithRedis('portfolio dispatch whose site solves time out (Redis)', () => timeoutChain('redis', 'site-columns'));
describeWithRedis('portfolio dispatch whose site solves time out, aggregate-first (Redis)', () => timeoutChain('redis', 'aggregate-first'));
