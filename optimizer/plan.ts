/**
 * The plan: what every backend and baseline returns for a `Problem`. JSON-serialisable (plain arrays).
 */

/**
 * `optimal`: proven optimal (for a MILP, within the MIP gap). `feasible`: valid but not proven optimal (a
 * baseline, or a solver stopped early with an incumbent). `timed_out`: the time limit hit before any valid
 * plan; the plan holds a fallback (idle, or the best available) that still passed the validator.
 * `error`: the backend failed; the plan holds no power (all zero) and `message` says why.
 */
export type PlanStatus = 'optimal' | 'feasible' | 'timed_out' | 'error';

/** Who made a plan: an LP backend, the price decomposition (optimizer/decomposition/) or a baseline. */
export type Backend =
  | 'highs'
  | 'decomposition'
  | 'lp-solver'
  | 'uncontrolled'
  | 'alap'
  | 'edf'
  | 'llf'
  | 'round-robin'
  | 'price-greedy';

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
}
