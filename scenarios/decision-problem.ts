/**
 * The input of grid's `assembleProblem` for one decision: what the controller knows at that instant.
 *
 * - Vehicles: only those plugged in now, with their simulated energy, their target and reserve, and the
 *   departure the controller believes (`actual`, or the driver's declared one less the controller's
 *   `departureMarginMinutes`; a believed departure already past counts as "the end of this slot", so the
 *   vehicle charges as fast as it can).
 * - Horizon: [now, now + horizonHours), ending at the last plugged vehicle's departure when that is sooner and
 *   the site has no base load or PV (`decisionHorizonEndUtcMs`).
 * - Prices: as visible now (`price-visibility.ts`); base load and PV: the actual series (perfect forecast).
 * - Demand charge: the billing period containing now, with the peak already reached in it carried.
 */
import { convertSeries, type SignalSeries } from '../grid/signal-series.ts';
import type { AssemblyInput, SiteSignals } from '../grid/problem-assembly.ts';
import type { VehicleAtInstants } from '../grid/vehicle-at-instants.ts';
import { pricesKnownUntilUtcMs, visibleSeries } from './price-visibility.ts';
import type { ExportPriceRule, ReplayInputs } from './replay-inputs.ts';
import { chargerDischargeLimitKw, type ReplaySession } from './replay-session.ts';

/** A vehicle plugged in at a decision, with its energy now (kWh). */
export interface PluggedVehicle {
  readonly session: ReplaySession;
  readonly energyKwh: number;
}

/**
 * The departure the controller plans for at `atUtcMs` (UTC ms): the actual one, or the declared one less the
 * controller's `departureMarginMinutes` (a hedge against drivers leaving early); never before the end of the
 * slot starting at `atUtcMs`.
 */
export function believedDepartureUtcMs(inputs: ReplayInputs, session: ReplaySession, atUtcMs: number): number {
  if (inputs.controller.departure === 'actual') return session.departureUtcMs;
  const marginMs = (inputs.controller.departureMarginMinutes ?? 0) * 60_000;
  return Math.max(session.declaredDepartureUtcMs - marginMs, atUtcMs + inputs.slotMinutes * 60_000);
}

/** A session as grid's vehicle description, holding `energyKwh`, leaving at `departureUtcMs`. */
export function vehicleAtInstants(inputs: ReplayInputs, s: ReplaySession, energyKwh: number, arrivalUtcMs: number, departureUtcMs: number): VehicleAtInstants {
  const a = inputs.assumptions;
  const c = s.charger;
  return {
    id: s.id,
    chargerId: c.id,
    arrival: arrivalUtcMs,
    departure: departureUtcMs,
    capacityKwh: s.capacityKwh,
    energyKwh: Math.min(s.capacityKwh, Math.max(0, energyKwh)),
    targetEnergyKwh: s.targetEnergyKwh,
    minEnergyKwh: s.reserveEnergyKwh,
    charger: {
      ...(c.maxPowerKw !== undefined ? { maxChargeKw: c.maxPowerKw } : {}),
      ...(c.ac
        ? { maxCurrentA: c.ac.maxCurrentA, phases: c.ac.phases, voltageV: c.ac.voltageV, ...(c.ac.minCurrentA !== undefined ? { minCurrentA: c.ac.minCurrentA } : {}) }
        : {}),
    },
    ...(s.v2gAllowed ? { v2gAllowed: true, maxDischargeKw: chargerDischargeLimitKw(c) } : {}),
    chargeEfficiency: a.chargeEfficiency,
    dischargeEfficiency: a.dischargeEfficiency,
    degradationCostPerKwh: a.degradationCostPerKwh,
  };
}

/** Export price series from a market series: factor x market (site currency per kWh) + offset. */
export function exportPriceSeries(market: SignalSeries, currency: string, rule: ExportPriceRule): SignalSeries {
  const perKwh = convertSeries(market, `${currency}/kWh`);
  return { unit: perKwh.unit, intervals: perKwh.intervals.map((iv) => ({ ...iv, value: rule.marketFactor * iv.value + rule.offsetPerKwh })) };
}

/** The site signals with a given market price series (actual or as visible). */
export function siteSignals(inputs: ReplayInputs, market: SignalSeries): SiteSignals {
  return {
    importPrice: market,
    ...(inputs.importPriceTerms.length > 0 ? { importPriceTerms: inputs.importPriceTerms } : {}),
    ...(inputs.exportPrice ? { exportPrice: exportPriceSeries(market, inputs.site.currency, inputs.exportPrice) } : {}),
    ...(inputs.baseLoad ? { baseLoad: inputs.baseLoad } : {}),
    ...(inputs.pv ? { pv: inputs.pv } : {}),
  };
}

/**
 * The end of the decision's horizon (UTC ms): `horizonHours` after `atUtcMs`, or sooner - the first slot
 * boundary at or after the last believed departure of the plugged vehicles - on a site without base load or
 * PV, where a slot after every plugged vehicle has left holds no load, no price and no peak to plan. The
 * dropped slots would carry an all-zero plan; dropping them makes each decision's problem (and a baseline's
 * or the LP's work) proportional to the stays, not to the look-ahead.
 */
export function decisionHorizonEndUtcMs(inputs: ReplayInputs, atUtcMs: number, plugged: readonly PluggedVehicle[]): number {
  const full = atUtcMs + inputs.horizonHours * 3_600_000;
  if (inputs.baseLoad !== undefined || inputs.pv !== undefined || plugged.length === 0) return full;
  const slotMs = inputs.slotMinutes * 60_000;
  const lastDepartureUtcMs = Math.max(...plugged.map((p) => believedDepartureUtcMs(inputs, p.session, atUtcMs)));
  return Math.min(full, atUtcMs + Math.max(1, Math.ceil((lastDepartureUtcMs - atUtcMs) / slotMs)) * slotMs);
}

/**
 * The assembly input of the decision at `atUtcMs` (a slot boundary) for the vehicles plugged in, over
 * [atUtcMs, horizonEndUtcMs) (default `decisionHorizonEndUtcMs`; the MPC with an arrival forecast plans the
 * full `horizonHours`, as cars it has not seen may come after the plugged ones have left).
 */
export function decisionAssemblyInput(
  inputs: ReplayInputs,
  atUtcMs: number,
  plugged: readonly PluggedVehicle[],
  previousPeakKw: number,
  horizonEndUtcMs = decisionHorizonEndUtcMs(inputs, atUtcMs, plugged),
): AssemblyInput {
  const knownUntil = pricesKnownUntilUtcMs(inputs.priceVisibility, atUtcMs, inputs.site.zone);
  const market = visibleSeries(inputs.marketPrice, knownUntil, atUtcMs, horizonEndUtcMs);
  const billing = inputs.billing?.(atUtcMs);
  return {
    site: inputs.site,
    horizonStart: atUtcMs,
    horizonEnd: horizonEndUtcMs,
    vehicles: plugged.map((p) => vehicleAtInstants(inputs, p.session, p.energyKwh, p.session.arrivalUtcMs, believedDepartureUtcMs(inputs, p.session, atUtcMs))),
    signals: {
      ...siteSignals(inputs, market),
      ...(billing
        ? { demandCharge: { pricePerKw: billing.pricePerKw, billingPeriodStartUtcMs: billing.startUtcMs, billingPeriodEndUtcMs: billing.endUtcMs, previousPeakKw } }
        : {}),
    },
  };
}
