/**
 * Resident site models on a solver thread (optimizer/portfolio/resident-models.ts through SolverPool.solveResident):
 * a key's first request opens its model (`first`), the next ones re-solve it from the last LP basis (`warm`) on the
 * same thread of a pool of two, with the cold solve's LP optimum; a site that does not fit the models' budget is
 * solved cold and says why; never silent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHighsBackend } from '../../../optimizer/backends/highs-backend.ts';
import { loadHighs } from '../../../optimizer/backends/highs-loader.ts';
import { pricedProblem } from '../../../optimizer/portfolio/site-subproblem.ts';
import { defaultIdleEvictMs, ResidentModels } from '../../../optimizer/portfolio/resident-models.ts';
import { estimateHighsHeapBytes } from '../../../optimizer/memory-estimate.ts';
import { solveWithBackend } from '../../../optimizer/solve-problem.ts';
import { SolverPool } from '../../../optimizer/solver-pool.ts';
import { generateDepot } from '../../../scenarios/depot-generator.ts';

const T = 24;
const problem = generateDepot({ vehicles: 8, slots: T, seed: 5, minimumCurrent: false });
const adders = [0, 0.02, 0.05, 0.03].map((a) => Array.from({ length: T }, (_, t) => (t >= 4 && t < 12 ? a : 0)));

describe('resident site models on the solver pool', () => {
  const pool = new SolverPool({ size: 2 });
  afterAll(() => pool.close());

  it('first, then warm on the same thread, each with the LP optimum of a cold solve of the priced problem', async () => {
    const highs = createHighsBackend(await loadHighs());
    const hows: string[] = [];
    for (const adderPerKwh of adders) {
      // Another key's request in between: the pool has two threads, the key's model lives on one.
      const [answer] = await Promise.all([
        pool.solveResident(problem, { key: 'pc-1:site-a', request: { adderPerKwh }, maxBytes: 256 * 2 ** 20 }, { timeLimitMs: 60_000 }),
        pool.solveResident(generateDepot({ vehicles: 8, slots: T, seed: 6, minimumCurrent: false }), { key: 'pc-1:site-b', request: { adderPerKwh }, maxBytes: 256 * 2 ** 20 }, { timeLimitMs: 60_000 }),
      ]);
      hows.push(answer.how);
      const cold = solveWithBackend(pricedProblem(problem, { adderPerKwh }).problem, highs, { timeLimitMs: 60_000 });
      expect(answer.plan.status).toBe('optimal');
      expect(Math.abs(answer.plan.cost.objective - cold.cost.objective)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(cold.cost.objective)));
    }
    expect(hows).toEqual(['first', 'warm', 'warm', 'warm']);
  }, 120_000);
});

describe('ResidentModels budget', () => {
  it('a site beyond the budget is solved cold, saying why', async () => {
    const models = new ResidentModels(loadHighs, { maxBytes: 1 });
    const highs = createHighsBackend(await loadHighs());
    const answer = await models.answer('k', problem, { adderPerKwh: adders[1]! }, async (p) => solveWithBackend(p, highs));
    expect(answer.how).toBe('cold');
    expect(answer.coldReason).toMatch(/resident models full/);
    expect(models.size).toBe(0);
    expect(answer.solution.plan.status).toBe('optimal');
  }, 60_000);
});

describe('ResidentModels across coordinations (a site\'s key with its problem\'s version)', () => {
  it('the same version answers warm from the last basis; another version replaces the model (first, said) and then answers warm', async () => {
    const models = new ResidentModels(loadHighs, { maxBytes: 256 * 2 ** 20 });
    const highs = createHighsBackend(await loadHighs());
    const cold = async (p: typeof problem) => solveWithBackend(p, highs);
    const other = generateDepot({ vehicles: 8, slots: T, seed: 7, minimumCurrent: false });
    const steps: [typeof problem, string, number][] = [[problem, 'v1', 1], [problem, 'v1', 2], [other, 'v2', 3], [other, 'v2', 1]];
    const hows: string[] = [];
    for (const [p, version, k] of steps) {
      const answer = await models.answer('site-a', p, { adderPerKwh: adders[k]! }, cold, undefined, version);
      hows.push(`${answer.how}${answer.replaced ? ' replaced' : ''}`);
      // The answer is the priced problem of the version asked for (its LP optimum is a cold solve's).
      const reference = solveWithBackend(pricedProblem(p, { adderPerKwh: adders[k]! }).problem, highs);
      expect(Math.abs(answer.solution.plan.cost.objective - reference.cost.objective)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(reference.cost.objective)));
    }
    expect(hows).toEqual(['first', 'warm', 'first replaced', 'warm']);
    expect(models.size).toBe(1);
    models.clear();
  }, 60_000);
});

describe('resident models full, with aggregate-first\'s uncapped LP (SiteRequest.uncappedBound)', () => {
  const pool = new SolverPool({ size: 1 });
  const roomy = new SolverPool({ size: 1 });
  afterAll(async () => {
    await pool.close();
    await roomy.close();
  });

  it('a site that does not fit is solved with its uncapped LP on a model of its own (said cold with why), never refused for a second cold round', async () => {
    const answer = await pool.solveWithBound(problem, { adderPerKwh: adders[1]! }, { timeLimitMs: 60_000 }, { key: 'site-full', maxBytes: 1, version: 'v1' });
    expect(answer.how).toBe('cold');
    expect(answer.coldReason).toMatch(/resident models full/);
    expect(answer.uncapped.how).not.toBe('refused');
    expect(Number.isFinite(answer.uncapped.pricedBound)).toBe(true);
    expect(answer.uncapped.pricedBound).toBeLessThanOrEqual(answer.plan.cost.objective + 1e-6 * Math.max(1, Math.abs(answer.plan.cost.objective)));
    // With room (another thread: a thread's budget is its first request's), the same request is held: first, then warm.
    const held = [];
    for (const k of [1, 2]) held.push((await roomy.solveWithBound(problem, { adderPerKwh: adders[k]! }, { timeLimitMs: 60_000 }, { key: 'site-room', maxBytes: 256 * 2 ** 20, version: 'v1' })).how);
    expect(held).toEqual(['first', 'warm']);
  }, 60_000);

  it('roomFor: none needed for a held model of the same version; a reason when the budget is too small', async () => {
    const models = new ResidentModels(loadHighs, { maxBytes: 256 * 2 ** 20 });
    const highs = createHighsBackend(await loadHighs());
    expect(models.roomFor('a', problem, 'v1')).toBeUndefined();
    await models.answer('a', problem, { adderPerKwh: adders[1]! }, async (p) => solveWithBackend(p, highs), undefined, 'v1');
    expect(models.roomFor('a', problem, 'v1')).toBeUndefined();
    expect(new ResidentModels(loadHighs, { maxBytes: 1 }).roomFor('a', problem, 'v1')).toMatch(/resident models full/);
    models.clear();
  }, 60_000);
});

describe('ResidentModels with more sites than room, passed in the same order twice (two coordinations)', () => {
  it('keeps the models it holds for the next pass (warm) by default; a short idle time would drop each before its site comes again', async () => {
    const highs = createHighsBackend(await loadHighs());
    const cold = async (p: typeof problem) => solveWithBackend(p, highs);
    const sites = [5, 6, 7].map((seed) => generateDepot({ vehicles: 8, slots: T, seed, minimumCurrent: false }));
    const room = estimateHighsHeapBytes(sites[0]!) + estimateHighsHeapBytes(sites[1]!);
    const twoPasses = async (idleEvictMs?: number) => {
      let nowMs = 0;
      // Each answer 2 minutes after the last (a coordination's site solves under load).
      const models = new ResidentModels(loadHighs, { maxBytes: room, clock: () => (nowMs += 120_000), ...(idleEvictMs !== undefined ? { idleEvictMs } : {}) });
      const hows: string[] = [];
      for (const k of [1, 2]) for (const [i, p] of sites.entries()) hows.push((await models.answer(`site-${i}`, p, { adderPerKwh: adders[k]! }, cold, undefined, 'v1')).how);
      models.clear();
      return hows;
    };
    expect(defaultIdleEvictMs).toBeGreaterThanOrEqual(30 * 60_000);
    expect(await twoPasses()).toEqual(['first', 'first', 'cold', 'warm', 'warm', 'cold']);
    expect((await twoPasses(60_000)).filter((h) => h === 'warm')).toEqual([]);
  }, 60_000);
});
