/**
 * What coordinating a portfolio produces: its plans (the coordinator's answer, with each site's share) and
 * its dispatches (a utility's request to the whole portfolio, split over the sites). A port beside
 * PortfolioStore (MemoryPortfolioRuns here, RedisPortfolioRuns): the portfolio definitions stay there.
 *
 * Contract: `getLatestPlan` answers the last plan put for the portfolio (undefined before any);
 * `putDispatch` replaces the dispatch of that id; `listDispatches` is in first-put order. Records come back
 * deep-frozen. Last writer wins: dispatches are written by the route (create, cancel) and by the
 * portfolio job (split, outcome), which re-reads before it writes.
 */
import { deepFreeze } from './deep-freeze.ts';
import type { LagrangianSite } from '../../optimizer/portfolio/lagrangian-bound.ts';

/** One slot of a portfolio plan: the sum of the sites' plans against the shared limits. */
export interface PortfolioPlanSlot {
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  /** Sum of the sites' planned net import (kW; negative = export). */
  readonly netImportKw: number;
  /** The tightest shared import limit (kW; Infinity = none) and where it comes from (`feeder`, a window, `dispatch <id>`, `none`). */
  readonly importLimitKw: number;
  readonly importLimitSource: string;
  readonly exportLimitKw: number;
  readonly exportLimitSource: string;
  /** Feeder price of the slot's net import (per kWh): what the coordination settled on. */
  readonly priceAdderPerKwh: number;
}

/** A site's part of a portfolio plan. */
export interface PortfolioSiteShareRecord {
  readonly siteId: string;
  /** The site plan stored from this coordination. */
  readonly planId: string;
  readonly planStatus: string;
  /** Its own cost (its prices, without the feeder price). */
  readonly objective: number;
  /** Planned net import per slot (kW). */
  readonly netImportKw: readonly number[];
  /** Its share of the shared limits per slot (kW; Infinity = none; a negative import cap = must export). */
  readonly importCapKw: readonly number[];
  readonly exportCapKw: readonly number[];
}

/** How a coordination's site solves ran: in the coordinating process, or as children of BullMQ flows. */
export interface PortfolioSiteSolves {
  readonly mode: 'in-process' | 'bullmq-flow' | 'vehicle-columns';
  /** Flows (one per round of site solves; 0 in process). */
  readonly flows: number;
  readonly childJobs: number;
  /** Child jobs per worker process that solved them. */
  readonly byWorker: Readonly<Record<string, number>>;
  /** Chosen site plans stored as their solve made them (no site solved again); absent in records before session 10. */
  readonly plansCarried?: number;
  /** Chosen site plans solved once more to be stored (the flow's old final round, or a kept plan that expired). */
  readonly plansResolved?: number;
  /** Resident site models (PORTFOLIO_SITE_MODELS=resident): site answers by how they were made; absent when cold. */
  readonly resident?: { readonly warm: number; readonly first: number; readonly cold: number; /** First solves that replaced a model of the site's earlier problem (session 16). */ readonly replaced?: number };
  /**
   * Where the CPU went (ms, process CPU of the worker processes, `process.cpuUsage`, all threads): during the flow
   * children's solves (one at a time per process), keeping their plans (gzip + SET), and the coordinator taking and
   * checking the chosen plans (MGET + gunzip + parse + the validator). Absent in records before session 11.
   */
  readonly cpuMs?: { readonly childSolves: number; readonly keepPlans: number; readonly takeAndCheck: number };
  /** The above in words. */
  readonly summary: string;
}

/** A coordinated plan of a portfolio (optimizer/portfolio/coordinate.ts), as stored. */
/** One site's part of a Lagrangian bound, as the coordinator made it (optimizer/portfolio/lagrangian-bound.ts). */
export type PortfolioBoundSite = LagrangianSite;

/** Which bound a plan reports and why (aggregate-first: the relaxation's or the Lagrangian one, per site). */
export interface PortfolioBoundDetail {
  /** `none`: no certified bound (an interior-point price step whose duals gave none, and no uncapped round beat it). */
  readonly kind: 'relaxation' | 'lagrangian' | 'none';
  /** One sentence: which bound, and the sites without a proven bound of their own and why (PortfolioBoundSite.reason). */
  readonly note: string;
  /** The uncapped round's Lagrangian value (whether or not it was kept), and its parts by site. */
  readonly lagrangianValue?: number;
  readonly sites?: readonly PortfolioBoundSite[];
}

export interface PortfolioPlanRecord {
  readonly id: string;
  readonly portfolioId: string;
  readonly createdAtUtcMs: number;
  readonly jobId: string;
  readonly reasons: readonly string[];
  readonly startUtcMs: number;
  readonly slotMs: number;
  readonly status: 'optimal' | 'feasible' | 'limit-breached';
  /**
   * Sites whose solve hit its time limit: each keeps the best valid plan it had by then, within its share
   * (adapters/service/portfolio-site-outcomes.ts), with the solver's message. Absent when none (and in older plans).
   */
  readonly timedOutSites?: readonly { readonly siteId: string; readonly message: string }[];
  readonly method: 'price-iterate' | 'cap-recovery' | 'vehicle-columns' | 'site-columns' | 'aggregate-first';
  readonly stopReason: string;
  readonly objective: number;
  /** Certified lower bound (-Infinity: none) and (objective - bound) / max(1, |objective|). */
  readonly bound: number;
  readonly gap: number;
  /** How the bound was made, where the coordinator says it (aggregate-first); absent in older plans and other methods. */
  readonly boundDetail?: PortfolioBoundDetail;
  readonly iterations: number;
  readonly solves: number;
  /** Wall time of the coordination (ms). */
  readonly wallMs: number;
  /** Where the site solves ran (`one worker process, solver pool of N threads`). */
  readonly solvedOn: string;
  /** How the site solves ran (absent in plans stored before it was recorded). */
  readonly siteSolves?: PortfolioSiteSolves;
  /**
   * aggregate-first only (absent otherwise and in plans stored before session 14): which price step solved the
   * aggregate LP (optimizer/portfolio/price-step.ts), what PORTFOLIO_PRICE_STEP asked and why (auto's rule), the
   * LP's algorithm, status and solve time, the plan's bound kind and, for an interior point without crossover, how
   * its bound was made.
   */
  readonly priceStep?: {
    readonly step: string;
    readonly asked: string;
    readonly why: string;
    readonly lpSolver: 'simplex' | 'ipm' | 'ipm-crossover' | 'decomposed';
    readonly status: string;
    readonly solveMs: number;
    readonly boundKind: 'relaxation' | 'lagrangian' | 'none';
    readonly boundNote?: string;
    /** The decomposed step (session 15): its rounds, the threads that solved the sites' relaxations, and where its first prices came from (`zero`, or `warm: ...` with the first round's bound). */
    readonly rounds?: number;
    readonly threads?: number;
    readonly warmStart?: string;
  };
  readonly slots: readonly PortfolioPlanSlot[];
  /**
   * The share of the feeder prices (`slots[].priceAdderPerKwh`) at which the sites' plans were made within their
   * caps: aggregate-first's capped price factor (PORTFOLIO_CAPPED_PRICE_FACTOR, issue 17 session 15). Absent = 1 (the
   * other methods, an aggregate-first plan handed over to site columns, and plans stored before session 16). A
   * one-site re-plan (adapters/service/portfolio-warm-replan.ts) plans at the same share.
   */
  readonly sitePriceFactor?: number;
  readonly sites: readonly PortfolioSiteShareRecord[];
  readonly breaches: readonly { readonly slot: number; readonly direction: 'import' | 'export'; readonly excessKw: number; readonly reason: string }[];
  /** Members not planned (deleted, no usable input), with why: their share is not in the sums. */
  readonly excludedSites: readonly { readonly siteId: string; readonly reason: string }[];
  /** Portfolio dispatches split by this coordination. */
  readonly dispatchIds: readonly string[];
}

export type PortfolioDispatchKind = 'import-limit' | 'reduce' | 'export';

/** One site's share of a portfolio dispatch: its own site dispatch. */
export interface SiteShareDispatch {
  readonly siteId: string;
  readonly dispatchId: string;
  readonly kind: 'import-limit' | 'export-delivery';
  readonly powerKw: number;
  readonly startUtcMs: number;
  readonly endUtcMs: number;
}

/** One slot of a portfolio dispatch's outcome. */
export interface PortfolioDispatchSlot {
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  /** In the dispatch's terms: the import limit, the reduction, the export (kW). */
  readonly requestedKw: number;
  readonly plannedKw: number;
  /** The bound on the portfolio's net import this asks for, and the sum planned (kW). */
  readonly netImportLimitKw: number;
  readonly plannedNetImportKw: number;
  readonly met: boolean;
  readonly reason?: string;
  /** Sites that carry the slot: their share (a bound on their net import) and their plan. */
  readonly sites: readonly { readonly siteId: string; readonly shareNetImportKw: number; readonly plannedNetImportKw: number }[];
}

export interface PortfolioDispatchOutcome {
  readonly portfolioPlanId: string;
  /** How that portfolio plan was made, in one line (coordination, status, gap, timed-out sites); absent before session 15. */
  readonly planHowMade?: string;
  readonly fulfilment: 'full' | 'partial' | 'none';
  readonly message: string;
  readonly slots: readonly PortfolioDispatchSlot[];
  readonly siteDispatches: readonly SiteShareDispatch[];
  /** Members that joined after the split: they carry no share. */
  readonly sitesWithoutShare: readonly string[];
}

export interface PortfolioDispatchRecord {
  readonly id: string;
  readonly portfolioId: string;
  readonly kind: PortfolioDispatchKind;
  readonly powerKw: number;
  readonly startUtcMs: number;
  readonly endUtcMs: number;
  readonly reference?: string;
  /** pending: waiting for its split; planned: split and planned; failed: the split failed (see `failure`). */
  readonly status: 'pending' | 'planned' | 'failed' | 'cancelled';
  readonly requestedBy: string;
  readonly createdAtUtcMs: number;
  readonly cancelledAtUtcMs?: number;
  /** Members when it arrived. */
  readonly siteIds: readonly string[];
  /** Sum of the members' plans in force when it arrived, per slot (kW; null = a member had no plan there). */
  readonly baseline: readonly { readonly startUtcMs: number; readonly netImportKw: number | null }[];
  readonly outcome?: PortfolioDispatchOutcome;
  readonly failure?: { readonly code: string; readonly message: string; readonly atUtcMs: number };
  /** Why it was split again (e.g. a site carrying a share was removed). */
  readonly resplits?: readonly string[];
}

export interface PortfolioRuns {
  putPlan(plan: PortfolioPlanRecord): Promise<void>;
  getLatestPlan(portfolioId: string): Promise<PortfolioPlanRecord | undefined>;
  putDispatch(dispatch: PortfolioDispatchRecord): Promise<PortfolioDispatchRecord>;
  getDispatch(portfolioId: string, dispatchId: string): Promise<PortfolioDispatchRecord | undefined>;
  listDispatches(portfolioId: string): Promise<PortfolioDispatchRecord[]>;
}

export class MemoryPortfolioRuns implements PortfolioRuns {
  private readonly plans = new Map<string, PortfolioPlanRecord>();
  private readonly dispatches = new Map<string, Map<string, PortfolioDispatchRecord>>();

  async putPlan(plan: PortfolioPlanRecord) {
    this.plans.set(plan.portfolioId, deepFreeze(structuredClone(plan)));
  }

  async getLatestPlan(portfolioId: string) {
    return this.plans.get(portfolioId);
  }

  async putDispatch(dispatch: PortfolioDispatchRecord) {
    const frozen = deepFreeze(structuredClone(dispatch));
    let of = this.dispatches.get(dispatch.portfolioId);
    if (!of) this.dispatches.set(dispatch.portfolioId, (of = new Map()));
    of.set(dispatch.id, frozen);
    return frozen;
  }

  async getDispatch(portfolioId: string, dispatchId: string) {
    return this.dispatches.get(portfolioId)?.get(dispatchId);
  }

  async listDispatches(portfolioId: string) {
    return [...(this.dispatches.get(portfolioId)?.values() ?? [])];
  }
}
