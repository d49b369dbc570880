/**
 * A portfolio's member sites as the coordinator sees them: each site's problem from now (site-problem.ts,
 * as a re-plan would build it), on one common slot grid. Members that cannot take part are named with
 * why (deleted, no usable input, another slot length); the coordination covers the others.
 *
 * The common grid is the shortest of the members' horizons (they all start at the current slot): the
 * shared limits are coordinated there; a site's plan beyond it is its own.
 */
import type { SlotGrid } from '../../grid/slot-grid.ts';
import type { PortfolioRecord } from '../store/portfolio-store.ts';
import type { ChargerStatusBoard } from '../store/charger-status.ts';
import type { PlanRecord, SiteRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { buildSiteProblem, type SiteProblem } from './site-problem.ts';
import { unmanagedChargersOf } from './unmanaged-chargers.ts';

export interface MemberProblem {
  readonly site: SiteRecord;
  readonly built: SiteProblem;
  readonly planInForce?: PlanRecord;
}

export interface PortfolioProblems {
  readonly members: readonly MemberProblem[];
  readonly excluded: readonly { readonly siteId: string; readonly reason: string }[];
  /** The common grid (slotCount = the shortest member horizon); undefined when no member can be planned. */
  readonly grid?: SlotGrid;
}

export async function portfolioProblems(
  deps: { readonly store: Store; readonly chargerStatus?: ChargerStatusBoard },
  portfolio: PortfolioRecord,
  nowUtcMs: number,
  horizonHours: number,
): Promise<PortfolioProblems> {
  const { store } = deps;
  const excluded: { siteId: string; reason: string }[] = [];
  const loaded = await Promise.all(
    portfolio.siteIds.map(async (siteId) => {
      const site = await store.getSite(siteId);
      if (!site) {
        excluded.push({ siteId, reason: 'the site no longer exists' });
        return undefined;
      }
      const [sessions, signals, dispatches, state] = await Promise.all([store.listSessions(siteId), store.getSignals(siteId), store.listDispatches(siteId), store.getPlanState(siteId)]);
      const planInForce = state.currentPlanId ? await store.getPlan(siteId, state.currentPlanId) : undefined;
      const unmanagedChargerIds = deps.chargerStatus ? await unmanagedChargersOf(site, deps.chargerStatus) : new Set<string>();
      try {
        const built = buildSiteProblem({ site, sessions, signals, dispatches, ...(planInForce ? { planInForce } : {}), unmanagedChargerIds }, nowUtcMs, horizonHours);
        return { site, built, ...(planInForce ? { planInForce } : {}) };
      } catch (error) {
        excluded.push({ siteId, reason: `its problem cannot be built: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` });
        return undefined;
      }
    }),
  );
  let members = loaded.filter((m): m is MemberProblem => m !== undefined);
  const first = members[0]?.built.assembled.grid;
  if (!first) return { members: [], excluded };
  members = members.filter((m) => {
    const g = m.built.assembled.grid;
    if (g.slotMs === first.slotMs && g.startUtcMs === first.startUtcMs) return true;
    excluded.push({ siteId: m.site.id, reason: `its slots (${g.slotMs / 60_000} min from ${new Date(g.startUtcMs).toISOString()}) differ from the portfolio's (${first.slotMs / 60_000} min from ${new Date(first.startUtcMs).toISOString()})` });
    return false;
  });
  const slotCount = Math.min(...members.map((m) => m.built.problem.slotCount));
  return { members, excluded, grid: { ...first, slotCount, endUtcMs: first.startUtcMs + slotCount * first.slotMs, zone: portfolio.timeZone } };
}

