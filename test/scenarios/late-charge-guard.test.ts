/**
 * The late-charge guard of `mpc-events` (mpc-regularisers.ts `withLateChargeGuard`). Without it the MPC defers a
 * vehicle's last kWh past a price step into the final slots of its stay; a car it could not foresee then arrives on
 * the same line, the line cannot serve both at full power, and a vehicle leaves short where LLF (which charged
 * the first car at once) delivers everything: the mechanism that left `mpc-events` 0.01-1.5 kWh below LLF on the
 * Caltech network at 45-80 kVA (bench/RESULTS.md, issue 16, session 7). With the guard the first car is charged
 * before its tail, at the dearer price, and nothing is lost.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import type { Problem } from '../../optimizer/problem.ts';
import { eventTriggeredController, mpcEventsOptions } from '../../scenarios/event-mpc.ts';
import { computeKpis } from '../../scenarios/kpis.ts';
import { withLateChargeGuard } from '../../scenarios/mpc-regularisers.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import type { ReplayInputs } from '../../scenarios/replay-inputs.ts';
import type { ReplaySession } from '../../scenarios/replay-session.ts';
import { demoInputs, demoNetwork, highsBackend } from './scenario-test-helpers.ts';

const hourMs = 3_600_000;

/**
 * Two single-phase 11 kW chargers on line a of a 40 kVA transformer (58 A: one car at full power, not two). Car A
 * is plugged from 12:00 to 19:00 and needs 10 kWh (an hour at full power); car B arrives at 18:00, unforeseen, and
 * needs 9.5 kWh by 19:00 (the whole hour at nearly full power). Energy costs 0.35 per kWh before 18:00, 0.25 after.
 */
function lineShareInputs(): ReplayInputs {
  const base = demoInputs({ site: { network: demoNetwork(40) }, controller: { departure: 'actual' } } as never);
  const day = base.periodStartUtcMs;
  const charger = (id: string) => base.sessions.find((s) => s.charger.id === id)!.charger;
  const session = (id: string, chargerId: string, fromH: number, toH: number, demandKwh: number): ReplaySession => ({
    id,
    charger: charger(chargerId),
    arrivalUtcMs: day + fromH * hourMs,
    departureUtcMs: day + toH * hourMs,
    declaredDepartureUtcMs: day + toH * hourMs,
    declaredFromActual: true,
    capacityKwh: 60,
    initialEnergyKwh: 20,
    targetEnergyKwh: 20 + demandKwh,
    reserveEnergyKwh: 10,
    demandKwh,
    capacityRaised: false,
    v2gAllowed: false,
    line: 0,
  });
  const step = day + 18 * hourMs;
  return {
    ...base,
    sessions: [session('A', 'dc-01', 12, 19, 10), session('B', 'dc-02', 18, 19, 9.5)],
    excluded: [],
    marketPrice: {
      unit: 'EUR/kWh',
      intervals: [
        { startUtcMs: day, endUtcMs: step, value: 0.3 },
        { startUtcMs: step, endUtcMs: base.simulationEndUtcMs, value: 0.2 },
      ],
    },
    priceVisibility: { kind: 'perfect' },
    baseLoad: undefined,
    pv: undefined,
    exportPrice: undefined,
    billing: undefined,
  } as ReplayInputs;
}

let backend: LpBackend;
beforeAll(async () => {
  backend = await highsBackend();
}, 120_000);

describe('the late-charge guard', () => {
  const inputs = lineShareInputs();
  const delivered = (r: ReturnType<typeof runReplay>) => computeKpis(r).energyDeliveredKwh;

  it('mpc-events delivers what LLF delivers when a car it could not foresee takes the line in the last hour', () => {
    const llf = runReplay(inputs, 'llf', { clock: () => 0 });
    const mpc = runReplay(inputs, 'mpc-events', { solver: { backend }, clock: () => 0 });
    expect(delivered(llf)).toBeCloseTo(19.5, 6);
    expect(computeKpis(mpc).networkViolationSlots).toBe(0);
    expect(delivered(mpc)).toBeGreaterThanOrEqual(delivered(llf) - 1e-6);
  });

  it('without the guard the same planner defers car A past the price step and a car leaves short (the mechanism)', () => {
    const controller = eventTriggeredController(inputs, { backend }, { ...mpcEventsOptions, lateChargeGuardHours: 0 });
    const unguarded = runReplay(inputs, 'mpc-events', { solver: { backend }, clock: () => 0, controller });
    expect(delivered(unguarded)).toBeLessThan(19.5 - 1);
  });
});
