/**
 * The embedded demo: a generated 50-vehicle depot (scenarios/depot-generator.ts) turned into a site with
 * chargers, sessions and signals, its slot 0 placed at "now", so that a newcomer sees a live plan at once.
 * Zone Europe/Berlin, EUR. Only loaded in demo mode (DEMO=true), never in production.
 *
 * Its chargers are `SIM-0001`..`SIM-0050` (one per generated vehicle, with that vehicle's charger limits),
 * the ids `v2g sim-chargers` uses by default: simulated chargers started next to `npm start` are this
 * site's chargers, their transactions replace the generated sessions on them, and they get the plan.
 *
 * The generator's time of day is shifted: its 06:00 start becomes now (floored to the quarter-hour), and
 * its signals cover two horizons, so the rolling re-plan (every quarter-hour) keeps a full horizon for a day.
 */
import { alignToSlotStart } from '../../grid/slot-grid.ts';
import type { SignalSeries } from '../../grid/signal-series.ts';
import { generateDepot } from '../../scenarios/depot-generator.ts';
import type { ChargerRecord, SessionRecord, SiteRecord } from '../store/records.ts';
import type { ServiceContext } from './context.ts';
import { requestReplan } from './replan-job.ts';
import { chargerConflict, sessionIssues } from './session-validation.ts';
import { syncSiteSchedules } from './site-schedules.ts';
import { siteSpecIssues } from './site-validation.ts';

export const demoSiteId = 'demo-depot';

/** The demo's charger (charge point) ids: `SIM-0001`.., as `v2g sim-chargers` names its chargers by default. */
export function demoChargerId(index: number): string {
  return `SIM-${String(index + 1).padStart(4, '0')}`;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Options of `seedDemoSite` (benchmarks seed many such sites). */
export interface DemoSiteOptions {
  readonly vehicles?: number;
  readonly seed?: number;
  /** Default `demo-depot`. */
  readonly siteId?: string;
  /** Install the site's cron re-plans (default true). */
  readonly schedules?: boolean;
  /** Queue its first plan at once (default true). */
  readonly replan?: boolean;
}

/** Stores the demo site (replacing an earlier one), queues its first plan and returns the site. */
export async function seedDemoSite(ctx: ServiceContext, options: DemoSiteOptions = {}): Promise<SiteRecord> {
  const now = ctx.clock.nowUtcMs();
  const zone = 'Europe/Berlin';
  const slotMinutes = 15;
  const slotMs = slotMinutes * 60_000;
  const slots = Math.ceil((2 * ctx.config.horizonHours * 60) / slotMinutes);
  const depot = generateDepot({ vehicles: options.vehicles ?? 50, slots, seed: options.seed ?? 1 });
  const start = alignToSlotStart(now, slotMinutes, zone);
  const at = (slot: number) => start + slot * slotMs;
  const chargers: ChargerRecord[] = depot.vehicles.map((v, i) => ({
    id: demoChargerId(i),
    ...(v.acLimit ? { ac: { ...v.acLimit } } : { maxPowerKw: v.maxChargeKw as number }),
    canDischarge: v.v2gAllowed === true,
    ...(v.v2gAllowed === true && typeof v.maxDischargeKw === 'number' ? { maxDischargeKw: v.maxDischargeKw } : {}),
  }));
  const site: SiteRecord = {
    id: options.siteId ?? demoSiteId,
    name: `Demo depot (generated: ${depot.vehicles.length} vehicles, times shifted to now)`,
    timeZone: zone,
    currency: 'EUR',
    slotMinutes,
    connectionImportKw: depot.importLimitKw?.[0] ?? 1000,
    connectionExportKw: depot.exportLimitKw?.[0] ?? 0,
    chargers,
    tariff: { energyPrice: 'market', demandCharge: { pricePerKw: depot.demandCharge?.pricePerKw ?? 0 } },
    replanSchedules: options.schedules === false ? [] : [
      { cron: '*/15 * * * *', description: 'rolling re-plan every quarter-hour' },
      { cron: '5 13 * * *', description: 'after the day-ahead prices are published' },
    ],
    createdAtUtcMs: now,
    updatedAtUtcMs: now,
    revision: 1,
  };
  const issues = siteSpecIssues(site);
  if (issues.length > 0) throw new Error(`the demo site is not valid: ${JSON.stringify(issues)}`);
  const series = (unit: string, values: readonly number[] | undefined): SignalSeries => ({
    unit,
    intervals: (values ?? []).map((value, t) => ({ startUtcMs: at(t), endUtcMs: at(t + 1), value })),
  });
  const sessions: SessionRecord[] = depot.vehicles.map((v, i) => ({
    id: v.id,
    siteId: site.id,
    chargerId: demoChargerId(i),
    vehicleId: v.id,
    arrivalUtcMs: at(v.arrivalSlot),
    departureUtcMs: at(v.departureSlot),
    capacityKwh: v.capacityKwh,
    energyKwh: v.energyKwh,
    measuredAtUtcMs: now,
    targetEnergyKwh: v.targetEnergyKwh,
    ...(v.minEnergyKwh !== undefined ? { minSocPercent: round((100 * v.minEnergyKwh) / v.capacityKwh, 2) } : {}),
    v2gConsent: v.v2gAllowed === true,
    ...(v.degradationCostPerKwh !== undefined ? { degradationCostPerKwh: v.degradationCostPerKwh } : {}),
    createdAtUtcMs: now,
    updatedAtUtcMs: now,
    revision: 0,
  }));
  await ctx.store.deleteSite(site.id);
  await ctx.store.putSite(site);
  // deleteSite removed the earlier site's sessions, so the site's sessions are the ones stored here so far: each
  // is checked against those (as the API checks against the stored ones) without reading them all back from the
  // store per session (500 x 500 session reads per 500-vehicle site made seeding a benchmark's 200 sites take minutes).
  const stored: SessionRecord[] = [];
  for (const s of sessions) {
    const bad = [...sessionIssues(site, s, now), ...chargerConflict(s, stored, now)];
    if (bad.length > 0) throw new Error(`demo session ${s.id} is not valid: ${JSON.stringify(bad)}`);
    stored.push(await ctx.store.putSession(s));
  }
  await ctx.store.putSignals(site.id, {
    series: {
      'import-price': series('EUR/kWh', depot.importPricePerKwh),
      'export-price': series('EUR/kWh', depot.exportPricePerKwh),
      'base-load': series('kW', depot.baseLoadKw),
      pv: series('kW', depot.pvKw),
    },
    capacityLimits: [],
    updatedAtUtcMs: now,
  });
  await syncSiteSchedules(ctx.queue, ctx.config, site.id, site);
  if (options.replan !== false) await requestReplan(ctx.queue, ctx.config, site.id, 'demo site loaded', { immediate: true });
  return site;
}
