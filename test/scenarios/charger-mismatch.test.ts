import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../scenarios/errors.ts';
import { demoInputs } from './scenario-test-helpers.ts';

describe('a scenario whose chargers match no session', () => {
  it('is V2G_ERR_SCENARIO_CHARGERS naming the ids on both sides, not a run of 0 sessions', () => {
    let error: unknown;
    try {
      demoInputs({ site: { chargers: [{ ids: ['x-01', 'x-02'], maxPowerKw: 11, canDischarge: false }] } } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const e = error as ScenarioError;
    expect(e.code).toBe('V2G_ERR_SCENARIO_CHARGERS');
    expect(e.issues[0]!.path).toBe('/site/chargers');
    expect(e.message).toMatch(/the sessions use ac-01, ac-02, ac-03, ac-04, dc-01 and 3 more/);
    expect(e.message).toMatch(/the scenario has x-01, x-02/);
  });

  it('a partial match still replays, with the unmatched sessions in the notes', () => {
    const inputs = demoInputs({ site: { chargers: [{ ids: ['dc-01', 'x-02'], maxPowerKw: 11, canDischarge: false }] } } as never);
    expect(inputs.sessions.length).toBeGreaterThan(0);
    expect(inputs.notes.some((n) => n.includes('unknown-charger'))).toBe(true);
  });
});
