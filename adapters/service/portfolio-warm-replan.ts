/**
 * Re-planning one site of a coordinated portfolio without re-solving the others (warm prices): the site is
 * solved alone at the feeder prices of its portfolio's last plan and within its share of the shared limits
 * (one solve; optimizer/portfolio/coordinate.ts `replanSite`). The other sites' plans stand and each stays
 * within its own share, so the sum keeps every shared limit the last coordination covered. The prices count at
 * the share the coordination planned its sites at (`PortfolioPlanRecord.sitePriceFactor`: aggregate-first's
 * PORTFOLIO_CAPPED_PRICE_FACTOR, 0 by default; 1 otherwise), so the site is planned the way its coordination
 * planned it; its plan's note says which.
 *
 * Slots are matched by time (the site's horizon starts later than the portfolio plan's). Beyond the
 * portfolio plan's horizon the site has no share: it is planned alone there, and its plan says so
 * (`coordination.note`); the next portfolio plan covers those slots.
 */
import type { Plan } from '../../optimizer/plan.ts';
import { problemSubproblem } from '../../optimizer/portfolio/site-subproblem.ts';
import type { Problem } from '../../optimizer/problem.ts';
import type { SlotGrid } from '../../grid/slot-grid.ts';
import type { PortfolioStore } from '../store/portfolio-store.ts';
import type { PortfolioRuns } from '../store/portfolio-runs.ts';
import type { PlanCoordination } from '../store/records.ts';

export interface WarmSolve {
  readonly plan: Plan;
  /** The problem as solved (feeder price added, share applied). */
  readonly problem: Problem;
  readonly coordination: PlanCoordination;
}

/** The site's plan at its portfolio's last prices within its share, or undefined when no coordinated plan holds it. */
export async function warmReplan(
  deps: { readonly portfolios: PortfolioStore; readonly portfolioRuns: PortfolioRuns },
  siteId: string,
  grid: SlotGrid,
  problem: Problem,
  solve: (p: Problem) => Promise<Plan>,
): Promise<WarmSolve | undefined> {
  const candidates = (await deps.portfolios.list()).filter((p) => p.siteIds.includes(siteId)).sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'feeder' ? -1 : 1));
  for (const portfolio of candidates) {
    const last = await deps.portfolioRuns.getLatestPlan(portfolio.id);
    const share = last?.sites.find((s) => s.siteId === siteId);
    if (!last || !share || last.slotMs !== grid.slotMs) continue;
    const offset = Math.round((grid.startUtcMs - last.startUtcMs) / last.slotMs);
    if (offset < 0) continue;
    const T = grid.slotCount;
    const at = <V>(values: readonly V[], t: number, none: V): V => (t + offset < values.length ? values[t + offset]! : none);
    const factor = last.sitePriceFactor ?? 1;
    const adder = Array.from({ length: T }, (_, t) => factor * (at(last.slots, t, undefined)?.priceAdderPerKwh ?? 0));
    const importCapKw = Array.from({ length: T }, (_, t) => at(share.importCapKw, t, Infinity));
    const exportCapKw = Array.from({ length: T }, (_, t) => at(share.exportCapKw, t, Infinity));
    let solved: Problem = problem;
    const sub = problemSubproblem(siteId, problem, (p) => {
      solved = p;
      return solve(p);
    });
    const solution = await sub.solve({ adderPerKwh: adder, importCapKw, exportCapKw });
    const covered = Math.max(0, Math.min(T, last.slots.length - offset));
    const coordinatedUntil = new Date(grid.startUtcMs + covered * grid.slotMs).toISOString();
    return {
      plan: solution.plan,
      problem: solved,
      coordination: {
        portfolioId: portfolio.id,
        portfolioPlanId: last.id,
        mode: 'warm-replan',
        priceAdderPerKwh: adder,
        importCapKw,
        exportCapKw,
        siteObjective: solution.objective,
        note: `re-planned alone at ${factor === 1 ? 'the feeder prices' : `${factor} x the feeder prices (as its coordination planned the sites: PORTFOLIO_CAPPED_PRICE_FACTOR)`} of portfolio plan ${last.id} within this site's share (one solve, the other sites' plans stand); ${covered < T ? `beyond ${coordinatedUntil} it has no share and is planned alone until the portfolio is planned again` : 'its whole horizon is covered'}`,
      },
    };
  }
  return undefined;
}
