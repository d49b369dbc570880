/**
 * A portfolio on the dashboard's overview: its member sites now (each site's grid import and export in the
 * current slot of its plan) and their sum against the portfolio's shared limits in force now (a feeder's
 * constant limit or the tightest window covering now: grid/portfolio-limits.ts). A member without a plan
 * covering now adds nothing to the sum and is counted in `sitesWithoutPlanNow`, so a sum never hides a gap; a
 * member deleted since is listed as missing.
 */
import { sharedLimitsPerSlot, type SharedSlotLimit } from '../../grid/portfolio-limits.ts';
import type { PortfolioKind, PortfolioRecord } from '../store/portfolio-store.ts';

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** What the portfolio summary needs of a site's overview entry (dashboard-views.ts). */
export interface MemberSiteNow {
  readonly id: string;
  readonly name: string;
  readonly now: { readonly importKw: number; readonly exportKw: number } | null;
}

/** A shared limit in force now, or null when the portfolio has none in that direction. */
export interface SharedLimitNow {
  readonly limitKw: number;
  /** `feeder` (the constant limit) or the window's reason (`window <i>` without one). */
  readonly source: string;
}

/** One portfolio on the overview. Powers in kW. */
export interface PortfolioSummary {
  readonly id: string;
  readonly name: string;
  readonly kind: PortfolioKind;
  readonly timeZone: string;
  readonly sites: readonly { readonly id: string; readonly name: string; readonly importKw: number | null; readonly exportKw: number | null; readonly missing: boolean }[];
  /** Sum of the members' grid import in their current slot (kW). */
  readonly importKw: number;
  readonly exportKw: number;
  readonly sharedImportLimit: SharedLimitNow | null;
  readonly sharedExportLimit: SharedLimitNow | null;
  /** Shared import limit - import sum (kW; negative = over the limit); null without a shared import limit. */
  readonly importHeadroomKw: number | null;
  /** Members (present) whose plan does not cover now: their import is not in the sum. */
  readonly sitesWithoutPlanNow: number;
}

const minuteMs = 60_000;

const limitNow = (l: SharedSlotLimit): SharedLimitNow | null => (Number.isFinite(l.limitKw) ? { limitKw: l.limitKw, source: l.source } : null);

export function portfolioSummary(p: PortfolioRecord, sitesNow: ReadonlyMap<string, MemberSiteNow>, nowUtcMs: number): PortfolioSummary {
  const startUtcMs = Math.floor(nowUtcMs / minuteMs) * minuteMs;
  // The limits of the current minute: a one-slot grid (a window covering part of the minute covers it).
  const limits = p.sharedLimits ? sharedLimitsPerSlot({ startUtcMs, endUtcMs: startUtcMs + minuteMs, slotMs: minuteMs, slotCount: 1, zone: p.timeZone }, p.sharedLimits) : undefined;
  const sites = p.siteIds.map((id) => {
    const s = sitesNow.get(id);
    return { id, name: s?.name ?? id, importKw: s?.now ? s.now.importKw : null, exportKw: s?.now ? s.now.exportKw : null, missing: s === undefined };
  });
  const importKw = r3(sites.reduce((sum, s) => sum + (s.importKw ?? 0), 0));
  const exportKw = r3(sites.reduce((sum, s) => sum + (s.exportKw ?? 0), 0));
  const sharedImportLimit = limits ? limitNow(limits.importLimits[0]!) : null;
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    timeZone: p.timeZone,
    sites,
    importKw,
    exportKw,
    sharedImportLimit,
    sharedExportLimit: limits ? limitNow(limits.exportLimits[0]!) : null,
    importHeadroomKw: sharedImportLimit ? r3(sharedImportLimit.limitKw - importKw) : null,
    sitesWithoutPlanNow: sites.filter((s) => !s.missing && s.importKw === null).length,
  };
}
