/**
 * A one-site re-plan of a coordinated portfolio (portfolio-warm-replan.ts) plans the site the way its coordination
 * did: at the portfolio plan's feeder prices x its `sitePriceFactor` (aggregate-first's PORTFOLIO_CAPPED_PRICE_FACTOR;
 * absent = 1) within its share, in one solve, and says so. Property over prices, caps, factors and offsets: the
 * problem handed to the solver has exactly that adder on its import and export prices and the caps as its limits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../optimizer/plan.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import type { SlotGrid } from '../../../grid/slot-grid.ts';
import { warmReplan } from '../../../adapters/service/portfolio-warm-replan.ts';
import type { PortfolioStore } from '../../../adapters/store/portfolio-store.ts';
import { MemoryPortfolioRuns, type PortfolioPlanRecord } from '../../../adapters/store/portfolio-runs.ts';
import { aProblem } from '../../optimizer/problem-builders.ts';

const slotMs = 900_000;
const startUtcMs = Date.parse('2026-12-08T00:00:00Z');

/** A plan of the problem that imports nothing: enough for the coordinator's view of it. */
function idlePlan(p: Problem): Plan {
  const zeros = new Array<number>(p.slotCount).fill(0);
  return { status: 'optimal', site: { importKw: zeros, exportKw: zeros, importExcessKw: zeros }, cost: { objective: 0 }, stats: {} } as unknown as Plan;
}

function lastPlan(prices: readonly number[], importCapKw: readonly number[], sitePriceFactor: number | undefined): PortfolioPlanRecord {
  return {
    id: 'pplan-x', portfolioId: 'feeder-1', createdAtUtcMs: startUtcMs, jobId: 'j', reasons: [], startUtcMs, slotMs, status: 'optimal', method: 'aggregate-first', stopReason: 'gap',
    objective: 0, bound: 0, gap: 0, iterations: 1, solves: 2, wallMs: 1, solvedOn: 'test',
    slots: prices.map((p, t) => ({ startUtcMs: startUtcMs + t * slotMs, endUtcMs: startUtcMs + (t + 1) * slotMs, netImportKw: 0, importLimitKw: 50, importLimitSource: 'feeder', exportLimitKw: 50, exportLimitSource: 'feeder', priceAdderPerKwh: p })),
    ...(sitePriceFactor === undefined ? {} : { sitePriceFactor }),
    sites: [{ siteId: 'depot-1', planId: 'plan-1', planStatus: 'optimal', objective: 0, netImportKw: prices.map(() => 0), importCapKw, exportCapKw: prices.map(() => 20) }],
    breaches: [], excludedSites: [], dispatchIds: [],
  } as PortfolioPlanRecord;
}

describe('warmReplan: the site re-planned at the share of the feeder prices its coordination planned it at', () => {
  it('property: the solved problem carries factor x the feeder prices (1 when absent) and the share as its limits', async () => {
    const slots = 6;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: slots, maxLength: slots }),
        fc.array(fc.double({ min: 0, max: 40, noNaN: true }), { minLength: slots, maxLength: slots }),
        fc.option(fc.constantFrom(0, 0.25, 0.5, 1), { nil: undefined }),
        fc.integer({ min: 0, max: 3 }),
        async (prices, caps, factor, offset) => {
          const runs = new MemoryPortfolioRuns();
          await runs.putPlan(lastPlan(prices, caps, factor));
          const portfolios = { list: async () => [{ id: 'feeder-1', kind: 'feeder', siteIds: ['depot-1'] }] } as unknown as PortfolioStore;
          const T = slots - offset;
          const problem = aProblem({ slotCount: T, slotHours: 0.25, importLimitKw: new Array<number>(T).fill(30), exportLimitKw: new Array<number>(T).fill(30) });
          const grid = { startUtcMs: startUtcMs + offset * slotMs, endUtcMs: startUtcMs + slots * slotMs, slotMs, slotCount: T } as unknown as SlotGrid;
          const solved: Problem[] = [];
          const warm = await warmReplan({ portfolios, portfolioRuns: runs }, 'depot-1', grid, problem, async (p) => (solved.push(p), idlePlan(p)));
          expect(solved).toHaveLength(1);
          const f = factor ?? 1;
          for (let t = 0; t < T; t++) {
            const adder = f * prices[t + offset]!;
            expect(warm!.coordination.priceAdderPerKwh[t]).toBeCloseTo(adder, 12);
            expect(solved[0]!.importPricePerKwh[t]).toBeCloseTo(problem.importPricePerKwh[t]! + adder, 12);
            expect(solved[0]!.exportPricePerKwh![t]).toBeCloseTo(adder, 12);
            expect(solved[0]!.importLimitKw![t]).toBeCloseTo(Math.min(30, caps[t + offset]!), 12);
          }
          expect(warm!.coordination.mode).toBe('warm-replan');
          expect(warm!.coordination.note).toContain(f === 1 ? 're-planned alone at the feeder prices of portfolio plan pplan-x' : `re-planned alone at ${f} x the feeder prices (as its coordination planned the sites: PORTFOLIO_CAPPED_PRICE_FACTOR) of portfolio plan pplan-x`);
        },
      ),
      { seed: 17_16, numRuns: 60 },
    );
  });
});
