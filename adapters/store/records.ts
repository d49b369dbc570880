/**
 * What the store keeps: site state, sessions, signals, dispatches and plans, as plain JSON-serialisable
 * records (a Redis store will hold the same shapes). Instants are UTC epoch ms; powers kW; energies kWh.
 * Records are immutable once stored: a change is a new record.
 */
import type { SiteNetwork } from '../../grid/site-network.ts';
import type { Plan } from '../../optimizer/plan.ts';
import type { Problem } from '../../optimizer/problem.ts';
import type { ForecastFill } from '../../grid/forecast-fallback.ts';
import type { SignalSeries } from '../../grid/signal-series.ts';
import type { CapacityLimit, SiteLimits } from '../../grid/site-limits.ts';
import type { SlotGrid } from '../../grid/slot-grid.ts';
import type { DroppedVehicle } from '../../grid/vehicle-at-instants.ts';

/** An AC charger limit: current per phase (W = A x V x phases). */
export interface AcLimitRecord {
  readonly maxCurrentA: number;
  /** IEC 61851 minimum when charging at all (6 A). */
  readonly minCurrentA?: number;
  readonly phases: 1 | 2 | 3;
  /** Phase-to-neutral voltage (V). */
  readonly voltageV: number;
}

/** A charger (EVSE) of a site. At least one of `maxPowerKw` and `ac` is set; both = the tighter applies. */
export interface ChargerRecord {
  readonly id: string;
  readonly maxPowerKw?: number;
  readonly ac?: AcLimitRecord;
  /** Hardware and protocol allow discharge (V2G). */
  readonly canDischarge: boolean;
  /** Discharge limit (kW); default the charge limit. */
  readonly maxDischargeKw?: number;
}

/** A fee or tax on the energy price (a subset of grid/price-terms.ts: constant per-kWh or percent). */
export type SitePriceTerm =
  | { readonly name: string; readonly kind: 'per-kwh'; readonly pricePerKwh: number }
  | { readonly name: string; readonly kind: 'percent'; readonly percent: number };

/** How the site buys energy. */
export interface TariffRecord {
  /** `market`: import price from the site's price signals; `time-of-use`: from `timeOfUse`. */
  readonly energyPrice: 'market' | 'time-of-use';
  /** A TOU tariff in the acnportal format (grid/tariff.ts), prices in the site currency. */
  readonly timeOfUse?: object;
  /** Network fees and taxes added to the energy price (grid/price-terms.ts). */
  readonly priceTerms?: readonly SitePriceTerm[];
  /** Demand charge per kW of peak import in the local calendar month. */
  readonly demandCharge?: { readonly pricePerKw: number; readonly previousPeakKw?: number };
}

/**
 * Which id tokens (OCPP 1.6 idTag, 2.x idToken.idToken: RFID cards, app tokens) may charge at a site.
 * Tokens are compared case-insensitively (OCPP CiString); each is 1..36 printable ASCII characters, no
 * two equal ignoring case (adapters/service/id-token-policy.ts).
 */
export interface SiteAuthorizationRecord {
  /** Only these are Accepted; any other token is Invalid. Empty = no token may charge. */
  readonly idTokens: readonly string[];
}

/** A re-plan schedule: cron in the site's time zone. */
export interface ScheduleRecord {
  readonly cron: string;
  readonly description?: string;
}

export interface SiteRecord {
  readonly id: string;
  readonly name: string;
  /** IANA zone. */
  readonly timeZone: string;
  /** ISO 4217. */
  readonly currency: string;
  readonly slotMinutes: number;
  readonly connectionImportKw: number;
  /** Omitted = no export agreed. */
  readonly connectionExportKw?: number;
  readonly transformerRatingKw?: number;
  readonly chargers: readonly ChargerRecord[];
  /** Three-phase network: every charger in a group on a line pair, breakers, the transformer (grid/site-network.ts). */
  readonly network?: SiteNetwork;
  readonly tariff: TariffRecord;
  readonly shortfallPenaltyPerKwh?: number;
  readonly replanSchedules: readonly ScheduleRecord[];
  /** Id-token policy for the site's chargers; omitted = every token is Accepted. */
  readonly authorization?: SiteAuthorizationRecord;
  readonly createdAtUtcMs: number;
  readonly updatedAtUtcMs: number;
  /** Assigned by the store: 1 on the first put, +1 on every put (store-conflict.ts). */
  readonly revision: number;
}

/** A vehicle plugged in (or announced) at a charger. Exactly one of each energy pair is set. */
export interface SessionRecord {
  readonly id: string;
  readonly siteId: string;
  readonly chargerId: string;
  readonly vehicleId?: string;
  readonly arrivalUtcMs: number;
  /** Declared departure. */
  readonly departureUtcMs: number;
  readonly capacityKwh: number;
  readonly energyKwh?: number;
  readonly socPercent?: number;
  /** When the energy / state of charge was read. */
  readonly measuredAtUtcMs: number;
  readonly targetEnergyKwh?: number;
  readonly targetSocPercent?: number;
  /** Reserve never discharged below (%). */
  readonly minSocPercent?: number;
  /** The owner allows discharge (V2G). */
  readonly v2gConsent: boolean;
  /** Battery wear per kWh of throughput (charged + discharged), in the site currency; default 0. */
  readonly degradationCostPerKwh?: number;
  readonly createdAtUtcMs: number;
  readonly updatedAtUtcMs: number;
  /** Assigned by the store: 1 on the first put, +1 on every put (store-conflict.ts). */
  readonly revision: number;
}

/** The signal series a site keeps. `site-meter`: metered net import at the connection point (kW, negative = export), for M&V only. */
export type SignalKind = 'import-price' | 'export-price' | 'base-load' | 'pv' | 'site-meter';
export const signalKinds: readonly SignalKind[] = ['import-price', 'export-price', 'base-load', 'pv', 'site-meter'];

/** A capacity limit from a signal (e.g. an OpenADR 3 event), with the document it came from. */
export interface StoredCapacityLimit extends CapacityLimit {
  /** Replaced as a whole when the same origin is posted again, e.g. `openadr3:event-17`. */
  readonly origin: string;
}

/**
 * A site's signals. Series are normalised at upload: prices to `<currency>/kWh`, loads and PV to `kW`
 * (energy per interval becomes its average power).
 */
export interface SiteSignalsRecord {
  readonly series: Partial<Record<SignalKind, SignalSeries>>;
  readonly capacityLimits: readonly StoredCapacityLimit[];
  readonly updatedAtUtcMs?: number;
  /** Assigned by the store: 0 while none were posted, +1 on every put (store-conflict.ts). */
  readonly revision: number;
}

export type DispatchKind = 'import-limit' | 'export-delivery';

/** One slot of a dispatch acknowledgement. */
export interface DispatchAckSlot {
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  readonly requestedKw: number;
  /** Import (for a limit) or export (for a delivery) in the plan (kW). */
  readonly plannedKw: number;
  readonly met: boolean;
}

/** What the site can actually do for a dispatch, from the plan made with it. */
export interface DispatchAck {
  readonly planId: string;
  readonly acknowledgedAtUtcMs: number;
  readonly fulfilment: 'full' | 'partial' | 'none';
  readonly message: string;
  readonly slots: readonly DispatchAckSlot[];
  /** The part of the window after the plan's horizon (planned when the horizon reaches it). */
  readonly beyondHorizonFromUtcMs?: number;
  /** Energy the plan leaves missing at departures, over all sessions (kWh). */
  readonly shortfallKwh: number;
}

/** One slot of a plan as M&V reads it (kW): net grid import, the rest of the site, each charger. */
export interface PlanSnapshotSlot {
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  /** Import minus export. */
  readonly netKw: number;
  /** Base load minus PV (after curtailment). */
  readonly siteLoadKw: number;
  /** Power per charger (+ charging); chargers not listed = 0. */
  readonly chargerKw: Readonly<Record<string, number>>;
}

/** A plan's slots over a dispatch window, kept with the dispatch (plan history is trimmed; M&V must not be). */
export interface PlanSnapshot {
  readonly planId: string;
  readonly createdAtUtcMs: number;
  /**
   * How the plan was made, in one line: its solver status and message, and its coordination when a portfolio planned
   * it (plan-snapshot.ts). Absent in snapshots stored before session 15.
   */
  readonly howMade?: string;
  readonly slots: readonly PlanSnapshotSlot[];
}

export interface DispatchRecord {
  readonly id: string;
  readonly siteId: string;
  readonly kind: DispatchKind;
  /** The import limit, or the export power to deliver (kW). */
  readonly powerKw: number;
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  readonly reference?: string;
  readonly status: 'active' | 'cancelled';
  /** Token name that created it (audit). */
  readonly requestedBy: string;
  readonly createdAtUtcMs: number;
  readonly cancelledAtUtcMs?: number;
  readonly acknowledgement?: DispatchAck;
  /** The plan in force when the dispatch arrived, over its window (absent: the site had no plan yet). */
  readonly baseline?: PlanSnapshot;
  /** The plan made with the dispatch (its acknowledgement's plan), over its window. */
  readonly plannedWith?: PlanSnapshot;
  /** Assigned by the store: 1 on the first put, +1 on every put (store-conflict.ts). */
  readonly revision: number;
}

/** A reward added to prices in a delivery window so the optimizer exports (adapters/service/dispatch-incentive.ts). */
export interface DispatchIncentive {
  readonly dispatchId: string;
  readonly rewardPerKwh: number;
  readonly slots: readonly number[];
}

/** A range of the horizon where a forecast was completed by an assumption (grid/forecast-fallback.ts). */
export interface ForecastFillRecord {
  readonly signal: 'export-price' | 'base-load' | 'pv';
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  readonly rule: ForecastFill['rule'];
}

/** Why the horizon ends where it does (plans from before forecasts were completed may name a forecast). */
export type HorizonLimit = 'configured-horizon' | SignalKind;

/** A plan with the problem it solves, so it can be explained later. */
export interface PlanRecord {
  readonly id: string;
  readonly siteId: string;
  readonly createdAtUtcMs: number;
  readonly jobId: string;
  /** What triggered the re-plan (merged when debounced). */
  readonly reasons: readonly string[];
  readonly grid: SlotGrid;
  readonly horizonLimitedBy: HorizonLimit;
  /** The problem as solved (dispatch incentives included). */
  readonly problem: Problem;
  /** Prices without incentives, per slot. */
  readonly importPricePerKwh: readonly number[];
  readonly exportPricePerKwh: readonly number[];
  readonly incentives: readonly DispatchIncentive[];
  readonly plan: Plan;
  readonly limits: SiteLimits;
  readonly droppedSessions: readonly DroppedVehicle[];
  readonly dispatchIds: readonly string[];
  /** Where forecasts were completed by an assumption (absent in records written before this existed). */
  readonly forecastFills?: readonly ForecastFillRecord[];
  /**
   * Sessions whose charger cannot follow profiles (OCPP `unmanaged`): planned as uncontrolled load at
   * their charger's power, not as vehicles (absent in records written before this existed).
   */
  readonly uncontrolledSessions?: readonly UncontrolledSessionRecord[];
  /** Made by a portfolio coordination, or re-planned alone at its prices (absent: planned alone). */
  readonly coordination?: PlanCoordination;
}

/**
 * How a site plan took part in its portfolio's plan (adapters/service/portfolio-plan-worker.ts): the
 * feeder price added to its prices and its share of the shared limits, per slot of the plan. `problem`
 * then holds the priced problem as solved; `siteObjective` is the plan's cost at the site's own prices.
 */
export interface PlanCoordination {
  readonly portfolioId: string;
  readonly portfolioPlanId: string;
  /** `coordinated`: solved in the portfolio's coordination; `warm-replan`: re-planned alone at its stored prices within its share. */
  readonly mode: 'coordinated' | 'warm-replan';
  /** The adder per slot the plan was made at: the feeder prices x the portfolio plan's `sitePriceFactor` (1 unless aggregate-first). */
  readonly priceAdderPerKwh: readonly number[];
  /** kW per slot; Infinity = none; a negative import cap = must export that much. */
  readonly importCapKw: readonly number[];
  readonly exportCapKw: readonly number[];
  readonly siteObjective: number;
  readonly note: string;
}

/** A session planned as uncontrolled load (adapters/service/uncontrolled-load.ts). */
export interface UncontrolledSessionRecord {
  readonly sessionId: string;
  readonly chargerId: string;
  readonly powerKw: number;
  readonly energyKwh: number;
  readonly reason: string;
}

/** The outcome of the latest re-plan attempt of a site. */
export interface PlanAttempt {
  readonly atUtcMs: number;
  readonly jobId: string;
  readonly ok: boolean;
  readonly planId?: string;
  readonly code?: string;
  readonly message?: string;
  /** More attempts will follow (a retry is scheduled). */
  readonly willRetry?: boolean;
}

/** Which plan is in force and how the last attempt went. */
export interface SitePlanState {
  readonly currentPlanId?: string;
  readonly lastAttempt?: PlanAttempt;
  /** The last attempt that produced a plan. */
  readonly lastSuccessUtcMs?: number;
}
