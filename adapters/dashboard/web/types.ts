/** The shapes the dashboard reads from the service (adapters/dashboard/dashboard-views.ts and the API's views). */
export type { PortfolioSummary } from '../portfolio-summary.ts';
import type { PortfolioSummary } from '../portfolio-summary.ts';

export interface Problem {
  readonly status: number;
  readonly code?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly errors?: readonly { readonly pointer: string; readonly detail: string }[];
}

export interface Me {
  readonly name: string;
  readonly scopes: readonly string[];
}

export interface CostComparison {
  readonly planNetCost: number;
  readonly uncontrolledNetCost: number;
  readonly savings: number;
  readonly planShortfallKwh: number;
  readonly uncontrolledShortfallKwh: number;
  readonly basis: string;
  readonly horizonStart?: string;
  readonly horizonEnd?: string;
}

export interface DeliverySummary {
  readonly chargers: number;
  readonly connected: number;
  readonly applied: number;
  readonly notApplied: number;
  readonly pending: number;
  readonly unknown: number;
}

export interface SiteSummary {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly currency: string;
  readonly importLimitKw: number;
  readonly now: { readonly slotStart: string; readonly importKw: number; readonly exportKw: number; readonly importLimitKw: number; readonly importLimitSource: string } | null;
  readonly vehicles: { readonly plugged: number; readonly sessions: number };
  readonly chargers: DeliverySummary;
  readonly activeDispatches: number;
  readonly plan: { readonly id: string; readonly createdAt: string; readonly solver: string; readonly freshness: string; readonly message?: string } | null;
  readonly cost: CostComparison | null;
}

export interface Overview {
  readonly at: string;
  readonly portfolios: readonly PortfolioSummary[];
  readonly sites: readonly SiteSummary[];
}

export interface SiteSlot {
  readonly start: string;
  readonly end: string;
  readonly importKw: number;
  readonly exportKw: number;
  readonly netKw: number;
  readonly baseLoadKw: number;
  readonly pvKw: number;
  readonly pvCurtailedKw: number;
  readonly importLimitKw: number;
  readonly importLimitSource: string;
  readonly exportLimitKw: number;
  readonly exportLimitSource: string;
  readonly importPricePerKwh: number;
  readonly exportPricePerKwh: number;
}

export interface PlanView {
  readonly id: string;
  readonly createdAt: string;
  readonly status: { readonly solver: string; readonly freshness: string; readonly inForce: boolean; readonly message?: string };
  readonly trigger: readonly string[];
  readonly horizon: { readonly start: string; readonly end: string; readonly slotMinutes: number; readonly slotCount: number; readonly limitedBy: string };
  readonly currency: string;
  readonly cost: { readonly netCost: number; readonly shortfallKwh: number; readonly demandCharge: number; readonly energyCost: number; readonly exportRevenue: number };
  readonly solver: { readonly backend: string; readonly solveMs: number; readonly rounds: number };
  readonly site: { readonly peakImportKw: number; readonly slots: readonly SiteSlot[] };
  readonly forecastFills: readonly { readonly signal: string; readonly start: string; readonly end: string; readonly rule: string }[];
  readonly droppedSessions: readonly { readonly sessionId: string; readonly reason: string; readonly message: string }[];
}

export interface VehicleRow {
  readonly sessionId: string;
  readonly chargerId: string;
  readonly vehicleId?: string;
  readonly arrival: string;
  readonly departure: string;
  readonly capacityKwh: number;
  readonly plugSlots?: { readonly from: number; readonly to: number };
  readonly powerKw: readonly number[];
  readonly socPct: readonly number[];
  readonly targetSocPct?: number;
  readonly departureSocPct?: number;
  readonly v2gConsent: boolean;
  readonly v2gPlanned: boolean;
  readonly shortfallKwh: number;
  readonly reason?: string;
  readonly planned: 'planned' | 'dropped' | 'after-plan';
}

export interface DeliveryState {
  readonly status: string;
  readonly code?: string;
  readonly message?: string;
  readonly attempts: number;
  readonly nextRetryAt?: string;
  readonly at: string;
  readonly planId?: string;
}

export interface ChargerDelivery {
  readonly chargerId: string;
  readonly chargePointId: string;
  readonly evseId: number;
  readonly link?: { readonly connected: boolean; readonly version?: string; readonly since: string; readonly reason?: string };
  readonly delivery?: DeliveryState;
}

export interface Dispatch {
  readonly id: string;
  readonly kind: string;
  readonly powerKw: number;
  readonly start: string;
  readonly end: string;
  readonly reference?: string;
  readonly status: string;
  readonly requestedBy: string;
  readonly acknowledgement: { readonly state: string; readonly fulfilment?: string; readonly message: string };
}

export interface FlexSlot {
  readonly start: string;
  readonly plannedNetKw: number;
  readonly upKw: number;
  readonly downKw: number;
}

export interface ReplanDiff {
  readonly planId: string;
  readonly createdAt: string;
  readonly triggers: readonly string[];
  readonly solver: string;
  readonly previousPlanId?: string;
  readonly previousCreatedAt?: string;
  readonly netCostChange?: number;
  readonly shortfallKwhChange?: number;
  readonly peakImportKwChange?: number;
  readonly vehiclesAdded: readonly string[];
  readonly vehiclesRemoved: readonly string[];
  readonly vehiclesChanged: number;
  readonly dispatchesAdded: readonly string[];
  readonly dispatchesRemoved: readonly string[];
  readonly failedAttempt?: { readonly at: string; readonly code?: string; readonly message?: string; readonly willRetry?: boolean };
}

export interface SitePage {
  readonly at: string;
  readonly site: { readonly id: string; readonly name: string; readonly timeZone: string; readonly currency: string; readonly slotMinutes: number; readonly connection: { readonly importLimitKw: number; readonly exportLimitKw?: number } };
  readonly plan: PlanView | null;
  readonly nowSlot: number | null;
  readonly fleet: Fleet | null;
  readonly billingPeak: { readonly peakImportKw: number; readonly demandChargePerKw: number | null; readonly previousPeakKw: number | null; readonly meaning: string } | null;
  readonly vehicles: readonly VehicleRow[];
  readonly delivery: { readonly summary: DeliverySummary; readonly chargers: readonly ChargerDelivery[] };
  readonly dispatches: readonly Dispatch[];
  readonly flexibility: { readonly explanation: string; readonly slots: readonly FlexSlot[] } | null;
  readonly cost: CostComparison | null;
  readonly lastReplan: ReplanDiff | null;
}

export interface Fleet {
  readonly chargeKw: readonly number[];
  readonly dischargeKw: readonly number[];
}
