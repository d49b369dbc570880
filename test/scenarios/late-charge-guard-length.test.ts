/**
 * The length of `mpc-events`' late-charge guard (issue 13, session 13; scenarios/MPC.md, "The late-charge guard's length").
 * Over a stay's last 2 h the guard covered most of a short morning stay (the Caltech week's first Monday: 2.6 h from
 * 08:50 to 11:26), so the plan put that car's energy into its first 36 minutes at the same time as two long stays at
 * full power, and the billing peak rose to 17.63 kW (the exact offline of seeds 6, 7 and 9 holds the whole week at
 * 15.54 kW). Over the last hour it spreads the car over the stay. Real data (skipped locally when the files are
 * missing, failing under CI).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { eventTriggeredController, eventsLateChargeGuardHours, mpcEventsOptions, sessionTwelveEventsOptions } from '../../scenarios/event-mpc.ts';
import { computeKpis } from '../../scenarios/kpis.ts';
import { isLateChargeGuardNote } from '../../scenarios/mpc-regularisers.ts';
import type { MpcOptions } from '../../scenarios/policies.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import type { ReplayInputs } from '../../scenarios/replay-inputs.ts';
import { highsBackend, realInputs, realScenarioMissingLocally } from './scenario-test-helpers.ts';

/** The first Monday of the Caltech week at its nominal limit, batteries drawn with `seed`. */
const monday = (seed: number): ReplayInputs =>
  realInputs('caltech-week', (s) => ({
    ...s,
    period: { start: '2021-08-09T00:00:00-07:00', end: '2021-08-10T00:00:00-07:00' },
    assumptions: { ...s.assumptions, seed },
  }));

describe.skipIf(realScenarioMissingLocally('caltech-week'))("mpc-events' late-charge guard covers each stay's last hour", () => {
  let backend: LpBackend;
  beforeAll(async () => {
    backend = await highsBackend();
  }, 120_000);

  const events = (inputs: ReplayInputs, options: MpcOptions) =>
    runReplay(inputs, 'mpc-events', { solver: { backend }, clock: () => 0, controller: eventTriggeredController(inputs, { backend }, options) });

  it('is 1 h, and the run says so', () => {
    expect(eventsLateChargeGuardHours).toBe(1);
    expect(mpcEventsOptions.lateChargeGuardHours).toBe(eventsLateChargeGuardHours);
    const notes = events(monday(9), mpcEventsOptions).notes.filter(isLateChargeGuardNote);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/each stay's last 1 h/);
  }, 120_000);

  it.each([1, 7, 9])("holds the first Monday's billing peak at least 0.5 kW below the 2 h guard's, delivering as much (seed %i)", (seed) => {
    const inputs = monday(seed);
    const now = computeKpis(events(inputs, mpcEventsOptions));
    const before = computeKpis(events(inputs, sessionTwelveEventsOptions()));
    expect(now.peakImportKw).toBeLessThan(before.peakImportKw - 0.5);
    expect(now.energyDeliveredKwh).toBeGreaterThanOrEqual(before.energyDeliveredKwh - 1e-6);
    expect(now.netCost).toBeLessThan(before.netCost);
  }, 120_000);
});
