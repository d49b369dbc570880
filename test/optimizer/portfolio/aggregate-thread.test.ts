/**
 * aggregate-first's price step on a worker thread of its own (optimizer/portfolio/aggregate-thread.ts): the same
 * result as in this thread (objective, prices, profiles), this thread's event loop free while it runs, and a
 * failure answered as status `error` with the reason (aggregate-first then hands over and names it), never a throw.
 */
import { describe, expect, it } from 'vitest';
import { coordinateAggregateFirst } from '../../../optimizer/portfolio/aggregate-first.ts';
import { solveAggregateHere, solveAggregateOnWorkerThread, type AggregateRequest } from '../../../optimizer/portfolio/aggregate-thread.ts';
import { optimize } from '../../../optimizer/optimize.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { bindingLimits, portfolio } from './portfolio-fixture.ts';

const T = 24;
const solve = (p: Problem) => optimize(p, { solver: 'highs', timeLimitMs: 60_000 });

describe('the aggregate price step on a worker thread', () => {
  it.each(['monolithic', 'decomposed'] as const)('%s: the same answer as in this thread, and this event loop turns while it runs', async (priceStep) => {
    const sites = portfolio(solve, [11, 12, 13], 6, T);
    const limits = await bindingLimits(sites, T, 0.5);
    const request: AggregateRequest = { problems: sites.map((s) => s.problem!), limits, slotCount: T, options: { excessPricePerKwh: 50, timeLimitMs: 60_000 }, priceStep };
    let turns = 0;
    let turning = true;
    const turn = () => {
      turns++;
      if (turning) setImmediate(turn);
    };
    setImmediate(turn);
    const there = await solveAggregateOnWorkerThread(request);
    turning = false;
    const here = await solveAggregateHere(request);
    expect(there.status).toBe(here.status);
    expect(there.method).toBe(priceStep);
    expect(there.objective).toBeCloseTo(here.objective!, 6);
    expect(there.adderPerKwh).toEqual(here.adderPerKwh);
    there.sites!.forEach((s, i) => expect(Array.from(s.importKw)).toEqual(Array.from(here.sites![i]!.importKw)));
    expect(turns).toBeGreaterThan(0);
  });

  it('a failing price step is answered as status error with the reason, not thrown', async () => {
    const broken = { problems: [{ slotCount: T } as unknown as Problem], limits: { importLimitKw: new Array(T).fill(10), exportLimitKw: new Array(T).fill(Infinity) }, slotCount: T, options: { excessPricePerKwh: 50, timeLimitMs: 10_000 }, priceStep: 'monolithic' } as const;
    const answer = await solveAggregateOnWorkerThread(broken);
    expect(answer).toMatchObject({ status: 'error', method: 'monolithic', message: expect.stringContaining("the price step's thread failed") });
  });

  it('coordinateAggregateFirst with the thread: the same plan as in this thread', async () => {
    const sites = portfolio(solve, [21, 22], 5, T);
    const limits = await bindingLimits(sites, T, 0.6);
    const here = await coordinateAggregateFirst(sites, limits, { targetGap: 0 });
    const there = await coordinateAggregateFirst(sites, limits, { targetGap: 0, solveAggregate: solveAggregateOnWorkerThread });
    expect(there.aggregate.objective).toBeCloseTo(here.aggregate.objective!, 6);
    expect(there.objective).toBeCloseTo(here.objective, 6);
    expect(there.bound).toBeCloseTo(here.bound, 6);
    expect(there.breaches).toEqual([]);
  });
});
