/**
 * The decomposed price step with its sites' relaxations on worker threads (relaxation-threads.ts, issue 17
 * session 15): the same answer whatever the number of threads (prices, bound, master, rounds, profiles), every
 * thread ended after the step and after a failure (said as V2G_ERR_PORTFOLIO_AGGREGATE), at most one thread per
 * site; and the warm start (`warmAdderPerKwh`): its first round's bound is the bound at those prices, it stays
 * certified (<= the monolithic optimum), and the answer says where it started.
 */
import { describe, expect, it } from 'vitest';
import { highsMaster } from '../../../optimizer/decomposition/decompose.ts';
import { solveAggregateByDecomposition } from '../../../optimizer/portfolio/aggregate-decomposed.ts';
import { solveAggregateLp } from '../../../optimizer/portfolio/aggregate-lp.ts';
import { coordinateAggregateFirst } from '../../../optimizer/portfolio/aggregate-first.ts';
import { solveAggregateOnWorkerThread } from '../../../optimizer/portfolio/aggregate-thread.ts';
import { relaxationThreadsAlive, relaxationWorkerUrl } from '../../../optimizer/portfolio/relaxation-threads.ts';
import { problemSubproblem } from '../../../optimizer/portfolio/site-subproblem.ts';
import type { SharedRowLimits } from '../../../optimizer/portfolio/coordinate.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { optimize } from '../../../optimizer/optimize.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

const T = 24;
const options = { excessPricePerKwh: 50, timeLimitMs: 300_000 };
const rel = (x: number) => Math.max(1, Math.abs(x));

/**
 * Seeded depots under a binding feeder import limit: 0.3 of the way from their inflexible floor up to the peak of
 * their relaxations' sum at zero prices (without a limit).
 */
async function instance(seeds: readonly number[], vehicles: number): Promise<{ problems: Problem[]; limits: SharedRowLimits }> {
  const problems = seeds.map((seed) => generateDepot({ vehicles, slots: T, seed }));
  const none = new Array<number>(T).fill(Infinity);
  const free = await solveAggregateByDecomposition(problems, { importLimitKw: none, exportLimitKw: none }, T, await highsMaster(), options);
  const peak = Math.max(...Array.from({ length: T }, (_, t) => free.sites!.reduce((a, s) => a + s.importKw[t]! - s.exportKw[t]!, 0)));
  const floor = Array.from({ length: T }, (_, t) => problems.reduce((a, p) => a + Math.max(0, p.baseLoadKw![t]! - (p.pvKw?.[t] ?? 0)), 0));
  return { problems, limits: { importLimitKw: floor.map((f) => Math.max(f + 1, f + 0.3 * (peak - f))), exportLimitKw: none } };
}

describe('the decomposed price step on threads', () => {
  it('the same prices, bound, master value, rounds and profiles for 1, 2 and 3 threads; every thread ended', async () => {
    const backend = await highsMaster();
    const { problems, limits } = await instance([3, 5, 7, 9, 11], 10);
    const runs = [];
    for (const threads of [1, 2, 3]) {
      runs.push(await solveAggregateByDecomposition(problems, limits, T, backend, { ...options, threads }));
      expect(relaxationThreadsAlive()).toBe(0);
    }
    const [one, ...more] = runs;
    expect(one!.rounds).toBeGreaterThan(2);
    expect(one!.threads).toBe(1);
    more.forEach((r, i) => {
      expect(r.threads).toBe(i + 2);
      expect(r.status).toBe(one!.status);
      expect(r.adderPerKwh).toEqual(one!.adderPerKwh);
      expect(r.objective).toBe(one!.objective);
      expect(r.masterObjective).toBe(one!.masterObjective);
      expect(r.rounds).toBe(one!.rounds);
      expect(r.siteSolves).toBe(one!.siteSolves);
      expect(r.simplexIterations).toBe(one!.simplexIterations);
      expect({ rows: r.rows, cols: r.cols, nonzeros: r.nonzeros, groups: r.groups }).toEqual({ rows: one!.rows, cols: one!.cols, nonzeros: one!.nonzeros, groups: one!.groups });
      r.sites!.forEach((s, k) => {
        expect(Array.from(s.importKw)).toEqual(Array.from(one!.sites![k]!.importKw));
        expect(Array.from(s.exportKw)).toEqual(Array.from(one!.sites![k]!.exportKw));
      });
    });
  }, 300_000);

  it('at most one thread per site', async () => {
    const { problems, limits } = await instance([21, 22], 4);
    const r = await solveAggregateByDecomposition(problems, limits, T, await highsMaster(), { ...options, threads: 5 });
    expect(r.threads).toBe(2);
    expect(relaxationThreadsAlive()).toBe(0);
  }, 120_000);

  it('a site that cannot be relaxed on a thread: V2G_ERR_PORTFOLIO_AGGREGATE with the reason, every thread ended', async () => {
    const { problems, limits } = await instance([31, 32], 4);
    const bad = { slotCount: T, slotHours: 1 } as unknown as Problem;
    // On the worker thread (site 1 of 2 threads) and on this thread (site 0: this thread's share).
    await expect(solveAggregateByDecomposition([problems[0]!, bad, problems[1]!], limits, T, await highsMaster(), { ...options, threads: 2 })).rejects.toThrow(/V2G_ERR_PORTFOLIO_AGGREGATE: relaxation thread 1 answered a failure/);
    expect(relaxationThreadsAlive()).toBe(0);
    await expect(solveAggregateByDecomposition([bad, ...problems], limits, T, await highsMaster(), { ...options, threads: 2 })).rejects.toThrow(/V2G_ERR_PORTFOLIO_AGGREGATE: /);
    expect(relaxationThreadsAlive()).toBe(0);
  }, 120_000);

  it('warm from the cold run\'s prices: its first bound is the cold bound, certified, fewer rounds, and said', async () => {
    const backend = await highsMaster();
    const { problems, limits } = await instance([3, 5, 7, 9, 11], 10);
    const mono = solveAggregateLp(problems, limits, T, backend, options);
    const cold = await solveAggregateByDecomposition(problems, limits, T, backend, options);
    const bounds: number[] = [];
    const warm = await solveAggregateByDecomposition(problems, limits, T, backend, { ...options, warmAdderPerKwh: cold.adderPerKwh!, warmFrom: 'the cold run', onRound: (r) => bounds.push(r.bound) });
    expect(cold.warmStart).toBe('zero');
    expect(warm.warmStart).toMatch(/^warm: from the cold run \(first round's bound -?[\d.]+\)$/);
    expect(bounds[0]).toBeCloseTo(cold.objective!, 6);
    expect(warm.objective!).toBeLessThanOrEqual(mono.objective! + 1e-6 * rel(mono.objective!));
    expect(warm.objective!).toBeGreaterThanOrEqual(cold.objective! - 1e-6 * rel(cold.objective!));
    expect(warm.rounds).toBeLessThan(cold.rounds);
  }, 300_000);

  it('aggregate-first passes its warm-start prices and threads to the decomposed step (on the price step\'s thread too) and says so', async () => {
    const { problems, limits } = await instance([41, 42, 43], 4);
    const solve = (p: Problem) => optimize(p, { solver: 'highs', timeLimitMs: 60_000 });
    const sites = problems.map((p, i) => problemSubproblem(`site-${i}`, p, solve));
    const cold = await coordinateAggregateFirst(sites, limits, { priceStep: 'decomposed', targetGap: 1 });
    const warm = await coordinateAggregateFirst(sites, limits, { priceStep: 'decomposed', targetGap: 1, warmStart: cold.prices, priceStepThreads: 2, solveAggregate: solveAggregateOnWorkerThread });
    expect(cold.aggregate).toMatchObject({ threads: 1, warmStart: 'zero' });
    expect(warm.aggregate).toMatchObject({ threads: 2, warmStart: expect.stringMatching(/^warm: from the warm-start feeder prices \(first round's bound/) });
    // Both bounds are within the step's tolerance (1e-3) of the LP's optimum; the plans keep the limit.
    expect(Math.abs(warm.aggregate.objective! - cold.aggregate.objective!)).toBeLessThanOrEqual(2e-3 * rel(cold.aggregate.objective!));
    expect(warm.breaches).toEqual([]);
    expect(relaxationThreadsAlive()).toBe(0);
    // The monolithic step takes no start and no threads: its answer says neither.
    const mono = await coordinateAggregateFirst(sites, limits, { priceStep: 'monolithic', targetGap: 1, warmStart: cold.prices, priceStepThreads: 2 });
    expect(mono.aggregate.method).toBe('monolithic');
    expect(mono.aggregate.warmStart).toBeUndefined();
    expect(mono.aggregate.threads).toBeUndefined();
  }, 300_000);
});

describe('the cheaper master (session 16: reference columns, columns dropped after 3 idle solves and priced)', () => {
  it('the same bound and master value (1e-6) as the plain master, the same rounds; columns dropped and said; the bound certified', async () => {
    const backend = await highsMaster();
    for (const seeds of [[3, 5, 7, 9, 11], [13, 17, 19, 23, 29, 31]]) {
      const { problems, limits } = await instance(seeds, 10);
      const plain = await solveAggregateByDecomposition(problems, limits, T, backend, { ...options, dropColumnsAfterRounds: 0, referenceColumns: false });
      const cheaper = await solveAggregateByDecomposition(problems, limits, T, backend, options);
      expect(plain.columnsDropped).toBe(0);
      expect(plain.masterColumns).toBe(plain.siteSolves);
      expect(cheaper.rounds).toBe(plain.rounds);
      expect(cheaper.objective!).toBeCloseTo(plain.objective!, -Math.log10(1e-6 * rel(plain.objective!)));
      expect(cheaper.masterObjective!).toBeCloseTo(plain.masterObjective!, -Math.log10(1e-6 * rel(plain.masterObjective!)));
      // Columns left the master (it held fewer than were added), and the answer says so.
      expect(cheaper.columnsDropped).toBeGreaterThan(0);
      expect(cheaper.masterColumns + cheaper.columnsDropped - cheaper.columnsRestored).toBe(cheaper.siteSolves);
      const lp = solveAggregateLp(problems, limits, T, backend, options);
      expect(cheaper.objective).toBeLessThanOrEqual(lp.objective! + 1e-6 * rel(lp.objective!));
    }
  });
});

describe('relaxationWorkerUrl (where the relaxation worker is, from the calling module\'s URL, no file-system probe)', () => {
  it('sources: the .mjs entry beside it; a bundle chunk: worker/ beside it; a bundled worker entry: beside it', () => {
    expect(relaxationWorkerUrl('file:///r/optimizer/portfolio/relaxation-threads.ts').pathname).toBe('/r/optimizer/portfolio/relaxation-worker.mjs');
    expect(relaxationWorkerUrl('file:///r/dist/cli/chunk-ABC.js').pathname).toBe('/r/dist/cli/worker/relaxation-worker.js');
    expect(relaxationWorkerUrl('file:///r/dist/cli/worker/aggregate-worker.js').pathname).toBe('/r/dist/cli/worker/relaxation-worker.js');
  });
});
