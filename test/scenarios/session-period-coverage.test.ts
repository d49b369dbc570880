/**
 * A scenario whose sessions file has no session arriving in the period replays nothing: it is refused
 * (V2G_ERR_SCENARIO_PERIOD, naming /period and the file's own range) instead of producing an empty run.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../scenarios/errors.ts';
import { loadReplayInputs } from '../../scenarios/load-replay-inputs.ts';
import { readScenario } from '../../scenarios/scenario-parse.ts';
import { shippedJson } from './scenario-test-helpers.ts';

const header = 'session_id,space_id,connection_time_utc,disconnect_time_utc,kwh_delivered,kwh_requested,requested_departure_utc';
const csv = [
  header,
  's1,dc-01,2021-08-09T15:00:00Z,2021-08-09T23:30:00Z,7.5,,',
  's2,dc-02,2021-08-10T16:00:00Z,2021-08-10T20:00:00Z,4.0,,',
].join('\n');

/** The generated demo (5-7 June 2023, Brussels) reading its sessions from `sessions.csv`. */
function demoOnCsv(period: { start: string; end: string }) {
  const s = structuredClone(shippedJson('generated-demo')) as Record<string, any>;
  s.data.sessions = { kind: 'acn-csv', path: 'sessions.csv', chargerColumn: 'space_id' };
  s.period = period;
  return readScenario(s);
}

describe('sessions file against the period', () => {
  it('refuses a period in which no session of the file arrives, naming /period and the file range', () => {
    try {
      loadReplayInputs(demoOnCsv({ start: '2023-06-05T00:00:00+02:00', end: '2023-06-07T00:00:00+02:00' }), new Map([['sessions.csv', csv]]));
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      const err = e as ScenarioError;
      expect(err.code).toBe('V2G_ERR_SCENARIO_PERIOD');
      expect(err.issues.map((i) => i.path)).toEqual(['/period']);
      expect(err.message).toContain('sessions.csv');
      expect(err.message).toContain('2021-08-09T15:00:00Z');
      expect(err.message).toContain('2021-08-10T16:00:00Z');
    }
  });

  it('replays the sessions that do arrive in the period', () => {
    const inputs = loadReplayInputs(demoOnCsv({ start: '2021-08-09T00:00:00+02:00', end: '2021-08-10T00:00:00+02:00' }), new Map([['sessions.csv', csv]]));
    expect(inputs.sessions.map((s) => s.id)).toEqual(['s1']);
  });
});
