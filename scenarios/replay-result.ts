/**
 * What a replay records: per slot, per session, per decision. Everything the KPIs, the CSV files and the
 * report are computed from. Powers in kW (averaged over the slot), energies in kWh, instants UTC epoch ms.
 */
import type { Network } from '../optimizer/network/network-schema.ts';
import type { WorkReport } from '../optimizer/work-limit.ts';
import type { PolicyName } from './policies.ts';
import type { ExcludedSession, ReplaySession } from './replay-session.ts';

/** One array entry per slot of the replay (length = slotCount). */
export interface SlotSeries {
  readonly startUtcMs: number[];
  /** Market (or tariff) price, site currency per kWh. */
  readonly marketPricePerKwh: number[];
  /** Import price including fees and taxes (site currency per kWh). */
  readonly importPricePerKwh: number[];
  readonly exportPricePerKwh: number[];
  readonly baseLoadKw: number[];
  readonly pvKw: number[];
  readonly pvCurtailedKw: number[];
  /** Sum of the vehicles' charging power (grid side, >= 0). */
  readonly fleetChargeKw: number[];
  /** Sum of the vehicles' discharging power (grid side, >= 0). */
  readonly fleetDischargeKw: number[];
  readonly importKw: number[];
  readonly exportKw: number[];
  readonly importLimitKw: number[];
  readonly exportLimitKw: number[];
  readonly pluggedVehicles: number[];
  /** What happened since the previous boundary: `slot`, `arrival`, `departure`, `price-update` (`;`-joined). */
  readonly triggers: string[];
  /** Wall time of the decision (ms, by the injected clock); undefined when nothing was plugged in. */
  readonly decisionMs: (number | undefined)[];
  /** Plan status of the decision, or `idle`. */
  readonly planStatus: string[];
  /** How the decision's plan was made where it is not the controller's usual plan (`Decision.planMade`), else ''. */
  readonly planMade: string[];
}

/** How one session went. */
export interface SessionOutcome {
  readonly session: ReplaySession;
  /** Battery energy when the vehicle unplugged (kWh). */
  readonly finalEnergyKwh: number;
  /** Grid-side energy charged and discharged over the stay (kWh). */
  readonly chargedKwh: number;
  readonly dischargedKwh: number;
  /** Lowest battery energy during the stay (kWh). */
  readonly lowestEnergyKwh: number;
  /** Slots in which discharging took the battery below its floor (reserve, or arrival energy if lower). */
  readonly reserveBreachSlots: number;
  /** Slots in which the vehicle drew less than its setpoint (taper or full battery). */
  readonly limitedSlots: number;
}

/** A billing period the replay touched, with the peak import reached in it (kW). */
export interface BilledPeriod {
  readonly key: string;
  readonly pricePerKw: number;
  /** Peak carried in from before the replay (kW). */
  readonly previousPeakKw: number;
  /** Highest import over the replay's slots in the period (kW). */
  readonly peakKw: number;
}

/** Everything one replay recorded; the input of the KPIs, the CSV files and the report. */
export interface ReplayResult {
  readonly policy: PolicyName;
  readonly scenarioName: string;
  readonly seed: number;
  readonly zone: string;
  readonly currency: string;
  readonly slotMinutes: number;
  /** Battery wear per kWh of throughput (site currency), from the scenario's assumptions. */
  readonly degradationCostPerKwh: number;
  readonly periodStartUtcMs: number;
  readonly periodEndUtcMs: number;
  readonly simulationEndUtcMs: number;
  readonly slots: SlotSeries;
  /** Average power per charger and slot (kW), for chargers that were ever used. */
  readonly chargerPowerKw: readonly { readonly chargerId: string; readonly powerKw: number[] }[];
  readonly sessions: readonly SessionOutcome[];
  readonly excluded: readonly ExcludedSession[];
  readonly billing: readonly BilledPeriod[];
  /** Decisions taken: wall times (ms, injected clock), solver-reported times (ms), statuses. */
  readonly decisions: {
    readonly count: number;
    readonly decisionMs: readonly number[];
    readonly solverMs: readonly number[];
    readonly statusCounts: Readonly<Record<string, number>>;
    /** The first few distinct solver messages. */
    readonly messages: readonly string[];
    /** Decisions per `Decision.planMade` (e.g. re-solved delivery first); only the ones that said how. */
    readonly planMadeCounts: Readonly<Record<string, number>>;
  };
  /** For `offline`: the plan's own cost and status, and the solver's bound, before the physics. */
  readonly offlinePlan?: {
    readonly netCost: number;
    /** Net cost + shortfall penalty of the plan (the solver's objective). */
    readonly objective: number;
    /** Proven lower bound of `objective` (LP relaxation; = objective when optimal); null when the solver gave none. */
    readonly bound: number | null;
    /** (objective - bound) / |bound| x 100; 0 when optimal. */
    readonly boundGapPct: number | null;
    /** objective - bound, in the objective's currency: the gap in money, beside the %; 0 when optimal. */
    readonly boundGap?: number | null;
    readonly status: string;
    /** Which candidate the plan is ('milp', 'lp-repair', ...: `PlanOrigin.source`); null for a reused plan. */
    readonly source?: string | null;
    /** How minimum currents were enforced ('milp' or 'repair'); null for a reused plan. */
    readonly integerStrategy?: string | null;
    /** Set when the wall-clock safety net stopped the solve: its time (ms, the solve's clock); the plan is then the best of its own. */
    readonly stoppedAfterMs?: number | null;
    /**
     * The solve's deterministic work budget, the work it spent (simplex iterations, MILP nodes: deterministic, so
     * kept with the results) and what stopped it (`reached`: a work limit, or `time` for the safety net); null for a
     * reused plan (no solve).
     */
    readonly work?: WorkReport | null;
    /** How the plan was made (e.g. the LP repair of minimum currents), from the solver. */
    readonly message: string | null;
    /** The offline solve's own wall-clock safety net (ms). */
    readonly timeLimitMs: number;
    /** `offlineReferenceLabel`: how the reference was made, for every output. */
    readonly label: string;
    /** Wall time of the one offline solve (ms, injected clock). */
    readonly elapsedMs: number;
  };
  readonly notes: readonly string[];
  /**
   * The site's capacity for the utilisation KPI (kW): the network transformer's rating (kVA at unity power
   * factor), else the tightest of the connection import limit and the transformer rating.
   */
  readonly capacityKw?: number;
  /** The site's three-phase network as the optimizer sees it (amps), for the network KPIs. */
  readonly network?: Network;
}
