/**
 * Arrival scenarios for a scenario MPC: whole past weeks replayed onto the present, car by car.
 *
 * The arrival forecast (arrival-forecast.ts) plans the *expected* arrivals: aggregates of fractional cars
 * that can absorb almost any plan, so a decision never sees the moment one full-power arrival meets two
 * earlier cars that still need full power, which is what sets the MPC's billing peak (scenarios/MPC.md).
 * A scenario here is one week of the replay's history (`arrivalHistory`, the days before the period; never
 * the period itself) shifted forward by a whole number of weeks: the same weekday and local hour, each
 * session one phantom vehicle with its own arrival, declared departure, demand and charger power. A
 * decision solves one LP per scenario and applies a combination of their first slots (policies.ts).
 */
import type { Vehicle } from '../optimizer/problem.ts';
import { phantomIdPrefix, type PhantomGrid } from './arrival-forecast.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import { chargerLimitKw, type ReplaySession } from './replay-session.ts';

const weekMs = 7 * 86_400_000;
const minuteMs = 60_000;

/** One scenario: the history's sessions moved forward by `shiftWeeks` weeks. */
export interface ArrivalScenario {
  /** Weeks the history is moved forward (1 = the week just before the period's week). */
  readonly shiftWeeks: number;
  /** The sessions, shifted (arrival and departures moved by `shiftWeeks` weeks; ids unchanged). */
  readonly sessions: readonly ReplaySession[];
}

/**
 * The scenarios of a replay: for k = 1..`weeks`, its `arrivalHistory` moved forward by k weeks (a shift by
 * whole weeks of UTC time: a daylight-saving change between the two weeks moves local times by an hour).
 * Weeks the history does not cover yield scenarios with fewer (or no) sessions in a given decision.
 */
export function weekShiftScenarios(inputs: ReplayInputs, weeks: number): ArrivalScenario[] {
  const h = inputs.arrivalHistory;
  const out: ArrivalScenario[] = [];
  for (let k = 1; k <= weeks; k++) {
    const shift = k * weekMs;
    out.push({
      shiftWeeks: k,
      sessions: h.sessions
        .filter((s) => s.arrivalUtcMs >= h.fromUtcMs && s.arrivalUtcMs < Math.min(h.toUtcMs, inputs.periodStartUtcMs))
        .map((s) => ({ ...s, arrivalUtcMs: s.arrivalUtcMs + shift, departureUtcMs: s.departureUtcMs + shift, declaredDepartureUtcMs: s.declaredDepartureUtcMs + shift })),
    });
  }
  return out;
}

/**
 * The phantom vehicles of `scenario` for a decision: every session arriving in slot 1 or later of the horizon
 * (the cars of slot 0 are the ones plugged in now), empty, wanting its demand by its declared departure
 * (possibly after the horizon) at its charger's power. Ids `forecast:w<k>:<session id>`, sorted by arrival.
 */
export function scenarioPhantoms(scenario: ArrivalScenario, grid: PhantomGrid): Vehicle[] {
  const slotMs = grid.slotMinutes * minuteMs;
  const out: Vehicle[] = [];
  for (const s of scenario.sessions) {
    const arrivalSlot = Math.ceil((s.arrivalUtcMs - grid.horizonStartUtcMs) / slotMs);
    const departureSlot = Math.floor((s.declaredDepartureUtcMs - grid.horizonStartUtcMs) / slotMs);
    if (arrivalSlot < 1 || arrivalSlot >= grid.slotCount || departureSlot <= arrivalSlot || s.demandKwh <= 0) continue;
    out.push({
      id: `${phantomIdPrefix}w${scenario.shiftWeeks}:${s.id}`,
      chargerId: `${phantomIdPrefix}${s.charger.id}`,
      arrivalSlot,
      departureSlot,
      energyKwh: 0,
      capacityKwh: s.demandKwh,
      targetEnergyKwh: s.demandKwh,
      maxChargeKw: chargerLimitKw(s.charger),
      chargeEfficiency: grid.chargeEfficiency,
    });
  }
  return out.sort((a, b) => a.arrivalSlot - b.arrivalSlot || (a.id < b.id ? -1 : 1));
}
