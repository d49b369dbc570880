/**
 * The composite schedule (stack levels, purposes, the station maximum) and `sameFuture` (the resend
 * decision), on hand-made profiles.
 */
import { describe, expect, it } from 'vitest';
import { sameFuture } from '../../../adapters/ocpp/absolute-schedule.ts';
import { compositeSchedule } from '../../../adapters/ocpp/composite-schedule.ts';
import type { ProfileSpec } from '../../../adapters/ocpp/profile-spec.ts';
import { compositeMatches } from '../../../adapters/ocpp/resync.ts';

const T0 = Date.parse('2025-01-06T08:00:00Z');

function profile(override: Partial<ProfileSpec>): ProfileSpec {
  return { id: 1, purpose: 'TxProfile', evseId: 1, stackLevel: 0, transactionId: 'tx', startScheduleUtcMs: T0, durationS: 3600, rateUnit: 'W', periods: [{ startPeriodS: 0, limit: 7000 }], ...override };
}

const composite = (profiles: ProfileSpec[], activeTransactionId: string | null = 'tx', durationS = 3600, unconstrainedW?: number) =>
  compositeSchedule({ profiles, evseId: 1, ...(activeTransactionId !== null ? { activeTransactionId } : {}), fromUtcMs: T0, durationS, unit: 'W', voltageV: 230, phases: 3, ...(unconstrainedW ? { unconstrainedW } : {}) })
    .periods.map((p) => [p.startPeriodS, p.target ?? null]);

describe('compositeSchedule', () => {
  it('the highest stack level covering an instant wins; below it the lower level shows through', () => {
    const low = profile({ id: 1, stackLevel: 0, periods: [{ startPeriodS: 0, limit: 3000 }] });
    const high = profile({ id: 2, stackLevel: 3, durationS: 1800, periods: [{ startPeriodS: 0, limit: 9000 }] });
    expect(composite([low, high])).toEqual([[0, 9000], [1800, 3000]]);
  });

  it('TxProfile beats TxDefaultProfile; the EVSE-specific default beats the one on 0; the station maximum caps', () => {
    const def0 = profile({ id: 3, purpose: 'TxDefaultProfile', evseId: 0, transactionId: undefined, periods: [{ startPeriodS: 0, limit: 1000 }] });
    const def1 = profile({ id: 4, purpose: 'TxDefaultProfile', transactionId: undefined, durationS: 2700, periods: [{ startPeriodS: 0, limit: 2000 }] });
    const tx = profile({ id: 5, durationS: 900, periods: [{ startPeriodS: 0, limit: 11000 }] });
    const max = profile({ id: 6, purpose: 'StationMaxProfile', evseId: 0, transactionId: undefined, periods: [{ startPeriodS: 0, limit: 8000 }] });
    expect(composite([def0, def1, tx, max])).toEqual([[0, 8000], [900, 2000], [2700, 1000]]);
  });

  it('a TxProfile of another transaction does not apply; with none, the hardware maximum (or open)', () => {
    expect(composite([profile({})], 'other', 3600, 22_080)).toEqual([[0, 22_080]]);
    expect(composite([profile({})], null)).toEqual([[0, null]]);
  });

  it('a 2.1 CentralSetpoint discharge is not capped by the import maximum', () => {
    const tx = profile({ periods: [{ startPeriodS: 0, operationMode: 'CentralSetpoint', setpoint: -5000, dischargeLimit: -5000 }] });
    const max = profile({ id: 6, purpose: 'StationMaxProfile', evseId: 0, transactionId: undefined, periods: [{ startPeriodS: 0, limit: 3000 }] });
    expect(composite([tx, max])).toEqual([[0, -5000]]);
  });

  it('A profiles are converted with their phases', () => {
    const tx = profile({ rateUnit: 'A', periods: [{ startPeriodS: 0, limit: 16, numberPhases: 1 }] });
    expect(composite([tx])).toEqual([[0, 3680]]);
  });
});

describe('sameFuture (resend only when the plan changed)', () => {
  const installed = profile({ durationS: 4 * 900, periods: [{ startPeriodS: 0, limit: 7000 }, { startPeriodS: 1800, limit: 3000 }] });

  it('the same schedule rebuilt from a later slot asks the same from now on', () => {
    const rebuilt = profile({ startScheduleUtcMs: T0 + 900_000, durationS: 3 * 900, periods: [{ startPeriodS: 0, limit: 7000 }, { startPeriodS: 900, limit: 3000 }] });
    expect(sameFuture(installed, rebuilt, T0 + 1_000_000)).toBe(true);
  });

  it('a changed value, transaction, unit or end differs', () => {
    expect(sameFuture(installed, profile({ durationS: 3600, periods: [{ startPeriodS: 0, limit: 7000 }, { startPeriodS: 1800, limit: 3100 }] }), T0)).toBe(false);
    expect(sameFuture(installed, { ...installed, transactionId: 'other' }, T0)).toBe(false);
    expect(sameFuture(installed, { ...installed, rateUnit: 'A' }, T0)).toBe(false);
    expect(sameFuture(installed, { ...installed, durationS: 2700 }, T0)).toBe(false);
  });

  it('a cut profile is refreshed only from the start of its last period (or refreshAhead before its end), and not within the same slot', () => {
    const longerSameStart = { ...installed, durationS: 8 * 900 };
    expect(sameFuture(installed, longerSameStart, T0 + 40 * 60_000, 1_800_000)).toBe(true);
    const rebuiltLater = (minutes: number) => profile({ startScheduleUtcMs: T0 + minutes * 60_000, durationS: 7200 - minutes * 60, periods: minutes < 30 ? [{ startPeriodS: 0, limit: 7000 }, { startPeriodS: (30 - minutes) * 60, limit: 3000 }] : [{ startPeriodS: 0, limit: 3000 }] });
    expect(sameFuture(installed, rebuiltLater(15), T0 + 20 * 60_000, 1_800_000)).toBe(true);
    expect(sameFuture(installed, rebuiltLater(30), T0 + 31 * 60_000, 1_800_000)).toBe(false);
  });
});

describe('compositeMatches (re-sync)', () => {
  const expected = compositeSchedule({ profiles: [profile({})], evseId: 1, activeTransactionId: 'tx', fromUtcMs: T0, durationS: 3600, unit: 'W', voltageV: 230, phases: 3 });

  it('equal within rounding and a few seconds of clock skew', () => {
    expect(compositeMatches(expected, { startUtcMs: T0 + 3000, durationS: 3600, rateUnit: 'W', periods: [{ startPeriodS: 0, limit: 7001 }] })).toBe(true);
  });

  it('a different value, unit, or no answer is a mismatch', () => {
    expect(compositeMatches(expected, { startUtcMs: T0, durationS: 3600, rateUnit: 'W', periods: [{ startPeriodS: 0, limit: 6000 }] })).toBe(false);
    expect(compositeMatches(expected, { startUtcMs: T0, durationS: 3600, rateUnit: 'A', periods: [{ startPeriodS: 0, limit: 7000 }] })).toBe(false);
    expect(compositeMatches(expected, undefined)).toBe(false);
  });
});
