/**
 * What the dashboard shows, built on the server from the same records and views as the API (the browser only
 * draws): the overview of every site now, and one site's page (plan, vehicles, chargers, dispatches,
 * flexibility, the last re-plan). Times are RFC 3339 in the site's zone; powers kW, energies kWh, prices and
 * costs in the site's currency (per kWh).
 */
import type { ServiceContext } from '../service/context.ts';
import type { PlanRecord, SiteRecord } from '../store/records.ts';
import { dispatchView } from '../http/views/dispatch-view.ts';
import { dispatchSummary } from './dispatch-summary.ts';
import { chargePointsOf, siteDeliveryView } from '../http/views/delivery-view.ts';
import { flexibilityView } from '../http/views/flexibility-view.ts';
import { planView } from '../http/views/plan-view.ts';
import { wireInstant } from '../http/wire-time.ts';
import { costComparison } from './cost-comparison.ts';
import { PlanRecordCache } from './plan-record-cache.ts';
import { portfolioSummary } from './portfolio-summary.ts';
import { replanDiff } from './replan-diff.ts';
import { vehicleRows } from './vehicle-timeline.ts';

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The fleet's charging and discharging per slot (kW, both >= 0), cached per plan. */
const fleetCache = new WeakMap<PlanRecord, { chargeKw: number[]; dischargeKw: number[] }>();
function fleetKw(record: PlanRecord) {
  let fleet = fleetCache.get(record);
  if (fleet) return fleet;
  const chargeKw = new Array<number>(record.plan.slotCount).fill(0);
  const dischargeKw = new Array<number>(record.plan.slotCount).fill(0);
  for (const v of record.plan.vehicles) {
    v.powerKw.forEach((kw, t) => {
      if (kw > 0) chargeKw[t]! += kw;
      else dischargeKw[t]! -= kw;
    });
  }
  fleet = { chargeKw: chargeKw.map(r3), dischargeKw: dischargeKw.map(r3) };
  fleetCache.set(record, fleet);
  return fleet;
}

/** The slot of `record` that holds `nowUtcMs`, or undefined outside its horizon. */
function slotAt(record: PlanRecord, nowUtcMs: number): number | undefined {
  const t = Math.floor((nowUtcMs - record.grid.startUtcMs) / record.grid.slotMs);
  return t >= 0 && t < record.grid.slotCount ? t : undefined;
}

const planCaches = new WeakMap<ServiceContext, PlanRecordCache>();

/** The plan in force of a site (and the one before it), read through the service's plan record cache. */
function currentPlan(ctx: ServiceContext, siteId: string) {
  let cache = planCaches.get(ctx);
  if (!cache) {
    cache = new PlanRecordCache(ctx.store);
    planCaches.set(ctx, cache);
  }
  return cache.inForce(siteId);
}

/** One site on the overview. */
async function siteSummary(ctx: ServiceContext, site: SiteRecord, nowUtcMs: number) {
  const [{ state, record }, sessions, dispatches, statuses] = await Promise.all([
    currentPlan(ctx, site.id),
    ctx.store.listSessions(site.id),
    ctx.store.listDispatches(site.id),
    ctx.chargerStatus.getMany(chargePointsOf(site)),
  ]);
  const delivery = siteDeliveryView(site, statuses, state.currentPlanId);
  const t = record ? slotAt(record, nowUtcMs) : undefined;
  const status = record ? planView(record, state, nowUtcMs).status : undefined;
  return {
    id: site.id,
    name: site.name,
    timeZone: site.timeZone,
    currency: site.currency,
    importLimitKw: site.connectionImportKw,
    now:
      record && t !== undefined
        ? {
            slotStart: wireInstant(record.grid.startUtcMs + t * record.grid.slotMs, site.timeZone),
            importKw: r3(record.plan.site.importKw[t]!),
            exportKw: r3(record.plan.site.exportKw[t]!),
            importLimitKw: r3(record.limits.importLimits[t]!.limitKw),
            importLimitSource: record.limits.importLimits[t]!.source,
          }
        : null,
    vehicles: {
      plugged: sessions.filter((s) => s.arrivalUtcMs <= nowUtcMs && nowUtcMs < s.departureUtcMs).length,
      sessions: sessions.length,
    },
    chargers: delivery.summary,
    activeDispatches: dispatches.filter((d) => d.status === 'active' && d.endUtcMs > nowUtcMs).length,
    plan: record && status
      ? { id: record.id, createdAt: wireInstant(record.createdAtUtcMs, site.timeZone), solver: status.solver, freshness: status.freshness, ...(status.message ? { message: status.message } : {}) }
      : null,
    cost: record ? { ...costComparison(record), horizonStart: wireInstant(record.grid.startUtcMs, site.timeZone), horizonEnd: wireInstant(record.grid.endUtcMs, site.timeZone) } : null,
  };
}

export async function overviewView(ctx: ServiceContext) {
  const now = ctx.clock.nowUtcMs();
  const [records, portfolios] = await Promise.all([ctx.store.listSites(), ctx.portfolios.list()]);
  const sites = await Promise.all(records.map((s) => siteSummary(ctx, s, now)));
  const byId = new Map(sites.map((s) => [s.id, s]));
  return { at: new Date(now).toISOString(), portfolios: portfolios.map((p) => portfolioSummary(p, byId, now)), sites };
}

/** One site's page. */
export async function sitePageView(ctx: ServiceContext, site: SiteRecord) {
  const now = ctx.clock.nowUtcMs();
  const zone = site.timeZone;
  const [{ state, record, previous }, sessions, dispatches, statuses] = await Promise.all([
    currentPlan(ctx, site.id),
    ctx.store.listSessions(site.id),
    ctx.store.listDispatches(site.id),
    ctx.chargerStatus.getMany(chargePointsOf(site)),
  ]);
  // The plan without its per-vehicle arrays: the timeline rows carry them, with the state of charge.
  const plan = record ? (({ vehicles: _vehicles, ...rest }) => rest)(planView(record, state, now)) : null;
  return {
    at: wireInstant(now, zone),
    // What the page shows of the site (the API's site view adds every charger, the tariff and the schedules).
    site: { id: site.id, name: site.name, timeZone: zone, currency: site.currency, slotMinutes: site.slotMinutes, connection: { importLimitKw: site.connectionImportKw, ...(site.connectionExportKw !== undefined ? { exportLimitKw: site.connectionExportKw } : {}) } },
    plan,
    nowSlot: record ? (slotAt(record, now) ?? null) : null,
    /** Per slot of plan.site.slots: the fleet's charging and discharging (kW, >= 0). */
    fleet: record ? fleetKw(record) : null,
    billingPeak: record
      ? {
          peakImportKw: r3(record.plan.site.peakImportKw),
          demandChargePerKw: site.tariff.demandCharge?.pricePerKw ?? null,
          previousPeakKw: site.tariff.demandCharge?.previousPeakKw ?? null,
          meaning: site.tariff.demandCharge
            ? "the billing period's peak import the plan sets (earlier peak included): the demand charge is paid on it"
            : 'the highest import of the plan (the site has no demand charge)',
        }
      : null,
    vehicles: vehicleRows(site, sessions, record),
    delivery: siteDeliveryView(site, statuses, state.currentPlanId),
    dispatches: dispatches
      .map((d) => dispatchSummary(dispatchView(d, zone, now)))
      .reverse(),
    flexibility: record ? flexibilityView(record) : null,
    cost: record ? costComparison(record) : null,
    lastReplan: record ? replanDiff(record, previous, state.lastAttempt) : null,
  };
}
