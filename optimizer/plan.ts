/**
 * The plan: what every backend and baseline returns for a `Problem`. JSON-serialisable (plain arrays).
 */
import type { WorkReport } from './work-limit.ts';

/**
 * `optimal`: proven optimal (for a MILP, within the MIP gap). `feasible`: valid but not proven optimal (a
 * baseline, or the LP repair). `timed_out`: the time budget (or a work budget: `stats.work`) ran out before the solver finished; the plan is
 * the cheapest valid plan found by then (`origin` says which: a repaired or rounded LP answer, or a
 * baseline). `error`: the backend failed; the plan is the cheapest valid baseline (or all idle) and
 * `message` says why. Every plan, whatever its status, passed the independent validator.
 */
export type PlanStatus = 'optimal' | 'feasible' | 'timed_out' | 'error';

/** Who made a plan: an LP backend, the price decomposition (optimizer/decomposition/) or a baseline. */
export type Backend =
  | 'highs'
  | 'decomposition'
  | 'lp-solver'
  | 'clp'
  | 'uncontrolled'
  | 'alap'
  | 'edf'
  | 'llf'
  | 'round-robin'
  | 'price-greedy';

/** Why a vehicle leaves short (see optimizer/shortfall-reasons.ts). */
export interface ShortfallReason {
  /**
   * `own-limit`: its own charger and stay cannot deliver the target; `site-limit`: the site import limit
   * (dispatch limits included) or a network current limit was used up wherever it could have charged more;
   * `price`: an optimised plan found more charging dearer than the shortfall penalty; `strategy`: a plan
   * that does not optimise cost (a baseline, a rounded LP answer) left room.
   */
  readonly kind: 'own-limit' | 'site-limit' | 'price' | 'strategy';
  /** One sentence with the numbers (kWh, slots, prices). */
  readonly detail: string;
}

/** One vehicle's schedule. */
export interface VehiclePlan {
  readonly id: string;
  readonly chargerId: string;
  /** Power per slot (kW, length slotCount): positive charges, negative discharges, 0 when not plugged in. */
  readonly powerKw: number[];
  /** Battery energy at each slot boundary (kWh, length slotCount + 1); constant outside the stay. */
  readonly energyKwh: number[];
  /** Energy missing at departure (or at the horizon end, for a later departure) against the target (kWh). */
  readonly shortfallKwh: number;
  /** Present exactly when `shortfallKwh` > 1e-6: why the vehicle is short. */
  readonly shortfallReason?: ShortfallReason;
}

/** The site's grid connection per slot. */
export interface SitePlan {
  /** Import from the grid per slot (kW, >= 0). */
  readonly importKw: number[];
  /** Export to the grid per slot (kW, >= 0); import and export are never both positive in one slot. */
  readonly exportKw: number[];
  /** Import above the import limit that no plan could avoid (base load alone over the limit), per slot (kW). */
  readonly importExcessKw: number[];
  /** Export above the export limit that no plan could avoid (PV alone over the limit), per slot (kW). */
  readonly exportExcessKw: number[];
  /** PV turned down per slot (kW, 0..pvKw): to keep export within its limit, or where its energy is worth less than nothing. */
  readonly pvCurtailedKw: number[];
  /** Highest import over the slots the demand charge covers, including the earlier peak (kW). */
  readonly peakImportKw: number;
}

/** Money in the problem's currency. `netCost` = energy - exportRevenue + demandCharge + degradation. */
export interface CostBreakdown {
  readonly energyCost: number;
  readonly exportRevenue: number;
  /** Demand charge this plan adds: pricePerKw x (peak - previous peak), never negative. */
  readonly demandCharge: number;
  readonly degradationCost: number;
  readonly netCost: number;
  readonly shortfallKwh: number;
  readonly shortfallPenalty: number;
  /** Import or export above the limits that could not be avoided (kWh). */
  readonly limitExcessKwh: number;
  /** netCost + shortfallPenalty + the penalty on limit excess: what the optimiser minimises. */
  readonly objective: number;
}

/** How a plan was made. Times are wall-clock ms; rows and columns are those of the last model built. */
export interface SolverStats {
  readonly backend: Backend;
  readonly buildMs: number;
  readonly solveMs: number;
  readonly rows: number;
  readonly columns: number;
  readonly iterations: number;
  /** Integer variables added (minimum power, no simultaneous charge and discharge); 0 for a pure LP. */
  readonly integerColumns: number;
  /** LP/MILP solves made (1 = the plain LP sufficed; more = repair or lazy MILP rounds). */
  readonly rounds: number;
  /** Objective of the LP relaxation: a proven lower bound on the optimum (absent for baselines). */
  readonly relaxationObjective?: number;
  /** How stored energy entered the monolithic model (optimizer/energy-rows.ts): per-slot energy columns or prefix-sum rows. */
  readonly energyForm?: 'chain' | 'prefix';
  /**
   * Set when the first LP started from the basis of an earlier solve on the same thread of a model with the
   * same structure (`SolveOptions.warmStart`, optimizer/warm-basis.ts); absent for a cold start.
   */
  readonly warmStart?: 'basis';
  /** Rows holding the vehicles' charge tapers (`Vehicle.chargeTaper`, optimizer/taper-rows.ts): taper-aware planning; absent when none. */
  readonly taperRows?: number;
  /** With a work budget (`SolveOptions.workLimit`, work-limit.ts): the budget, the work spent and what stopped the solve; absent otherwise. */
  readonly work?: WorkReport;
}

/**
 * Which kind of candidate a returned plan is: `lp` (the LP relaxation's answer, already conflict-free),
 * `milp` (the exact lazy MILP), `lp-repair` (the LP repair, finished), `lp-rounded` (an LP answer with mode
 * conflicts made feasible by rounding low powers and netting directions: the plain LP, or the repair
 * stopped mid-way by the budget), `baseline` (see `PlanOrigin.baseline`), `idle` (nothing else was valid).
 */
export type PlanSource = 'lp' | 'milp' | 'lp-repair' | 'lp-rounded' | 'baseline' | 'idle' | 'decomposition';

/** One valid candidate a solve considered. */
export interface PlanCandidate {
  readonly source: PlanSource;
  /** The baseline's name when `source` is `baseline`. */
  readonly baseline?: string;
  /** Its `cost.objective`. */
  readonly objective: number;
}

/**
 * How an LP-backend plan was chosen: the candidate returned, its objective, the best lower bound known and
 * the gap between them, and whether the time budget ran out. Invariant: `objective` is the least objective
 * of all valid `candidates` (a plan never costs more than one the solve had found), up to 1e-9 relative.
 */
export interface PlanOrigin extends PlanCandidate {
  /** Best proven lower bound on the optimum (LP relaxation, duality-corrected with a network); absent when none is known. */
  readonly bound?: number;
  /** objective - bound (>= 0 up to solver tolerances); absent without a bound. */
  readonly gap?: number;
  /** 100 x gap / |bound| (percent); absent without a bound or when |bound| < 1e-9. */
  readonly gapPct?: number;
  /** The budget ran out before the solver finished (then the plan's status is `timed_out`). */
  readonly timedOut: boolean;
  /** The whole solve's wall-clock budget (ms). */
  readonly timeLimitMs: number;
  /** Time the solve took, as measured by its clock (ms). */
  readonly elapsedMs: number;
  /** Every valid candidate considered, cheapest first. */
  readonly candidates: readonly PlanCandidate[];
}

/** A schedule for every vehicle, the site flows it implies and what it costs; see `PlanStatus`. */
export interface Plan {
  readonly status: PlanStatus;
  readonly message?: string;
  readonly slotCount: number;
  readonly slotHours: number;
  readonly currency: string;
  readonly vehicles: VehiclePlan[];
  readonly site: SitePlan;
  readonly cost: CostBreakdown;
  readonly stats: SolverStats;
  /** Which candidate this plan is and how close to the bound (plans from LP backends and their fallbacks). */
  readonly origin?: PlanOrigin;
}
