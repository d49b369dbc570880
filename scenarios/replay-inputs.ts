/**
 * Everything a replay needs, loaded and checked: the site, the sessions with their assumed batteries, the
 * signals (sliced to the period plus one horizon), the billing rule and what the controller knows.
 * Built by `loadReplayInputs` (load-replay-inputs.ts) from a scenario and the texts of its data files.
 */
import type { PriceTerm } from '../grid/price-terms.ts';
import type { SiteDescription } from '../grid/problem-assembly.ts';
import type { SignalSeries } from '../grid/signal-series.ts';
import type { BillingRule } from './billing-periods.ts';
import type { PriceVisibility } from './price-visibility.ts';
import type { ExcludedSession, ReplaySession } from './replay-session.ts';
import type { Assumptions, ControllerKnowledge, Scenario } from './scenario-schema.ts';

/** The vehicle physics of the simulation (not of the plan). Fractions 0..1. */
export interface PhysicsModel {
  /** True grid-to-battery efficiency. */
  readonly chargeEfficiency: number;
  /** True battery-to-grid efficiency. */
  readonly dischargeEfficiency: number;
  /** SoC above which the accepted charge power falls linearly. */
  readonly taperStartSoc: number;
  /** Accepted power at 100 % SoC as a fraction of the charge limit. */
  readonly taperEndPowerFraction: number;
  /** Integration steps per slot (>= 1). */
  readonly substepsPerSlot: number;
}

/** Days of sessions before the period the arrival forecast learns from (`mpc-forecast`, arrival-forecast.ts). */
export const arrivalHistoryDays = 28;

/** Sessions that arrived in [fromUtcMs, toUtcMs), before the period (`toUtcMs` = its start): the forecast's training data. */
export interface ArrivalHistory {
  readonly fromUtcMs: number;
  readonly toUtcMs: number;
  readonly sessions: readonly ReplaySession[];
}

/** Export price = `marketFactor` x market price (site currency per kWh) + `offsetPerKwh`. */
export interface ExportPriceRule {
  readonly marketFactor: number;
  readonly offsetPerKwh: number;
}

/**
 * Invariants: `periodStartUtcMs` is a slot boundary of the site's local clock; `simulationEndUtcMs` is a
 * whole number of slots later and at or after every session's departure; the market price covers
 * [periodStartUtcMs, simulationEndUtcMs + horizon] (checked on loading); `sessions` are sorted by arrival, then id.
 */
export interface ReplayInputs {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly site: SiteDescription;
  readonly slotMinutes: number;
  readonly horizonHours: number;
  readonly periodStartUtcMs: number;
  /** Sessions arriving before this are replayed. */
  readonly periodEndUtcMs: number;
  /** The replay runs until every session has left (rounded up to a slot). */
  readonly simulationEndUtcMs: number;
  readonly sessions: readonly ReplaySession[];
  /** Sessions of the `arrivalHistoryDays` before the period (same data, chargers, assumptions); never used by the replay itself. */
  readonly arrivalHistory: ArrivalHistory;
  readonly excluded: readonly ExcludedSession[];
  readonly autoCreatedChargers: readonly string[];
  /** Market (or tariff) import price, in a price unit of the site currency. */
  readonly marketPrice: SignalSeries;
  readonly importPriceTerms: readonly PriceTerm[];
  readonly exportPrice?: ExportPriceRule;
  readonly baseLoad?: SignalSeries;
  readonly pv?: SignalSeries;
  /** Demand-charge billing; absent = no demand charge. */
  readonly billing?: BillingRule;
  /** Peak already set in the first billing period before the period starts (kW). */
  readonly previousPeakKw: number;
  readonly priceVisibility: PriceVisibility;
  readonly controller: ControllerKnowledge;
  readonly assumptions: Assumptions;
  readonly physics: PhysicsModel;
  /** Notes on stated rules that fired (excluded sessions, raised capacities, ...). */
  readonly notes: readonly string[];
}
