/**
 * Property (issue 11): no transaction ever receives a negative limit (a discharge) unless its own session's
 * plan asks for it and its charger can discharge (negative-limit V2G configured, or 2.1 V2X with a
 * bidirectional EV); a transaction without its own plan gets only its charge-only first limit; a profile
 * always names the running transaction. Over random EVSE states: schedules of several sessions (own,
 * another transaction's, API sessions, unbound), discharging plans, negative first limits, versions,
 * units and capabilities.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultCapabilities, defaultChargerSettings } from '../../../adapters/ocpp/capabilities.ts';
import type { EvseSchedule } from '../../../adapters/ocpp/charger-plan.ts';
import { defaultSessionIdOf, type ChargerRecord, type EvseRecord } from '../../../adapters/ocpp/charger-record.ts';
import { desiredFor, evseDischargeMode } from '../../../adapters/ocpp/profile-delivery.ts';
import { periodTarget } from '../../../adapters/ocpp/profile-spec.ts';
import { kwToRate } from '../../../adapters/ocpp/rate-units.ts';

const T0 = Date.parse('2025-01-06T08:00:00Z');
const SLOT = 900_000;

const txArb = fc.constantFrom('t1', 't2', undefined);
const scheduleArb: fc.Arbitrary<EvseSchedule> = fc.record({
  sessionId: fc.constantFrom(defaultSessionIdOf('CP1', 1, 't1'), defaultSessionIdOf('CP1', 1, 't2'), 'api-ev-0003', undefined),
  transactionId: txArb,
  powerKw: fc.array(fc.double({ min: -22, max: 22, noNaN: true }), { minLength: 1, maxLength: 8 }),
}).map(({ sessionId, transactionId, powerKw }) => ({
  chargerId: 'CP1', evseId: 1, startUtcMs: T0, slotMs: SLOT, powerKw,
  ...(sessionId !== undefined ? { sessionId } : {}), ...(transactionId !== undefined ? { transactionId } : {}),
}));

const stateArb = fc.record({
  version: fc.constantFrom('1.6' as const, '2.0.1' as const, '2.1' as const),
  rateUnits: fc.constantFrom(['W'] as const, ['A'] as const, ['A', 'W'] as const),
  v2x: fc.boolean(),
  negativeLimitDischarge: fc.boolean(),
  maxPeriods: fc.integer({ min: 1, max: 48 }),
  transactionId: txArb,
  evBidirectional: fc.boolean(),
  schedules: fc.array(scheduleArb, { maxLength: 4 }),
  firstLimit: fc.option(fc.record({ transactionId: fc.constantFrom('t1', 't2'), maxPowerKw: fc.double({ min: -22, max: 22, noNaN: true }) }), { nil: undefined }),
  nowOffsetMs: fc.integer({ min: 0, max: 10 * SLOT }),
});

describe('no negative limit without the own plan asking for it and a charger that can discharge', () => {
  it('holds for every EVSE state (property)', () => {
    fc.assert(
      fc.property(stateArb, (s) => {
        const record: ChargerRecord = {
          chargerId: 'CP1', version: s.version, phase: 'ready',
          capabilities: { ...defaultCapabilities, smartCharging: true, rateUnits: s.rateUnits, v2xCentralSetpoint: s.v2x, maxPeriods: s.maxPeriods, discovered: true },
          settings: { ...defaultChargerSettings, negativeLimitDischarge: s.negativeLimitDischarge }, evses: new Map(),
        };
        const evse: EvseRecord = {
          evseId: 1, schedules: s.schedules, status: 'no-plan', attempts: 0, evBidirectional: s.evBidirectional,
          ...(s.transactionId !== undefined ? { transactionId: s.transactionId } : {}),
          ...(s.firstLimit ? { firstLimit: { ...s.firstLimit, reason: 'test', sinceUtcMs: T0 } } : {}),
        };
        record.evses.set(1, evse);
        const now = T0 + s.nowOffsetMs;
        const desired = desiredFor(record, evse, now);
        if (desired.kind !== 'send') return;
        expect(desired.spec.transactionId).toBe(s.transactionId);
        const values = desired.spec.periods.map(periodTarget);
        // The oracle, written independently of ownSchedule: the schedule naming this transaction or its session.
        const own = s.transactionId === undefined ? undefined
          : s.schedules.find((x) => x.transactionId === s.transactionId || (x.transactionId === undefined && x.sessionId === `CP1/1/${s.transactionId}`));
        if (values.some((v) => v < 0)) {
          expect(own).toBeDefined();
          expect(own!.powerKw.some((kw) => kw < 0)).toBe(true);
          expect(evseDischargeMode(record, evse)).not.toBe('none');
        }
        if (!own) {
          expect(evse.firstLimit?.transactionId).toBe(s.transactionId);
          const cap = kwToRate(Math.max(0, evse.firstLimit!.maxPowerKw), desired.spec.rateUnit, 230, 3);
          for (const v of values) expect(v >= 0 && v <= cap).toBe(true);
        } else {
          // Only the own schedule's values (as rates, clamped to 0 where the charger cannot discharge).
          const allowed = new Set(own.powerKw.map((kw) => kwToRate(evseDischargeMode(record, evse) === 'none' ? Math.max(0, kw) : kw, desired.spec.rateUnit, 230, 3)));
          for (const v of values) expect(allowed.has(v)).toBe(true);
        }
      }),
      { numRuns: 2_000, seed: 11 },
    );
  });
});
