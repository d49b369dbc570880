/**
 * The replay's view of a charging session and of a charger: real instants from the data, and the battery
 * the scenario's assumptions give it.
 */

/**
 * A charger (EVSE). Its charge limit is `min(maxPowerKw, maxCurrentA x voltageV x phases / 1000)` (kW).
 */
export interface ChargerSpec {
  readonly id: string;
  readonly maxPowerKw?: number;
  readonly ac?: { readonly maxCurrentA: number; readonly minCurrentA?: number; readonly phases: 1 | 2 | 3; readonly voltageV: number };
  readonly canDischarge: boolean;
  /** kW; defaults to the charge limit when the charger can discharge. */
  readonly maxDischargeKw?: number;
  /** The site model did not list it; created by the `auto-create` rule. */
  readonly autoCreated: boolean;
}

/** The charge limit of a charger (kW). */
export function chargerLimitKw(c: ChargerSpec): number {
  const acKw = c.ac ? (c.ac.maxCurrentA * c.ac.voltageV * c.ac.phases) / 1000 : Infinity;
  return Math.min(c.maxPowerKw ?? Infinity, acKw);
}

/** The discharge limit of a charger (kW, 0 when it cannot discharge). */
export function chargerDischargeLimitKw(c: ChargerSpec): number {
  return c.canDischarge ? c.maxDischargeKw ?? chargerLimitKw(c) : 0;
}

/** A session as read from the data, before any assumption (instants in UTC epoch ms). */
export interface SourceSession {
  readonly id: string;
  readonly chargerId: string;
  readonly arrivalUtcMs: number;
  /** Actual unplug time; > arrivalUtcMs. */
  readonly departureUtcMs: number;
  /** The driver's announced departure; undefined when the driver gave none. */
  readonly declaredDepartureUtcMs: number | undefined;
  /** Energy delivered in reality (kWh). */
  readonly deliveredKwh: number;
  /** Energy the driver asked for (kWh); undefined when none. */
  readonly requestedKwh: number | undefined;
  /** 1-based line of the data file, for messages (0 for generated sessions). */
  readonly line: number;
}

/**
 * A session ready to replay. Energies are in the battery (kWh): the target is `initialEnergyKwh +
 * demandKwh`, the reserve is what discharge never goes below.
 *
 * Invariants: `arrivalUtcMs < departureUtcMs`; `0 <= reserveEnergyKwh`; `initialEnergyKwh <=
 * targetEnergyKwh <= capacityKwh`.
 */
export interface ReplaySession {
  readonly id: string;
  readonly charger: ChargerSpec;
  readonly arrivalUtcMs: number;
  readonly departureUtcMs: number;
  /** What the driver announced, or the actual departure when no announcement exists. */
  readonly declaredDepartureUtcMs: number;
  /** True when the data had no announced departure (the actual one stands in). */
  readonly declaredFromActual: boolean;
  readonly capacityKwh: number;
  readonly initialEnergyKwh: number;
  readonly targetEnergyKwh: number;
  readonly reserveEnergyKwh: number;
  /** Energy to add (kWh) = target - initial. */
  readonly demandKwh: number;
  /** The battery drawn was too small for the demand below `maxTargetSocPct` and was enlarged. */
  readonly capacityRaised: boolean;
  /** The driver opted in and the charger can discharge. */
  readonly v2gAllowed: boolean;
  readonly line: number;
}

/** A session left out of the replay, and why (reported in run.json and sessions.csv). */
export interface ExcludedSession {
  readonly id: string;
  readonly chargerId: string;
  readonly reason: string;
  readonly line: number;
}
