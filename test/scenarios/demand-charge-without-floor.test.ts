/**
 * The rule of scenarios/demand-charge-without-floor.ts (issue 16, session 12): `mpc-events` prices the billing peak with
 * `horizon-share` only where the billing-peak estimate gives a floor; a replay without history (or with a 0 kW estimate)
 * is planned with the full demand charge, as before issue 13's session 11, and its notes and sweep row say so.
 * Metamorphic, on the generated demo (two June days, 3.75 EUR/kW a month: a 24 h horizon covers about 1/25 of the
 * month's rest): the same replay with its history removed plans exactly as `demandCharge: 'full'` does, and differently
 * from the shipped options without the rule; with its history it plans exactly as without the rule.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { peakEstimateOf } from '../../scenarios/billing-peak-estimate.ts';
import { demandChargeTreatmentOf, estimateGivesNoFloor, isWithoutFloorNote, withoutFloorNote } from '../../scenarios/demand-charge-without-floor.ts';
import { eventTriggeredController, mpcEventsOptions } from '../../scenarios/event-mpc.ts';
import type { MpcOptions } from '../../scenarios/policies.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import type { ReplayInputs } from '../../scenarios/replay-inputs.ts';
import type { ReplaySession } from '../../scenarios/replay-session.ts';
import { runSweepTask } from '../../scenarios/sweep-task.ts';
import { applySweepValue } from '../../scenarios/sweep-plan.ts';
import { scenarioDataFiles } from '../../scenarios/scenario-parse.ts';
import { readRealData } from '../grid/grid-test-data.ts';
import { demoInputs, highsBackend, realScenarioMissingLocally, shipped, steppingClock } from './scenario-test-helpers.ts';

const hourMs = 3_600_000;
const withHistory = (inputs: ReplayInputs, sessions: readonly ReplaySession[]): ReplayInputs => ({ ...inputs, arrivalHistory: { ...inputs.arrivalHistory, sessions } });
/** The shipped options without this session's rule (main after issue 13, session 11). */
const withoutRule: MpcOptions = { ...mpcEventsOptions, peakEstimate: { form: 'estimate', quantile: 0.5 } };
const fullCharge: MpcOptions = { ...mpcEventsOptions, demandCharge: 'full' };

describe('the demand-charge treatment without a billing-peak floor', () => {
  let backend: LpBackend;
  let demo: ReplayInputs;
  let none: ReplayInputs;
  beforeAll(async () => {
    backend = await highsBackend();
    demo = demoInputs();
    none = withHistory(demo, []);
  }, 60_000);

  const replay = (inputs: ReplayInputs, options: MpcOptions) =>
    runReplay(inputs, 'mpc-events', { solver: { backend }, clock: () => 0, controller: eventTriggeredController(inputs, { backend }, options) });

  it('is full without history and horizon-share with a floor; the shipped rule says so', () => {
    expect(mpcEventsOptions.demandCharge).toBe('horizon-share');
    expect(mpcEventsOptions.peakEstimate?.withoutFloor).toBe('full');
    expect(peakEstimateOf(demo, mpcEventsOptions.peakEstimate!).estimateKw).toBeGreaterThan(0);
    expect(demandChargeTreatmentOf(demo, mpcEventsOptions)).toBe('horizon-share');
    expect(withoutFloorNote(demo, mpcEventsOptions)).toBeUndefined();
    expect(demandChargeTreatmentOf(none, mpcEventsOptions)).toBe('full');
    expect(withoutFloorNote(none, mpcEventsOptions)).toMatch(/^no billing history: full demand charge \(no session in the 28 days before the period, so the billing-peak estimate gives no floor;/);
    // Without the rule, or when the rule names the MPC's own treatment, nothing changes and no note is added.
    expect(demandChargeTreatmentOf(none, withoutRule)).toBe('horizon-share');
    expect(withoutFloorNote(none, withoutRule)).toBeUndefined();
    expect(withoutFloorNote(none, { demandCharge: 'full', peakEstimate: { form: 'estimate', quantile: 0.5, withoutFloor: 'full' } })).toBeUndefined();
  });

  it('also applies when the history has sessions but too few days with one for a floor (0 kW)', () => {
    // One session on the last day of the 28: the median day has none.
    const from = demo.arrivalHistory.toUtcMs - 24 * hourMs;
    const sparse = withHistory(demo, [{ arrivalUtcMs: from + 8 * hourMs, departureUtcMs: from + 12 * hourMs, demandKwh: 20 } as unknown as ReplaySession]);
    const e = peakEstimateOf(sparse, mpcEventsOptions.peakEstimate!);
    expect(e.sessions).toBe(1);
    expect(estimateGivesNoFloor(e)).toBe(true);
    expect(demandChargeTreatmentOf(sparse, mpcEventsOptions)).toBe('full');
    expect(withoutFloorNote(sparse, mpcEventsOptions)).toMatch(/^billing-peak estimate 0 kW: full demand charge \(1 sessions in 28 days of history, too few days with one,/);
  });

  it('without history plans exactly as the full demand charge, and not as horizon-share (the rule is what changed the plan)', () => {
    const shippedRun = replay(none, mpcEventsOptions);
    const full = replay(none, fullCharge);
    const share = replay(none, withoutRule);
    expect(shippedRun.slots.importKw).toEqual(full.slots.importKw);
    // The horizon share prices the month's peak at ~1/25: the demo's decisions then raise it.
    expect(Math.max(...share.slots.importKw)).toBeGreaterThan(Math.max(...shippedRun.slots.importKw) + 1);
    expect(shippedRun.notes.filter(isWithoutFloorNote)).toHaveLength(1);
    expect(share.notes.some(isWithoutFloorNote)).toBe(false);
  }, 120_000);

  it('with a floor plans exactly as without the rule', () => {
    expect(replay(demo, mpcEventsOptions).slots.importKw).toEqual(replay(demo, withoutRule).slots.importKw);
  }, 120_000);

});

describe.skipIf(realScenarioMissingLocally('caltech-2019-03-aggregate'))('a sweep row of the Caltech March 2019 sweep (no history before March)', () => {
  it("names the full demand charge in its solver column and notes", { timeout: 120_000 }, async () => {
    const backend = await highsBackend();
    const scenario = { ...shipped('caltech-2019-03-aggregate'), period: { start: '2019-03-01T00:00:00-08:00', end: '2019-03-02T00:00:00-08:00' } };
    const texts = new Map(scenarioDataFiles(scenario).map((f) => [f.path, readRealData(f.path)]));
    const run = runSweepTask({ index: 0, scenarioName: scenario.name, value: 40, seed: 1, policy: 'mpc-events', scenario: applySweepValue(scenario, 'capacity', 40) }, texts, { backend }, 'highs', steppingClock());
    expect(run.provenance.solver).toMatch(/, billing-peak estimate \(no billing history: full demand charge\)(;|$)/);
    expect(run.provenance.notes.some((n) => n.startsWith('no billing history: full demand charge (no session in the 28 days before the period'))).toBe(true);
  });
});
