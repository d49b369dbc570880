/**
 * A site's state "now" as the optimizer's Problem: the glue between the store's records and grid's
 * `assembleProblem` (which does the slot mapping, resampling, limits and validation).
 *
 * - Horizon: from now (floored to a slot) for the configured hours, cut to the gap-free coverage of the
 *   import price (horizon.ts): a plan over slots without a price would be a guess.
 * - Forecasts (export price, base load, PV) that do not cover the horizon (expired, starting later, holes)
 *   are completed by a named assumption, reported in the plan (`forecastFills`): PV and export price 0,
 *   base load the same time on the nearest day (grid/forecast-fallback.ts). An expired forecast thus
 *   never stops planning.
 * - Import price: the market price signal, or the site's time-of-use tariff; plus the site's price terms.
 * - Vehicles: every session, with its charger's limits, V2G only with consent AND a discharging charger,
 *   and the energy estimated at now from the plan in force (energy-estimate.ts); one plugged in during the
 *   current slot is planned from that slot on.
 * - Limits: connection and transformer, the three-phase network's current limits (grid/site-network.ts), every active dispatch (`dispatch:<id>`: an import limit, or the
 *   export cap of a delivery) and every capacity limit from signals (OpenADR 3).
 * - Demand charge: the site's, or the TOU tariff's, over the local calendar month of the horizon start.
 * - Export deliveries: rewards in their windows (dispatch-incentive.ts).
 */
import { DateTime } from 'luxon';
import type { Problem } from '../../optimizer/problem.ts';
import type { DemandChargeInput } from '../../grid/demand-charge.ts';
import { tariffDemandCharge } from '../../grid/demand-charge.ts';
import { startOfLocalDayUtcMs } from '../../grid/local-time.ts';
import { completeForecast, type ForecastFallbackPolicy } from '../../grid/forecast-fallback.ts';
import { assembleProblem, type AssembledProblem } from '../../grid/problem-assembly.ts';
import type { SignalSeries } from '../../grid/signal-series.ts';
import type { CapacityLimit } from '../../grid/site-limits.ts';
import { alignToSlotStart } from '../../grid/slot-grid.ts';
import { readTouTariff, type TouTariff } from '../../grid/tariff.ts';
import { tariffPriceSeries } from '../../grid/tariff-prices.ts';
import type { VehicleAtInstants } from '../../grid/vehicle-at-instants.ts';
import { PermanentJobError } from '../queue/job-errors.ts';
import type {
  DispatchIncentive,
  DispatchRecord,
  ForecastFillRecord,
  HorizonLimit,
  PlanRecord,
  SessionRecord,
  SignalKind,
  SiteRecord,
  SiteSignalsRecord,
} from '../store/records.ts';
import { withDeliveryIncentives } from './dispatch-incentive.ts';
import { estimateEnergyKwh } from './energy-estimate.ts';
import { planningHorizon } from './horizon.ts';

export interface SiteState {
  readonly site: SiteRecord;
  readonly sessions: readonly SessionRecord[];
  readonly signals: SiteSignalsRecord;
  readonly dispatches: readonly DispatchRecord[];
  /** The plan in force, for the energy estimate. */
  readonly planInForce?: PlanRecord;
}

export interface SiteProblem {
  readonly assembled: AssembledProblem;
  /** The problem to solve: `assembled.problem` with delivery incentives. */
  readonly problem: Problem;
  readonly incentives: readonly DispatchIncentive[];
  readonly horizonLimitedBy: HorizonLimit;
  /** Dispatches that shaped the problem. */
  readonly dispatchIds: readonly string[];
  /** Where a forecast was completed by an assumption, per signal, in time order. */
  readonly forecastFills: readonly ForecastFillRecord[];
}

/** How each forecast is completed where it does not cover the horizon. */
export const forecastFallbackPolicies: Readonly<Record<'export-price' | 'base-load' | 'pv', ForecastFallbackPolicy>> = {
  'export-price': 'zero',
  'base-load': 'same-time-nearest-day',
  pv: 'zero',
};

/** The site's TOU tariff, validated (sites are validated at input, so this only fails on a bug). */
export function siteTouTariff(site: SiteRecord): TouTariff | undefined {
  if (site.tariff.timeOfUse === undefined) return undefined;
  return readTouTariff(site.tariff.timeOfUse, { currency: site.currency, zone: site.timeZone, overlapPolicy: 'first-listed-wins' }).tariff;
}

function demandCharge(site: SiteRecord, tariff: TouTariff | undefined, startUtcMs: number): DemandChargeInput | undefined {
  const dc = site.tariff.demandCharge;
  if (dc !== undefined) {
    const t = DateTime.fromMillis(startUtcMs, { zone: site.timeZone });
    const next = t.month === 12 ? { year: t.year + 1, month: 1 } : { year: t.year, month: t.month + 1 };
    return {
      pricePerKw: dc.pricePerKw,
      billingPeriodStartUtcMs: startOfLocalDayUtcMs(t.year, t.month, 1, site.timeZone),
      billingPeriodEndUtcMs: startOfLocalDayUtcMs(next.year, next.month, 1, site.timeZone),
      ...(dc.previousPeakKw !== undefined ? { previousPeakKw: dc.previousPeakKw } : {}),
    };
  }
  if (tariff === undefined) return undefined;
  const fromTariff = tariffDemandCharge(tariff, startUtcMs);
  return fromTariff.pricePerKw > 0 ? fromTariff : undefined;
}

/**
 * A session as grid/ sees a vehicle: its charger's limits, V2G only with consent and a discharging charger.
 * `plugged` (the start of the slot containing now, when the vehicle is already plugged in): a vehicle that
 * arrived during the current slot is planned from that slot, not from the next boundary (it would get 0
 * for the rest of the slot).
 */
export function sessionVehicle(site: SiteRecord, session: SessionRecord, energyKwh: number, plugged?: { nowUtcMs: number; slotStartUtcMs: number }): VehicleAtInstants | undefined {
  const charger = site.chargers.find((c) => c.id === session.chargerId);
  if (!charger) return undefined;
  const v2g = session.v2gConsent && charger.canDischarge;
  return {
    id: session.id,
    chargerId: session.chargerId,
    arrival: plugged && session.arrivalUtcMs <= plugged.nowUtcMs ? Math.min(session.arrivalUtcMs, plugged.slotStartUtcMs) : session.arrivalUtcMs,
    departure: session.departureUtcMs,
    capacityKwh: session.capacityKwh,
    energyKwh,
    ...(session.targetEnergyKwh !== undefined ? { targetEnergyKwh: session.targetEnergyKwh } : { targetSocPercent: session.targetSocPercent ?? 0 }),
    ...(session.minSocPercent !== undefined ? { minSocPercent: session.minSocPercent } : {}),
    charger: {
      ...(charger.maxPowerKw !== undefined ? { maxChargeKw: charger.maxPowerKw } : {}),
      ...(charger.ac
        ? {
            maxCurrentA: charger.ac.maxCurrentA,
            phases: charger.ac.phases,
            voltageV: charger.ac.voltageV,
            ...(charger.ac.minCurrentA !== undefined ? { minCurrentA: charger.ac.minCurrentA } : {}),
          }
        : {}),
    },
    ...(session.degradationCostPerKwh !== undefined ? { degradationCostPerKwh: session.degradationCostPerKwh } : {}),
    ...(v2g ? { v2gAllowed: true, ...(charger.maxDischargeKw !== undefined ? { maxDischargeKw: charger.maxDischargeKw } : {}) } : {}),
  };
}

/** The capacity limit a dispatch puts on the site. */
export function dispatchLimit(d: DispatchRecord): CapacityLimit {
  return {
    source: `dispatch:${d.id}`,
    direction: d.kind === 'import-limit' ? 'import' : 'export',
    startUtcMs: d.startUtcMs,
    endUtcMs: d.endUtcMs,
    limitKw: d.powerKw,
  };
}

/**
 * Builds the problem of a site at `nowUtcMs`. Throws `PermanentJobError` (`V2G_ERR_SIGNALS_MISSING`) when
 * no price covers now, or grid's `GridInputError` for input grid/ refuses (both permanent).
 */
export function buildSiteProblem(state: SiteState, nowUtcMs: number, horizonHours: number): SiteProblem {
  const { site, signals } = state;
  const slotMs = site.slotMinutes * 60_000;
  const start = alignToSlotStart(nowUtcMs, site.slotMinutes, site.timeZone);
  const tariff = siteTouTariff(site);
  const wantedEnd = start + horizonHours * 3_600_000;
  const importPrice: SignalSeries | undefined =
    site.tariff.energyPrice === 'time-of-use' && tariff ? tariffPriceSeries(tariff, start, wantedEnd) : signals.series['import-price'];
  if (importPrice === undefined) {
    throw new PermanentJobError('V2G_ERR_SIGNALS_MISSING', `site "${site.id}" has no import price: post an import-price signal (or give the site a time-of-use tariff)`);
  }
  const used: (readonly [SignalKind, SignalSeries])[] = [['import-price', importPrice]];
  const horizon = planningHorizon(start, horizonHours, slotMs, used);
  if (horizon.endUtcMs <= start) {
    throw new PermanentJobError(
      'V2G_ERR_SIGNALS_MISSING',
      `the ${horizon.limitedBy} signal of site "${site.id}" does not cover the slot starting ${new Date(start).toISOString()}: post a signal that covers now`,
    );
  }
  const forecastFills: ForecastFillRecord[] = [];
  const forecast = (kind: 'export-price' | 'base-load' | 'pv'): SignalSeries | undefined => {
    const s = signals.series[kind];
    if (s === undefined) return undefined;
    const completed = completeForecast(s, start, horizon.endUtcMs, forecastFallbackPolicies[kind]);
    for (const f of completed.fills) forecastFills.push({ signal: kind, ...f });
    return completed.series;
  };
  const exportPrice = forecast('export-price');
  const baseLoad = forecast('base-load');
  const pv = forecast('pv');
  const active = state.dispatches.filter((d) => d.status === 'active' && d.endUtcMs > start && d.startUtcMs < horizon.endUtcMs);
  const vehicles = state.sessions.flatMap((s) => {
    const v = sessionVehicle(site, s, estimateEnergyKwh(s, state.planInForce, nowUtcMs), { nowUtcMs, slotStartUtcMs: start });
    return v ? [v] : [];
  });
  const dc = demandCharge(site, tariff, start);
  const assembled = assembleProblem({
    site: {
      name: site.name,
      zone: site.timeZone,
      currency: site.currency,
      slotMinutes: site.slotMinutes,
      connectionImportKw: site.connectionImportKw,
      ...(site.connectionExportKw !== undefined ? { connectionExportKw: site.connectionExportKw } : {}),
      ...(site.transformerRatingKw !== undefined ? { transformerRatingKw: site.transformerRatingKw } : {}),
      ...(site.shortfallPenaltyPerKwh !== undefined ? { shortfallPenaltyPerKwh: site.shortfallPenaltyPerKwh } : {}),
      ...(site.network !== undefined ? { network: site.network } : {}),
    },
    horizonStart: start,
    horizonEnd: horizon.endUtcMs,
    vehicles,
    signals: {
      importPrice,
      ...(site.tariff.priceTerms ? { importPriceTerms: site.tariff.priceTerms } : {}),
      ...(exportPrice ? { exportPrice } : {}),
      ...(baseLoad ? { baseLoad } : {}),
      ...(pv ? { pv } : {}),
      capacityLimits: [
        ...active.map(dispatchLimit),
        ...signals.capacityLimits
          .filter((l) => l.endUtcMs > start && l.startUtcMs < horizon.endUtcMs)
          .map(({ origin: _origin, ...limit }) => limit),
      ],
      ...(dc ? { demandCharge: dc } : {}),
    },
  });
  const { problem, incentives } = withDeliveryIncentives(assembled.problem, assembled.grid, active);
  return { assembled, problem, incentives, horizonLimitedBy: horizon.limitedBy, dispatchIds: active.map((d) => d.id), forecastFills };
}
