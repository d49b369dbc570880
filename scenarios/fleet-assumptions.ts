/**
 * What the data lacks, drawn per session from seeded distributions: battery capacity, initial state of
 * charge, V2G opt-in. Each session draws from its own stream (`battery/<session id>`), so its battery does
 * not depend on which other sessions are replayed.
 *
 * Rules (stated in scenarios/README.md):
 * - the recorded demand is `kwh_delivered` (what the charger's meter counted), or with `energyDemand:
 *   'requested'` the driver's `kwh_requested` (falling back to `kwh_delivered` when the driver gave none);
 *   the battery must gain that times the planner's charge efficiency, so charging it draws exactly the
 *   recorded kWh from the grid;
 * - capacity and initial SoC are drawn; if initial + demand exceeds `maxTargetSocPct` of the capacity, the
 *   initial SoC is lowered (not below 5 %); if the demand still does not fit, the battery is enlarged to
 *   demand / (`maxTargetSocPct` - 5 %) and flagged `capacityRaised`;
 * - target = initial + demand; reserve = `reserveSocPct` of the capacity;
 * - V2G is allowed when the driver opted in (probability `v2gOptInShare`) and the charger can discharge;
 * - the declared departure is the driver's announcement, or the actual departure when there is none.
 */
import { draw, randomStream } from './random.ts';
import type { ChargerSpec, ReplaySession, SourceSession } from './replay-session.ts';
import type { Assumptions } from './scenario-schema.ts';

/** Lowest initial SoC the fitting rule goes down to (fraction). */
export const minInitialSoc = 0.05;

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** The replay session of a source session at `charger`, under the scenario's assumptions and `seed`. */
export function applyAssumptions(s: SourceSession, charger: ChargerSpec, a: Assumptions, seed: number): ReplaySession {
  const random = randomStream(seed, `battery/${s.id}`);
  let capacityKwh = Math.max(1, draw(a.batteryCapacityKwh, random));
  const soc = Math.min(1, Math.max(0, draw(a.initialSocPct, random) / 100));
  const optedIn = random() < a.v2gOptInShare;
  const meteredKwh = a.energyDemand === 'requested' ? s.requestedKwh ?? s.deliveredKwh : s.deliveredKwh;
  const demandKwh = meteredKwh * a.chargeEfficiency;
  const maxTarget = a.maxTargetSocPct / 100;
  let capacityRaised = false;
  let initial = soc * capacityKwh;
  if (initial + demandKwh > maxTarget * capacityKwh) initial = maxTarget * capacityKwh - demandKwh;
  if (initial < minInitialSoc * capacityKwh) {
    if (demandKwh > (maxTarget - minInitialSoc) * capacityKwh) {
      capacityKwh = demandKwh / (maxTarget - minInitialSoc);
      capacityRaised = true;
    }
    initial = minInitialSoc * capacityKwh;
  }
  const initialEnergyKwh = round(initial);
  const targetEnergyKwh = round(Math.min(capacityKwh, initialEnergyKwh + demandKwh));
  return {
    id: s.id,
    charger,
    arrivalUtcMs: s.arrivalUtcMs,
    departureUtcMs: s.departureUtcMs,
    declaredDepartureUtcMs: s.declaredDepartureUtcMs ?? s.departureUtcMs,
    declaredFromActual: s.declaredDepartureUtcMs === undefined,
    capacityKwh: round(capacityKwh),
    initialEnergyKwh,
    targetEnergyKwh,
    reserveEnergyKwh: round((a.reserveSocPct / 100) * capacityKwh),
    demandKwh: round(targetEnergyKwh - initialEnergyKwh),
    capacityRaised,
    v2gAllowed: optedIn && charger.canDischarge,
    line: s.line,
  };
}
