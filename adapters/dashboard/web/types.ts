/**
 * The shapes the dashboard reads from the service. Where the server's view module is free of Node (its types
 * compile for the browser), the shape is imported from it with `import type` (erased: no server code reaches
 * the bundle); the rest (the page and overview as assembled by dashboard-views.ts, which needs the service
 * context, and the charger delivery view, whose module types reach Node's Buffer) are stated here and checked
 * against what the server builds by test/adapters/dashboard/web-view-types.check.ts (root typecheck).
 */
import type { dispatchView } from '../../http/views/dispatch-view.ts';
import type { flexibilityView } from '../../http/views/flexibility-view.ts';
import type { planView } from '../../http/views/plan-view.ts';
import type { CostComparison } from '../cost-comparison.ts';
import type { DispatchSummary } from '../dispatch-summary.ts';
import type { PortfolioSummary } from '../portfolio-summary.ts';
import type { ReplanDiff } from '../replan-diff.ts';
import type { VehicleRow } from '../vehicle-timeline.ts';

export type { CostComparison, DispatchSummary, PortfolioSummary, ReplanDiff, VehicleRow };

/** The plan in force as the API shows it, without its per-vehicle arrays (the vehicle rows carry them). */
export type PlanView = Omit<ReturnType<typeof planView>, 'vehicles'>;
export type SiteSlot = PlanView['site']['slots'][number];
export type Dispatch = ReturnType<typeof dispatchView>;
export type FlexSlot = ReturnType<typeof flexibilityView>['slots'][number];

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

/** The overview's cost comparison carries the horizon it covers. */
export type OverviewCost = CostComparison & { readonly horizonStart?: string; readonly horizonEnd?: string };

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
  readonly cost: OverviewCost | null;
}

export interface Overview {
  readonly at: string;
  readonly portfolios: readonly PortfolioSummary[];
  readonly sites: readonly SiteSummary[];
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

export interface SitePage {
  readonly at: string;
  readonly site: { readonly id: string; readonly name: string; readonly timeZone: string; readonly currency: string; readonly slotMinutes: number; readonly connection: { readonly importLimitKw: number; readonly exportLimitKw?: number } };
  readonly plan: PlanView | null;
  readonly nowSlot: number | null;
  readonly fleet: Fleet | null;
  readonly billingPeak: { readonly peakImportKw: number; readonly demandChargePerKw: number | null; readonly previousPeakKw: number | null; readonly meaning: string } | null;
  readonly vehicles: readonly VehicleRow[];
  readonly delivery: { readonly summary: DeliverySummary; readonly chargers: readonly ChargerDelivery[] };
  readonly dispatches: readonly DispatchSummary[];
  readonly flexibility: { readonly explanation: string; readonly slots: readonly FlexSlot[] } | null;
  readonly cost: CostComparison | null;
  readonly lastReplan: ReplanDiff | null;
}

export interface Fleet {
  readonly chargeKw: readonly number[];
  readonly dischargeKw: readonly number[];
}
