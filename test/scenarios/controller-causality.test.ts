/**
 * What the controller knows, checked by its decisions rather than by its inputs:
 * - arrivals are unknown until they happen: removing every session that arrives after an instant leaves
 *   every decision before that instant unchanged, to the last bit;
 * - with `declared` departures the actual one is unknown: moving a vehicle's actual departure earlier leaves
 *   every decision before the new departure unchanged (while with `actual` departures it changes them).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import type { ReplayInputs } from '../../scenarios/replay-inputs.ts';
import type { ReplayResult } from '../../scenarios/replay-result.ts';
import { demoInputs, highsBackend } from './scenario-test-helpers.ts';

let backend: LpBackend;
beforeAll(async () => {
  backend = await highsBackend();
});

const slotMs = 15 * 60_000;
const mpc = (inputs: ReplayInputs) => runReplay(inputs, 'mpc', { solver: { backend }, clock: () => 0 });

/** What was done in the slots before `untilUtcMs`: site series and the power per charger. */
function actionsBefore(r: ReplayResult, untilUtcMs: number) {
  const n = r.slots.startUtcMs.filter((t) => t < untilUtcMs).length;
  return {
    slots: n,
    fleetChargeKw: r.slots.fleetChargeKw.slice(0, n),
    fleetDischargeKw: r.slots.fleetDischargeKw.slice(0, n),
    importKw: r.slots.importKw.slice(0, n),
    perCharger: Object.fromEntries(r.chargerPowerKw.map((c) => [c.chargerId, c.powerKw.slice(0, n)]).filter(([, p]) => (p as number[]).some((x) => x !== 0))),
  };
}

describe('arrivals are unknown until they happen', () => {
  it('MPC decides the same before an instant whether or not later sessions exist', () => {
    const all = demoInputs();
    const cut = Date.parse('2023-06-06T00:00:00+02:00');
    const early = { ...all, sessions: all.sessions.filter((s) => s.arrivalUtcMs < cut) };
    expect(early.sessions.length).toBeGreaterThan(0);
    expect(early.sessions.length).toBeLessThan(all.sessions.length);
    const firstLater = Math.min(...all.sessions.filter((s) => s.arrivalUtcMs >= cut).map((s) => s.arrivalUtcMs));
    const withAll = mpc(all);
    const withEarly = mpc(early);
    const before = actionsBefore(withAll, firstLater);
    expect(before.slots).toBeGreaterThan(90);
    expect(actionsBefore(withEarly, firstLater)).toEqual(before);
    // The later sessions do change what happens once they arrive (the comparison above is not vacuous).
    expect(withEarly.slots.fleetChargeKw).not.toEqual(withAll.slots.fleetChargeKw.slice(0, withEarly.slots.fleetChargeKw.length));
  });
});

describe('declared departures hide the actual one', () => {
  /** The demo under `departure`, and the same with session `id` leaving `hours` earlier than it really did. */
  function pair(departure: 'declared' | 'actual') {
    const inputs = demoInputs({ controller: { departure } });
    const s = [...inputs.sessions]
      .filter((x) => !x.declaredFromActual && x.departureUtcMs - x.arrivalUtcMs >= 6 * 3_600_000)
      .sort((a, b) => b.demandKwh - a.demandKwh || (a.id < b.id ? -1 : 1))[0]!;
    const leavesUtcMs = s.departureUtcMs - 3 * 3_600_000;
    const earlier = { ...inputs, sessions: inputs.sessions.map((x) => (x.id === s.id ? { ...x, departureUtcMs: leavesUtcMs } : x)) };
    // The comparison stops at the slot boundary before the earlier departure.
    const untilUtcMs = inputs.periodStartUtcMs + Math.floor((leavesUtcMs - inputs.periodStartUtcMs) / slotMs) * slotMs;
    return { original: mpc(inputs), earlier: mpc(earlier), untilUtcMs, arrivalUtcMs: s.arrivalUtcMs };
  }

  it('with declared departures, MPC decides the same until the vehicle really leaves', () => {
    const p = pair('declared');
    expect(p.untilUtcMs - p.arrivalUtcMs).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(actionsBefore(p.earlier, p.untilUtcMs)).toEqual(actionsBefore(p.original, p.untilUtcMs));
  });

  it('with actual departures, the controller knows and plans differently before it', () => {
    const p = pair('actual');
    expect(actionsBefore(p.earlier, p.untilUtcMs)).not.toEqual(actionsBefore(p.original, p.untilUtcMs));
  });
});
