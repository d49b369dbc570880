import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { parseAcnSessions } from '../../scenarios/acn-sessions.ts';
import { ScenarioError } from '../../scenarios/errors.ts';
import { alignInstant, alignSession } from '../../scenarios/session-time-alignment.ts';
import { generateSessions } from '../../scenarios/session-generator.ts';
import { matchChargers } from '../../scenarios/site-chargers.ts';
import { readRealData, realDataMissingLocally } from '../grid/grid-test-data.ts';
import { demoScenario, shipped } from './scenario-test-helpers.ts';

const header = 'session_id,site_id,cluster_id,station_id,space_id,user_id,timezone,connection_time_utc,disconnect_time_utc,done_charging_time_utc,kwh_delivered,n_user_inputs,kwh_requested,miles_requested,wh_per_mile,minutes_available,requested_departure_utc,user_input_modified_at_utc,payment_required,acn_record_id';
const row = (id: string, space: string, from: string, to: string, kwh: string, requested = '', declared = '') =>
  `${id},0002,0039,st-${space},${space},u1,America/Los_Angeles,${from},${to},,${kwh},1,${requested},,,,${declared},,true,rec`;

describe('ACN-Data sessions CSV', () => {
  it('reads sessions with their charger, instants and energies', () => {
    const text = [header, row('s1', 'CA-303', '2021-08-09T15:00:00Z', '2021-08-09T23:30:00Z', '7.5', '20', '2021-08-10T00:00:00Z'), row('s2', '11900388', '2021-08-09T16:00:00Z', '2021-08-09T16:40:00Z', '30.1')].join('\n');
    const sessions = parseAcnSessions(text, 'space_id');
    expect(sessions).toEqual([
      { id: 's1', chargerId: 'CA-303', arrivalUtcMs: Date.parse('2021-08-09T15:00:00Z'), departureUtcMs: Date.parse('2021-08-09T23:30:00Z'), declaredDepartureUtcMs: Date.parse('2021-08-10T00:00:00Z'), deliveredKwh: 7.5, requestedKwh: 20, line: 2 },
      { id: 's2', chargerId: '11900388', arrivalUtcMs: Date.parse('2021-08-09T16:00:00Z'), departureUtcMs: Date.parse('2021-08-09T16:40:00Z'), declaredDepartureUtcMs: undefined, deliveredKwh: 30.1, requestedKwh: undefined, line: 3 },
    ]);
    expect(parseAcnSessions(text, 'station_id')[0]!.chargerId).toBe('st-CA-303');
  });

  it('reports every bad row by line (V2G_ERR_SCENARIO_DATA)', () => {
    const text = [header, row('s1', 'CA-303', '2021-08-09 15:00:00', '2021-08-09T23:30:00Z', '7.5'), row('s2', 'CA-304', '2021-08-09T16:00:00Z', '2021-08-09T15:00:00Z', 'x')].join('\n');
    try {
      parseAcnSessions(text, 'space_id');
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      const err = e as ScenarioError;
      expect(err.code).toBe('V2G_ERR_SCENARIO_DATA');
      expect(err.issues.map((i) => i.line)).toEqual([2, 3, 3]);
      expect(err.message).toContain('connection_time_utc');
      expect(err.message).toContain('kwh_delivered');
    }
  });

  it('names the missing columns', () => {
    expect(() => parseAcnSessions('session_id,space_id\ns1,CA-1\n', 'space_id')).toThrow(/no column "connection_time_utc"/);
  });

  describe.skipIf(realDataMissingLocally('acn_caltech_sessions_2021-05_2021-09.csv'))('the real file', () => {
    it('has the 2,114 sessions and the DC fast charger SOURCES.md describes', () => {
      const sessions = parseAcnSessions(readRealData('acn_caltech_sessions_2021-05_2021-09.csv'), 'space_id');
      expect(sessions).toHaveLength(2114);
      expect(sessions.filter((s) => s.chargerId === '11900388')).toHaveLength(618);
      expect(new Set(sessions.map((s) => s.chargerId)).size).toBe(42);
    });

    it('every Level-2 space is an EVSE of the caltech site model; only the DC fast charger is excluded', () => {
      const sessions = parseAcnSessions(readRealData('acn_caltech_sessions_2021-05_2021-09.csv'), 'space_id');
      const m = matchChargers(shipped('caltech-month'), sessions);
      expect(m.excluded).toHaveLength(618);
      expect(new Set(m.excluded.map((e) => `${e.chargerId}:${e.reason}`))).toEqual(new Set(['11900388:dc-fast-charger']));
      expect(m.matched).toHaveLength(2114 - 618);
    });
  });
});

describe('unknown chargers', () => {
  const session = (chargerId: string) => ({ id: `s-${chargerId}`, chargerId, arrivalUtcMs: 0, departureUtcMs: 3_600_000, declaredDepartureUtcMs: undefined, deliveredKwh: 5, requestedKwh: undefined, line: 0 });

  it("are skipped and reported under 'skip'", () => {
    const m = matchChargers(demoScenario(), [session('dc-01'), session('nowhere')]);
    expect(m.matched.map((x) => x.charger.id)).toEqual(['dc-01']);
    expect(m.excluded).toEqual([{ id: 's-nowhere', chargerId: 'nowhere', reason: 'unknown-charger', line: 0 }]);
  });

  it("are created from the model under 'auto-create', and reported", () => {
    const s = demoScenario({ site: { unknownChargers: 'auto-create', autoCreateCharger: { maxPowerKw: 7.4, canDischarge: false } } });
    const m = matchChargers(s, [session('nowhere'), session('nowhere')]);
    expect(m.autoCreated).toEqual(['nowhere']);
    expect(m.matched.map((x) => [x.charger.id, x.charger.maxPowerKw, x.charger.autoCreated])).toEqual([['nowhere', 7.4, true], ['nowhere', 7.4, true]]);
  });
});

describe('time alignment of 2021 sessions with 2023 prices', () => {
  const rule = { fromZone: 'America/Los_Angeles', shiftDays: 728 };

  it('keeps the local wall-clock time and the weekday, in the site zone', () => {
    // Monday 2021-08-09 08:30 in Pasadena -> Monday 2023-08-07 08:30 in Brussels.
    const t = alignInstant(Date.parse('2021-08-09T15:30:00Z'), rule, 'Europe/Brussels');
    expect(new Date(t).toISOString()).toBe('2023-08-07T06:30:00.000Z');
    expect(DateTime.fromMillis(t, { zone: 'Europe/Brussels' }).weekday).toBe(1);
  });

  it('keeps the stay and the declared stay exactly', () => {
    const s = { id: 's', chargerId: 'c', arrivalUtcMs: Date.parse('2021-08-09T15:30:00Z'), departureUtcMs: Date.parse('2021-08-10T01:00:00Z'), declaredDepartureUtcMs: Date.parse('2021-08-10T02:00:00Z'), deliveredKwh: 1, requestedKwh: undefined, line: 0 };
    const a = alignSession(s, rule, 'Europe/Brussels');
    expect(a.departureUtcMs - a.arrivalUtcMs).toBe(s.departureUtcMs - s.arrivalUtcMs);
    expect(a.declaredDepartureUtcMs! - a.arrivalUtcMs).toBe(s.declaredDepartureUtcMs - s.arrivalUtcMs);
  });

  it('moves a wall-clock time that does not exist in the site zone to the end of the gap', () => {
    // 2021-03-28 02:30 in Los Angeles (PDT) + 728 days = 2023-03-26 02:30, inside Brussels' spring-forward gap.
    const t = alignInstant(Date.parse('2021-03-28T09:30:00Z'), rule, 'Europe/Brussels');
    expect(new Date(t).toISOString()).toBe('2023-03-26T01:00:00.000Z');
  });
});

describe('generated sessions', () => {
  const spec = { seed: 3, zone: 'Europe/Brussels', fromUtcMs: Date.parse('2023-06-05T00:00:00+02:00'), toUtcMs: Date.parse('2023-06-07T00:00:00+02:00'), sessionsPerDay: 10, chargerIds: ['a', 'b', 'c'] };

  it('are deterministic for a seed and different for another', () => {
    expect(generateSessions(spec)).toEqual(generateSessions(spec));
    expect(generateSessions({ ...spec, seed: 4 })).not.toEqual(generateSessions(spec));
  });

  it('never put two vehicles on one charger at once, and stay in the period', () => {
    const sessions = generateSessions(spec);
    expect(sessions.length).toBeGreaterThan(3);
    for (const id of spec.chargerIds) {
      const mine = sessions.filter((s) => s.chargerId === id);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.arrivalUtcMs).toBeGreaterThanOrEqual(mine[i - 1]!.departureUtcMs);
    }
    for (const s of sessions) {
      expect(s.arrivalUtcMs).toBeGreaterThanOrEqual(spec.fromUtcMs);
      expect(s.arrivalUtcMs).toBeLessThan(spec.toUtcMs);
      expect(s.departureUtcMs).toBeGreaterThan(s.arrivalUtcMs);
    }
  });
});
